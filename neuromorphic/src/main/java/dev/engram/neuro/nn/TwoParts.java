package dev.engram.neuro.nn;

import java.util.concurrent.locks.LockSupport;

/**
 * Runs a job cut into two fixed parts: part 0 on the calling thread and part 1 on one worker thread, or
 * both parts on the caller when there is no worker. The cut never depends on the thread count, so
 * results are bit-identical either way as long as the parts write disjoint data and whatever sums
 * across parts is done afterwards, in a fixed order, by the caller.
 *
 * <p>Hand-off: the caller publishes the job with a volatile write and unparks the worker; the worker
 * publishes completion with a volatile write of {@code finished}, which also publishes everything part 1
 * wrote. Both sides spin briefly before parking, because a minibatch's parts last tens of microseconds
 * and a park/unpark round trip costs about as much. Used by one calling thread at a time.
 */
final class TwoParts implements AutoCloseable {

    /** One part of a job. */
    @FunctionalInterface
    interface Part {
        void run(int part);
    }

    private static final long SPIN_NANOS = 50_000;

    private final Thread worker;
    private volatile Part job;
    private volatile boolean finished;
    private volatile Throwable failure;
    private volatile boolean closed;
    private volatile Thread caller;

    /** {@code threads} 1: both parts on the caller; 2: part 1 on a daemon worker thread. */
    TwoParts(int threads, String name) {
        if (threads != 1 && threads != 2) {
            throw new IllegalArgumentException("threads: found " + threads + ", expected 1 or 2");
        }
        if (threads == 1) {
            worker = null;
        } else {
            worker = Thread.ofPlatform().name(name).daemon().unstarted(this::workerLoop);
            worker.start();
        }
    }

    int threads() {
        return worker == null ? 1 : 2;
    }

    void run(Part part) {
        if (worker == null) {
            part.run(0);
            part.run(1);
            return;
        }
        caller = Thread.currentThread();
        finished = false;
        failure = null;
        job = part; // volatile write: publishes the caller's writes (weights, samples) to the worker
        LockSupport.unpark(worker);
        Throwable own = null;
        try {
            part.run(0);
        } catch (Throwable t) {
            own = t;
        }
        long start = System.nanoTime();
        while (!finished) { // volatile read: after it, part 1's writes are visible here
            if (System.nanoTime() - start < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(this, 1_000_000);
            }
        }
        if (own != null) {
            rethrow(own);
        }
        if (failure != null) {
            rethrow(failure);
        }
    }

    private void workerLoop() {
        long idleSince = System.nanoTime();
        while (!closed) {
            Part part = job;
            if (part == null) {
                if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
                continue;
            }
            job = null;
            try {
                part.run(1);
            } catch (Throwable t) {
                failure = t;
            }
            finished = true;
            LockSupport.unpark(caller);
            idleSince = System.nanoTime();
        }
    }

    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    @Override
    public void close() {
        if (worker != null) {
            closed = true;
            LockSupport.unpark(worker);
        }
    }
}
