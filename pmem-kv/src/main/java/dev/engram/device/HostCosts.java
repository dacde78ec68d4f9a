package dev.engram.device;

import dev.engram.region.Region;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * What the wrapped region itself costs for the operations a profile prices, measured once when a
 * {@link DeviceRegion} is built, so that only the difference to the profile is added.
 *
 * <p>Read: 8-byte loads at fresh random aligned offsets over the whole region (the profile's figure is
 * an idle <em>random</em> read, a cache miss on a region larger than the cache), timed in batches of
 * {@link #READ_BATCH} because one load is shorter than the clock's resolution. The added latency is
 * then charged to every read call, hit or miss: reads that would hit the CPU cache are over-charged,
 * which makes loops with locality pessimistic (a per-call model cannot see the cache). Persist: one 64-byte flush + drain at a random line, timed one by one.
 *
 * <p>The path being measured is usually cold when a region is built: interpreted, then compiled in
 * tiers. A single median over that period measures the interpreter (hundreds of ns for a heap load).
 * So samples are taken in rounds of {@link #ROUND_SAMPLES}; compilation only ever makes a round faster,
 * so the cost is the lowest round median, and measuring stops once {@link #STABLE_ROUNDS} rounds in a
 * row fail to beat it by more than 5%, or after {@link #BUDGET_NANOS}. Each median is robust to the odd
 * interrupt or page fault. A slow host (a CRAWL persist is an fdatasync) ends at the budget with at
 * least {@link #MIN_SAMPLES} samples. Calibration writes nothing; its flushes and drains do show in
 * the wrapped region's {@link dev.engram.region.RegionStats}.
 *
 * @param readNanos    host cost of one random 8-byte read, ns
 * @param persistNanos host cost of one 64-byte flush + drain, ns
 */
record HostCosts(long readNanos, long persistNanos) {

    static final HostCosts NOT_MEASURED = new HostCosts(0, 0);

    static final int READ_BATCH = 16;
    static final int ROUND_SAMPLES = 256;
    static final int STABLE_ROUNDS = 3;
    static final int MIN_SAMPLES = 5;
    /** Past HotSpot's C2 threshold (~10-15k invocations) with room for the compile to finish. */
    static final int MIN_READS = 60_000;
    static final int MIN_PERSISTS = 30_000;
    static final long BUDGET_NANOS = 50_000_000;
    /** Fixed, so that two calibrations of the same region touch the same offsets. */
    private static final long OFFSETS_SEED = 0x5EED_0FF5E7L;

    /** Keeps the loads from being optimised away. */
    @SuppressWarnings("unused")
    private static volatile long sink;

    static HostCosts measure(Region region, boolean read, boolean persist) {
        return new HostCosts(read ? measureRead(region) : 0, persist ? measurePersist(region) : 0);
    }

    private static long[] randomOffsets(long size, int align) {
        SplittableRandom random = new SplittableRandom(OFFSETS_SEED);
        long[] offsets = new long[1024];
        long slots = size / align;
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = random.nextLong(slots) * align;
        }
        return offsets;
    }

    private static long measureRead(Region region) {
        long size = region.size();
        if (size < 8) {
            return 0;
        }
        long words = size / 8;
        long[] state = {OFFSETS_SEED, 0};
        long batch = lowestMedian(() -> {
            long x = state[0];
            long sum = 0;
            long t0 = System.nanoTime();
            for (int b = 0; b < READ_BATCH; b++) {
                x ^= x << 13; // xorshift64: a fresh random cell every load, a multiply to bound it
                x ^= x >>> 7;
                x ^= x << 17;
                sum += region.getLong(Math.unsignedMultiplyHigh(x, words) << 3);
            }
            long elapsed = System.nanoTime() - t0;
            state[0] = x;
            state[1] += sum;
            return elapsed;
        }, MIN_READS / READ_BATCH);
        sink = state[1];
        return batch / READ_BATCH;
    }

    private static long measurePersist(Region region) {
        long size = region.size();
        if (size < 8) {
            return 0;
        }
        int length = (int) Math.min(64, size);
        long[] offsets = randomOffsets(size - length + 1, 1);
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] &= ~63L;
        }
        int[] next = {0};
        return lowestMedian(() -> {
            long offset = offsets[next[0]++ & 1023];
            long t0 = System.nanoTime();
            region.flush(offset, length);
            region.drain();
            return System.nanoTime() - t0;
        }, MIN_PERSISTS);
    }

    /**
     * The lowest round median of {@code sample}'s timings (see the class comment): rounds of up to
     * {@link #ROUND_SAMPLES}, at least {@code minSamples} samples in all so that the top compiler tier
     * has had its chance, until {@link #STABLE_ROUNDS} rounds in a row do not improve by 5%; everything
     * within {@link #BUDGET_NANOS}, but never fewer than {@link #MIN_SAMPLES} samples.
     */
    private static long lowestMedian(LongSupplier sample, int minSamples) {
        long[] samples = new long[ROUND_SAMPLES];
        long best = Long.MAX_VALUE;
        long taken = 0;
        int stable = 0;
        long end = System.nanoTime() + BUDGET_NANOS;
        while (true) {
            int n = 0;
            boolean outOfTime = false;
            while (n < ROUND_SAMPLES) {
                samples[n++] = sample.getAsLong();
                outOfTime = System.nanoTime() - end >= 0;
                if (outOfTime && (n >= MIN_SAMPLES || best != Long.MAX_VALUE)) {
                    break;
                }
            }
            taken += n;
            long median = median(Arrays.copyOf(samples, n));
            stable = median < best * 0.95 ? 0 : stable + 1;
            best = Math.min(best, median);
            if (outOfTime || (taken >= minSamples && stable >= STABLE_ROUNDS)) {
                return best;
            }
        }
    }

    private static long median(long[] samples) {
        Arrays.sort(samples);
        return samples[samples.length / 2];
    }
}
