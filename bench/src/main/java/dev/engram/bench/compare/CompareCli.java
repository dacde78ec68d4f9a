package dev.engram.bench.compare;

import dev.engram.bench.WorkFiles;
import dev.engram.bench.store.StoreKind;
import dev.engram.bench.workload.BenchCli;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./engram bench compare [--quick]}: the standard comparison ({@link ComparePlan}): every store at
 * its fastest and its power-safe setting, the db_bench and YCSB workloads and the floors, each store in a
 * JVM of its own, into one results directory: {@code results.json} (every result, JSON Lines),
 * {@code console/STEP.txt} (each JVM's output), {@code plots/*.png} and a {@code README.md} with the
 * machine, the JVM, the commands, the tables (power-safe results only beside power-safe ones, every Engram
 * row as a fraction of its floor) and the issue's targets, met or missed.
 *
 * <p>Exit codes: 0 every step ran; 1 a step failed (the report is still written, naming it); 2 usage.
 */
@Command(name = "engram bench compare", sortOptions = false, usageHelpAutoWidth = true,
        synopsisHeading = "Usage: ", customSynopsis = "./engram bench compare [--quick] [OPTIONS]",
        description = {"", "Every store, the workloads and the floors, side by side; writes bench/results/<date>-compare/."},
        optionListHeading = "%nOptions:%n",
        footer = {"", "Default: 1 M keys, 16 B keys, 100 B values, one thread, each measured phase at most 6 s (warm-ups "
                + "2 s); about 12-18 minutes on two busy cores. --quick: 100 k keys, 2 s, fewer workloads; a couple of minutes.",
                "Each step is one JVM running ./engram bench WORKLOADS ... --label STEP; the README lists them all."})
public final class CompareCli implements Callable<Integer> {

    /** Longest a single step may run before it is stopped and reported as failed. */
    static final long STEP_TIMEOUT_SECONDS = 600;

    @Option(names = "--quick", description = "The short comparison: 100 k keys, 2 s per phase, fewer workloads.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Results directory. Default: bench/results/<date>-compare (or -compare-quick), with -2, -3 ... "
                    + "when it exists.")
    Path out;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/dev/shm",
            description = "Where the stores and floors live. Default: ${DEFAULT-VALUE}.")
    Path dir;

    @Option(names = "--ext4-dir", paramLabel = "DIR", defaultValue = "/tmp",
            description = "An ordinary disk file system for the power-safe puts against fdatasync ('none' to skip; "
                    + "--quick skips it). Default: ${DEFAULT-VALUE}.")
    String ext4Dir;

    @Option(names = "--stores", paramLabel = "LIST", split = ",",
            description = "Stores to compare. Default: engram,lmdb,rocksdb,chronicle,mapdb,mvstore.")
    List<String> stores;

    @Option(names = "--keys", paramLabel = "N", converter = BenchCli.CountConverter.class,
            description = "Keys per store instead of the plan's (1 M; --quick 100 k).")
    Long keys;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "Cap of every measured phase instead of the plan's (6 s; --quick 2 s).")
    Double seconds;

    @Option(names = "--dry-run", description = "Print the steps and exit.")
    boolean dryRun;

    @Option(names = "--report-only", paramLabel = "DIR",
            description = "Rewrite the README and plots of an earlier comparison in DIR from its results.json and "
                    + "steps.json, measuring nothing (same options as the run, e.g. --quick).")
    Path reportOnly;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private PrintStream log = System.out;

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    static int execute(String[] args, PrintStream out, PrintStream err) {
        CompareCli cli = new CompareCli();
        cli.log = out;
        CommandLine cmd = new CommandLine(cli);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    /** The plan these options describe. */
    ComparePlan plan() {
        List<StoreKind> kinds = new ArrayList<>();
        for (String s : stores == null ? List.of("engram", "lmdb", "rocksdb", "chronicle", "mapdb", "mvstore") : stores) {
            StoreKind k = StoreKind.byId(s);
            if (k == null) {
                throw new IllegalArgumentException("--stores: unknown store '" + s + "': expected " + StoreKind.ids());
            }
            kinds.add(k);
        }
        Path ext4 = "none".equals(ext4Dir) ? null : Path.of(ext4Dir);
        ComparePlan plan = ComparePlan.standard(quick, dir, ext4, kinds);
        if (keys != null) {
            plan = plan.withKeys(keys);
        }
        if (seconds != null) {
            plan = plan.withSeconds(seconds);
        }
        return plan;
    }

    @Override
    public Integer call() {
        ComparePlan plan;
        try {
            plan = plan();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage(), e);
        }
        if (reportOnly != null) {
            return report(plan, reportOnly, log);
        }
        Path results = outputDirectory();
        Path json = results.resolve("results.json");
        List<ComparePlan.Step> steps = plan.steps(json);
        if (dryRun) {
            for (ComparePlan.Step s : steps) {
                log.println(s.id() + ": ./engram bench " + String.join(" ", s.args()));
            }
            return 0;
        }
        return run(plan, steps, results, json, log);
    }

    /**
     * Runs every step into {@code results}, then writes the report and plots; 0 when every step succeeded.
     * Used by the command and by the demo's comparison.
     */
    static int run(ComparePlan plan, List<ComparePlan.Step> steps, Path results, Path json, PrintStream log) {
        Path console = results.resolve("console");
        try {
            Files.createDirectories(console);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + console + ": " + e.getMessage(), e);
        }
        Host before = Host.describe(plan.dir(), plan.ext4Dir());
        Path snapshot;
        String classPath;
        try {
            snapshot = Files.createTempDirectory("engram-compare-classpath-");
            classPath = ChildJvm.snapshotClassPath(snapshot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot snapshot the class path: " + e.getMessage(), e);
        }
        log.printf(Locale.ROOT, "engram bench compare%s: %d steps, %d stores, %,d keys, phases <= %s s, into %s%n",
                plan.quick() ? " --quick" : "", steps.size(), plan.stores().size(), plan.keys(), plan.seconds(), results);
        log.printf(Locale.ROOT, "machine: %s; load average %s%n", before.cpu(), before.loadAverage());
        long t0 = System.nanoTime();
        List<StepOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            ComparePlan.Step step = steps.get(i);
            File logFile = console.resolve(step.id() + ".txt").toFile();
            List<String> command = ChildJvm.command("dev.engram.bench.workload.BenchCli", step.args(), classPath);
            long s0 = System.nanoTime();
            int before0 = Results.count(json);
            int exit = ChildJvm.run(command, logFile, STEP_TIMEOUT_SECONDS);
            double seconds = (System.nanoTime() - s0) / 1e9;
            List<java.util.Map<String, Object>> added = Results.read(json).subList(before0, Results.count(json));
            StepOutcome outcome = new StepOutcome(step, exit, seconds, added.size());
            outcomes.add(outcome);
            StepLog.append(results.resolve(StepLog.FILE), outcome, before);
            log.printf(Locale.ROOT, "[%2d/%d] %-26s %5.1f s  %s%n", i + 1, steps.size(), step.id(), seconds,
                    exit == 0 ? Results.brief(added) : "FAILED (exit " + exit + "; see console/" + step.id() + ".txt)");
        }
        double total = (System.nanoTime() - t0) / 1e9;
        WorkFiles.deleteTree(snapshot);
        Host after = Host.describe(plan.dir(), plan.ext4Dir());
        List<java.util.Map<String, Object>> all = Results.read(json);
        List<String> plots = ComparePlots.write(results.resolve("plots"), all, plan);
        CompareReport.write(results.resolve("README.md"), plan, outcomes, all, plots, before, after, total);
        log.printf(Locale.ROOT, "done in %.1f min: %s, %s, %d plots%n", total / 60, results.resolve("README.md"),
                json, plots.size());
        return outcomes.stream().allMatch(o -> o.exit() == 0) ? 0 : 1;
    }

    /** Rewrites README.md and plots/ of {@code results} from the files an earlier run left there. */
    static int report(ComparePlan plan, Path results, PrintStream log) {
        Path json = results.resolve("results.json");
        StepLog.Read steps = StepLog.read(results.resolve(StepLog.FILE));
        List<java.util.Map<String, Object>> all = Results.read(json);
        List<String> plots = ComparePlots.write(results.resolve("plots"), all, plan);
        double total = steps.outcomes().stream().mapToDouble(StepOutcome::seconds).sum();
        CompareReport.write(results.resolve("README.md"), plan, steps.outcomes(), all, plots, steps.before(),
                Host.describe(plan.dir(), plan.ext4Dir()).withLoadAverage(steps.lastLoadAverage()), total);
        log.printf(Locale.ROOT, "rewrote %s from %d results of %d steps; %d plots%n", results.resolve("README.md"),
                all.size(), steps.outcomes().size(), plots.size());
        return 0;
    }

    /** What one step did: its exit code (-1: timed out), wall time and results written. */
    record StepOutcome(ComparePlan.Step step, int exit, double seconds, int results) {
    }

    private Path outputDirectory() {
        if (out != null) {
            return out;
        }
        Path root = Path.of(System.getProperty("engram.root", "."));
        String base = LocalDate.now() + (quick ? "-compare-quick" : "-compare");
        Path candidate = root.resolve("bench/results").resolve(base);
        for (int n = 2; Files.exists(candidate); n++) {
            candidate = root.resolve("bench/results").resolve(base + "-" + n);
        }
        return candidate;
    }
}
