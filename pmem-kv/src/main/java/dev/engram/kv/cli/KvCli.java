package dev.engram.kv.cli;

import dev.engram.kv.KvException;
import dev.engram.kv.PoolFormat;
import dev.engram.region.RegionException;
import dev.engram.region.RegionHeader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ./engram kv COMMAND --pool PATH ...}: the key-value store from the shell.
 *
 * <p>Every command opens the pool, does one thing and closes it (a close makes buffered writes
 * durable). Failures print one line, {@code engram kv: <message>}, and end with an exit status from
 * {@link ExitCode}; there are no stack traces unless {@code ENGRAM_KV_DEBUG=1}.
 *
 * <pre>{@code
 * ./engram kv create --pool /dev/shm/p --engine sorted --size 64M
 * ./engram kv put --pool /dev/shm/p user:1 alice
 * ./engram kv get --pool /dev/shm/p user:1          # alice
 * ./engram kv scan --pool /dev/shm/p --prefix user: --limit 10
 * }</pre>
 */
@Command(name = "engram kv", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = KvCli.Version.class,
        description = {
                "The Engram key-value store on a persistent-memory pool.",
                "Keys and values on the command line are UTF-8 strings; import and export use JSON lines.",
                "Every command takes --pool PATH and --mode crawl|walk|run (default walk)."},
        subcommands = {CreateCommand.class, PutCommand.class, GetCommand.class, DeleteCommand.class,
                ScanCommand.class, ImportCommand.class, ExportCommand.class, StatsCommand.class,
                CheckCommand.class, CompactCommand.class, DestageCommand.class, InfoCommand.class},
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
                "  ./engram kv create --pool /dev/shm/pool --engine sorted --size 64M",
                "  ./engram kv put    --pool /dev/shm/pool user:1 alice",
                "  ./engram kv get    --pool /dev/shm/pool user:1",
                "  ./engram kv scan   --pool /dev/shm/pool --prefix user: --limit 10",
                "  ./engram kv import --pool /dev/shm/pool --file data.jsonl --ack",
                "  ./engram kv check  --pool /dev/shm/pool"})
public final class KvCli implements Callable<Integer> {

    final Io io;

    @Spec
    private CommandSpec spec;

    KvCli(Io io) {
        this.io = io;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command on this process's standard streams; returns its exit status. */
    public static int run(String... args) {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        return run(new Io(System.in, out, err, stderrIsTerminal()), args);
    }

    /** Runs one command on the given streams (tests capture them); returns its exit status. */
    public static int run(InputStream in, PrintStream out, PrintStream err, String... args) {
        return run(new Io(in, out, err, false), args);
    }

    static int run(Io io, String... args) {
        try {
            return commandLine(io).execute(args);
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }

    /** The command tree, with the exit-code table, the converters and the two error handlers. */
    static CommandLine commandLine(Io io) {
        CommandLine cl = new CommandLine(new KvCli(io));
        cl.setOut(new PrintWriter(new OutputStreamWriter(io.out(), StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(io.err(), StandardCharsets.UTF_8), true));
        cl.setExecutionExceptionHandler(executionFailure(io));
        cl.setParameterExceptionHandler(usageError(io));
        addExitCodes(cl);
        return cl;
    }

    private static void addExitCodes(CommandLine cl) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.helpTable());
        for (CommandLine sub : cl.getSubcommands().values()) {
            addExitCodes(sub);
        }
    }

    /** A bad command line: the message, picocli's suggestions, and where to find help. Exit 64. */
    private static IParameterExceptionHandler usageError(Io io) {
        return (ex, args) -> {
            io.err().println("engram kv: " + ex.getMessage());
            PrintWriter suggestions = new PrintWriter(new OutputStreamWriter(io.err(), StandardCharsets.UTF_8), true);
            UnmatchedArgumentException.printSuggestions(ex, suggestions);
            suggestions.flush();
            io.err().println("Try './" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return ExitCode.USAGE.code;
        };
    }

    /** A failure while a command ran: one line, no stack trace; the status from {@link ExitCode}. */
    private static IExecutionExceptionHandler executionFailure(Io io) {
        return (ex, cmd, parseResult) -> {
            ExitCode exit;
            String message;
            switch (ex) {
                case CliException e -> {
                    exit = e.exitCode();
                    message = e.getMessage();
                }
                case KvException e -> {
                    exit = ExitCode.of(e.code());
                    message = e.getMessage();
                }
                case RegionException e -> {
                    exit = ExitCode.of(e.code());
                    message = e.getMessage();
                }
                case UncheckedIOException e -> {
                    exit = ExitCode.IO_ERROR;
                    message = describe(e.getCause());
                }
                case IOException e -> {
                    exit = ExitCode.IO_ERROR;
                    message = describe(e);
                }
                default -> {
                    exit = ExitCode.INTERNAL;
                    message = "internal error: " + ex + " (set ENGRAM_KV_DEBUG=1 for the stack trace, and please report it)";
                }
            }
            io.out().flush();
            io.err().println("engram kv: " + message);
            if ("1".equals(System.getenv("ENGRAM_KV_DEBUG"))) {
                ex.printStackTrace(io.err());
            }
            return exit.code;
        };
    }

    /** An I/O failure as a person reads it: the file and what went wrong. */
    private static String describe(IOException e) {
        return switch (e) {
            case NoSuchFileException f -> f.getFile() + ": no such file or directory";
            case AccessDeniedException f -> f.getFile() + ": permission denied";
            case FileSystemException f -> f.getFile() + ": " + (f.getReason() == null ? f.getClass().getSimpleName() : f.getReason());
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }

    /** {@code ./engram kv} alone: a usage error that lists the commands. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** On Linux, whether file descriptor 2 is a terminal; false where that cannot be told. */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** {@code --version}: the build and the on-media formats it reads. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String build = KvCli.class.getPackage().getImplementationVersion();
            return new String[]{
                    "engram kv " + (build == null ? "(development build)" : build),
                    "pool format " + PoolFormat.MAJOR + "." + PoolFormat.MINOR
                            + ", region format " + RegionHeader.MAJOR + "." + RegionHeader.MINOR};
        }
    }
}
