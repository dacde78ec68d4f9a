package dev.engram.region;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link AccessMode#CRAWL}: every access is a positional system call through the kernel's block and
 * file stack — one {@code pread} per read, one {@code pwrite} per write — and {@link #drain()} is one
 * {@code fdatasync}. {@link #flush} issues nothing: the kernel already holds the written bytes, and
 * fdatasync makes all of them durable at once. No memory mapping is ever made.
 *
 * <p>Durability: a write is durable once a {@link #drain()} (or {@link #persist}) that started after
 * it has returned. Before that a power failure may keep, drop or garble each 512 B sector written
 * since the last fdatasync independently (the block-device model of the power-fail simulator).
 *
 * <p>Atomic 8-byte operations are made atomic with respect to this process by striped locks; a
 * region is open in one process at a time, so that is all they need.
 */
final class CrawlRegion extends FileRegion {

    private static final int LOCK_STRIPES = 64;
    /** A 4 KiB direct buffer per thread for typed and small accesses: no allocation, one system call. */
    private static final ThreadLocal<ByteBuffer> SCRATCH =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN));

    private final Object[] atomicLocks = new Object[LOCK_STRIPES];
    private final PersistencePath persistencePath;
    /** Writes whose pwrite has returned (counted after it returns). */
    private final AtomicLong writesDone = new AtomicLong();
    /**
     * The most of {@link #writesDone} that a completed fdatasync covered (raised, never lowered, as syncs
     * complete in any order). Starts below zero so the first drain always syncs: it may be asked to make
     * durable what an earlier process wrote and never synced (recovery persisting a crashed process's
     * buffered tail).
     */
    private final AtomicLong writesSynced = new AtomicLong(-1);

    CrawlRegion(Path path, long maxSize, String fsType) {
        super(path, maxSize);
        for (int i = 0; i < LOCK_STRIPES; i++) {
            atomicLocks[i] = new Object();
        }
        this.persistencePath = new PersistencePath(PersistencePath.Kind.FDATASYNC, PersistencePath.Dax.NONE,
                "CRAWL: pread/pwrite through the kernel, fdatasync to persist (file system " + fsType + ")");
    }

    @Override
    public AccessMode mode() {
        return AccessMode.CRAWL;
    }

    @Override
    public Granularity granularity() {
        return Granularity.PAGE;
    }

    @Override
    public PersistencePath persistencePath() {
        return persistencePath;
    }

    private ByteBuffer scratch(int length) {
        ByteBuffer b = SCRATCH.get();
        b.clear().limit(length);
        return b;
    }

    /**
     * One pread (more only if the kernel returns short, which a regular file does not below EOF),
     * pinned (see {@link FileRegion}): a close() racing it either makes it fail with {@code CLOSED}
     * before the call, or waits for it.
     */
    private void readFully(ByteBuffer dst, long offset) {
        ClosedChannelException closedUnder = null;
        CallPin pin = pin(offset, dst.remaining());
        try {
            long pos = offset;
            while (dst.hasRemaining()) {
                syscalls.increment();
                int n = channel.read(dst, pos);
                if (n < 0) {
                    throw new RegionException(RegionException.Code.IO, path,
                            "unexpected end of file at " + pos + " (size " + size + ")");
                }
                pos += n;
                bytesRead.add(n);
            }
        } catch (ClosedChannelException e) {
            closedUnder = e;                                // an interrupt: handled unpinned, below
        } catch (IOException e) {
            throw new RegionException(RegionException.Code.IO, path, "pread at " + offset + ": " + e.getMessage(), e);
        } finally {
            unpin(pin);
        }
        if (closedUnder != null) {
            throw closedUnder(closedUnder, "pread at " + offset);
        }
    }

    /** One pwrite (more only if the kernel writes short), pinned as {@link #readFully}. */
    private void writeFully(ByteBuffer src, long offset) {
        ClosedChannelException closedUnder = null;
        CallPin pin = pin(offset, src.remaining());
        try {
            long pos = offset;
            while (src.hasRemaining()) {
                syscalls.increment();
                int n = channel.write(src, pos);
                pos += n;
                bytesWritten.add(n);
            }
            writesDone.incrementAndGet();
        } catch (ClosedChannelException e) {
            closedUnder = e;                                // an interrupt: handled unpinned, below
        } catch (IOException e) {
            throw new RegionException(RegionException.Code.IO, path, "pwrite at " + offset + ": " + e.getMessage(), e);
        } finally {
            unpin(pin);
        }
        if (closedUnder != null) {
            throw closedUnder(closedUnder, "pwrite at " + offset);
        }
    }

    @Override
    public byte getByte(long offset) {
        check(offset, 1);
        ByteBuffer b = scratch(1);
        readFully(b, offset);
        return b.get(0);
    }

    @Override
    public void putByte(long offset, byte value) {
        check(offset, 1);
        ByteBuffer b = scratch(1);
        b.put(0, value);
        writeFully(b, offset);
    }

    @Override
    public int getInt(long offset) {
        check(offset, 4);
        ByteBuffer b = scratch(4);
        readFully(b, offset);
        return b.getInt(0);
    }

    @Override
    public void putInt(long offset, int value) {
        check(offset, 4);
        ByteBuffer b = scratch(4);
        b.putInt(0, value);
        writeFully(b, offset);
    }

    @Override
    public long getLong(long offset) {
        check(offset, 8);
        ByteBuffer b = scratch(8);
        readFully(b, offset);
        return b.getLong(0);
    }

    @Override
    public void putLong(long offset, long value) {
        check(offset, 8);
        ByteBuffer b = scratch(8);
        b.putLong(0, value);
        writeFully(b, offset);
    }

    @Override
    public void read(long offset, byte[] dst, int dstIndex, int length) {
        check(offset, length);
        readFully(ByteBuffer.wrap(dst, dstIndex, length), offset);
    }

    @Override
    public void write(long offset, byte[] src, int srcIndex, int length) {
        check(offset, length);
        writeFully(ByteBuffer.wrap(src, srcIndex, length), offset);
    }

    @Override
    public void copy(long srcOffset, long dstOffset, long length) {
        check(srcOffset, length);
        check(dstOffset, length);
        // Chunked through the scratch buffer; copy backwards when the destination overlaps ahead.
        int chunk = 4096;
        boolean backwards = dstOffset > srcOffset && dstOffset < srcOffset + length;
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(chunk, length - done);
            long at = backwards ? length - done - n : done;
            ByteBuffer b = scratch(n);
            readFully(b, srcOffset + at);
            b.flip();
            writeFully(b, dstOffset + at);
            done += n;
        }
    }

    @Override
    public void fill(long offset, long length, byte value) {
        check(offset, length);
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(4096, length - done);
            ByteBuffer b = scratch(n);
            for (int i = 0; i < n; i++) {
                b.put(i, value);
            }
            writeFully(b, offset + done);
            done += n;
        }
    }

    private Object lockFor(long offset) {
        return atomicLocks[(int) ((offset >>> 3) & (LOCK_STRIPES - 1))];
    }

    @Override
    public long getLongVolatile(long offset) {
        checkAtomic(offset);
        synchronized (lockFor(offset)) {
            return getLong(offset);
        }
    }

    @Override
    public void putLongRelease(long offset, long value) {
        checkAtomic(offset);
        synchronized (lockFor(offset)) {
            putLong(offset, value);
        }
    }

    @Override
    public boolean compareAndSetLong(long offset, long expected, long value) {
        checkAtomic(offset);
        synchronized (lockFor(offset)) {
            if (getLong(offset) != expected) {
                return false;
            }
            putLong(offset, value);
            return true;
        }
    }

    /** Nothing to issue: the written bytes are already in the kernel; {@link #drain()} syncs them all. */
    @Override
    public void flush(long offset, long length) {
        check(offset, length);
        flushes.increment();
    }

    /**
     * Every write that returned before this call is durable when it returns: at most one fdatasync.
     * fdatasync covers the whole file, so a caller that finds that a sync which started after all of its
     * writes has completed returns without one: that sync read {@link #writesDone} at or above the count
     * this call read on entry, and every write counted there had returned before the sync began.
     * Otherwise it syncs at once, even while another thread's fdatasync is in flight: the kernel runs
     * them together. Serialised under a lock, as before 2026-11-23, two writers in step shared few syncs
     * (each arrived while the other's ran) and waited for each other's: in a scratch program on ext4,
     * two threads doing pwrite + fdatasync made 9.5-10.3 k/s with the lock and 12.7-13.3 k/s without
     * (bench/results/2026-11-23-crawl-concurrent-sync).
     */
    @Override
    public void drain() {
        if (size < 0) {
            throw RegionException.closed(path);
        }
        drains.increment();
        long mine = writesDone.get();
        if (writesSynced.get() >= mine) {
            return;
        }
        long covering = writesDone.get();
        ClosedChannelException closedUnder = null;
        CallPin pin = pin(0, 0);                            // a close() racing the fdatasync waits for it
        try {
            syscalls.increment();
            channel.force(false);
            writesSynced.accumulateAndGet(covering, Math::max);
        } catch (ClosedChannelException e) {
            closedUnder = e;                                // an interrupt: handled unpinned, below
        } catch (IOException e) {
            throw new RegionException(RegionException.Code.IO, path, "fdatasync: " + e.getMessage(), e);
        } finally {
            unpin(pin);
        }
        if (closedUnder != null) {
            throw closedUnder(closedUnder, "fdatasync");
        }
    }

    @Override
    public synchronized void grow(long newSize) {
        checkGrow(newSize);
        if (newSize <= size) {
            return;
        }
        // Extend with one byte at the new end (sparse), then fsync so the new size is durable. Unpinned:
        // close() is synchronized too, so it cannot run while this grows; the byte lies past the size.
        try {
            syscalls.increment();
            channel.write(scratch(1).put(0, (byte) 0), newSize - 1);
            bytesWritten.add(1);
            writesDone.incrementAndGet();
            syscalls.increment();
            channel.force(true);
        } catch (ClosedChannelException interrupted) {
            throw closedUnder(interrupted, "growth to " + newSize + " bytes");
        } catch (IOException e) {
            throw new RegionException(RegionException.Code.IO, path, "growth to " + newSize + " bytes: " + e.getMessage(), e);
        }
        size = newSize;
    }

    @Override
    void release() {
        // nothing beyond the channel, which FileRegion closes
    }
}
