package dev.engram.bench.workload;

import dev.engram.bench.WorkFiles;
import dev.engram.bench.store.BenchStore;
import dev.engram.bench.store.StoreSpec;
import dev.engram.kv.KvOptions;
import dev.engram.kv.PoolFormat;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * One trial of a store workload, start to finish, on a fresh store in a fresh directory:
 *
 * <ol>
 *   <li>create the directory under {@code --dir} and the store in it, sized so the measured phase
 *       never waits for the pool to grow;</li>
 *   <li>pre-fill (read, overwrite and delete workloads): every key once in the {@link KeyOrder#FILL}
 *       order with the store's cheapest write, then one sync; not measured;</li>
 *   <li>build every driver and key table, then {@code System.gc()}, so neither lands in the measurement;</li>
 *   <li>measure: the workers start together at a barrier; the phase lasts from the first start to
 *       the last end; {@code readwhilewriting}'s writer starts at the same barrier and stops when the
 *       last reader ends;</li>
 *   <li>check what can be checked (reads of present keys found them all, missing ones none, a fill
 *       holds every key), then close the store and delete the directory.</li>
 * </ol>
 * Holds what the drivers share: the store, the keys, the value template and the key orders.
 */
final class StoreTrial {

    /** Longest a warm-up phase runs when {@code --duration} is given. */
    static final double WARMUP_CAP_SECONDS = 2.0;

    private final RunConfig config;
    private final BenchStore store;
    private final KeySpace keys;
    private final byte[] valueTemplate;
    private int[] fillOrder;
    private int[] operationOrder;
    private int[] backgroundOrder;
    private Zipfian zipfian;
    /** The key index the next inserting workload starts from: after the pre-filled keys and earlier inserts. */
    private long insertBase = -1;

    private StoreTrial(RunConfig config, BenchStore store, KeySpace keys) {
        this.config = config;
        this.store = store;
        this.keys = keys;
        this.valueTemplate = new byte[config.valueBytes()];
        new SplittableRandom(config.seed()).nextBytes(valueTemplate);
    }

    BenchStore store() {
        return store;
    }

    KeySpace keys() {
        return keys;
    }

    int threads() {
        return config.threads();
    }

    /** The run's seed, of which every random order and table is a stream. */
    long seed() {
        return config.seed();
    }

    /**
     * The first key index a YCSB insert of the next workload may use: every index from the pre-filled
     * keys' count up to it was inserted by an earlier workload on this store.
     */
    long insertBase() {
        return insertBase < 0 ? keys.keys() : insertBase;
    }

    /** The zipfian distribution over this trial's keys with YCSB's constant; one O(keys) sum, shared. */
    Zipfian zipfian() {
        if (zipfian == null) {
            zipfian = new Zipfian(keys.keys(), Zipfian.THETA);
        }
        return zipfian;
    }

    /** A value buffer for one driver, holding the trial's seeded random bytes. */
    byte[] newValue() {
        return valueTemplate.clone();
    }

    int[] fillOrder() {
        if (fillOrder == null) {
            fillOrder = KeyOrder.permutation(keys.keys(), config.seed(), KeyOrder.FILL);
        }
        return fillOrder;
    }

    int[] operationOrder() {
        if (operationOrder == null) {
            operationOrder = KeyOrder.permutation(keys.keys(), config.seed(), KeyOrder.OPERATIONS);
        }
        return operationOrder;
    }

    int[] backgroundOrder() {
        if (backgroundOrder == null) {
            backgroundOrder = KeyOrder.permutation(keys.keys(), config.seed(), KeyOrder.BACKGROUND);
        }
        return backgroundOrder;
    }

    /**
     * Runs one trial of {@code workload} over {@code keyCount} keys, on a fresh store.
     *
     * @param phase    {@code warmup} or {@code run N}, for the progress line
     * @param run      the {@code run} field of the result (0 for the warm-up)
     * @param timerNanos the measured cost of one {@code nanoTime} call, for the result
     */
    static Result run(RunConfig config, Workload workload, long keyCount, String phase, int run, Progress progress,
                      long timerNanos, PrintStream log) {
        List<Result> results = new ArrayList<>(1);
        runShared(config, List.of(workload), keyCount, phase, run, progress, timerNanos, log, results::add);
        return results.getFirst();
    }

    /**
     * Runs {@code workloads} one after the other on one fresh store, pre-filled once before the first
     * (as db_bench runs a {@code --benchmarks} list on one database, and YCSB its run phases after one load
     * phase). Each result names the workloads that ran on the store before it ({@code store_history}).
     * Every workload of a list longer than one must be pre-filled; each result goes to {@code sink} as soon
     * as it is measured.
     */
    static void runShared(RunConfig config, List<Workload> workloads, long keyCount, String phase, int run,
                          Progress progress, long timerNanos, PrintStream log, Consumer<Result> sink) {
        if (workloads.size() > 1 && !workloads.stream().allMatch(Workload::prefilled)) {
            throw new IllegalArgumentException("only pre-filled workloads can share a store, not " + workloads);
        }
        KeySpace keys = new KeySpace(config.keyFormat(), config.keyBytes(), keyCount);
        long[] operations = workloads.stream()
                .mapToLong(w -> config.operationsFor(w, keyCount) * (run == 0 ? w.warmupPasses() : 1)).toArray();
        long size = config.sizeBytes();
        long maxLiveKeys = keyCount;
        for (int i = 0; i < workloads.size(); i++) {
            Workload w = workloads.get(i);
            if (config.sizeBytes() == 0) {
                size += poolSize(config, w, keyCount, operations[i]) - (i > 0 ? prefillBytes(config, keyCount) : 0);
            }
            maxLiveKeys += w.maxLiveKeys(keyCount, operations[i], config.threads()) - keyCount;
        }
        Path directory = createDirectory(config.dir());
        try {
            BenchStore store = new StoreSpec(config.storeKind(), config.engine(), config.mode(), config.durable(),
                    directory, config.keyBytes(), config.valueBytes(), maxLiveKeys, size, 0, 0, config.asWritten(),
                    config.engramLaneTails()).open();
            try {
                StoreTrial trial = new StoreTrial(config, store, keys);
                if (run == 1) {
                    log.println("store: " + store.name() + " " + store.engine() + " " + store.mode() + ", "
                            + store.persistence());
                }
                if (workloads.getFirst().prefilled()) {
                    trial.prefill(workloads.getFirst().id() + "  " + phase, progress);
                }
                List<String> history = new ArrayList<>();
                for (int i = 0; i < workloads.size(); i++) {
                    Result r = trial.measure(workloads.get(i), operations[i], phase, run, progress, timerNanos);
                    r.put("store_history", String.join(",", history));
                    history.add(workloads.get(i).id());
                    sink.accept(r);
                }
            } finally {
                store.close();
            }
        } finally {
            if (!config.keep()) {
                WorkFiles.deleteTree(directory);
            } else {
                log.println("kept " + directory);
            }
        }
    }

    private Result measure(Workload workload, long operations, String phase, int run, Progress progress,
                           long timerNanos) {
        String label = workload.id() + "  " + phase;
        int threads = config.threads();
        // Each driver is made on the thread that runs it (Worker explains why); kept here for afterwards.
        Driver[] drivers = new Driver[threads];
        long[] shares = Phase.shares(operations, threads);
        IntFunction<Driver> driverOf = t -> drivers[t] =
                workload.driver(this, t, Phase.first(operations, threads, t), shares[t]);
        Supplier<Driver> background = workload.hasBackgroundWriter() ? () -> workload.background(this) : null;

        System.gc();
        Map<String, Long> countersBefore = store.counters();
        long[] gcBefore = gc();
        Phase.Outcome o = Phase.run(label, run == 0 ? Phase.WARMUP : Phase.MEASURED, driverOf, shares,
                (long) (phaseSeconds(config, run) * 1e9), config.sampleEvery(), config.seed(), background, progress);
        long[] gcAfter = gc();
        for (Driver d : drivers) {
            insertBase = Math.max(insertBase(), d.highestInsertIndex() + 1);
        }
        Map<String, Long> countersAfter = store.counters();
        long done = o.operations();
        LatencyHistogram latency = o.latency();
        verify(workload, done, o);

        Result r = new Result()
                .put("workload", workload.id())
                .put("store", store.name())
                .put("engine", store.engine())
                .put("mode", store.mode())
                .put("threads", threads)
                .put("keys", keys.keys())
                .put("key_size", keys.keyBytes())
                .put("value_size", config.valueBytes())
                .put("durability", store.durability())
                .put("ops_per_sec", o.opsPerSecond())
                .put("p50_ns", latency.percentile(0.50))
                .put("p99_ns", latency.percentile(0.99))
                .put("dax", store.dax())
                .put("run", run)
                .put("key_format", keys.format().name().toLowerCase(Locale.ROOT))
                .put("ops", done)
                .put("seconds", o.seconds())
                .put("p90_ns", latency.percentile(0.90))
                .put("p999_ns", latency.percentile(0.999))
                .put("max_ns", latency.maxNanos())
                .put("mean_ns", latency.meanNanos())
                .put("samples", latency.count())
                .put("sample_every", config.sampleEvery())
                .put("timer_ns", timerNanos)
                .put("found", o.found() >= 0 ? o.found() : null)
                .put("writer_ops_per_sec", background == null ? null : o.backgroundOps() / o.backgroundSeconds());
        workload.annotate(r, List.of(drivers));
        if (store.laneTails() != null) {
            r.put("lane_tails", store.laneTails());      // as the store runs them: off on a block device
        }
        for (Map.Entry<String, Long> c : countersAfter.entrySet()) {
            long delta = c.getValue() - countersBefore.getOrDefault(c.getKey(), 0L);
            r.put(c.getKey() + "_per_op", done == 0 ? null : (double) delta / done);
        }
        r.put("gc_count", gcAfter[0] - gcBefore[0])
                .put("gc_ms", gcAfter[1] - gcBefore[1])
                .put("cpu_workers_s", o.workerCpuSeconds())
                .put("cpu_process_s", o.processCpuSeconds());
        describeHost(r, config.dir(), config.seed(), store.persistence());
        return r;
    }

    /**
     * How long a phase may run: {@code --duration} (0: no limit); a warm-up phase ({@code run} 0) at most
     * {@value #WARMUP_CAP_SECONDS} s of it, which compiles the hot path and no more, so a slow store's
     * warm-up does not cost as much as its measurement.
     */
    static double phaseSeconds(RunConfig config, int run) {
        double d = config.durationSeconds();
        return run == 0 && d > 0 ? Math.min(d, WARMUP_CAP_SECONDS) : d;
    }

    /**
     * Writes every key once, in the fill order, with the store's cheapest write, then settles the store and
     * collects garbage. Not measured.
     */
    private void prefill(String label, Progress progress) {
        int[] order = fillOrder();
        byte[] key = keys.newBuffer();
        byte[] value = newValue();
        long[] done = new long[1];
        progress.start(label + " (pre-fill)", order.length, () -> done[0]);
        try {
            for (int i = 0; i < order.length; i++) {
                keys.present(key, order[i]);
                store.load(key, value);
                if ((i & 4095) == 0) {
                    done[0] = i;
                }
            }
            if (config.asWritten()) {
                store.sync();
            } else {
                store.settle();
            }
            // The fill's garbage and its young survivors (a million index entries, a compaction's copies)
            // are collected here, unmeasured, for every store alike, so that a young collection copying
            // them (pauses of ~65 ms were logged after a compaction in key order) does not land in the
            // first measured phase, which for a 1 M-key scan lasts about 0.1 s.
            System.gc();
        } finally {
            progress.stop();
        }
        if (store.count() != order.length) {
            throw new IllegalStateException("pre-fill wrote " + order.length + " keys but the store holds " + store.count());
        }
    }

    /** Fails when the store answered wrongly: a benchmark of wrong answers is worthless. */
    private void verify(Workload workload, long done, Phase.Outcome o) {
        long found = o.found();
        String problem = null;
        if (o.expectedFound() >= 0) {
            if (found != o.expectedFound()) {
                problem = "found " + found + " of " + o.expectedFound() + " keys (or scan starts) that are all present";
            }
        } else if (workload == DbBenchWorkload.READRANDOM || workload == DbBenchWorkload.READWHILEWRITING
                || workload == DbBenchWorkload.DELETERANDOM || workload == DbBenchWorkload.READSEQ) {
            if (found != done) {
                problem = "found " + found + " of " + done + " keys that are all present";
            }
        } else if (workload == DbBenchWorkload.READMISSING) {
            if (found != 0) {
                problem = "found " + found + " keys that were never written";
            }
        } else if ((workload == DbBenchWorkload.FILLSEQ || workload == DbBenchWorkload.FILLRANDOM)
                && store.count() != done) {
            problem = "wrote " + done + " distinct keys but the store holds " + store.count();
        }
        if (problem != null) {
            throw new IllegalStateException(workload.id() + " verification failed: " + problem);
        }
    }

    /**
     * Enough for every record the trial writes, plus a spare segment per lane, so the measured phase does
     * not wait for the pool to grow: records are {@code align8(32 + key + value)} bytes.
     */
    static long poolSize(RunConfig config, Workload workload, long keyCount, long operations) {
        long record = recordBytes(config);
        long writes = (workload.prefilled() ? keyCount : 0) + (workload.writes() ? operations : 0);
        if (workload.hasBackgroundWriter()) {
            writes += 4 * keyCount;          // readwhilewriting's writer: unbounded, so leave room to grow into
        }
        long segments = 2L * Math.max(2, 2 * Runtime.getRuntime().availableProcessors()) + 2;
        return PoolFormat.FIRST_SEGMENT_OFFSET + writes * record + writes * record / 8
                + segments * KvOptions.DEFAULT_SEGMENT_BYTES;
    }

    /** Bytes of one log record of Engram: header, key and value, 8-aligned. */
    private static long recordBytes(RunConfig config) {
        return (PoolFormat.REC_HEADER_LENGTH + config.keyBytes() + config.valueBytes() + 7L) & ~7L;
    }

    /** The pre-fill's share of {@link #poolSize}, counted once when workloads share a store. */
    private static long prefillBytes(RunConfig config, long keyCount) {
        return keyCount * recordBytes(config) + keyCount * recordBytes(config) / 8;
    }

    /** Fields shared by store and floor results: where, with what, when. */
    static void describeHost(Result r, Path dir, long seed, String persistence) {
        r.put("seed", String.format("0x%x", seed))
                .put("dir", dir.toString())
                .put("fs", fileSystemType(dir))
                .put("persistence", persistence)
                .put("jvm", Runtime.version().toString())
                .put("cpus", Runtime.getRuntime().availableProcessors())
                .put("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    static String fileSystemType(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Collections and milliseconds spent in them, summed over every collector. */
    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, b.getCollectionCount());
            millis += Math.max(0, b.getCollectionTime());
        }
        return new long[]{count, millis};
    }

    static Path createDirectory(Path parent) {
        try {
            return Files.createTempDirectory(parent, "engram-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a trial directory under " + parent, e);
        }
    }
}
