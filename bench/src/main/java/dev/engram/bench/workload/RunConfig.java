package dev.engram.bench.workload;

import dev.engram.bench.store.StoreKind;
import dev.engram.kv.EngineKind;
import dev.engram.kv.LaneTails;
import dev.engram.region.AccessMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Everything one invocation of the runner was asked to do, validated by {@link #conclude()} before any
 * file is created. Built by {@link BenchCli} from the command line; tests build it the same way.
 *
 * @param workload        the workload's {@link Workload#id()}, or {@code floors}, or several of them
 *                        separated by commas, run one after the other in this JVM
 * @param store           the store under test: a {@link StoreKind} id
 * @param engine          the index engine: Engram's or MapDB's hash or sorted; the other peers' own
 * @param mode            Engram's access mode (peers have none)
 * @param dir             the directory each trial creates its fresh sub-directory in
 * @param keys            distinct keys
 * @param keyBytes        bytes per key
 * @param keyFormat       how a key is derived from its index
 * @param valueBytes      bytes per value
 * @param threads         measured threads
 * @param durable         puts durable on return (durability {@code power}) rather than buffered ({@code process})
 * @param json            the JSON Lines file results are appended to; null for none
 * @param operations      measured operations across all threads; 0 for the workload's default
 * @param seed            the seed of every random order and of the latency sample
 * @param sampleEvery     one operation in this many is timed, on average
 * @param warmupKeys      keys of the unmeasured warm-up trial run first in the same JVM; 0 for none
 * @param repeat          measured trials, each on a fresh store
 * @param durationSeconds stop each measured phase after this long; 0 for no limit (floors: 2 s when 0)
 * @param progress        paint the progress line on stderr
 * @param sizeBytes       initial pool size; 0 to size it from the workload
 * @param keep            keep each trial's directory instead of deleting it
 * @param label           free text copied into every result's {@code label} field (e.g. a sweep's round); may be null
 * @param oneStore        run the pre-filled workloads of the list one after the other on one store, pre-filled
 *                        once (fills still get their own fresh store each)
 * @param asWritten       after a pre-fill only sync, skipping the store's settling ({@code BenchStore#settle}):
 *                        reads meet the store as the fill left it
 * @param laneTails       when Engram commits its lanes' tails ({@code KvOptions#laneTails}); null: the
 *                        store's default (every persist). Engram's only
 */
record RunConfig(String workload, String store, EngineKind engine, AccessMode mode, Path dir, long keys,
                 int keyBytes, KeySpace.Format keyFormat, int valueBytes, int threads, boolean durable, Path json,
                 long operations, long seed, int sampleEvery, long warmupKeys, int repeat, double durationSeconds,
                 boolean progress, long sizeBytes, boolean keep, String label, boolean oneStore,
                 boolean asWritten, LaneTails laneTails) {

    /** The name of the floor measurements, which are not a store workload. */
    static final String FLOORS = "floors";
    /** The default store. */
    static final String ENGRAM = "engram";
    /** Seed used when none is given: the date of the first run. */
    static final long DEFAULT_SEED = 0x2026_1122L;
    /** Warm-up keys when none are given: at most this many (fewer if the run has fewer keys). */
    static final long DEFAULT_WARMUP_KEYS = 200_000;

    /** When Engram commits its lanes' tails: {@link #laneTails}, or the store's default. */
    LaneTails engramLaneTails() {
        return laneTails != null ? laneTails : LaneTails.EVERY_PERSIST;
    }

    /** Checks every parameter; throws {@link IllegalArgumentException} naming the option, the value and the range. */
    RunConfig conclude() {
        for (String name : workloads()) {
            if (!FLOORS.equals(name) && Workload.byName(name) == null) {
                throw new IllegalArgumentException("unknown workload '" + name + "': expected one of " + names());
            }
        }
        StoreKind kind = StoreKind.byId(store);
        if (kind == null) {
            throw new IllegalArgumentException("--store " + store + ": unknown store; expected one of " + StoreKind.ids());
        }
        if (!kind.supports(engine)) {
            throw new IllegalArgumentException("--store " + store + " has no " + engineLabel() + " engine: it is "
                    + (kind.supports(EngineKind.HASH) ? "a hash table (no ordered scans)" : "ordered (no hash engine)")
                    + "; use --engine " + kind.defaultEngine().name().toLowerCase(Locale.ROOT) + " or leave --engine out");
        }
        if (durable && !kind.hasPowerSafeSetting()) {
            throw new IllegalArgumentException("--store " + store + " --durable: " + kind.noDurableReason());
        }
        if (laneTails != null && kind != StoreKind.ENGRAM) {
            throw new IllegalArgumentException("--lane-tails is Engram's (when it commits its log lanes' tails); "
                    + "--store " + store + " has none");
        }
        for (String name : workloads()) {
            Workload w = Workload.byName(name);
            if (w != null && w.needsOrderedStore() && engine != EngineKind.SORTED) {
                throw new IllegalArgumentException(name + " scans key ranges, which a hash store cannot: use an "
                        + "ordered store (--engine sorted with engram or mapdb; lmdb, rocksdb or mvstore)");
            }
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--dir " + dir + " does not exist or is not a directory");
        }
        if (keys < 1 || keys > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("--keys " + keys + " must be from 1 to " + (Integer.MAX_VALUE - 8));
        }
        new KeySpace(keyFormat, keyBytes, keys);       // validates key-size against keys
        if (valueBytes < 0 || valueBytes > 1 << 20) {
            throw new IllegalArgumentException("--value-size " + valueBytes + " must be from 0 to 1048576 bytes");
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("--threads " + threads + " must be from 1 to 256");
        }
        if (threads > keys) {
            throw new IllegalArgumentException("--threads " + threads + " exceeds --keys " + keys);
        }
        if (operations < 0) {
            throw new IllegalArgumentException("--ops " + operations + " must be positive (0 for the workload's default)");
        }
        for (String name : workloads()) {
            Workload w = Workload.byName(name);
            if (w != null && operations > w.maxOperations(keys)) {
                throw new IllegalArgumentException("--ops " + operations + ": " + name + " does at most "
                        + w.maxOperations(keys) + " operations with --keys " + keys);
            }
        }
        if (sampleEvery < 1) {
            throw new IllegalArgumentException("--sample-every " + sampleEvery + " must be at least 1");
        }
        if (warmupKeys < 0 || warmupKeys > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("--warmup-keys " + warmupKeys + " must be from 0 to " + (Integer.MAX_VALUE - 8));
        }
        if (warmupKeys > 0 && warmupKeys < threads) {
            throw new IllegalArgumentException("--warmup-keys " + warmupKeys + " is fewer than --threads " + threads);
        }
        if (repeat < 1) {
            throw new IllegalArgumentException("--repeat " + repeat + " must be at least 1");
        }
        if (!(durationSeconds >= 0) || durationSeconds > 86_400) {
            throw new IllegalArgumentException("--duration " + durationSeconds + " must be from 0 to 86400 seconds");
        }
        if (workloads().isEmpty()) {
            throw new IllegalArgumentException("no workload given: expected one of " + names());
        }
        if (oneStore) {
            checkOneStoreOrder();
        }
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("--size " + sizeBytes
                    + " must be positive (0 to size the pool from the workload)");
        }
        return this;
    }

    /** Measured operations of a trial over {@code keyCount} keys. */
    long operationsFor(Workload w, long keyCount) {
        long ops = operations > 0 ? operations : w.defaultOperations(keyCount);
        return Math.min(ops, w.maxOperations(keyCount));
    }

    /**
     * On one store, a workload that deletes every key must come last, and {@code readmissing} must come
     * before any workload that inserts keys (its missing keys may be the ones inserted).
     */
    private void checkOneStoreOrder() {
        List<Workload> shared = sharedWorkloads();
        for (int i = 0; i < shared.size(); i++) {
            if (shared.get(i) == DbBenchWorkload.DELETERANDOM && i < shared.size() - 1) {
                throw new IllegalArgumentException("--one-store: deleterandom empties the store, so it must be the "
                        + "last pre-filled workload, not before " + shared.get(i + 1).id());
            }
            if (shared.get(i) == DbBenchWorkload.READMISSING) {
                for (int j = 0; j < i; j++) {
                    if (shared.get(j).maxLiveKeys(keys, keys, threads) > keys) {
                        throw new IllegalArgumentException("--one-store: readmissing must come before " + shared.get(j).id()
                                + ", whose inserts may be the keys it expects to miss");
                    }
                }
            }
        }
    }

    /** The pre-filled workloads of the list, in order: with {@link #oneStore}, they share one store. */
    List<Workload> sharedWorkloads() {
        return workloads().stream().map(Workload::byName).filter(w -> w != null && w.prefilled()).toList();
    }

    /** The workloads to run, in order: {@link #workload} split at commas. */
    List<String> workloads() {
        return Arrays.stream(workload.split(",")).map(String::strip).filter(w -> !w.isEmpty()).toList();
    }

    /** The store under test; valid after {@link #conclude()}. */
    StoreKind storeKind() {
        return StoreKind.byId(store);
    }

    /** {@code power}, {@code process} or {@code none}: the {@code durability} field of a store result. */
    String durabilityLabel() {
        StoreKind kind = StoreKind.byId(store);
        return kind == null ? (durable ? "power" : "process") : kind.durability(durable);
    }

    String engineLabel() {
        return engine.name().toLowerCase(Locale.ROOT);
    }

    String modeLabel() {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    /** Every workload name, for messages and help. */
    static String names() {
        StringBuilder b = new StringBuilder();
        for (Workload w : Workload.all()) {
            b.append(w.id()).append(", ");
        }
        return b.append(FLOORS).toString();
    }
}
