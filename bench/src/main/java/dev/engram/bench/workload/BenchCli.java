package dev.engram.bench.workload;

import dev.engram.bench.store.StoreKind;
import dev.engram.kv.EngineKind;
import dev.engram.kv.LaneTails;
import dev.engram.region.AccessMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./engram bench WORKLOAD[,WORKLOAD...] [OPTIONS]}: the workload runner. Runs db_bench-style or
 * YCSB workloads (or the floors) against a fresh store per trial, Engram's or a peer's
 * ({@code --store}), appends one JSON object per result to {@code --json}, shows one updating progress
 * line on stderr and prints a summary table on stdout.
 *
 * <p>Exit codes, as the launcher's: 0 every trial ran and answered correctly; 1 a trial failed (an
 * error, or a store that returned wrong answers); 2 a usage error.
 */
@Command(name = "engram bench", sortOptions = false, usageHelpAutoWidth = true,
        synopsisHeading = "Usage: ", customSynopsis = "./engram bench WORKLOAD --dir DIR [OPTIONS]",
        description = {"", "Runs workloads against a fresh store per trial and reports throughput and latency percentiles."},
        parameterListHeading = "%nWorkload:%n", optionListHeading = "%nOptions:%n")
public final class BenchCli implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "WORKLOAD",
            description = "One of the workloads listed below, or several separated by commas (run in turn, in this JVM).")
    String workload;

    @Option(names = "--store", paramLabel = "NAME", defaultValue = RunConfig.ENGRAM,
            description = "The store under test: engram, lmdb, rocksdb, chronicle, mapdb or mvstore. Default: ${DEFAULT-VALUE}.")
    String store;

    @Option(names = "--engine", paramLabel = "hash|sorted", converter = EngineConverter.class,
            description = "Index engine: Engram's or MapDB's (HTreeMap or BTreeMap). LMDB, RocksDB and MVStore are "
                    + "sorted only, Chronicle Map hash only. Default: hash where the store has one, else sorted.")
    EngineKind engine;

    @Option(names = "--mode", paramLabel = "crawl|walk|run", converter = ModeConverter.class,
            description = "Engram's access mode (engram only). Default: walk.")
    AccessMode mode;

    @Option(names = "--dir", paramLabel = "DIR", required = true,
            description = "Where each trial creates (and at the end deletes) its own directory, e.g. /dev/shm or /tmp.")
    Path dir;

    @Option(names = "--keys", paramLabel = "N", defaultValue = "1000000", converter = CountConverter.class,
            description = "Distinct keys (k/M suffixes allowed). Default: ${DEFAULT-VALUE}.")
    long keys;

    @Option(names = "--key-size", paramLabel = "B", defaultValue = "16",
            description = "Bytes per key. Default: ${DEFAULT-VALUE}.")
    int keyBytes;

    @Option(names = "--key-format", paramLabel = "index|decimal", defaultValue = "index",
            converter = KeyFormatConverter.class,
            description = "How a key is derived from its index: index (binary, big-endian, zero-padded) or decimal "
                    + "(ASCII digits, zero-padded, as db_bench). Both sort in index order. Default: index.")
    KeySpace.Format keyFormat;

    @Option(names = "--value-size", paramLabel = "B", defaultValue = "100",
            description = "Bytes per value. Default: ${DEFAULT-VALUE}.")
    int valueBytes;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
            description = "Measured threads; the operations are split between them. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--durable",
            description = "The store's power-fail-safe setting: every put and delete durable when it returns "
                    + "(durability 'power'). Otherwise its fastest setting: Engram buffered, LMDB NOSYNC and "
                    + "Chronicle Map 'process' (survive a process crash, not power loss); RocksDB without WAL, "
                    + "MapDB without transactions and MVStore between auto-commits 'none'. Chronicle Map has no "
                    + "power-safe setting and refuses it.")
    boolean durable;

    @Option(names = "--json", paramLabel = "FILE", description = "Append one JSON object per result (JSON Lines) to FILE.")
    Path json;

    @Option(names = "--ops", paramLabel = "N", defaultValue = "0", converter = CountConverter.class,
            description = "Measured operations over all threads. Default: one per key (fills and deletes: at most one per key).")
    long operations;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0x20261122", converter = SeedConverter.class,
            description = "Seed of every random order and of the latency sample; printed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--sample-every", paramLabel = "N", defaultValue = "16",
            description = "Time one operation in N on average (random gaps); 1 times every operation. Default: ${DEFAULT-VALUE}.")
    int sampleEvery;

    @Option(names = "--warmup-keys", paramLabel = "N", defaultValue = "-1", converter = CountConverter.class,
            description = "Keys of an unmeasured warm-up trial of the same workload run first, in this JVM "
                    + "(0: none). Default: min(keys, 200k).")
    long warmupKeys;

    @Option(names = "--repeat", paramLabel = "R", defaultValue = "1",
            description = "Measured trials, each on a fresh store; one result each. Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "0",
            description = "Stop each measured phase after SECONDS even if operations remain (0: no limit; floors: 2).")
    double durationSeconds;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "0", converter = CountConverter.class,
            description = "Initial pool size (0: enough for every write of the trial).")
    long sizeBytes;

    @Option(names = "--one-store",
            description = "Run the pre-filled workloads of the list one after the other on one store, pre-filled once, "
                    + "as db_bench runs its --benchmarks list and YCSB its run phases after one load (each result "
                    + "names the workloads before it in store_history). Fills still get a fresh store each.")
    boolean oneStore;

    @Option(names = "--as-written",
            description = "After a pre-fill only sync: skip the store's settling (RocksDB's full compaction, the Engram "
                    + "sorted engine's compaction in key order), so reads meet the store as the fill left it. Each "
                    + "result says which in 'settled'.")
    boolean asWritten;

    @Option(names = "--lane-tails", paramLabel = "every-persist|background|off", converter = LaneTailsConverter.class,
            description = "Engram only: when each log lane commits its tail, the proof that tells media damage in its "
                    + "last records from a crash-torn tail (KvOptions.laneTails; docs/durability.md, K2c). Every "
                    + "result says which in 'lane_tails'. Default: every-persist, the store's own.")
    LaneTails laneTails;

    @Option(names = "--label", paramLabel = "TEXT",
            description = "Free text copied into the 'label' field of every result, e.g. the round of a sweep.")
    String label;

    @Option(names = "--no-progress", description = "No progress line on stderr.")
    boolean noProgress;

    @Option(names = "--keep", description = "Keep each trial's directory and store instead of deleting it.")
    boolean keep;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private PrintStream out = System.out;
    private PrintStream err = System.err;

    /** Runs the runner and exits with its status. */
    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs the runner with {@code out} and {@code err} as stdout and stderr; returns the exit code. */
    static int execute(String[] args, PrintStream out, PrintStream err) {
        BenchCli cli = new BenchCli();
        cli.out = out;
        cli.err = err;
        return commandLine(cli, out, err).execute(args);
    }

    /** The parser alone: tests use it to check how arguments become a {@link RunConfig}. */
    static RunConfig parse(String... args) {
        BenchCli cli = new BenchCli();
        new CommandLine(cli).setOverwrittenOptionsAllowed(true).parseArgs(args);
        return cli.config();
    }

    private static CommandLine commandLine(BenchCli cli, PrintStream out, PrintStream err) {
        CommandLine cmd = new CommandLine(cli);
        cmd.setOverwrittenOptionsAllowed(true);     // the last of a repeated option wins, so scripts can override a shared set
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        StringBuilder footer = new StringBuilder("%nWorkloads:%n");
        for (Workload w : Workload.all()) {
            footer.append(item(w.id(), w.summary()));
        }
        footer.append(item(RunConfig.FLOORS, "what the machine charges per operation with no store: a dependent "
                + "random 128 B mapped read, a sequential one, a 128 B mapped store, store + pmem_persist, "
                + "pwrite + fdatasync (files in DIR)"));
        footer.append("%nYCSB workloads draw keys from a zipfian distribution with YCSB's constant 0.99 (ycsb-d: "
                + "the latest records); ycsb-e needs an ordered store.%n");
        footer.append("%nExamples:%n")
                .append("  ./engram bench fillrandom --dir /dev/shm --keys 1M --durable --json out.json%n")
                .append("  ./engram bench readrandom --dir /dev/shm --keys 1M --threads 2 --json out.json%n")
                .append("  ./engram bench readseq --engine sorted --dir /dev/shm --json out.json%n")
                .append("  ./engram bench fillrandom --store lmdb --durable --dir /dev/shm --json out.json%n")
                .append("  ./engram bench ycsb-a,ycsb-c --store rocksdb --dir /dev/shm --json out.json%n")
                .append("  ./engram bench floors --dir /dev/shm --json out.json%n")
                .append("  ./engram bench compare [--quick]       every store, the workloads and floors; "
                        + "see ./engram bench compare --help%n");
        cmd.getCommandSpec().usageMessage().footer(footer.toString());
        return cmd;
    }

    /** One help item: the name, then its text wrapped at 78 columns under a 20-column indent. */
    private static String item(String name, String text) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  %-17s", name));
        int column = b.length();
        for (String word : text.replace("%", "%%").split(" ")) {
            if (column + 1 + word.length() > 78) {
                b.append("%n").append(" ".repeat(19));
                column = 19;
            }
            b.append(' ').append(word);
            column += 1 + word.length();
        }
        return b.append("%n").toString();
    }

    RunConfig config() {
        long warmup = warmupKeys >= 0 ? warmupKeys : Math.min(keys, RunConfig.DEFAULT_WARMUP_KEYS);
        StoreKind kind = StoreKind.byId(store);
        EngineKind resolvedEngine = engine != null ? engine : kind != null ? kind.defaultEngine() : EngineKind.HASH;
        AccessMode resolvedMode = mode != null ? mode : AccessMode.WALK;
        return new RunConfig(workload, store, resolvedEngine, resolvedMode, dir, keys, keyBytes, keyFormat, valueBytes,
                threads, durable, json, operations, seed, sampleEvery, warmup, repeat, durationSeconds, !noProgress,
                sizeBytes, keep, label, oneStore, asWritten, laneTails);
    }

    @Override
    public Integer call() {
        RunConfig config;
        try {
            StoreKind kind = StoreKind.byId(store);
            if (mode != null && kind != null && kind.peer()) {
                throw new IllegalArgumentException("--mode " + mode.name().toLowerCase(Locale.ROOT) + ": access modes are "
                        + "Engram's; --store " + store + " has none (leave --mode out)");
            }
            config = config().conclude();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        Progress progress = new Progress(config.progress(), err);
        long timerNanos = Sampler.timerCostNanos();
        describe(config, timerNanos);
        List<Result> results = new ArrayList<>();
        String current = config.workload();
        try {
            List<Workload> shared = config.oneStore() ? config.sharedWorkloads() : List.of();
            boolean sharedDone = false;
            for (String name : config.workloads()) {
                current = name;
                Workload listed = Workload.byName(name);
                if (listed != null && shared.contains(listed)) {
                    if (!sharedDone) {
                        current = String.join(",", shared.stream().map(Workload::id).toList()) + " (one store)";
                        runShared(config, shared, progress, timerNanos, results);
                        sharedDone = true;
                    }
                    continue;
                }
                if (RunConfig.FLOORS.equals(name)) {
                    for (Result r : Floors.run(config, progress, timerNanos, out)) {
                        record(config, r, results);
                    }
                    continue;
                }
                Workload w = Workload.byName(name);
                if (config.warmupKeys() > 0) {
                    StoreTrial.run(config, w, config.warmupKeys(), "warm-up", 0, progress, timerNanos, out);
                }
                for (int run = 1; run <= config.repeat(); run++) {
                    record(config, StoreTrial.run(config, w, config.keys(), "run " + run, run, progress, timerNanos, out),
                            results);
                }
            }
        } catch (RuntimeException e) {
            err.println("engram bench: " + current + " failed: " + e.getMessage());
            if (e.getCause() != null && !(e instanceof IllegalStateException)) {
                e.printStackTrace(err);
            }
            if (!results.isEmpty()) {
                SummaryTable.print(results, out);
            }
            return 1;
        }
        out.println();
        SummaryTable.print(results, out);
        if (config.json() != null) {
            out.println("appended " + results.size() + " result(s) to " + config.json());
        }
        return 0;
    }

    /** The pre-filled workloads on one store: a warm-up pass on a small store, then each measured run. */
    private void runShared(RunConfig config, List<Workload> shared, Progress progress, long timerNanos,
                           List<Result> results) {
        if (config.warmupKeys() > 0) {
            StoreTrial.runShared(config, shared, config.warmupKeys(), "warm-up", 0, progress, timerNanos, out, r -> {
            });
        }
        for (int run = 1; run <= config.repeat(); run++) {
            StoreTrial.runShared(config, shared, config.keys(), "run " + run, run, progress, timerNanos, out,
                    r -> record(config, r, results));
        }
    }

    private void record(RunConfig config, Result r, List<Result> results) {
        r.put("label", config.label());
        Workload w = Workload.byName(r.text("workload"));
        if (w != null && w.prefilled()) {
            r.put("settled", !config.asWritten());       // only a pre-filled store is settled (or not)
        }
        results.add(r);
        if (config.json() != null) {
            try {
                r.appendTo(config.json());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + config.json() + ": " + e.getMessage(), e);
            }
        }
    }

    private void describe(RunConfig c, long timerNanos) {
        out.printf(Locale.ROOT, "engram bench %s: store=%s engine=%s mode=%s dir=%s (%s) keys=%d key-size=%d "
                        + "(%s) value-size=%d threads=%d durability=%s repeat=%d warm-up keys=%d%n",
                c.workload(), c.store(), c.engineLabel(), c.storeKind().peer() ? "none" : c.modeLabel(), c.dir(),
                StoreTrial.fileSystemType(c.dir()),
                c.keys(), c.keyBytes(), c.keyFormat().name().toLowerCase(Locale.ROOT), c.valueBytes(), c.threads(),
                c.durabilityLabel(), c.repeat(), c.warmupKeys());
        out.printf(Locale.ROOT, "seed 0x%x (fill order: stream 0, operation order: stream 1, writer: stream 2, "
                        + "sample gaps: streams 16+thread, YCSB tables: streams 32+thread); latency: 1 in ~%d operations timed with two "
                        + "System.nanoTime calls (%d ns per call, included)%n",
                c.seed(), c.sampleEvery(), timerNanos);
    }

    /** "hash" or "sorted", case-insensitively. */
    static final class EngineConverter implements CommandLine.ITypeConverter<EngineKind> {
        @Override
        public EngineKind convert(String value) {
            return EngineKind.parse(value);
        }
    }

    /** "every-persist", "background" or "off", case-insensitively. */
    static final class LaneTailsConverter implements CommandLine.ITypeConverter<LaneTails> {
        @Override
        public LaneTails convert(String value) {
            try {
                return LaneTails.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** "crawl", "walk" or "run", case-insensitively. */
    static final class ModeConverter implements CommandLine.ITypeConverter<AccessMode> {
        @Override
        public AccessMode convert(String value) {
            return AccessMode.parse(value);
        }
    }

    /** "index" or "decimal", case-insensitively. */
    static final class KeyFormatConverter implements CommandLine.ITypeConverter<KeySpace.Format> {
        @Override
        public KeySpace.Format convert(String value) {
            for (KeySpace.Format f : KeySpace.Format.values()) {
                if (f.name().equalsIgnoreCase(value)) {
                    return f;
                }
            }
            throw new CommandLine.TypeConversionException("unknown key format '" + value + "': expected index or decimal");
        }
    }

    /** A decimal or 0x-hexadecimal long. */
    static final class SeedConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return Long.decode(value.replace("_", ""));
        }
    }

    /** A count: digits (underscores allowed) with an optional decimal suffix k (10^3), M (10^6) or G (10^9). */
    public static final class CountConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.replace("_", "");
            long scale = 1;
            if (!v.isEmpty()) {
                switch (v.charAt(v.length() - 1)) {
                    case 'k', 'K' -> scale = 1_000;
                    case 'm', 'M' -> scale = 1_000_000;
                    case 'g', 'G' -> scale = 1_000_000_000;
                    default -> {
                    }
                }
            }
            if (scale != 1) {
                v = v.substring(0, v.length() - 1);
            }
            try {
                return Math.multiplyExact(Long.parseLong(v), scale);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a count (e.g. 1000000, 1M, 200k)");
            }
        }
    }
}
