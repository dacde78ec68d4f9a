package dev.engram.bench.workload;

/**
 * One thread's stream of operations of one workload. A worker calls {@link #run(int)} with runs of
 * untimed operations and with single timed ones (see {@link Sampler}); the loop over operations lives
 * here, in each driver class, so each loop calls one kind of store and stays monomorphic however many
 * driver classes a JVM has loaded (the floors run five in one JVM). Each driver holds its position in
 * its stream and reads its key order from a table built before measurement.
 */
abstract class Driver {

    /** Runs the next {@code n} operations of this thread's stream. */
    abstract void run(int n);

    /** Operations that found their key (reads and deletes), or -1 where that means nothing. */
    long found() {
        return -1;
    }

    /**
     * Operations that had to find their key (reads of present keys), or -1 where the workload checks
     * {@link #found()} another way; a phase whose drivers found fewer fails.
     */
    long expectedFound() {
        return -1;
    }

    /** The highest key index this driver's table inserts (YCSB D and E), or -1 when it inserts none. */
    long highestInsertIndex() {
        return -1;
    }

    /**
     * On the worker's thread before the phase starts, untimed: open cursors and the like, so that the
     * measured loop has no first-call branch (one the warm-up ran only before profiling began, which the
     * JIT then compiles as never taken and deoptimizes when a new driver takes it).
     */
    void begin() {
    }

    /** After the last operation, untimed: release cursors and the like. */
    void finish() {
    }
}
