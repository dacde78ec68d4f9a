package dev.engram.region;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What CRAWL and WALK regions share: the file, the lock that keeps a second opener out, the current
 * size, bounds checks with typed errors, and the counters.
 *
 * <p>The lock is a POSIX record lock on {@link #channel}. POSIX drops every lock a process holds on a
 * file when <em>any</em> descriptor of that file is closed, so a subclass must not close another
 * descriptor of the file before {@link #close()}.
 *
 * <h2>Close racing a call: the pin</h2>
 * A call that uses a resource {@link #close()} releases outside the JDK's own protection (WALK's
 * flush by raw address into the mapping, CRAWL's {@code pread}/{@code pwrite}/{@code fdatasync} on
 * {@link #channel}) <em>pins</em> the region around it: a volatile store of the region into its own
 * thread's {@link CallPin} (a line no other thread writes), <em>then</em> the bounds check, which reads
 * the volatile {@link #size}; the call; a release store of null. {@link #close()} sets {@code size}
 * to -1 first and releases the mapping and the channel only after no pin holds the region. The pin's
 * store and the volatile size are sequentially consistent, so of a call and a close that race, either
 * the call's check sees -1 (it fails with {@code CLOSED} and touches nothing), or the close sees the pin
 * and waits for the call to return. A pin registered while the close scans is covered too: the
 * registry's append is a volatile CAS after which the new pin's thread reads the size, so a scan that
 * missed it wrote -1 before it. A pinned section calls no other region, so a thread holds at most one
 * pin at a time.
 *
 * <p>Without the pin, CRAWL's channel could be closed under a {@code pread}, which then failed with
 * {@code AsynchronousCloseException}, reported as an {@code IO} error as if the disk had failed, and
 * WALK's unmapping under a flush crashed the JVM.
 *
 * <p>What the pin cannot stop: a JDK {@code FileChannel} closes itself when a thread blocked in it (or
 * entering it) is interrupted. The lock goes with it, so the region cannot go on; the call that finds
 * its channel closed this way closes the region and fails with {@code CLOSED}, naming the interrupt,
 * and so does every call after it.
 */
abstract sealed class FileRegion implements Region permits CrawlRegion, WalkRegion {

    /** Every thread's pin, weakly: a pin dies with its thread (its ThreadLocal), and is purged. */
    private static final ConcurrentLinkedQueue<WeakReference<CallPin>> PINS = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger PINS_SINCE_PURGE = new AtomicInteger();
    private static final ThreadLocal<CallPin> PIN = ThreadLocal.withInitial(FileRegion::newPin);
    private static final VarHandle PINNED;

    static {
        try {
            PINNED = MethodHandles.lookup().findVarHandle(CallPin.class, "pinned", FileRegion.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The region a thread is inside a pinned call on now, or null (see the class comment). */
    static final class CallPin {
        volatile FileRegion pinned;
    }

    private static CallPin newPin() {
        CallPin pin = new CallPin();
        if (PINS_SINCE_PURGE.incrementAndGet() % 1024 == 0) {
            PINS.removeIf(ref -> ref.get() == null);        // threads that have ended (virtual ones too)
        }
        PINS.add(new WeakReference<>(pin));
        return pin;
    }

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

    /**
     * Pins this region in the thread's {@link CallPin} (the volatile store, then the check; see the
     * class comment) and returns the pin for {@link #unpin}; on a failed check, unpins and throws.
     */
    final CallPin pin(long offset, long length) {
        CallPin pin = PIN.get();
        pin.pinned = this;                                  // volatile: the size read in check() stays after it
        try {
            check(offset, length);
        } catch (RuntimeException refused) {
            unpin(pin);
            throw refused;
        }
        return pin;
    }

    /** Release: the pinned call before it, so close() releases the resource only after the call is done. */
    static void unpin(CallPin pin) {
        PINNED.setRelease(pin, (FileRegion) null);
    }

    /**
     * The channel was found closed during {@code call}, by a pinned call (so not by {@link #close()},
     * which waits for pins): a thread's interrupt closed it. The file lock went with the channel, so
     * the region closes itself; returns the {@code CLOSED} error for the caller to throw. Call it
     * unpinned: close() waits for pins.
     */
    final RegionException closedUnder(ClosedChannelException e, String call) {
        close();
        String why = e instanceof ClosedByInterruptException
                ? "this thread was interrupted during " + call
                : "another thread was interrupted in a call on this region, during " + call;
        return new RegionException(RegionException.Code.CLOSED, path, "region closed: " + why
                + " (a FileChannel closes itself when a thread in it is interrupted; do not interrupt"
                + " threads that use a " + mode() + " region)", e);
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

    /**
     * Sets the size to -1, so no call pins the region from now on; waits until no thread's pin holds
     * it (those calls have returned from their system calls or flushes); then releases the mapping,
     * the lock and the channel. Never fails because of calls in flight: they end on {@code CLOSED}.
     */
    @Override
    public final synchronized void close() {
        if (size < 0) {
            return;
        }
        size = -1;
        awaitUnpinned();
        try {
            release();
        } finally {
            IOException failed = null;
            try {
                lock.release();
            } catch (ClosedChannelException interrupted) {
                // an interrupt closed the channel (see closedUnder): the lock went with it
            } catch (IOException e) {
                failed = e;
            }
            try {
                channel.close();
            } catch (IOException e) {
                failed = failed == null ? e : failed;
            }
            if (failed != null) {
                throw new RegionException(RegionException.Code.IO, path, "close failed: " + failed.getMessage(), failed);
            }
        }
    }

    /** Waits until no thread's pin holds this region; called after size became -1. */
    private void awaitUnpinned() {
        for (WeakReference<CallPin> ref : PINS) {
            CallPin pin = ref.get();
            while (pin != null && pin.pinned == this) {
                Thread.yield();                             // a persist takes microseconds, a pread or msync milliseconds
            }
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + path + ", " + mode() + ", " + persistencePath() + "]";
    }
}
