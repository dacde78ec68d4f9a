package dev.engram.device;

import java.util.concurrent.locks.LockSupport;

/**
 * Waiting for emulated device time on the calling thread.
 *
 * <p>Short waits busy-spin on {@link System#nanoTime()} with {@link Thread#onSpinWait()}: parking
 * wakes up tens of microseconds late, which would swamp a 305 ns read. Waits longer than
 * {@link #PARK_THRESHOLD_NANOS} park for all but that last stretch and spin the rest, so that an SSD's
 * 85 µs or an NVDIMM-N restore does not burn a core. A wait is never shorter than asked.
 */
final class Delays {

    /** Below this remaining time a wait spins; above it, it parks. */
    static final long PARK_THRESHOLD_NANOS = 100_000;

    private Delays() {
    }

    /** Waits at least {@code nanos}; returns the time actually waited. */
    static long waitNanos(long nanos) {
        long start = System.nanoTime();
        return waitUntil(start, start + nanos);
    }

    /**
     * Waits until {@code deadline} on the {@link System#nanoTime()} scale, {@code start} being a clock
     * reading the caller already took (one clock read fewer per wait); returns the time since
     * {@code start}.
     */
    static long waitUntil(long start, long deadline) {
        long now;
        // one clock read here at the least, beside the caller's: on a VM each can cost 30-80 ns, the
        // resolution of the emulation (DeviceRegion calibrates its targets for it)
        while ((now = System.nanoTime()) - deadline < 0) {
            long remaining = deadline - now;
            if (remaining > PARK_THRESHOLD_NANOS) {
                LockSupport.parkNanos(remaining - PARK_THRESHOLD_NANOS);
            } else {
                Thread.onSpinWait();
            }
        }
        return now - start;
    }
}
