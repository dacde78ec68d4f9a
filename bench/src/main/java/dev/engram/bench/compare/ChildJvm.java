package dev.engram.bench.compare;

import dev.engram.bench.store.PeerJvmFlags;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Java main run in a JVM of its own, with this JVM's binary, class path and flags plus the peers'
 * ({@link PeerJvmFlags}): {@code bench compare} runs each store in its own JVM, so each JVM's workload
 * call sites see one store class (monomorphic, as a real application's would), a failing peer cannot
 * take the comparison down, and the demo (whose JVM lacks the peers' flags) can still drive the peers.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * Copies every entry of this JVM's class path (jars and class directories) into {@code into} and returns
     * the class path of the copies: other sessions rebuild the modules' jars in place while a comparison
     * runs, and a child JVM must not load half a jar or a newer engine than the one the run started with.
     */
    public static String snapshotClassPath(Path into) {
        List<String> copies = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path source = Path.of(entry);
            Path target = into.resolve((n++) + "-" + source.getFileName());
            try {
                if (Files.isDirectory(source)) {
                    try (Stream<Path> files = Files.walk(source)) {
                        for (Path f : (Iterable<Path>) files::iterator) {
                            Path t = target.resolve(source.relativize(f).toString());
                            if (Files.isDirectory(f)) {
                                Files.createDirectories(t);
                            } else {
                                Files.copy(f, t, StandardCopyOption.REPLACE_EXISTING);
                            }
                        }
                    }
                } else if (Files.exists(source)) {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    continue;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy class path entry " + source + ": " + e.getMessage(), e);
            }
            copies.add(target.toString());
        }
        return String.join(File.pathSeparator, copies);
    }

    /** The command line that runs {@code mainClass} with {@code args} in a new JVM, on this JVM's class path. */
    public static List<String> command(String mainClass, List<String> args) {
        return command(mainClass, args, System.getProperty("java.class.path"));
    }

    /** The command line that runs {@code mainClass} with {@code args} in a new JVM on {@code classPath}. */
    public static List<String> command(String mainClass, List<String> args, String classPath) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        List<String> inherited = ManagementFactory.getRuntimeMXBean().getInputArguments();
        command.addAll(inherited);
        for (int i = 0; i < PeerJvmFlags.FLAGS.size(); i++) {
            String flag = PeerJvmFlags.FLAGS.get(i);
            boolean takesValue = flag.equals("--add-opens") || flag.equals("--add-exports");
            if (takesValue) {
                String value = PeerJvmFlags.FLAGS.get(++i);
                if (!hasPair(inherited, flag, value)) {
                    command.add(flag);
                    command.add(value);
                }
            } else if (!inherited.contains(flag)) {
                command.add(flag);
            }
        }
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    private static boolean hasPair(List<String> flags, String flag, String value) {
        for (int i = 0; i + 1 < flags.size(); i++) {
            if (flags.get(i).equals(flag) && flags.get(i + 1).equals(value)) {
                return true;
            }
        }
        return flags.contains(flag + "=" + value);
    }

    /**
     * Runs the command with stdout and stderr appended to {@code log}; returns its exit code, or -1 when
     * it did not end within {@code timeoutSeconds} (it is then destroyed).
     */
    public static int run(List<String> command, File log, long timeoutSeconds) {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        try {
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}
