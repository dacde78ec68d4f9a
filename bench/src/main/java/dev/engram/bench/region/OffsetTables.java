package dev.engram.bench.region;

import java.util.SplittableRandom;

/**
 * Offset tables built before measurement, so that no random number is drawn in the measured path and
 * every run, of every mode, touches the same bytes in the same order.
 *
 * <p>Every table is seeded with {@link #SEED} and says so on the console when built, so a run can be
 * reproduced from its log alone.
 */
final class OffsetTables {

    /** The one seed of every table. */
    static final long SEED = 0x2026_1122L;

    /**
     * Entries in a table of small-access offsets: a power of two, so the measured path indexes with a
     * mask. 4096 longs are 32 KiB: small enough that reading the table costs next to nothing
     * beside the accesses it drives.
     */
    static final int SMALL_ACCESS_COUNT = 4096;

    private OffsetTables() {
    }

    /**
     * {@code count} offsets drawn uniformly (with repeats) from {@code [base, base + span - length]},
     * each a multiple of {@code alignment} from {@code base}.
     */
    static long[] random(String what, int count, long base, long span, int length, int alignment) {
        long slots = (span - length) / alignment + 1;
        if (slots < 1) {
            throw new IllegalArgumentException(what + ": a span of " + span + " bytes holds no " + length + "-byte access");
        }
        SplittableRandom random = new SplittableRandom(SEED);
        long[] offsets = new long[count];
        for (int i = 0; i < count; i++) {
            offsets[i] = base + random.nextLong(slots) * alignment;
        }
        System.out.printf("%s: %d random offsets, %d-byte aligned, in [%d, %d), seed 0x%x%n",
                what, count, alignment, base, base + span, SEED);
        return offsets;
    }

    /** Every {@code block}-byte block of {@code [base, base + span)} once, in address order. */
    static long[] sequentialBlocks(String what, long base, long span, int block) {
        long[] offsets = new long[blockCount(span, block)];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = base + (long) i * block;
        }
        System.out.printf("%s: %d sequential %d-byte blocks in [%d, %d)%n", what, offsets.length, block, base,
                base + span);
        return offsets;
    }

    /** Every {@code block}-byte block of {@code [base, base + span)} once, in a seeded random order. */
    static long[] shuffledBlocks(String what, long base, long span, int block) {
        long[] offsets = new long[blockCount(span, block)];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = base + (long) i * block;
        }
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = offsets.length - 1; i > 0; i--) {   // Fisher-Yates
            int j = random.nextInt(i + 1);
            long t = offsets[i];
            offsets[i] = offsets[j];
            offsets[j] = t;
        }
        System.out.printf("%s: %d %d-byte blocks of [%d, %d) in random order, seed 0x%x%n", what, offsets.length,
                block, base, base + span, SEED);
        return offsets;
    }

    private static int blockCount(long span, int block) {
        long n = span / block;
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a span of " + span + " bytes in " + block + "-byte blocks");
        }
        return (int) n;
    }

    /** The index mask of a table whose length is a power of two; fails for any other length. */
    static int mask(long[] table) {
        if (Integer.bitCount(table.length) != 1) {
            throw new IllegalArgumentException("table length " + table.length + " is not a power of two");
        }
        return table.length - 1;
    }
}
