package dev.engram.bench.workload;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * One measuring thread: waits at the start barrier with the others, runs its driver's operations
 * (timing a sample of them into its own histogram) until it has done its share or the deadline passes,
 * and records when it started and stopped. Its {@link #progress()} is published every
 * {@value #REPORT_EVERY} operations for the progress line, no more often, so the hot path stays a plain
 * loop.
 */
final class Worker implements Runnable {

    /** Operations between two progress publications and deadline checks. */
    static final int REPORT_EVERY = 1024;

    private final Driver driver;
    private final long operations;
    private final long durationNanos;
    private final Sampler sampler;
    private final CyclicBarrier start;
    private final LatencyHistogram histogram = new LatencyHistogram();

    private volatile long progress;
    private long done;
    private long startNanos;
    private long endNanos;
    private long cpuNanos;
    private volatile Throwable failure;

    /**
     * @param driver        the operations
     * @param operations    this thread's share
     * @param durationNanos stop after this long even if operations remain; 0 for no limit
     * @param sampler       which operations to time
     * @param start         the barrier every worker of the phase waits at
     */
    Worker(Driver driver, long operations, long durationNanos, Sampler sampler, CyclicBarrier start) {
        this.driver = driver;
        this.operations = operations;
        this.durationNanos = durationNanos;
        this.sampler = sampler;
        this.start = start;
    }

    @Override
    public void run() {
        try {
            driver.begin();
            start.await();
            measure();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (BrokenBarrierException e) {
            failure = e;
        } catch (Throwable t) {
            failure = t;
            start.reset();   // a worker that never reached the barrier must not leave the others waiting
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
