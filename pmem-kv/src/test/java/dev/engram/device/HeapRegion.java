package dev.engram.device;

import dev.engram.region.AccessMode;
import dev.engram.region.Granularity;
import dev.engram.region.PersistencePath;
import dev.engram.region.Region;
import dev.engram.region.RegionException;
import dev.engram.region.RegionException.Code;
import dev.engram.region.RegionStats;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A region over a heap array, for this package's tests: little-endian, bounds-checked, flush and drain
 * count but do nothing. The array is a long[] seen as a memory segment, so that aligned 8-byte atomics
 * are supported (a byte[] view cannot promise 8-byte alignment). Sizes are multiples of 8. Growth
 * replaces the array and is not safe against concurrent access.
 */
final class HeapRegion implements Region {

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle ATOMIC = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private volatile MemorySegment bytes;
    private final long maxSize;
    private final Granularity granularity;
    private long flushes;
    private long drains;
    private boolean closed;

    HeapRegion(int size) {
        this(size, size, Granularity.CACHE_LINE);
    }

    HeapRegion(int size, long maxSize, Granularity granularity) {
        this.bytes = MemorySegment.ofArray(new long[size / 8]);
        this.maxSize = maxSize;
        this.granularity = granularity;
    }

    private MemorySegment check(long offset, long length) {
        if (closed) {
            throw new RegionException(Code.CLOSED, null, "region used after close()");
        }
        MemorySegment b = bytes;
        if (offset < 0 || length < 0 || offset > b.byteSize() - length) {
            throw new RegionException(Code.OUT_OF_BOUNDS, null,
                    "access [" + offset + ", " + offset + " + " + length + ") outside the region's size " + b.byteSize());
        }
        return b;
    }

    private MemorySegment checkAligned(long offset) {
        if ((offset & 7) != 0) {
            throw new RegionException(Code.MISALIGNED, null, "atomic 8-byte access at offset " + offset);
        }
        return check(offset, 8);
    }

    @Override
    public long size() {
        return bytes.byteSize();
    }

    @Override
    public AccessMode mode() {
        return AccessMode.WALK;
    }

    @Override
    public Granularity granularity() {
        return granularity;
    }

    @Override
    public PersistencePath persistencePath() {
        return new PersistencePath(PersistencePath.Kind.SIMULATED, PersistencePath.Dax.NONE, "heap test region");
    }

    @Override
    public byte getByte(long offset) {
        return check(offset, 1).get(ValueLayout.JAVA_BYTE, offset);
    }

    @Override
    public void putByte(long offset, byte value) {
        check(offset, 1).set(ValueLayout.JAVA_BYTE, offset, value);
    }

    @Override
    public int getInt(long offset) {
        return check(offset, 4).get(INT, offset);
    }

    @Override
    public void putInt(long offset, int value) {
        check(offset, 4).set(INT, offset, value);
    }

    @Override
    public long getLong(long offset) {
        return check(offset, 8).get(LONG, offset);
    }

    @Override
    public void putLong(long offset, long value) {
        check(offset, 8).set(LONG, offset, value);
    }

    @Override
    public void read(long offset, byte[] dst, int dstIndex, int length) {
        MemorySegment.copy(check(offset, length), ValueLayout.JAVA_BYTE, offset, dst, dstIndex, length);
    }

    @Override
    public void write(long offset, byte[] src, int srcIndex, int length) {
        MemorySegment.copy(src, srcIndex, check(offset, length), ValueLayout.JAVA_BYTE, offset, length);
    }

    @Override
    public void copy(long srcOffset, long dstOffset, long length) {
        check(srcOffset, length);
        MemorySegment b = check(dstOffset, length);
        MemorySegment.copy(b, srcOffset, b, dstOffset, length); // memmove semantics
    }

    @Override
    public void fill(long offset, long length, byte value) {
        check(offset, length).asSlice(offset, length).fill(value);
    }

    @Override
    public long getLongVolatile(long offset) {
        return (long) ATOMIC.getVolatile(checkAligned(offset), offset);
    }

    @Override
    public void putLongRelease(long offset, long value) {
        ATOMIC.setRelease(checkAligned(offset), offset, value);
    }

    @Override
    public boolean compareAndSetLong(long offset, long expected, long value) {
        return ATOMIC.compareAndSet(checkAligned(offset), offset, expected, value);
    }

    @Override
    public void flush(long offset, long length) {
        check(offset, length);
        flushes++;
    }

    @Override
    public void drain() {
        check(0, 0);
        drains++;
    }

    @Override
    public void grow(long newSize) {
        if (newSize <= bytes.byteSize()) {
            return;
        }
        if (newSize > maxSize) {
            throw new RegionException(Code.TOO_LARGE, null, "grow to " + newSize + " beyond maxSize " + maxSize);
        }
        MemorySegment grown = MemorySegment.ofArray(new long[(int) (newSize / 8)]);
        grown.copyFrom(bytes);
        bytes = grown;
    }

    @Override
    public long maxSize() {
        return maxSize;
    }

    @Override
    public RegionStats stats() {
        return new RegionStats(flushes, drains, 0, 0, 0);
    }

    @Override
    public void close() {
        closed = true;
    }
}
