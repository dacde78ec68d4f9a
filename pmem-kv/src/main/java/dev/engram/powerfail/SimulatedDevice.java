package dev.engram.powerfail;

import dev.engram.region.AccessMode;
import dev.engram.region.Granularity;
import dev.engram.region.PersistencePath;
import dev.engram.region.Region;
import dev.engram.region.RegionException;
import dev.engram.region.RegionException.Code;
import dev.engram.region.RegionStats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * One in-memory device of a {@link PowerFailSimulator}: a fully functional {@link Region} whose every
 * store, flush, fence and growth is appended to the simulator's shared {@link EventLog}.
 *
 * <p>The content here is the <em>visible</em> content (what loads return), in copy-on-write pages
 * ({@link PagedContent}) so that a device materialised from a crash image starts by sharing the
 * image's pages. What is durable at any crash point is not kept here: it is rebuilt by replaying the
 * log ({@link DurabilityTracker}), so recording costs a few array writes per touched word and nothing
 * per crash point.
 *
 * <p>Every access takes the simulator's lock: the log is one global order across devices, and the
 * 8-byte atomics are atomic because every store to the array happens under that lock. This is
 * thread-safe, not fast; crash tests are single-threaded.
 */
final class SimulatedDevice implements Region {

    static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private static final PersistencePath MEMORY_PATH = new PersistencePath(PersistencePath.Kind.SIMULATED,
            PersistencePath.Dax.EMULATED,
            "simulated pmem: stores durable after cache-line flush + fence, crash images from dev.engram.powerfail");

    private final PowerFailSimulator simulator;
    private final DeviceSpec spec;
    private final PersistencePath path;
    private final PagedContent content;
    private boolean closed;

    private long flushes;
    private long drains;
    private long syscalls;
    private long bytesWritten;
    private long bytesRead;

    /** Takes ownership of {@code content} (a shared copy of the spec's initial content). */
    SimulatedDevice(PowerFailSimulator simulator, DeviceSpec spec, PagedContent content) {
        this.simulator = simulator;
        this.spec = spec;
        this.content = content;
        this.path = spec.kind() == DeviceSpec.Kind.MEMORY ? MEMORY_PATH
                : new PersistencePath(PersistencePath.Kind.SIMULATED, PersistencePath.Dax.NONE,
                        "simulated block device: writes durable at fdatasync (drain), unsynced "
                                + spec.sectorBytes() + " B sectors written, dropped or garbage at a crash");
    }

    DeviceSpec spec() {
        return spec;
    }

    /** The full 8-byte word {@code wordIndex} as it is now; caller holds the lock. */
    long wordAt(long wordIndex) {
        return content.getLong(wordIndex * PowerFailSimulator.WORD_BYTES);
    }

    @Override
    public long size() {
        synchronized (simulator.lock) {
            return content.size();
        }
    }

    @Override
    public AccessMode mode() {
        return spec.kind() == DeviceSpec.Kind.MEMORY ? AccessMode.WALK : AccessMode.CRAWL;
    }

    @Override
    public Granularity granularity() {
        return spec.kind() == DeviceSpec.Kind.MEMORY ? Granularity.CACHE_LINE : Granularity.PAGE;
    }

    @Override
    public PersistencePath persistencePath() {
        return path;
    }

    @Override
    public byte getByte(long offset) {
        synchronized (simulator.lock) {
            checkRange(offset, 1);
            countRead(1);
            return content.getByte(offset);
        }
    }

    @Override
    public void putByte(long offset, byte value) {
        synchronized (simulator.lock) {
            checkRange(offset, 1);
            content.putByte(offset, value);
            stored(offset, 1);
        }
    }

    @Override
    public int getInt(long offset) {
        synchronized (simulator.lock) {
            checkRange(offset, 4);
            countRead(4);
            return content.getInt(offset);
        }
    }

    @Override
    public void putInt(long offset, int value) {
        synchronized (simulator.lock) {
            checkRange(offset, 4);
            content.putInt(offset, value);
            stored(offset, 4);
        }
    }

    @Override
    public long getLong(long offset) {
        synchronized (simulator.lock) {
            checkRange(offset, 8);
            countRead(8);
            return content.getLong(offset);
        }
    }

    @Override
    public void putLong(long offset, long value) {
        synchronized (simulator.lock) {
            checkRange(offset, 8);
            content.putLong(offset, value);
            stored(offset, 8);
        }
    }

    @Override
    public void read(long offset, byte[] dst, int dstIndex, int length) {
        Objects.checkFromIndexSize(dstIndex, length, dst.length);
        synchronized (simulator.lock) {
            checkRange(offset, length);
            countRead(length);
            content.read(offset, dst, dstIndex, length);
        }
    }

    @Override
    public void write(long offset, byte[] src, int srcIndex, int length) {
        Objects.checkFromIndexSize(srcIndex, length, src.length);
        synchronized (simulator.lock) {
            checkRange(offset, length);
            content.write(offset, src, srcIndex, length);
            stored(offset, length);
        }
    }

    @Override
    public void copy(long srcOffset, long dstOffset, long length) {
        synchronized (simulator.lock) {
            checkRange(srcOffset, length);
            checkRange(dstOffset, length);
            countRead(length);
            byte[] moving = new byte[(int) length]; // through a buffer: the ranges may overlap
            content.read(srcOffset, moving, 0, moving.length);
            content.write(dstOffset, moving, 0, moving.length);
            stored(dstOffset, length);
        }
    }

    @Override
    public void fill(long offset, long length, byte value) {
        synchronized (simulator.lock) {
            checkRange(offset, length);
            content.fill(offset, length, value);
            stored(offset, length);
        }
    }

    @Override
    public long getLongVolatile(long offset) {
        synchronized (simulator.lock) {
            checkAligned(offset);
            checkRange(offset, 8);
            countRead(8);
            return content.getLong(offset);
        }
    }

    @Override
    public void putLongRelease(long offset, long value) {
        synchronized (simulator.lock) {
            checkAligned(offset);
            checkRange(offset, 8);
            content.putLong(offset, value);
            stored(offset, 8);
        }
    }

    @Override
    public boolean compareAndSetLong(long offset, long expected, long value) {
        synchronized (simulator.lock) {
            checkAligned(offset);
            checkRange(offset, 8);
            countRead(8);
            if (content.getLong(offset) != expected) {
                return false;
            }
            content.putLong(offset, value);
            stored(offset, 8);
            return true;
        }
    }

    /**
     * Memory: records the flush (a cache-line write-back of every line the range touches). Block: a
     * no-op, as on the CRAWL path, where writes are already in the page cache and only fdatasync counts.
     */
    @Override
    public void flush(long offset, long length) {
        synchronized (simulator.lock) {
            checkRange(offset, length);
            flushes++;
            if (spec.kind() == DeviceSpec.Kind.MEMORY && length > 0) {
                simulator.recordFlush(this, offset, length);
            }
        }
    }

    /** Memory: a store fence. Block: fdatasync, after which every write so far is durable. */
    @Override
    public void drain() {
        synchronized (simulator.lock) {
            checkOpen();
            drains++;
            if (spec.kind() == DeviceSpec.Kind.BLOCK) {
                syscalls++;
            }
            simulator.recordFence(this);
        }
    }

    @Override
    public void grow(long newSize) {
        synchronized (simulator.lock) {
            checkOpen();
            if (newSize <= content.size()) {
                return;
            }
            if (newSize > PowerFailSimulator.MAX_DEVICE_BYTES) {
                throw new RegionException(Code.TOO_LARGE, null, "device '" + spec.name() + "' cannot grow to "
                        + newSize + " bytes: a simulated device holds at most "
                        + PowerFailSimulator.MAX_DEVICE_BYTES + " bytes");
            }
            if (newSize % PowerFailSimulator.WORD_BYTES != 0) {
                throw new RegionException(Code.INVALID_ARGUMENT, null, "device '" + spec.name()
                        + "' cannot grow to " + newSize + " bytes: expected a multiple of 8");
            }
            content.grow(newSize);
            if (spec.kind() == DeviceSpec.Kind.BLOCK) {
                syscalls++;
            }
            simulator.recordGrow(this, newSize);
        }
    }

    @Override
    public long maxSize() {
        return PowerFailSimulator.MAX_DEVICE_BYTES;
    }

    @Override
    public RegionStats stats() {
        synchronized (simulator.lock) {
            return new RegionStats(flushes, drains, syscalls, bytesWritten, bytesRead);
        }
    }

    /** Nothing is persisted by closing: pending stores stay pending in the log. Idempotent. */
    @Override
    public void close() {
        synchronized (simulator.lock) {
            closed = true;
        }
    }

    @Override
    public String toString() {
        return "SimulatedDevice[" + spec.name() + ", " + spec.kind().name().toLowerCase(java.util.Locale.ROOT)
                + ", " + content.size() + " B]";
    }

    private void stored(long offset, long length) {
        if (spec.kind() == DeviceSpec.Kind.BLOCK) {
            syscalls++;
            bytesWritten += length;
        }
        if (length > 0) {
            simulator.recordStore(this, offset, length);
        }
    }

    private void countRead(long length) {
        if (spec.kind() == DeviceSpec.Kind.BLOCK) {
            syscalls++;
            bytesRead += length;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new RegionException(Code.CLOSED, null, "device '" + spec.name() + "' used after close()");
        }
    }

    private void checkRange(long offset, long length) {
        checkOpen();
        if (offset < 0 || length < 0 || offset > content.size() - length) {
            throw new RegionException(Code.OUT_OF_BOUNDS, null, "access [" + offset + ", " + offset + " + "
                    + length + ") outside device '" + spec.name() + "' of size " + content.size());
        }
    }

    private void checkAligned(long offset) {
        if ((offset & (PowerFailSimulator.WORD_BYTES - 1)) != 0) {
            throw new RegionException(Code.MISALIGNED, null, "atomic 8-byte access at offset " + offset
                    + " of device '" + spec.name() + "', expected a multiple of 8");
        }
    }
}
