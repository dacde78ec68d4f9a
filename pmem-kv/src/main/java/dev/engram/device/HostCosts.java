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
 * which makes loops with locality pessimistic (a per-call model cannot see the cache). Persist: one
 * 64-byte flush + drain at a random line, timed one by one.
 *
 * <h2>Why it is measured this way</h2>
 * The first design took the lowest round median of one warm-up series, and on a shared two-core VM the
 * same 5 ns load came out at 10, 72 and 151 ns in three JVMs: the result depended on which round the
 * JIT and the neighbours happened to allow. Now:
 * <ol>
 *   <li><b>Warm-up</b>: samples in rounds of {@link #ROUND_SAMPLES} until {@code minSamples} have been
 *       taken (past HotSpot's C2 threshold) and {@link #STABLE_ROUNDS} rounds in a row do not beat the
 *       best round median by 5% (compilation only ever makes the path faster) and at least
 *       {@link #MIN_WARM_UP_NANOS} have passed, or the warm-up budget runs out. Nothing measured here
 *       is used.</li>
 *   <li><b>Measurement</b>: {@link #MEASURED_ROUNDS} rounds of up to {@link #ROUND_SAMPLES} samples;
 *       the cost is the <em>median of the round medians</em>, so one round disturbed by a neighbour
 *       (or one lucky round) moves nothing. Taken twice, and the lower kept: the warm-up lasts at
 *       least {@link #MIN_WARM_UP_NANOS}, but a compile can still land after it.</li>
 *   <li><b>Clock</b>: every sample is bracketed by two clock reads, so it includes one clock call's
 *       duration (35-87 ns on this VM, more than the load being measured); that cost, measured the
 *       same way ({@link #measureClockNanos}), is subtracted.</li>
 * </ol>
 * A slow host (a CRAWL persist is an fdatasync) is bounded by {@link #BUDGET_NANOS} per phase with at
 * least {@link #MIN_SAMPLES} samples per round. Calibration writes nothing; its flushes and drains do
 * show in the wrapped region's {@link dev.engram.region.RegionStats}. The clock is a parameter so that
 * tests can drive the arithmetic with a simulated one.
 *
 * @param readNanos    host cost of one random 8-byte read, ns
 * @param persistNanos host cost of one 64-byte flush + drain, ns
 * @param clockNanos   cost of one clock read ({@link System#nanoTime()}), ns; 0 when nothing was measured
 */
record HostCosts(long readNanos, long persistNanos, long clockNanos) {

    static final HostCosts NOT_MEASURED = new HostCosts(0, 0, 0);

    static final int READ_BATCH = 16;
    static final int ROUND_SAMPLES = 256;
    static final int STABLE_ROUNDS = 3;
    static final int MEASURED_ROUNDS = 5;
    static final int MIN_SAMPLES = 5;
    /** Clock reads per clock-cost sample: enough that the two bracketing reads are noise. */
    static final int CLOCK_BATCH = 64;
    /**
     * Past HotSpot's C2 thresholds with room for the compile to finish: 12,500 read samples (batches)
     * are 12,500 invocations of the sampling code, above C2's 5,000-invocation threshold even counted
     * alone. With 60,000 reads (3,750 invocations) a busy machine's late C2 compile left the read
     * measured in C1 code: 60-185 ns for a load the compiled code does in 5-10.
     */
    static final int MIN_READS = 200_000;
    static final int MIN_PERSISTS = 30_000;
    /** Time allowed to each phase (warm-up; all measured rounds together) of each operation. */
    static final long BUDGET_NANOS = 50_000_000;
    /**
     * The shortest warm-up: C2 compiles on background threads, and on a busy machine the compile of
     * the sampling code can land well after the sample count is reached, while the still-C1 rounds
     * look stable. In a cold benchmark JVM under load that measured a 5 ns WALK read at 59-135 ns.
     */
    static final long MIN_WARM_UP_NANOS = 20_000_000;
    /** Fixed, so that two calibrations of the same region touch the same offsets. */
    private static final long OFFSETS_SEED = 0x5EED_0FF5E7L;

    /** Keeps the loads from being optimised away. */
    @SuppressWarnings("unused")
    private static volatile long sink;

    static HostCosts measure(Region region, boolean read, boolean persist) {
        return measure(region, read, persist, System::nanoTime);
    }

    /** As {@link #measure(Region, boolean, boolean)} on the given clock (nanoseconds, monotonic). */
    static HostCosts measure(Region region, boolean read, boolean persist, LongSupplier clock) {
        if (!read && !persist) {
            return NOT_MEASURED;
        }
        long clockNanos = measureClockNanos(clock);
        return new HostCosts(read ? measureRead(region, clock, clockNanos) : 0,
                persist ? measurePersist(region, clock, clockNanos) : 0, clockNanos);
    }

    /** The cost of one clock read: the median of round medians of {@link #CLOCK_BATCH} back-to-back reads. */
    static long measureClockNanos(LongSupplier clock) {
        LongSupplier sample = () -> {
            long t0 = clock.getAsLong();
            long last = t0;
            for (int i = 0; i < CLOCK_BATCH; i++) {
                last = clock.getAsLong();
            }
            return last - t0;
        };
        return Math.round(measured(sample, 1_000, clock) / (double) CLOCK_BATCH);
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

    private static long measureRead(Region region, LongSupplier clock, long clockNanos) {
        long size = region.size();
        if (size < 8) {
            return 0;
        }
        long words = size / 8;
        long[] state = {OFFSETS_SEED, 0};
        long batch = measured(() -> {
            long x = state[0];
            long sum = 0;
            long t0 = clock.getAsLong();
            for (int b = 0; b < READ_BATCH; b++) {
                x ^= x << 13; // xorshift64: a fresh random cell every load, a multiply to bound it
                x ^= x >>> 7;
                x ^= x << 17;
                sum += region.getLong(Math.unsignedMultiplyHigh(x, words) << 3);
            }
            long elapsed = clock.getAsLong() - t0;
            state[0] = x;
            state[1] += sum;
            return elapsed;
        }, MIN_READS / READ_BATCH, clock);
        sink = state[1];
        return Math.max(0, batch - clockNanos) / READ_BATCH;
    }

    private static long measurePersist(Region region, LongSupplier clock, long clockNanos) {
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
        long persist = measured(() -> {
            long offset = offsets[next[0]++ & 1023];
            long t0 = clock.getAsLong();
            region.flush(offset, length);
            region.drain();
            return clock.getAsLong() - t0;
        }, MIN_PERSISTS, clock);
        return Math.max(0, persist - clockNanos);
    }

    /**
     * Warm-up, then the median of {@link #MEASURED_ROUNDS} round medians, twice; the lower of the two
     * (see the class comment: a compile that lands after the warm-up only ever lowers the second).
     */
    static long measured(LongSupplier sample, int minWarmUpSamples, LongSupplier clock) {
        warmUp(sample, minWarmUpSamples, clock);
        long first = medianOfRoundMedians(sample, clock);
        return Math.min(first, medianOfRoundMedians(sample, clock));
    }

    /**
     * {@link #MEASURED_ROUNDS} rounds of {@link #ROUND_SAMPLES} samples (fewer, but at least
     * {@link #MIN_SAMPLES}, when a round's share of {@link #BUDGET_NANOS} runs out): the median of the
     * rounds' medians.
     */
    static long medianOfRoundMedians(LongSupplier sample, LongSupplier clock) {
        long[] roundMedians = new long[MEASURED_ROUNDS];
        long[] samples = new long[ROUND_SAMPLES];
        long end = clock.getAsLong() + BUDGET_NANOS;
        for (int round = 0; round < MEASURED_ROUNDS; round++) {
            long roundEnd = end - (BUDGET_NANOS / MEASURED_ROUNDS) * (MEASURED_ROUNDS - 1 - round);
            int n = 0;
            while (n < ROUND_SAMPLES && (n < MIN_SAMPLES || clock.getAsLong() - roundEnd < 0)) {
                samples[n++] = sample.getAsLong();
            }
            roundMedians[round] = median(Arrays.copyOf(samples, n));
        }
        return median(roundMedians);
    }

    /**
     * Runs {@code sample} until the measured path is compiled: rounds of {@link #ROUND_SAMPLES}, at least
     * {@code minSamples} in all, until {@link #STABLE_ROUNDS} rounds in a row do not improve on the best
     * round median by 5%, or {@link #BUDGET_NANOS} has passed (with at least {@link #MIN_SAMPLES}).
     */
    private static void warmUp(LongSupplier sample, int minSamples, LongSupplier clock) {
        long[] samples = new long[ROUND_SAMPLES];
        long best = Long.MAX_VALUE;
        long taken = 0;
        int stable = 0;
        long start = clock.getAsLong();
        long end = start + BUDGET_NANOS;
        while (true) {
            int n = 0;
            boolean outOfTime = false;
            while (n < ROUND_SAMPLES) {
                samples[n++] = sample.getAsLong();
                outOfTime = clock.getAsLong() - end >= 0;
                if (outOfTime && n >= MIN_SAMPLES) {
                    break;
                }
            }
            taken += n;
            long median = median(Arrays.copyOf(samples, n));
            stable = median < best * 0.95 ? 0 : stable + 1;
            best = Math.min(best, median);
            boolean compiledByNow = clock.getAsLong() - start >= MIN_WARM_UP_NANOS;
            if (outOfTime || (taken >= minSamples && stable >= STABLE_ROUNDS && compiledByNow)) {
                return;
            }
        }
    }

    static long median(long[] samples) {
        Arrays.sort(samples);
        return samples[samples.length / 2];
    }
}
