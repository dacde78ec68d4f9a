package dev.engram.bench.workload;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Which operations a worker times. Timing every operation would cost two {@link System#nanoTime()} calls
 * (~2 x 20 ns on a KVM guest with a TSC clock) on operations of a few hundred nanoseconds, so by default
 * one operation in {@code every} is timed, on average: the gap to the next timed operation is drawn
 * uniformly from {@code [1, 2 * every - 1]}. Random gaps keep the sample from locking onto anything
 * periodic in the store (a segment opened every N records, a lane switch); the random numbers come from
 * a generator seeded from the run's seed and the thread's number, and are drawn only once per sample.
 *
 * <p>A timed operation's latency includes one {@code nanoTime} call's worth of overhead;
 * {@link #timerCostNanos()} measures it so results can state it (field {@code timer_ns}).
 */
final class Sampler {

    private final int every;
    private final SplittableRandom random;

    /**
     * @param every average number of operations per timed operation; 1 times every operation
     * @param seed  seed of the gap generator (the run's seed mixed with the thread number)
     */
    Sampler(int every, long seed) {
        if (every < 1) {
            throw new IllegalArgumentException("sample-every " + every + " must be at least 1");
        }
        this.every = every;
        this.random = new SplittableRandom(seed);
    }

    /** Operations until (and including) the next timed one: always 1 when every operation is timed. */
    int nextGap() {
        return every == 1 ? 1 : random.nextInt(1, 2 * every);
    }

    /**
     * The median cost of one {@code System.nanoTime()} call on this machine, in nanoseconds: the median
     * difference of 2^16 back-to-back pairs, after 2^16 pairs of warm-up.
     */
    static long timerCostNanos() {
        long[] deltas = new long[1 << 16];
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < deltas.length; i++) {
                long t0 = System.nanoTime();
                deltas[i] = System.nanoTime() - t0;
            }
        }
        Arrays.sort(deltas);
        return deltas[deltas.length / 2];
    }
}
