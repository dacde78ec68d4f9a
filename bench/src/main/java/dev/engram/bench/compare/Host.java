package dev.engram.bench.compare;

import dev.engram.pmem.Pmem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The machine a comparison ran on, read from {@code /proc} and the JVM: what a results README must
 * state so that a figure can be judged and reproduced.
 *
 * @param cpu         the CPU model and how many CPUs this JVM sees
 * @param memory      total memory
 * @param kernel      the kernel release
 * @param jvm         vendor, name and version of this JVM
 * @param fileSystems the file system type of each directory used
 * @param libpmem     libpmem's version, or why it is unavailable
 * @param loadAverage /proc/loadavg's first three fields: the machine's load at that moment
 * @param source      the source tree's commit and whether the engine or bench had uncommitted changes
 */
public record Host(String cpu, String memory, String kernel, String jvm, String fileSystems, String libpmem,
            String loadAverage, String source) {

    /** The same host with another load average (e.g. the one recorded at the end of a run). */
    public Host withLoadAverage(String load) {
        return new Host(cpu, memory, kernel, jvm, fileSystems, libpmem, load, source);
    }

    /** The load average now. */
    public static String loadAverageNow() {
        String load = firstLine(Path.of("/proc/loadavg"));
        String[] parts = load.split(" ");
        return parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : load;
    }

    public static Host describe(Path dir, Path ext4Dir) {
        String model = grep(Path.of("/proc/cpuinfo"), "model name");
        String cpu = (model.isEmpty() ? System.getProperty("os.arch") : model) + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs";
        String mem = grep(Path.of("/proc/meminfo"), "MemTotal");
        String memory = mem.isEmpty() ? "unknown" : String.format(Locale.ROOT, "%.1f GiB",
                Long.parseLong(mem.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
        String kernel = firstLine(Path.of("/proc/sys/kernel/osrelease"));
        String jvm = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + Runtime.version();
        String fs = dir + ": " + fsType(dir) + (ext4Dir == null ? "" : "; " + ext4Dir + ": " + fsType(ext4Dir));
        Pmem.Availability a = Pmem.availability();
        String libpmem = (a.available() ? "libpmem " + a.version() : "libpmem unavailable: " + a.reason())
                + ", PMEM_IS_PMEM_FORCE=" + (System.getenv("PMEM_IS_PMEM_FORCE") == null ? "unset"
                : System.getenv("PMEM_IS_PMEM_FORCE"));
        String load = firstLine(Path.of("/proc/loadavg"));
        String[] parts = load.split(" ");
        String loadAverage = parts.length >= 3 ? parts[0] + " " + parts[1] + " " + parts[2] : load;
        return new Host(cpu, memory, kernel, jvm, fs, libpmem, loadAverage, describeSource());
    }

    /** "git 1a2b3c4; uncommitted changes in pmem-kv (3 files)": read-only git queries of the source tree. */
    private static String describeSource() {
        Path root = Path.of(System.getProperty("engram.root", "."));
        String head = git(root, "rev-parse", "--short", "HEAD");
        if (head.isEmpty()) {
            return "unknown (no git checkout at " + root.toAbsolutePath() + ")";
        }
        StringBuilder b = new StringBuilder("git " + head);
        for (String module : new String[]{"pmem-kv", "native-headers", "bench"}) {
            String status = git(root, "status", "--porcelain", "--", module);
            long files = status.lines().filter(l -> !l.isBlank()).count();
            if (files > 0) {
                b.append("; uncommitted changes in ").append(module).append(" (").append(files).append(" files)");
            }
        }
        return b.toString();
    }

    private static String git(Path root, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", root.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String fsType(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String grep(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    int colon = line.indexOf(':');
                    return colon < 0 ? line : line.substring(colon + 1).strip();
                }
            }
        } catch (IOException e) {
            return "";
        }
        return "";
    }

    private static String firstLine(Path file) {
        try {
            return Files.readAllLines(file).stream().findFirst().orElse("").strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
