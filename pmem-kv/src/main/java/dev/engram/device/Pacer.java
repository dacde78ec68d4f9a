package dev.engram.device;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bandwidth cap shared by all threads of a region: a token bucket in its virtual-scheduling form
 * (GCRA). Each transfer of {@code n} bytes books {@code n / bandwidth} of device time after the
 * previous booking; the caller waits until its booking ends, less a tolerance of
 * {@link #BURST_NANOS}, so that short bursts after an idle spell pass without waiting while a long
 * stream is held to the rate.
 *
 * <p>Guarantee, which the tests check: transfers of {@code B} bytes in total, started when the device
 * was idle, end no earlier than {@code B / bandwidth - BURST_NANOS} after the first began.
 */
final class Pacer {

    /** How far a burst may run ahead of the rate: 100 µs of device time. */
    static final long BURST_NANOS = 100_000;

    private final double nanosPerByte;
    /** When the device will have finished every transfer booked so far (System.nanoTime scale). */
    private final AtomicLong bookedUntil;

    Pacer(long bytesPerSecond) {
        this.nanosPerByte = 1e9 / bytesPerSecond;
        this.bookedUntil = new AtomicLong(System.nanoTime());
    }

    /** Books {@code bytes} of transfer; returns how long the caller must wait (0 or less: not at all). */
    long book(long bytes) {
        return book(bytes, System.nanoTime());
    }

    /** As {@link #book(long)}, at {@code now}, a {@link System#nanoTime()} reading the caller already took. */
    long book(long bytes, long now) {
        long cost = (long) Math.ceil(bytes * nanosPerByte);
        long prev;
        long next;
        do {
            prev = bookedUntil.get();
            next = (prev - now > 0 ? prev : now) + cost;
        } while (!bookedUntil.compareAndSet(prev, next));
        return next - BURST_NANOS - now;
    }
}
