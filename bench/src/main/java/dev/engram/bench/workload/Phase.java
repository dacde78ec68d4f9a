package dev.engram.bench.workload;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * One measured phase: one {@link Worker} thread per driver (each made on its own thread), released
 * together by a barrier, and optionally one background driver (started at the same barrier, stopped
 * when the last worker ends, counted but not timed). The phase lasts from the first worker's start to
 * the last worker's end.
 */
final class Phase {

    /**
     * What a phase measured.
     *
     * @param operations        operations done by the workers
     * @param seconds           first start to last end
     * @param latency           the merged timed sample
     * @param found             operations that found their key, or -1 where that means nothing
     * @param expectedFound     operations that had to find their key, or -1 where the workload checks otherwise
     * @param backgroundOps     operations of the background driver (0 without one)
     * @param backgroundSeconds how long it ran
     * @param workerCpuSeconds  CPU time of the measuring threads during the phase
     * @param processCpuSeconds CPU time of the whole JVM during the phase (adds GC, JIT, background writer)
     */
    record Outcome(long operations, double seconds, LatencyHistogram latency, long found, long expectedFound,
                   long backgroundOps,
                   double backgroundSeconds, double workerCpuSeconds, double processCpuSeconds) {

        double opsPerSecond() {
            return operations / seconds;
        }
    }

    /** Thread-name prefix of measured phases. */
    static final String MEASURED = "engram-bench-";
    /** Thread-name prefix of warm-up phases. */
    static final String WARMUP = "engram-warmup-";

    /** A share so large that only the duration ends the phase (2^50 operations: years at 10 M/s). */
    static final long UNBOUNDED = 1L << 50;

    private Phase() {
    }

    /**
     * Runs {@code driverOf.apply(t)} for {@code shares[t]} operations on thread t, all at once; each driver
     * (and the background one) is made on the thread that runs it (see {@link Worker}).
     *
     * @param label         the progress line's label
     * @param threadPrefix  the measuring threads' names, plus their number: {@code engram-bench-} for measured
     *                      phases, {@code engram-warmup-} otherwise, so profiles can tell them apart
     * @param durationNanos stop every worker after this long; 0 for no limit
     * @param sampleEvery   one operation in this many is timed, on average
     * @param seed          the run's seed: each thread's sample gaps come from its own stream of it
     */
    static Outcome run(String label, String threadPrefix, IntFunction<Driver> driverOf, long[] shares,
                       long durationNanos, int sampleEvery, long seed, Supplier<Driver> background, Progress progress) {
        int threads = shares.length;
        CyclicBarrier start = new CyclicBarrier(threads + (background == null ? 0 : 1));
        AtomicBoolean abort = new AtomicBoolean();
        List<Worker> workers = new ArrayList<>(threads);
        long total = 0;
        for (int t = 0; t < threads; t++) {
            workers.add(new Worker(driverOf, t, shares[t], durationNanos, sampleEvery, KeyOrder.streamSeed(seed, 16 + t),
                    start, abort));
            total += shares[t];
        }
        BackgroundWriter writer = background == null ? null : new BackgroundWriter(background, start, abort);

        long processCpuBegin = processCpuNanos();
        List<Thread> running = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            running.add(Thread.ofPlatform().name(threadPrefix + t).start(workers.get(t)));
        }
        Thread writerThread = writer == null ? null : Thread.ofPlatform().name(threadPrefix + "writer").start(writer);
        progress.start(label, total >= UNBOUNDED ? 0 : total,
                () -> workers.stream().mapToLong(Worker::progress).sum());
        try {
            for (Thread t : running) {
                t.join();
            }
            if (writer != null) {
                writer.stop = true;
                writerThread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring " + label, e);
        } finally {
            progress.stop();
        }
        long processCpu = processCpuNanos() - processCpuBegin;
        for (Worker w : workers) {
            if (w.failure() != null) {
                throw new IllegalStateException(label + ": a measuring thread failed: " + w.failure(), w.failure());
            }
        }
        if (writer != null && writer.failure != null) {
            throw new IllegalStateException(label + ": the background writer failed: " + writer.failure, writer.failure);
        }

        long begin = workers.stream().mapToLong(Worker::startNanos).min().orElseThrow();
        long end = workers.stream().mapToLong(Worker::endNanos).max().orElseThrow();
        long done = workers.stream().mapToLong(Worker::done).sum();
        LatencyHistogram latency = new LatencyHistogram();
        workers.forEach(w -> latency.add(w.histogram()));
        boolean counted = workers.stream().allMatch(w -> w.driver().found() >= 0);
        long found = counted ? workers.stream().mapToLong(w -> w.driver().found()).sum() : -1;
        boolean expecting = workers.stream().allMatch(w -> w.driver().expectedFound() >= 0);
        long expected = expecting ? workers.stream().mapToLong(w -> w.driver().expectedFound()).sum() : -1;
        return new Outcome(done, (end - begin) / 1e9, latency, found, expected, writer == null ? 0 : writer.done,
                writer == null ? 0 : (writer.endNanos - writer.startNanos) / 1e9,
                workers.stream().mapToLong(Worker::cpuNanos).sum() / 1e9, processCpu / 1e9);
    }

    /** CPU time of this JVM so far, or 0 where the platform does not say. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? Math.max(0, os.getProcessCpuTime()) : 0;
    }

    /** Splits {@code operations} into {@code threads} contiguous shares that differ by at most one. */
    static long[] shares(long operations, int threads) {
        long[] shares = new long[threads];
        for (int t = 0; t < threads; t++) {
            shares[t] = (t + 1) * operations / threads - t * operations / threads;
        }
        return shares;
    }

    /** The first operation of thread {@code t}'s share. */
    static long first(long operations, int threads, int t) {
        return t * operations / threads;
    }

    /** Runs batches of 64 operations until told to stop; makes its driver on its own thread. */
    private static final class BackgroundWriter implements Runnable {
        private static final int BATCH = 64;
        private final Supplier<Driver> driverOf;
        private final CyclicBarrier start;
        private final AtomicBoolean abort;
        volatile boolean stop;
        volatile Throwable failure;
        long done;
        long startNanos;
        long endNanos;

        BackgroundWriter(Supplier<Driver> driverOf, CyclicBarrier start, AtomicBoolean abort) {
            this.driverOf = driverOf;
            this.start = start;
            this.abort = abort;
        }

        /** As {@link Worker#run}: waits at the barrier whatever happened, and leaves there on an abort. */
        @Override
        public void run() {
            Driver made = null;
            try {
                made = driverOf.get();
            } catch (Throwable t) {
                failure = t;
                abort.set(true);
            }
            try {
                start.await();
                if (made == null || abort.get()) {
                    return;
                }
                startNanos = System.nanoTime();
                while (!stop) {
                    made.run(BATCH);
                    done += BATCH;
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                endNanos = System.nanoTime();
            }
        }
    }
}
