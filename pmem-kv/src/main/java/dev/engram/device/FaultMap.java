package dev.engram.device;

import dev.engram.region.Region;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stuck cells of a {@link DeviceRegion}: for each faulty media line, which of its 8-byte cells have
 * stuck bits, and their masks and values.
 *
 * <h2>Invariant</h2>
 * The wrapped region holds, at every stuck bit, that bit's stuck value. Injection imposes it once on
 * the wrapped region's bytes; every later store through the {@link DeviceRegion} has the stuck bits
 * imposed on the data <em>before</em> it is stored. So reads need no fault logic at all, a store never
 * leaves a non-stuck value behind even for an instant (a power-fail recording sees only stuck values),
 * and the store to a clean line pays one {@link LineTable} bit test.
 *
 * <p>Injection takes this object's lock and is meant for quiescent moments. A store racing with the
 * injection of a fault on its own cell may take once; a store racing with a line wearing out may land
 * after the line's content was frozen, in which case readers see the late store until the next store
 * to that line re-imposes the frozen content.
 *
 * <p>Faults live in memory, not in the region file: after reopening, re-inject the list that
 * {@link #list} returned (dead lines re-freeze at their durable content, which is what they held).
 */
final class FaultMap {

    /**
     * The faults of one line, immutable (replaced on change): the indexes of its faulty cells within the
     * line, ascending, with their masks and values; {@code dead} when every cell is frozen.
     */
    record LineFaults(boolean dead, int[] cells, long[] masks, long[] values) {

        int find(int cell) {
            return Arrays.binarySearch(cells, cell);
        }

        /** This line with {@code mask} of {@code cell} stuck at {@code value} (merged: the newer fault wins). */
        LineFaults with(int cell, long mask, long value) {
            int i = find(cell);
            if (i >= 0) {
                long[] m = masks.clone();
                long[] v = values.clone();
                m[i] |= mask;
                v[i] = (v[i] & ~mask) | (value & mask);
                return new LineFaults(dead, cells, m, v);
            }
            int at = -i - 1;
            int n = cells.length;
            int[] c = new int[n + 1];
            long[] m = new long[n + 1];
            long[] v = new long[n + 1];
            System.arraycopy(cells, 0, c, 0, at);
            System.arraycopy(masks, 0, m, 0, at);
            System.arraycopy(values, 0, v, 0, at);
            c[at] = cell;
            m[at] = mask;
            v[at] = value & mask;
            System.arraycopy(cells, at, c, at + 1, n - at);
            System.arraycopy(masks, at, m, at + 1, n - at);
            System.arraycopy(values, at, v, at + 1, n - at);
            return new LineFaults(dead, c, m, v);
        }
    }

    private static final LineFaults EMPTY = new LineFaults(false, new int[0], new long[0], new long[0]);

    private final LineTable table;
    private final int lineShift;
    private final int lineBytes;
    private final ConcurrentHashMap<Long, LineFaults> byLine = new ConcurrentHashMap<>();
    /** Lines with any fault; the stores' first test. Written under the lock, after the map and the bit. */
    private volatile int faultyLines;

    FaultMap(LineTable table, int lineBytes) {
        this.table = table;
        this.lineBytes = lineBytes;
        this.lineShift = Integer.numberOfTrailingZeros(lineBytes);
    }

    /**
     * Whether a store to {@code [offset, offset+length)} may touch a stuck bit: the whole fast path, one
     * volatile load while no line is faulty, else one bit test per touched line (a word per 64 lines).
     */
    boolean mayAffect(long offset, long length) {
        if (faultyLines == 0 || length <= 0 || offset < 0) {
            return false;
        }
        long last = offset + length - 1;
        if (last < 0) {
            return false;
        }
        return table.anyFaulty(offset >>> lineShift, last >>> lineShift);
    }

    /** Whether any line in {@code [offset, offset+length)} is dead. */
    boolean anyDead(long offset, long length) {
        if (!mayAffect(offset, length)) {
            return false;
        }
        long last = (offset + length - 1) >>> lineShift;
        for (long line = offset >>> lineShift; line <= last; line++) {
            if (table.isFaulty(line)) {
                LineFaults lf = byLine.get(line);
                if (lf != null && lf.dead) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The first dead line's offset in {@code [offset, offset+length)}, or -1. */
    long firstDead(long offset, long length) {
        long last = (offset + length - 1) >>> lineShift;
        for (long line = offset >>> lineShift; line <= last; line++) {
            LineFaults lf = byLine.get(line);
            if (lf != null && lf.dead) {
                return line << lineShift;
            }
        }
        return -1;
    }

    boolean isDead(long line) {
        LineFaults lf = byLine.get(line);
        return lf != null && lf.dead;
    }

    // ---------------------------------------------------------------- imposing on data being stored

    /**
     * {@code value}, the little-endian image of {@code width} bytes about to be stored at {@code offset},
     * with the stuck bits of those bytes imposed. Slow path: called only when {@link #mayAffect} said so.
     */
    long impose(long offset, int width, long value) {
        long result = value;
        for (int k = 0; k < width; k++) {
            long o = offset + k;
            LineFaults lf = byLine.get(o >>> lineShift);
            if (lf == null) {
                continue;
            }
            int i = lf.find(cellInLine(o));
            if (i < 0) {
                continue;
            }
            int shift = (int) (o & 7) << 3;
            long byteMask = (lf.masks[i] >>> shift) & 0xFF;
            if (byteMask == 0) {
                continue;
            }
            long byteValue = (lf.values[i] >>> shift) & byteMask;
            int at = k << 3;
            result = (result & ~(byteMask << at)) | (byteValue << at);
        }
        return result;
    }

    /**
     * Imposes the stuck bits of {@code [offset, offset+length)} on {@code buf[index..index+length)}, the
     * bytes about to be stored there. Slow path.
     */
    void imposeBytes(long offset, byte[] buf, int index, int length) {
        if (length <= 0) {
            return;
        }
        long end = offset + length;
        long lastLine = (end - 1) >>> lineShift;
        for (long line = offset >>> lineShift; line <= lastLine; line++) {
            if (!table.isFaulty(line)) {
                continue;
            }
            LineFaults lf = byLine.get(line);
            if (lf == null) {
                continue;
            }
            long lineStart = line << lineShift;
            for (int i = 0; i < lf.cells.length; i++) {
                long cellStart = lineStart + ((long) lf.cells[i] << 3);
                long from = Math.max(cellStart, offset);
                long to = Math.min(cellStart + 8, end);
                for (long o = from; o < to; o++) {
                    int shift = (int) (o - cellStart) << 3;
                    int byteMask = (int) (lf.masks[i] >>> shift) & 0xFF;
                    if (byteMask != 0) {
                        int byteValue = (int) (lf.values[i] >>> shift) & byteMask;
                        int at = index + (int) (o - offset);
                        buf[at] = (byte) ((buf[at] & ~byteMask) | byteValue);
                    }
                }
            }
        }
    }

    private int cellInLine(long offset) {
        return (int) ((offset & (lineBytes - 1)) >>> 3);
    }

    // ---------------------------------------------------------------- injection (under the lock)

    /**
     * Sticks {@code mask} of the cell at {@code cellOffset} at {@code value} and imposes it on the
     * region's current content. Order: map entry, then faulty bit, then the count a store tests first,
     * so a store that sees the count sees the bit and the entry.
     */
    synchronized void stick(Region base, long cellOffset, long mask, long value) {
        long line = cellOffset >>> lineShift;
        LineFaults old = byLine.getOrDefault(line, EMPTY);
        byLine.put(line, old.with(cellInLine(cellOffset), mask, value));
        publish(line, old == EMPTY);
        long current = base.getLong(cellOffset);
        long stuck = (current & ~mask) | (value & mask);
        if (stuck != current) {
            base.putLong(cellOffset, stuck);
        }
    }

    /**
     * Freezes every cell of {@code line} that lies below {@code regionSize} at its current content.
     *
     * @return whether the line was not dead already
     */
    synchronized boolean kill(Region base, long line, long regionSize) {
        LineFaults old = byLine.get(line);
        if (old != null && old.dead) {
            return false;
        }
        long lineStart = line << lineShift;
        int cellCount = (int) Math.max(0, Math.min(lineBytes, regionSize - lineStart) >>> 3);
        int[] cells = new int[cellCount];
        long[] masks = new long[cellCount];
        long[] values = new long[cellCount];
        for (int i = 0; i < cellCount; i++) {
            cells[i] = i;
            masks[i] = -1L;
            values[i] = base.getLong(lineStart + ((long) i << 3));
        }
        byLine.put(line, new LineFaults(true, cells, masks, values));
        publish(line, old == null);
        return true;
    }

    private void publish(long line, boolean newLine) {
        table.setFaulty(line);
        if (newLine) {
            faultyLines = faultyLines + 1; // only ever written under the lock
        }
    }

    /** Forgets every fault; the region keeps the values the stuck bits held, now as ordinary data. */
    synchronized void clear() {
        faultyLines = 0;
        table.clearAllFaulty();
        byLine.clear();
    }

    // ---------------------------------------------------------------- reporting

    /** The current faults, by offset: one entry per dead line and one per faulty cell of a live line. */
    List<MediaFault> list() {
        TreeMap<Long, LineFaults> sorted = new TreeMap<>(byLine);
        List<MediaFault> out = new ArrayList<>();
        sorted.forEach((line, lf) -> {
            long lineStart = line << lineShift;
            if (lf.dead) {
                out.add(MediaFault.deadLine(lineStart, lineBytes));
            } else {
                for (int i = 0; i < lf.cells.length; i++) {
                    out.add(MediaFault.cell(lineStart + ((long) lf.cells[i] << 3), lf.masks[i], lf.values[i]));
                }
            }
        });
        return out;
    }

    int deadLines() {
        int n = 0;
        for (LineFaults lf : byLine.values()) {
            n += lf.dead ? 1 : 0;
        }
        return n;
    }

    long faultyCells() {
        long n = 0;
        for (LineFaults lf : byLine.values()) {
            n += lf.dead ? 0 : lf.cells.length;
        }
        return n;
    }

    /** A bitmap of dead lines {@code [0, lineCount)}, for the wear map. */
    java.util.BitSet deadBitmap(int lineCount) {
        java.util.BitSet dead = new java.util.BitSet(lineCount);
        byLine.forEach((line, lf) -> {
            if (lf.dead && line < lineCount) {
                dead.set((int) (long) line);
            }
        });
        return dead;
    }
}
