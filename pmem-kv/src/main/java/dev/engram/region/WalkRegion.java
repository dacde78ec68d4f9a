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
 * <h2>The hot path: one bounds check, done by the segment</h2>
 * Typed reads and writes go through {@link #view}, a slice of the mapping exactly {@code size} bytes
 * long, so the segment's own bounds check (which the JIT folds into the access) is also the region's:
 * nothing else runs before the load or store. Growth replaces the view; a thread that still holds the
 * old, shorter view gets an {@link IndexOutOfBoundsException} for the new bytes, and the slow path
 * ({@link #retryView}) re-checks against the current size and retries with the current view, or throws
 * the region's own {@code OUT_OF_BOUNDS} / {@code CLOSED} error. A stale view can only refuse an access
 * that is in fact legal, never admit one past the end of the file, because the view is replaced only
 * after the file has been extended.
 *
 * <h2>Flushing by address</h2>
 * {@link #flush} and {@link #persist} pass the absolute address of the checked range to libpmem
 * ({@link Pmem#flushAddress}, {@link Pmem#persistAddress}) rather than a slice of the mapping: a
 * downcall that takes a segment acquires and releases the shared arena around every call, two atomic
 * updates that every flushing thread contends on. The range is checked against the current size first,
 * so it is mapped when the check passes; what keeps it mapped until the downcall returns is the
 * flush pin below.
 *
 * <h2>Close racing a flush</h2>
 * With no arena held during the downcall, nothing in the JDK stops {@link #close()} from unmapping a
 * range that another thread is flushing (a fault that kills the JVM). So each flush and persist
 * <em>pins</em> the region first ({@link FileRegion#pin}: a volatile store into the thread's own pin, a
 * line no other thread writes, so flushing threads do not contend as they did on the arena's one word,
 * nor on shared counters, which a first version used; then the bounds check), and {@link #close()}
 * unmaps only after no pin holds the region: a flush racing a close either fails with {@code CLOSED}
 * and touches nothing, or the close waits for it. Typed
 * accesses, copies and atomics go through the arena's segments, whose close the JDK itself makes safe;
 * a racing one fails with {@code CLOSED} as well.
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
    /** False once the kernel refused {@code MADV_POPULATE_WRITE} as unknown (before Linux 5.14). */
    private static volatile boolean populateWrite = true;

    private final int fd;
    private final long address;
    private final long reservedBytes;
    private final Arena arena;
    /** The whole reservation; only [0, size) is backed by the file and ever touched. */
    private final MemorySegment mapping;
    /**
     * {@code mapping.asSlice(0, size)}: what the typed accesses use (see the class comment). Plain, not
     * volatile: a reader that sees an old view only takes the slow path; {@link #grow} writes it after
     * the file is extended and before the volatile {@code size}, so a reader that has seen the new size
     * sees this view too.
     */
    private MemorySegment view;
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
        this.view = mapping.asSlice(0, size);

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

    // Typed accesses: the view's bounds check is the only one on the fast path (see the class comment).

    @Override
    public byte getByte(long offset) {
        try {
            return view.get(ValueLayout.JAVA_BYTE, offset);
        } catch (IndexOutOfBoundsException | IllegalStateException refused) {
            return retryView(offset, 1).get(ValueLayout.JAVA_BYTE, offset);
        }
    }

    @Override
    public int touch(long offset) {
        MemorySegment v = view;
        try {
            return offset >= 0 && offset < v.byteSize() ? v.get(ValueLayout.JAVA_BYTE, offset) : 0;
        } catch (IllegalStateException closed) {
            return 0;         // a hint: the read that follows reports the closed region
        }
    }

    @Override
    public void putByte(long offset, byte value) {
        try {
            view.set(ValueLayout.JAVA_BYTE, offset, value);
        } catch (IndexOutOfBoundsException | IllegalStateException refused) {
            retryView(offset, 1).set(ValueLayout.JAVA_BYTE, offset, value);
        }
    }

    @Override
    public int getInt(long offset) {
        try {
            return view.get(INT, offset);
        } catch (IndexOutOfBoundsException | IllegalStateException refused) {
            return retryView(offset, 4).get(INT, offset);
        }
    }

    @Override
    public void putInt(long offset, int value) {
        try {
            view.set(INT, offset, value);
        } catch (IndexOutOfBoundsException | IllegalStateException refused) {
            retryView(offset, 4).set(INT, offset, value);
        }
    }

    @Override
    public long getLong(long offset) {
        try {
            return view.get(LONG, offset);
        } catch (IndexOutOfBoundsException | IllegalStateException refused) {
            return retryView(offset, 8).get(LONG, offset);
        }
    }

    @Override
    public void putLong(long offset, long value) {
        try {
            view.set(LONG, offset, value);
        } catch (IndexOutOfBoundsException | IllegalStateException refused) {
            retryView(offset, 8).set(LONG, offset, value);
        }
    }

    /**
     * An array index outside {@code dst} still fails with {@link IndexOutOfBoundsException}, as it did
     * before the view: the retry re-checks the region's side, then lets the copy report the array's.
     */
    @Override
    public void read(long offset, byte[] dst, int dstIndex, int length) {
        try {
            MemorySegment.copy(view, ValueLayout.JAVA_BYTE, offset, dst, dstIndex, length);
        } catch (IndexOutOfBoundsException | IllegalStateException refused) {
            MemorySegment.copy(retryView(offset, length), ValueLayout.JAVA_BYTE, offset, dst, dstIndex, length);
        }
    }

    @Override
    public void write(long offset, byte[] src, int srcIndex, int length) {
        try {
            MemorySegment.copy(src, srcIndex, view, ValueLayout.JAVA_BYTE, offset, length);
        } catch (IndexOutOfBoundsException | IllegalStateException refused) {
            MemorySegment.copy(src, srcIndex, retryView(offset, length), ValueLayout.JAVA_BYTE, offset, length);
        }
    }

    /**
     * The slow path of a refused access: throws the region's {@code CLOSED} or {@code OUT_OF_BOUNDS}
     * error when the access is wrong, else returns the current view, which admits it (the caller's view
     * predates a {@link #grow}). Reading the volatile {@code size} first makes the view read after it
     * at least as new.
     */
    private MemorySegment retryView(long offset, long length) {
        check(offset, length);
        return view;
    }

    // Copies, fills and atomics use the whole mapping after a check; a close() between the check and
    // the access makes the segment refuse it with IllegalStateException, reported as CLOSED.

    @Override
    public void copy(long srcOffset, long dstOffset, long length) {
        check(srcOffset, length);
        check(dstOffset, length);
        try {
            MemorySegment.copy(mapping, srcOffset, mapping, dstOffset, length);
        } catch (IllegalStateException closing) {
            throw closedDuring(closing);
        }
    }

    @Override
    public void fill(long offset, long length, byte value) {
        check(offset, length);
        try {
            mapping.asSlice(offset, length).fill(value);
        } catch (IllegalStateException closing) {
            throw closedDuring(closing);
        }
    }

    @Override
    public long getLongVolatile(long offset) {
        checkAtomic(offset);
        try {
            return (long) ATOMIC_LONG.getAcquire(mapping, offset);
        } catch (IllegalStateException closing) {
            throw closedDuring(closing);
        }
    }

    @Override
    public void putLongRelease(long offset, long value) {
        checkAtomic(offset);
        try {
            ATOMIC_LONG.setRelease(mapping, offset, value);
        } catch (IllegalStateException closing) {
            throw closedDuring(closing);
        }
    }

    @Override
    public boolean compareAndSetLong(long offset, long expected, long value) {
        checkAtomic(offset);
        try {
            return ATOMIC_LONG.compareAndSet(mapping, offset, expected, value);
        } catch (IllegalStateException closing) {
            throw closedDuring(closing);
        }
    }

    /** The segment refused an access after it passed the check: a close() ran in between. */
    private RuntimeException closedDuring(IllegalStateException refused) {
        return size < 0 ? new RegionException(RegionException.Code.CLOSED, path, "region closed during the access",
                refused) : refused;
    }

    @Override
    public void flush(long offset, long length) {
        CallPin pin = pin(offset, length);
        try {
            flushes.increment();
            if (libpmemFlush) {
                Pmem.flushAddress(address + offset, length);   // counted in and checked: stays mapped
            } else {
                syscalls.increment();
                try {
                    Libc.msync(ERRNO.get(), address + offset, length);
                } catch (Libc.ErrnoException e) {
                    throw new RegionException(RegionException.Code.IO, path, e.getMessage(), e);
                }
            }
        } finally {
            unpin(pin);
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

    /**
     * Flush then drain with one bounds check and, on the libpmem path, one downcall
     * ({@code pmem_persist} by address): the call every commit makes.
     */
    @Override
    public void persist(long offset, long length) {
        if (!libpmemFlush) {
            flush(offset, length);                          // msync: durable when it returns
            return;
        }
        CallPin pin = pin(offset, length);
        try {
            flushes.increment();
            drains.increment();
            Pmem.persistAddress(address + offset, length);  // counted in and checked: stays mapped
        } finally {
            unpin(pin);
        }
    }

    /** {@code madvise(MADV_POPULATE_WRITE)} over the whole pages of the range, pinned (see the class comment). */
    @Override
    public long prefault(long offset, long length) {
        if (!populateWrite || offset < 0 || length <= 0) {
            return 0;
        }
        long start = offset & -Libc.PAGE_SIZE;             // the mapping starts on a page
        long end = offset + length;
        CallPin pin;
        try {
            pin = pin(start, end - start);
        } catch (RegionException outsideOrClosed) {
            return 0;
        }
        try {
            Libc.madvise(address + start, end - start, Libc.MADV_POPULATE_WRITE);
            return end - start;
        } catch (Libc.ErrnoException e) {
            if (e.errno == Libc.EINVAL) {
                populateWrite = false;                      // an older kernel: a hint it cannot take
            }
            return 0;
        } finally {
            unpin(pin);
        }
    }

    /**
     * A segment over {@code [offset, offset + length)} of the mapping, for a {@link RunRegion} that
     * reads its slot area directly. Valid until this region closes (then accesses fail with
     * {@link IllegalStateException}); the range must lie inside the current size, which a fast tier
     * never changes.
     */
    MemorySegment slice(long offset, long length) {
        check(offset, length);
        return mapping.asSlice(offset, length);
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
        } catch (java.nio.channels.ClosedChannelException interrupted) {
            throw closedUnder(interrupted, "fsync after growth");   // close() waits for this synchronized grow
        } catch (java.io.IOException e) {
            throw new RegionException(RegionException.Code.IO, path, "fsync after growth: " + e.getMessage(), e);
        }
        // The new view only now, after the file is extended: no reader can reach past its end.
        view = mapping.asSlice(0, newSize);
        size = newSize;
    }

    /** Called by {@link #close()} once no flush pins the region (see {@link FileRegion}): unmaps. */
    @Override
    void release() {
        arena.close();   // munmap; typed accesses in flight are the JDK's to refuse (handshake)
        Libc.close(fd);
    }
}
