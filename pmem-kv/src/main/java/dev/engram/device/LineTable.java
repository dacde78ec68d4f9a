package dev.engram.device;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongConsumer;

/**
 * Per-media-line state of a {@link DeviceRegion}: a wear counter, a dirty bit (stored since the last
 * flush) and a faulty bit (some cell of the line has a fault), for every line of the region.
 *
 * <p>Storage is a directory of fixed-size chunks of {@link #CHUNK_LINES} lines. Growth appends chunks
 * and publishes a new directory; chunks never move, so an update racing with growth lands in the
 * same chunk the next directory holds and is never lost. Cost: 8 bytes of counter plus 2 bits per line
 * (3.2% of the region for 256 B lines).
 *
 * <p>Memory ordering: bits and counters are updated with atomic read-modify-writes; the fast-path
 * checks read them with opaque loads, which cannot be hoisted out of a caller's loop and cost a plain
 * load on x86. Lines at or beyond {@link #capacityLines()} read as clean, unfaulty and unworn.
 */
final class LineTable {

    static final int CHUNK_SHIFT = 12;
    static final int CHUNK_LINES = 1 << CHUNK_SHIFT;
    private static final long CHUNK_MASK = CHUNK_LINES - 1;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private static final class Chunk {
        final long[] wear = new long[CHUNK_LINES];
        final long[] dirty = new long[CHUNK_LINES >>> 6];
        final long[] faulty = new long[CHUNK_LINES >>> 6];
    }

    private volatile Chunk[] chunks = new Chunk[0];

    LineTable(long lineCount) {
        ensureCapacity(lineCount);
    }

    long capacityLines() {
        return (long) chunks.length << CHUNK_SHIFT;
    }

    /** Makes room for lines {@code [0, lineCount)}; existing chunks are kept, not copied. */
    synchronized void ensureCapacity(long lineCount) {
        Chunk[] old = chunks;
        long needed = (lineCount + CHUNK_LINES - 1) >>> CHUNK_SHIFT;
        if (needed <= old.length) {
            return;
        }
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("line table: " + lineCount + " lines is more than can be tracked");
        }
        Chunk[] grown = java.util.Arrays.copyOf(old, (int) needed);
        for (int i = old.length; i < grown.length; i++) {
            grown[i] = new Chunk();
        }
        chunks = grown; // volatile publish: the new chunks are fully constructed before readers see them
    }

    /** Bits {@code from..to} (inclusive, 0..63) set. */
    private static long bitRange(int from, int to) {
        return (-1L >>> (63 - to)) & (-1L << from);
    }

    // ---------------------------------------------------------------- faulty bits

    /** Whether any line in {@code [first, last]} has its faulty bit set. */
    boolean anyFaulty(long first, long last) {
        Chunk[] cs = chunks;
        long line = first;
        while (line <= last && line >= 0) {
            int ci = (int) (line >>> CHUNK_SHIFT);
            if (ci >= cs.length) {
                return false;
            }
            int bit = (int) (line & CHUNK_MASK);
            long end = Math.min(last, line | 63);
            long mask = bitRange(bit & 63, (bit & 63) + (int) (end - line));
            if (((long) LONGS.getOpaque(cs[ci].faulty, bit >>> 6) & mask) != 0) {
                return true;
            }
            line = end + 1;
        }
        return false;
    }

    boolean isFaulty(long line) {
        return anyFaulty(line, line);
    }

    void setFaulty(long line) {
        Chunk c = chunks[(int) (line >>> CHUNK_SHIFT)];
        int bit = (int) (line & CHUNK_MASK);
        LONGS.getAndBitwiseOr(c.faulty, bit >>> 6, 1L << (bit & 63));
    }

    void clearAllFaulty() {
        for (Chunk c : chunks) {
            for (int i = 0; i < c.faulty.length; i++) {
                LONGS.setVolatile(c.faulty, i, 0L);
            }
        }
    }

    // ---------------------------------------------------------------- dirty bits

    /** Marks lines {@code [first, last]} as stored since their last flush. */
    void markDirty(long first, long last) {
        Chunk[] cs = chunks;
        long line = first;
        while (line <= last) {
            int ci = (int) (line >>> CHUNK_SHIFT);
            if (ci >= cs.length) {
                return;
            }
            int bit = (int) (line & CHUNK_MASK);
            long end = Math.min(last, line | 63);
            long mask = bitRange(bit & 63, (bit & 63) + (int) (end - line));
            long[] words = cs[ci].dirty;
            // A line stored again before its flush is already dirty: skip the atomic then.
            if (((long) LONGS.getOpaque(words, bit >>> 6) & mask) != mask) {
                LONGS.getAndBitwiseOr(words, bit >>> 6, mask);
            }
            line = end + 1;
        }
    }

    /**
     * Clears the dirty bits of lines {@code [first, last]} and counts one media write for each line
     * that was dirty; {@code onLimit} receives each line whose count reaches {@code endurance} exactly
     * (so each line is reported once).
     */
    void writeBackDirty(long first, long last, long endurance, LongConsumer onLimit) {
        Chunk[] cs = chunks;
        long line = first;
        while (line <= last) {
            int ci = (int) (line >>> CHUNK_SHIFT);
            if (ci >= cs.length) {
                return;
            }
            int bit = (int) (line & CHUNK_MASK);
            long end = Math.min(last, line | 63);
            long mask = bitRange(bit & 63, (bit & 63) + (int) (end - line));
            Chunk c = cs[ci];
            int wi = bit >>> 6;
            if (((long) LONGS.getOpaque(c.dirty, wi) & mask) != 0) {
                long taken = (long) LONGS.getAndBitwiseAnd(c.dirty, wi, ~mask) & mask;
                long wordFirstLine = line & ~63L;
                while (taken != 0) {
                    int b = Long.numberOfTrailingZeros(taken);
                    taken &= taken - 1;
                    countInChunk(c, wordFirstLine + b, endurance, onLimit);
                }
            }
            line = end + 1;
        }
    }

    // ---------------------------------------------------------------- wear

    /** Counts one media write for every line in {@code [first, last]}. */
    void countWrites(long first, long last, long endurance, LongConsumer onLimit) {
        Chunk[] cs = chunks;
        for (long line = first; line <= last; line++) {
            int ci = (int) (line >>> CHUNK_SHIFT);
            if (ci >= cs.length) {
                return;
            }
            countInChunk(cs[ci], line, endurance, onLimit);
        }
    }

    private static void countInChunk(Chunk c, long line, long endurance, LongConsumer onLimit) {
        long n = (long) LONGS.getAndAdd(c.wear, (int) (line & CHUNK_MASK), 1L) + 1;
        if (n == endurance) {
            onLimit.accept(line);
        }
    }

    long wear(long line) {
        Chunk[] cs = chunks;
        int ci = (int) (line >>> CHUNK_SHIFT);
        return line < 0 || ci >= cs.length ? 0 : (long) LONGS.getOpaque(cs[ci].wear, (int) (line & CHUNK_MASK));
    }

    /** A copy of the counters of lines {@code [0, lineCount)}. */
    long[] snapshotWear(int lineCount) {
        long[] out = new long[lineCount];
        for (int line = 0; line < lineCount; line++) {
            out[line] = wear(line);
        }
        return out;
    }

    long totalWear(long lineCount) {
        long sum = 0;
        for (long line = 0; line < lineCount; line++) {
            sum += wear(line);
        }
        return sum;
    }
}
