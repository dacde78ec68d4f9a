package dev.engram.bench.workload;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A workload against a {@link dev.engram.bench.store.BenchStore}: what the store holds before
 * measurement, and each thread's stream of measured operations.
 *
 * <p>The db_bench-style workloads are {@link DbBenchWorkload}; YCSB's A-F are {@link YcsbWorkload}.
 */
interface Workload {

    /** The command-line name, e.g. {@code fillrandom}; also the {@code workload} field of results. */
    String id();

    /** One line for {@code --help}. */
    String summary();

    /** Whether every key is written (unmeasured, buffered, then synced) before measurement. */
    boolean prefilled();

    /** Whether measured operations write; sizes the pool. */
    boolean writes();

    /** Measured operations when {@code --ops} is not given. */
    default long defaultOperations(long keys) {
        return keys;
    }

    /** The most measured operations that make sense (a fill writes each key once), or Long.MAX_VALUE. */
    default long maxOperations(long keys) {
        return Long.MAX_VALUE;
    }

    /** How many times its operations the unmeasured warm-up trial runs (a scan: passes over its keys). */
    default int warmupPasses() {
        return 1;
    }

    /**
     * The driver of thread {@code thread} of {@code threads}, which runs operations
     * {@code [first, first + count)} of the workload's stream.
     */
    Driver driver(StoreTrial trial, int thread, long first, long count);

    /**
     * A writer that runs beside the measured threads until they finish, unmeasured but counted
     * ({@code readwhilewriting}); null for none.
     */
    default Driver background(StoreTrial trial) {
        return null;
    }

    /** Whether {@link #background} returns a writer. */
    default boolean hasBackgroundWriter() {
        return false;
    }

    /** The most live keys a trial can leave (inserts add keys), so stores that pre-size can. */
    default long maxLiveKeys(long keys, long operations, int threads) {
        return keys;
    }

    /** Whether the workload scans key ranges, which a hash store cannot. */
    default boolean needsOrderedStore() {
        return false;
    }

    /** Adds the workload's own fields to a result (e.g. YCSB's operation counts); nothing by default. */
    default void annotate(Result r, List<Driver> drivers) {
    }

    /** Every workload the runner knows, in help order (the floors are not a store workload: see {@link Floors}). */
    static Workload[] all() {
        return Stream.concat(Arrays.stream(DbBenchWorkload.values()), Arrays.stream(YcsbWorkload.values()))
                .toArray(Workload[]::new);
    }

    /** The workload called {@code name}, or null. */
    static Workload byName(String name) {
        for (Workload w : all()) {
            if (w.id().equals(name)) {
                return w;
            }
        }
        return null;
    }
}
