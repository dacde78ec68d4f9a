package dev.engram.device;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Exactly-{@code k}-of-{@code n} sampling for fault injection, reproducible from a seed.
 *
 * <p>Robert Floyd's algorithm: for {@code j} from {@code n - k} to {@code n - 1}, draw {@code t} in
 * {@code [0, j]} and take {@code t}, or {@code j} if {@code t} was taken already. It draws exactly
 * {@code k} numbers, each {@code k}-subset equally likely, in time and memory proportional to {@code k}
 * whatever {@code n} (a region's bits can number billions). {@link SplittableRandom} is SplitMix64, a
 * fixed algorithm, so a seed names the same sample on every JDK.
 */
final class Sampling {

    private Sampling() {
    }

    /** {@code k} distinct numbers from {@code [0, n)}, ascending. */
    static long[] sample(long n, int k, long seed) {
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("cannot sample " + k + " of " + n);
        }
        SplittableRandom random = new SplittableRandom(seed);
        LongSet taken = new LongSet(k);
        for (long j = n - k; j < n; j++) {
            long t = random.nextLong(j + 1);
            if (!taken.add(t)) {
                taken.add(j);
            }
        }
        long[] out = taken.toArray();
        Arrays.sort(out);
        return out;
    }

    /** An open-addressing set of non-negative longs, sized once for its expected count. */
    private static final class LongSet {
        private static final long EMPTY = -1;
        private final long[] slots;
        private final int mask;
        private int size;

        LongSet(int expected) {
            int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
            slots = new long[capacity];
            Arrays.fill(slots, EMPTY);
            mask = capacity - 1;
        }

        boolean add(long value) {
            int i = (int) ((value * 0x9E3779B97F4A7C15L) >>> 33) & mask;
            while (slots[i] != EMPTY) {
                if (slots[i] == value) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            slots[i] = value;
            size++;
            return true;
        }

        long[] toArray() {
            long[] out = new long[size];
            int n = 0;
            for (long v : slots) {
                if (v != EMPTY) {
                    out[n++] = v;
                }
            }
            return out;
        }
    }
}
