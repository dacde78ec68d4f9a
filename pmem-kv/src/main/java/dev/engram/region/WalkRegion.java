package dev.engram.region;

import dev.engram.pmem.Pmem;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * {@link AccessMode#WALK}: loads and stores on a memory mapping, with no system call on the data
 * path; stores are made durable in user space.
 *
 * <p>The mapping reserves address space for {@code maxSize} once; the file is extended under it by
 * {@link #grow}, so bytes never move and offsets stay valid while readers use them. Accesses are
 * bounds-checked against the current size, never the reservation, so no access can touch a page
 * beyond the end of the file (which would raise SIGBUS).
 *
 * <p>How stores become durable (chosen at open; {@link #persistencePath()} says which and why):
 * <ol>
 *   <li>a MAP_SYNC mapping succeeded (a real DAX file system): cache-line write-back + fence through
 *       libpmem's {@code pmem_flush}/{@code pmem_drain} — the file system keeps its metadata in sync
 *       on its own;</li>
 *   <li>a memory-backed file (tmpfs), or {@code PMEM_IS_PMEM_FORCE=1}: the same flush + drain, which
 *       is how pmem is emulated on a machine without it;</li>
 *   <li>otherwise (an ordinary page-cache file, or libpmem missing): {@code msync(MS_SYNC)} of the
 *       touched pages in {@link #flush}, and {@link #drain()} does nothing.</li>
 * </ol>
 */
final class WalkRegion extends FileRegion {

    /** Plain accesses: little-endian on every platform, any alignment. */
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Atomic accesses need the aligned layout; offsets are checked for 8-byte alignment first. */
    private static final VarHandle ATOMIC_LONG =
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final ThreadLocal<MemorySegment> ERRNO = ThreadLocal.withInitial(Libc::newErrnoState);

    private final int fd;
    private final long address;
    private final long reservedBytes;
    private final Arena arena;
    /** The whole reservation; only [0, size) is backed by the file and ever touched. */
    private final MemorySegment mapping;
    private final boolean libpmemFlush;
    private final Granularity granularity;
    private final PersistencePath persistencePath;

    WalkRegion(Path path, long maxSize, String fsType, PersistenceChoice choice) {
        super(path, maxSize);
        this.reservedBytes = (this.maxSize + Libc.PAGE_SIZE - 1) & -Libc.PAGE_SIZE;
        int descriptor;
        try {
            descriptor = Libc.open(path.toString(), Libc.O_RDWR | Libc.O_CLOEXEC);
        } catch (Libc.ErrnoException e) {
            abandon();
            throw new RegionException(RegionException.Code.IO, path, e.getMessage(), e);
        }
        this.fd = descriptor;

        // Try MAP_SYNC first: it succeeds only on a DAX file system, which is how we know one.
        long addr;
        boolean dax;
        try {
            addr = Libc.mmap(fd, reservedBytes, Libc.MAP_SHARED_VALIDATE | Libc.MAP_SYNC);
            dax = true;
        } catch (Libc.ErrnoException syncRefused) {
            try {
                addr = Libc.mmap(fd, reservedBytes, Libc.MAP_SHARED);
                dax = false;
            } catch (Libc.ErrnoException e) {
                Libc.close(fd);
                abandon();
                throw new RegionException(RegionException.Code.IO, path,
                        e.getMessage() + " while reserving " + reservedBytes + " bytes of address space", e);
            }
        }
        this.address = addr;
        this.arena = Arena.ofShared();
        long a = addr;
        long r = reservedBytes;
        this.mapping = MemorySegment.ofAddress(addr).reinterpret(reservedBytes, arena, ignored -> Libc.munmap(a, r));

        boolean memoryBacked = "tmpfs".equals(fsType) || "ramfs".equals(fsType);
        boolean forced = "1".equals(System.getenv("PMEM_IS_PMEM_FORCE"));
        Pmem.Availability pmem = Pmem.availability();
        String pmemMissing = pmem.available() ? null : pmem.reason();
        PersistencePath.Dax daxKind = dax ? PersistencePath.Dax.REAL
                : (memoryBacked || forced) ? PersistencePath.Dax.EMULATED : PersistencePath.Dax.NONE;
        String where = dax ? "MAP_SYNC mapping on a DAX file system (" + fsType + ")"
                : memoryBacked ? "memory-backed file (" + fsType + "), emulated pmem"
                : forced ? "PMEM_IS_PMEM_FORCE=1 on " + fsType + " (emulated pmem: not power-safe on a page-cache file)"
                : "page-cache file on " + fsType + " (no DAX)";
        boolean wantFlush = switch (choice) {
            case AUTO -> daxKind != PersistencePath.Dax.NONE;
            case LIBPMEM -> true;
            case MSYNC -> false;
        };
        if (wantFlush && pmemMissing != null) {
            if (choice == PersistenceChoice.LIBPMEM) {
                close();
                throw new RegionException(RegionException.Code.INVALID_ARGUMENT, path,
                        "persistence LIBPMEM was asked for but " + pmemMissing);
            }
            wantFlush = false;
            where += "; libpmem unavailable (" + pmemMissing + "), falling back to msync";
        }
        this.libpmemFlush = wantFlush;
        this.granularity = wantFlush ? Granularity.CACHE_LINE : Granularity.PAGE;
        this.persistencePath = wantFlush
                ? new PersistencePath(PersistencePath.Kind.LIBPMEM_FLUSH, daxKind,
                "WALK: libpmem pmem_flush+pmem_drain; " + where)
                : new PersistencePath(PersistencePath.Kind.MSYNC, daxKind, "WALK: msync(MS_SYNC); " + where);
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
        return persistencePath;
    }

    @Override
    public byte getByte(long offset) {
        check(offset, 1);
        return mapping.get(ValueLayout.JAVA_BYTE, offset);
    }

    @Override
    public void putByte(long offset, byte value) {
        check(offset, 1);
        mapping.set(ValueLayout.JAVA_BYTE, offset, value);
    }

    @Override
    public int getInt(long offset) {
        check(offset, 4);
        return mapping.get(INT, offset);
    }

    @Override
    public void putInt(long offset, int value) {
        check(offset, 4);
        mapping.set(INT, offset, value);
    }

    @Override
    public long getLong(long offset) {
        check(offset, 8);
        return mapping.get(LONG, offset);
    }

    @Override
    public void putLong(long offset, long value) {
        check(offset, 8);
        mapping.set(LONG, offset, value);
    }

    @Override
    public void read(long offset, byte[] dst, int dstIndex, int length) {
        check(offset, length);
        MemorySegment.copy(mapping, ValueLayout.JAVA_BYTE, offset, dst, dstIndex, length);
    }

    @Override
    public void write(long offset, byte[] src, int srcIndex, int length) {
        check(offset, length);
        MemorySegment.copy(src, srcIndex, mapping, ValueLayout.JAVA_BYTE, offset, length);
    }

    @Override
    public void copy(long srcOffset, long dstOffset, long length) {
        check(srcOffset, length);
        check(dstOffset, length);
        MemorySegment.copy(mapping, srcOffset, mapping, dstOffset, length);
    }

    @Override
    public void fill(long offset, long length, byte value) {
        check(offset, length);
        mapping.asSlice(offset, length).fill(value);
    }

    @Override
    public long getLongVolatile(long offset) {
        checkAtomic(offset);
        return (long) ATOMIC_LONG.getAcquire(mapping, offset);
    }

    @Override
    public void putLongRelease(long offset, long value) {
        checkAtomic(offset);
        ATOMIC_LONG.setRelease(mapping, offset, value);
    }

    @Override
    public boolean compareAndSetLong(long offset, long expected, long value) {
        checkAtomic(offset);
        return ATOMIC_LONG.compareAndSet(mapping, offset, expected, value);
    }

    @Override
    public void flush(long offset, long length) {
        check(offset, length);
        flushes.increment();
        if (libpmemFlush) {
            Pmem.flush(mapping, offset, length);
        } else {
            syscalls.increment();
            try {
                Libc.msync(ERRNO.get(), address + offset, length);
            } catch (Libc.ErrnoException e) {
                throw new RegionException(RegionException.Code.IO, path, e.getMessage(), e);
            }
        }
    }

    @Override
    public void drain() {
        if (size < 0) {
            throw RegionException.closed(path);
        }
        drains.increment();
        if (libpmemFlush) {
            Pmem.drain();
        }
    }

    /** Flush then drain with one bounds check: the call every commit makes. */
    @Override
    public void persist(long offset, long length) {
        flush(offset, length);
        if (libpmemFlush) {
            drains.increment();
            Pmem.drain();
        }
    }

    @Override
    public synchronized void grow(long newSize) {
        checkGrow(newSize);
        long old = size;
        if (newSize <= old) {
            return;
        }
        // Allocate the blocks (so a full file system fails here, not as SIGBUS on a later store),
        // then fsync so the new size itself is durable; only then admit accesses to the new bytes.
        try {
            Libc.fallocate(fd, old, newSize - old);
            syscalls.increment();
            channel.force(true);
        } catch (Libc.ErrnoException e) {
            throw new RegionException(e.errno == Libc.ENOSPC ? RegionException.Code.TOO_LARGE : RegionException.Code.IO,
                    path, e.getMessage() + " growing to " + newSize + " bytes", e);
        } catch (java.io.IOException e) {
            throw new RegionException(RegionException.Code.IO, path, "fsync after growth: " + e.getMessage(), e);
        }
        size = newSize;
    }

    @Override
    void release() {
        arena.close();   // munmap
        Libc.close(fd);
    }
}
