package dev.engram.neuro.experiment;

import dev.engram.neuro.data.Crop;
import dev.engram.neuro.data.DataException;
import dev.engram.neuro.data.Mnist;
import dev.engram.neuro.data.TrainTest;
import dev.engram.neuro.pcm.PcmPoolException;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code ./engram neuro train|sweep|report}: the experiments from the shell.
 *
 * <pre>{@code
 * ./engram neuro train --synapse pcm --device ibm2014 --protocol ibm-5k --epochs 20 --out runs/pcm
 * ./engram neuro sweep                                  # the default dead-conductor sweep, ~2 min on 2 cores
 * ./engram neuro sweep --fault stuck-on --fractions 0,0.05,0.1,0.2,0.3 --seeds 3 --out runs/stuck-on
 * ./engram neuro report --in runs/pcm runs/sweep --out runs/report
 * }</pre>
 *
 * Failures print one line, {@code engram neuro: <message>}, and exit with a status from the table in
 * {@code --help}; usage errors are 64 (BSD sysexits), as in {@code ./engram kv}.
 */
@Command(name = "engram neuro", mixinStandardHelpOptions = true, version = "engram neuro experiments",
        description = {"Training runs, fault sweeps and reports of the 528-250-125-10 MNIST network over float, PCM "
                + "or spiking synapses."},
        subcommands = {TrainCommand.class, SweepCommand.class, ReportCommand.class, BenchCommand.class},
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
                "  ./engram neuro train --synapse pcm --device ibm2014 --protocol ibm-5k --epochs 20 --out runs/pcm",
                "  ./engram neuro sweep          (dead conductors 0-60 %%, 2 seeds, 10 epochs, ibm2014, ibm-5k)",
                "  ./engram neuro sweep --fault stuck-on --fractions 0,0.1,0.2,0.3 --seeds 3 --out runs/stuck-on",
                "  ./engram neuro report --in runs/pcm runs/sweep --out runs/report"})
public final class NeuroCli implements Callable<Integer> {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 64;
    static final int BAD_INPUT = 65;
    static final int NO_DATA = 66;
    static final int INTERNAL = 70;
    static final int IO_ERROR = 74;

    /** Loads the data a run needs; tests hand in a synthetic one. */
    @FunctionalInterface
    public interface DataSource {
        /**
         * The train/test data from {@code dir} for a network of {@code inputs} inputs.
         *
         * @throws DataException if it is absent or corrupt
         */
        TrainTest load(Path dir, int inputs);
    }

    /** MNIST from the cache: 528 inputs take the IBM 22×24 crop, 784 the whole image. */
    public static final DataSource MNIST = (dir, inputs) -> {
        Crop crop = switch (inputs) {
            case 528 -> Crop.MNIST_22X24;
            case 784 -> Crop.none(28, 28);
            default -> throw new IllegalArgumentException("widths: the first width must be 528 (the IBM 22×24 crop) or "
                    + "784 (whole MNIST images), found " + inputs);
        };
        return Mnist.load(dir, crop);
    };

    /** The PCM and region loggers report every array created and every fault injected; the CLI prints its own. */
    private static final Logger QUIET = Logger.getLogger("dev.engram");

    final PrintStream out;
    final PrintStream err;
    final DataSource data;
    final boolean terminal;
    final String commandLine;

    @Spec
    private CommandSpec spec;

    NeuroCli(PrintStream out, PrintStream err, DataSource data, boolean terminal, String commandLine) {
        this.out = out;
        this.err = err;
        this.data = data;
        this.terminal = terminal;
        this.commandLine = commandLine;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(run(args));
    }

    /** Runs one command on this process's standard streams and MNIST; returns its exit status. */
    public static int run(String... args) {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
                StandardCharsets.UTF_8);
        return run(out, err, MNIST, ProgressBar.stderrIsTerminal(), args);
    }

    /** Runs one command on the given streams and data (tests); returns its exit status. */
    public static int run(PrintStream out, PrintStream err, DataSource data, boolean terminal, String... args) {
        QUIET.setLevel(Level.WARNING);
        String line = "./engram neuro " + String.join(" ", args);
        try {
            return commandLine(new NeuroCli(out, err, data, terminal, line.strip())).execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    static CommandLine commandLine(NeuroCli root) {
        CommandLine cl = new CommandLine(root);
        cl.setOut(new PrintWriter(new OutputStreamWriter(root.out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new OutputStreamWriter(root.err, StandardCharsets.UTF_8), true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            root.err.println("engram neuro: " + ex.getMessage());
            PrintWriter suggestions = new PrintWriter(new OutputStreamWriter(root.err, StandardCharsets.UTF_8), true);
            UnmatchedArgumentException.printSuggestions(ex, suggestions);
            suggestions.flush();
            root.err.println("Try './" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            int exit;
            String message;
            switch (ex) {
                case DataException e when e.code() == DataException.Code.MISSING -> {
                    exit = NO_DATA;
                    message = e.getMessage() + " (./engram neuro fetch-data downloads it)";
                }
                case DataException e -> {
                    exit = BAD_INPUT;
                    message = e.getMessage();
                }
                case ExperimentException e -> {
                    exit = BAD_INPUT;
                    message = e.getMessage();
                }
                case IllegalArgumentException e -> {
                    exit = USAGE;
                    message = e.getMessage();
                }
                case PcmPoolException e -> {
                    exit = IO_ERROR;
                    message = e.getMessage();
                }
                case UncheckedIOException e -> {
                    exit = IO_ERROR;
                    message = e.getMessage() + ": " + e.getCause().getMessage();
                }
                case IOException e -> {
                    exit = IO_ERROR;
                    message = e.toString();
                }
                default -> {
                    exit = INTERNAL;
                    message = "internal error: " + ex + " (set ENGRAM_NEURO_DEBUG=1 for the stack trace)";
                }
            }
            root.out.flush();
            root.err.println("engram neuro: " + message);
            if ("1".equals(System.getenv("ENGRAM_NEURO_DEBUG"))) {
                ex.printStackTrace(root.err);
            }
            return exit;
        });
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "success");
        codes.put("64", "usage error: unknown command or option, a bad value or combination");
        codes.put("65", "input refused: a report input that is no run or sweep, an --out holding another sweep");
        codes.put("66", "MNIST is not in the data directory (./engram neuro fetch-data)");
        codes.put("70", "internal error (a bug)");
        codes.put("74", "an I/O error");
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        }
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        return cl;
    }

    /** {@code ./engram neuro} alone: a usage error listing the commands. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
