package dev.engram.region;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.LongAdder;

/**
 * What CRAWL and WALK regions share: the file, the lock that keeps a second opener out, the current
 * size, bounds checks with typed errors, and the counters.
 *
 * <p>The lock is a POSIX record lock on {@link #channel}. POSIX drops every lock a process holds on a
 * file when <em>any</em> descriptor of that file is closed, so a subclass must not close another
 * descriptor of the file before {@link #close()}.
 */
abstract sealed class FileRegion implements Region permits CrawlRegion, WalkRegion {

    final Path path;
    final FileChannel channel;
    private final FileLock lock;
    /** Current size; -1 once closed, so every bounds check also catches use after close. */
    volatile long size;
    final long maxSize;

    final LongAdder flushes = new LongAdder();
    final LongAdder drains = new LongAdder();
    final LongAdder syscalls = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    final LongAdder bytesRead = new LongAdder();

    FileRegion(Path path, long maxSize) {
        this.path = path;
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new RegionException(RegionException.Code.IO, path, "cannot open: " + e.getMessage(), e);
        }
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new RegionException(RegionException.Code.IO, path, "cannot lock: " + e.getMessage(), e);
        }
        if (l == null) {
            closeQuietly(ch);
            throw new RegionException(RegionException.Code.IN_USE, path,
                    "the region is open in another process or elsewhere in this one; close it there first");
        }
        this.channel = ch;
        this.lock = l;
        try {
            this.size = ch.size();
        } catch (IOException e) {
            closeQuietly(ch);
            throw new RegionException(RegionException.Code.IO, path, "cannot stat: " + e.getMessage(), e);
        }
        this.maxSize = Math.max(maxSize, size);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // the open already failed; its error is the one to report
        }
    }

    /** Bounds check on every access; also fails after close, when size is -1. */
    final void check(long offset, long length) {
        long s = size;
        if (offset < 0 || length < 0 || offset > s - length) {
            throw outside(offset, length, s);
        }
    }

    final void checkAtomic(long offset) {
        check(offset, 8);
        if ((offset & 7) != 0) {
            throw RegionException.misaligned(path, offset);
        }
    }

    private RegionException outside(long offset, long length, long s) {
        return s < 0 ? RegionException.closed(path) : RegionException.outOfBounds(path, offset, length, s);
    }

    final void checkGrow(long newSize) {
        if (size < 0) {
            throw RegionException.closed(path);
        }
        if (newSize % RegionHeader.LENGTH != 0) {
            throw new RegionException(RegionException.Code.INVALID_ARGUMENT, path,
                    "new size " + newSize + " is not a multiple of " + RegionHeader.LENGTH);
        }
        if (newSize > maxSize) {
            throw new RegionException(RegionException.Code.TOO_LARGE, path,
                    "cannot grow to " + newSize + " bytes: the region was opened with maxSize " + maxSize
                            + "; reopen with a larger maxSize");
        }
    }

    @Override
    public final long size() {
        long s = size;
        if (s < 0) {
            throw RegionException.closed(path);
        }
        return s;
    }

    @Override
    public final long maxSize() {
        return maxSize;
    }

    @Override
    public RegionStats stats() {
        return new RegionStats(flushes.sum(), drains.sum(), syscalls.sum(), bytesWritten.sum(), bytesRead.sum());
    }

    /** Releases mode-specific resources (the mapping); called once, before the lock is released. */
    abstract void release();

    /** Releases the lock and channel of a region whose constructor failed before it was complete. */
    final void abandon() {
        size = -1;
        try {
            lock.release();
        } catch (IOException ignored) {
            // the constructor's own error is the one to report
        }
        closeQuietly(channel);
    }

    @Override
    public final synchronized void close() {
        if (size < 0) {
            return;
        }
        size = -1;
        try {
            release();
        } finally {
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                throw new RegionException(RegionException.Code.IO, path, "close failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + path + ", " + mode() + ", " + persistencePath() + "]";
    }
}
