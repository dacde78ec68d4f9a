package dev.engram.bench.workload;

/**
 * A workload against a {@link BenchStore}: what the store holds before measurement, and each thread's
 * stream of measured operations.
 *
 * <p>The db_bench-style workloads are {@link DbBenchWorkload}. A YCSB workload (A-F) fits the same
 * shape: {@link #prefilled()} true, and a driver that draws each operation's kind from the workload's
 * mix (read / update / insert / scan / read-modify-write) and its key from the request distribution
 * (uniform, zipfian, latest), with tables built before measurement as {@link KeyOrder} does; it would be
 * one more enum implementing this interface, listed in {@link #all()}.
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

    /** Every workload the runner knows, in help order (the floors are not a store workload: see {@link Floors}). */
    static Workload[] all() {
        return DbBenchWorkload.values();
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
