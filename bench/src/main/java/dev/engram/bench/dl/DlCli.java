package dev.engram.bench.dl;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.engram.bench.WorkFiles;
import dev.engram.bench.compare.ChildJvm;
import dev.engram.bench.compare.Host;
import dev.engram.bench.compare.Results;
import dev.engram.bench.store.BenchStore;
import dev.engram.bench.store.StoreKind;
import dev.engram.bench.store.StoreSpec;
import dev.engram.kv.KvOptions;
import dev.engram.neuro.data.Mnist;
import dev.engram.region.AccessMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./engram bench dl}: the deep-learning I/O workload ({@link DlRun}): MNIST's 70,000 digits as
 * records, shuffled full epochs, periodic 1-64 MiB checkpoints.
 *
 * <ul>
 *   <li>With {@code --store files|engram|lmdb|...}: one configuration in this JVM, results appended to
 *       {@code --json}.</li>
 *   <li>Without: the standard set, each configuration in a JVM of its own: one file per sample, Engram in
 *       CRAWL, WALK and RUN, and every peer at its fastest setting, on {@code --dir} (/dev/shm); files and
 *       Engram CRAWL and WALK again on {@code --ext4-dir} (/tmp); into {@code bench/results/DATE-dl/} with
 *       a README (the epoch read rate of each against one file per sample on the same file system).</li>
 * </ul>
 *
 * Exit codes: 0 done; 1 a run failed (wrong data read back, an I/O error); 2 usage.
 */
@Command(name = "engram bench dl", sortOptions = false, usageHelpAutoWidth = true,
        synopsisHeading = "Usage: ", customSynopsis = "./engram bench dl [--store NAME [--mode M]] [OPTIONS]",
        description = {"", "MNIST (70,000 x 785 B records) read in shuffled epochs with periodic checkpoints, per "
                + "Engram mode, against one file per sample and against the peers."},
        optionListHeading = "%nOptions:%n")
public final class DlCli implements Callable<Integer> {

    /** Longest one configuration may run in the standard set. */
    static final long RUN_TIMEOUT_SECONDS = 900;

    @Option(names = "--store", paramLabel = "NAME",
            description = "files, or a store: engram, lmdb, rocksdb, chronicle, mapdb, mvstore. Without it: the standard set.")
    String store;

    @Option(names = "--mode", paramLabel = "crawl|walk|run", converter = ModeConverter.class,
            description = "Engram's access mode. Default: walk.")
    AccessMode mode;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "/dev/shm",
            description = "File system the samples live on (each run in a fresh directory there). Default: ${DEFAULT-VALUE}.")
    Path dir;

    @Option(names = "--ext4-dir", paramLabel = "DIR", defaultValue = "/tmp",
            description = "Standard set: a disk file system for files and Engram again ('none' to skip). Default: ${DEFAULT-VALUE}.")
    String ext4Dir;

    @Option(names = "--mnist", paramLabel = "DIR", description = "The MNIST cache. Default: $ENGRAM_DATA/mnist or ~/.cache/engram/mnist.")
    Path mnist;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "3", description = "Measured epochs. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--checkpoint-mb", paramLabel = "MIB", defaultValue = "16",
            description = "MiB of each checkpoint written during the epochs (0: none). Default: ${DEFAULT-VALUE}.")
    int checkpointMb;

    @Option(names = "--checkpoint-every", paramLabel = "SAMPLES", defaultValue = "17500",
            description = "Samples between two checkpoints (4 per epoch by default). Default: ${DEFAULT-VALUE}.")
    int checkpointEvery;

    @Option(names = "--sweep-mb", paramLabel = "LIST", split = ",", defaultValue = "1,4,16,64",
            description = "Checkpoint sizes of the sweep, MiB. Default: ${DEFAULT-VALUE}.")
    List<Integer> sweepMb;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "3",
            description = "Checkpoints per sweep size. Default: ${DEFAULT-VALUE}.")
    int repeats;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0x20261122", converter = SeedConverter.class,
            description = "Seed of every epoch order and of the checkpoint bytes; printed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Append one JSON object per result to FILE.")
    Path json;

    @Option(names = "--out", paramLabel = "DIR", description = "Standard set: results directory. Default: bench/results/<date>-dl.")
    Path out;

    @Option(names = "--label", paramLabel = "TEXT", description = "Copied into every result's label field.")
    String label;

    @Option(names = "--report-only", paramLabel = "DIR",
            description = "Rewrite the README of an earlier standard set in DIR from its results.json and runs.json.")
    Path reportOnly;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private PrintStream log = System.out;

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    static int execute(String[] args, PrintStream out, PrintStream err) {
        DlCli cli = new DlCli();
        cli.log = out;
        CommandLine cmd = new CommandLine(cli);
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return cmd.execute(args);
    }

    private DlRun.Settings settings() {
        if (epochs < 1 || checkpointMb < 0 || checkpointMb > 1024 || checkpointEvery < 1 || repeats < 1
                || sweepMb.stream().anyMatch(m -> m < 1 || m > 1024)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--epochs, --checkpoint-every and --repeats "
                    + "must be at least 1; checkpoint sizes from 1 (0 for none in the epochs) to 1024 MiB");
        }
        return new DlRun.Settings(epochs, checkpointMb, checkpointEvery, List.copyOf(sweepMb), repeats, seed);
    }

    @Override
    public Integer call() {
        DlRun.Settings s = settings();
        if (reportOnly != null) {
            return report(s, reportOnly);
        }
        if (store == null) {
            return standardSet(s);
        }
        StoreKind kind = "files".equals(store) ? null : StoreKind.byId(store);
        if (kind == null && !"files".equals(store)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--store " + store
                    + ": expected files, " + StoreKind.ids());
        }
        if (mode != null && kind != StoreKind.ENGRAM) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--mode is Engram's; --store " + store + " has none");
        }
        MnistRecords data = MnistRecords.load(mnist != null ? mnist : Mnist.defaultCacheDir());
        log.printf(Locale.ROOT, "engram bench dl: %s%s on %s; %d epochs, %d MiB checkpoint every %,d samples, sweep %s MiB "
                        + "x %d; seed 0x%x (epoch orders: streams %d+)%n", store, mode == null ? "" : " " + mode, dir,
                s.epochs(), s.checkpointMb(), s.checkpointEvery(), s.sweepMb(), s.repeats(), s.seed(), DlRun.ORDER_STREAM);
        Path trial;
        try {
            trial = Files.createTempDirectory(dir, "engram-dl-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory under " + dir + ": " + e.getMessage(), e);
        }
        try (Samples samples = open(kind, trial, s)) {
            log.println("persistence: " + samples.persistence());
            List<Map<String, Object>> results = DlRun.run(data, samples, dir, s, log);
            for (Map<String, Object> r : results) {
                r.put("label", label);
                append(r);
            }
            return 0;
        } catch (RuntimeException e) {
            log.println("engram bench dl: " + store + " failed: " + e);
            e.printStackTrace(log);
            return 1;
        } finally {
            WorkFiles.deleteTree(trial);
        }
    }

    private Samples open(StoreKind kind, Path trial, DlRun.Settings s) {
        if (kind == null) {
            return new FileSamples(trial);
        }
        int largest = Math.max(s.checkpointMb(), s.sweepMb().stream().mapToInt(Integer::intValue).max().orElse(1));
        long chunks = 2L * ((long) largest << 20) / StoreSamples.CHUNK_BYTES + 2;     // the live checkpoint and the next
        long poolBytes = MnistRecords.RECORDS * 832L * 2 + chunks * (StoreSamples.CHUNK_BYTES + 64L)
                + 16L * KvOptions.DEFAULT_SEGMENT_BYTES;
        BenchStore store = new StoreSpec(kind, kind.defaultEngine(), mode == null ? AccessMode.WALK : mode, false, trial,
                StoreSamples.KEY_BYTES, MnistRecords.RECORD_BYTES, MnistRecords.RECORDS + 16L, poolBytes,
                StoreSamples.CHUNK_BYTES, chunks).open();
        return new StoreSamples(store, kind);
    }

    private void append(Map<String, Object> r) {
        if (json == null) {
            log.println(r);
            return;
        }
        try {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(json, new ObjectMapper().writeValueAsString(r) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + json + ": " + e.getMessage(), e);
        }
    }

    /** One configuration of the standard set: its id, store, Engram mode (or null) and directory. */
    record Config(String id, String store, String mode, Path dir) {
    }

    static List<Config> standardConfigs(Path dir, Path ext4) {
        List<Config> configs = new ArrayList<>();
        configs.add(new Config("files", "files", null, dir));
        for (String m : List.of("crawl", "walk", "run")) {
            configs.add(new Config("engram-" + m, "engram", m, dir));
        }
        for (StoreKind k : StoreKind.values()) {
            if (k.peer()) {
                configs.add(new Config(k.id(), k.id(), null, dir));
            }
        }
        if (ext4 != null) {
            configs.add(new Config("ext4-files", "files", null, ext4));
            configs.add(new Config("ext4-engram-crawl", "engram", "crawl", ext4));
            configs.add(new Config("ext4-engram-walk", "engram", "walk", ext4));
        }
        return configs;
    }

    private int standardSet(DlRun.Settings s) {
        Path ext4 = "none".equals(ext4Dir) ? null : Path.of(ext4Dir);
        Path results = out != null ? out : defaultOut();
        Path resultsJson = results.resolve("results.json");
        Path console = results.resolve("console");
        List<Config> configs = standardConfigs(dir, ext4);
        Host before = Host.describe(dir, ext4);
        Path snapshot;
        String classPath;
        try {
            Files.createDirectories(console);
            snapshot = Files.createTempDirectory("engram-dl-classpath-");
            classPath = ChildJvm.snapshotClassPath(snapshot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + results + ": " + e.getMessage(), e);
        }
        log.printf(Locale.ROOT, "engram bench dl: %d configurations into %s; load average %s%n", configs.size(), results,
                before.loadAverage());
        List<DlReport.Outcome> outcomes = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < configs.size(); i++) {
            Config c = configs.get(i);
            List<String> args = new ArrayList<>(List.of("--store", c.store(), "--dir", c.dir().toString(),
                    "--epochs", Integer.toString(s.epochs()), "--checkpoint-mb", Integer.toString(s.checkpointMb()),
                    "--checkpoint-every", Integer.toString(s.checkpointEvery()), "--sweep-mb",
                    String.join(",", s.sweepMb().stream().map(String::valueOf).toList()), "--repeats",
                    Integer.toString(s.repeats()), "--seed", "0x" + Long.toHexString(s.seed()), "--json",
                    resultsJson.toString(), "--label", c.id()));
            if (mnist != null) {
                args.addAll(List.of("--mnist", mnist.toString()));
            }
            if (c.mode() != null) {
                args.addAll(List.of("--mode", c.mode()));
            }
            long s0 = System.nanoTime();
            int exit = ChildJvm.run(ChildJvm.command(DlCli.class.getName(), args, classPath),
                    console.resolve(c.id() + ".txt").toFile(), RUN_TIMEOUT_SECONDS);
            double seconds = (System.nanoTime() - s0) / 1e9;
            DlReport.Outcome outcome = new DlReport.Outcome(c, args, exit, seconds);
            outcomes.add(outcome);
            DlReport.appendRun(results.resolve(DlReport.RUNS_FILE), outcome, before);
            Map<String, Object> epoch = Results.find(Results.read(resultsJson), "label", c.id(), "workload", "dl-epoch");
            log.printf(Locale.ROOT, "[%2d/%d] %-18s %5.1f s  %s%n", i + 1, configs.size(), c.id(), seconds, exit != 0
                    ? "FAILED (exit " + exit + "; see console/" + c.id() + ".txt)"
                    : Results.si(Results.number(epoch, "ops_per_sec")) + " samples/s, checkpoint "
                    + String.format(Locale.ROOT, "%.1f ms", Results.number(epoch, "checkpoint_ms")));
        }
        double total = (System.nanoTime() - t0) / 1e9;
        WorkFiles.deleteTree(snapshot);
        DlReport.write(results.resolve("README.md"), s, outcomes, Results.read(resultsJson), before,
                Host.describe(dir, ext4), total, dir, ext4);
        log.printf(Locale.ROOT, "done in %.1f min: %s%n", total / 60, results.resolve("README.md"));
        return outcomes.stream().allMatch(o -> o.exit() == 0) ? 0 : 1;
    }

    /** Rewrites {@code results}/README.md from the files a standard set left there. */
    private int report(DlRun.Settings s, Path results) {
        DlReport.Runs runs = DlReport.readRuns(results.resolve(DlReport.RUNS_FILE));
        Path ext4 = runs.outcomes().stream().map(o -> o.config().dir()).filter(d -> !d.equals(dir)).findFirst().orElse(null);
        double total = runs.outcomes().stream().mapToDouble(DlReport.Outcome::seconds).sum();
        DlReport.write(results.resolve("README.md"), s, runs.outcomes(), Results.read(results.resolve("results.json")),
                runs.before(), runs.before().withLoadAverage(runs.lastLoadAverage()), total, dir, ext4);
        log.println("rewrote " + results.resolve("README.md") + " from " + runs.outcomes().size() + " runs");
        return 0;
    }

    private static Path defaultOut() {
        Path root = Path.of(System.getProperty("engram.root", "."));
        String base = LocalDate.now() + "-dl";
        Path candidate = root.resolve("bench/results").resolve(base);
        for (int n = 2; Files.exists(candidate); n++) {
            candidate = root.resolve("bench/results").resolve(base + "-" + n);
        }
        return candidate;
    }

    /** "crawl", "walk" or "run", case-insensitively. */
    static final class ModeConverter implements CommandLine.ITypeConverter<AccessMode> {
        @Override
        public AccessMode convert(String value) {
            return AccessMode.parse(value);
        }
    }

    /** A decimal or 0x-hexadecimal long. */
    static final class SeedConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return Long.decode(value.replace("_", ""));
        }
    }
}
