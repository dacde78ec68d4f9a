package dev.engram.bench.workload;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

/**
 * One measuring thread: makes its driver, sampler and histogram, waits at the start barrier with the
 * others, runs its driver's operations (timing a sample of them into its histogram) until it has done its
 * share or the deadline passes, and records when it started and stopped. What the loop writes on every
 * operation (the driver's position and key buffer, the sampler's random state, the histogram) is
 * allocated on this thread, so it never shares a cache line with another worker's: made by the main
 * thread one after the other, two workers' drivers and key buffers sat side by side, and two-thread gets
 * ran 2.64 M/s median against 3.18 M/s with 512 bytes between them (4 alternating runs each). Its
 * {@link #progress()} is published every {@value #REPORT_EVERY} operations for the progress line, no more
 * often, so the hot path stays a plain loop.
 */
final class Worker implements Runnable {

    /** Operations between two progress publications and deadline checks. */
    static final int REPORT_EVERY = 1024;

    private final IntFunction<Driver> driverOf;
    private final int thread;
    private final long operations;
    private final long durationNanos;
    private final int sampleEvery;
    private final long samplerSeed;
    private final CyclicBarrier start;
    private final AtomicBoolean abort;
    /** Made on this worker's thread in {@link #run}; read by others only after joining it. */
    private Driver driver;
    private Sampler sampler;
    private LatencyHistogram histogram;

    private volatile long progress;
    private long done;
    private long startNanos;
    private long endNanos;
    private long cpuNanos;
    private volatile Throwable failure;

    /**
     * @param driverOf      makes the operations of thread {@code thread}, on that thread
     * @param thread        this worker's number in its phase
     * @param operations    this thread's share
     * @param durationNanos stop after this long even if operations remain; 0 for no limit
     * @param sampleEvery   one operation in this many is timed, on average ({@link Sampler})
     * @param samplerSeed   the seed of this thread's sample gaps
     * @param start         the barrier every worker of the phase waits at
     * @param abort         set by a thread of the phase that could not prepare: nobody measures
     */
    Worker(IntFunction<Driver> driverOf, int thread, long operations, long durationNanos, int sampleEvery,
           long samplerSeed, CyclicBarrier start, AtomicBoolean abort) {
        this.driverOf = driverOf;
        this.thread = thread;
        this.operations = operations;
        this.durationNanos = durationNanos;
        this.sampleEvery = sampleEvery;
        this.samplerSeed = samplerSeed;
        this.start = start;
        this.abort = abort;
    }

    /**
     * Prepares, then waits at the barrier whatever happened: a thread that could not prepare sets the
     * phase's {@code abort} first, and every thread leaves at the barrier when it is set (breaking the
     * barrier instead would leave a thread that had not reached it yet waiting for ever).
     */
    @Override
    public void run() {
        boolean ready = false;
        try {
            histogram = new LatencyHistogram();
            sampler = new Sampler(sampleEvery, samplerSeed);
            driver = driverOf.apply(thread);
            driver.begin();
            ready = true;
        } catch (Throwable t) {
            failure = t;
            abort.set(true);
        }
        try {
            start.await();
            if (ready && !abort.get()) {
                measure();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void measure() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBegin = threads.getCurrentThreadCpuTime();
        long begin = System.nanoTime();
        startNanos = begin;
        long remaining = operations;
        long count = 0;
        long nextReport = REPORT_EVERY;
        while (remaining > 0) {
            int gap = sampler.nextGap();
            int untimed = (int) Math.min(gap - 1, remaining);
            if (untimed > 0) {
                driver.run(untimed);
                remaining -= untimed;
                count += untimed;
            }
            if (remaining > 0) {
                long t0 = System.nanoTime();
                driver.run(1);
                histogram.record(System.nanoTime() - t0);
                remaining--;
                count++;
            }
            if (count >= nextReport) {
                progress = count;
                nextReport = count + REPORT_EVERY;
                if (durationNanos > 0 && System.nanoTime() - begin >= durationNanos) {
                    break;
                }
            }
        }
        driver.finish();
        endNanos = System.nanoTime();
        cpuNanos = threads.getCurrentThreadCpuTime() - cpuBegin;
        done = count;
        progress = count;
    }

    long progress() {
        return progress;
    }

    /** Operations done; valid after the thread ended. */
    long done() {
        return done;
    }

    long startNanos() {
        return startNanos;
    }

    long endNanos() {
        return endNanos;
    }

    /** CPU time this thread used while measuring: less than its wall time when it was descheduled. */
    long cpuNanos() {
        return cpuNanos;
    }

    LatencyHistogram histogram() {
        return histogram;
    }

    Driver driver() {
        return driver;
    }

    /** What stopped this worker early, or null. */
    Throwable failure() {
        return failure;
    }
}
