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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What CRAWL and WALK regions share: the file, the lock that keeps a second opener out, the current
 * size, bounds checks with typed errors, and the counters.
 *
 * <p>The lock is a POSIX record lock on {@link #channel}. POSIX drops every lock a process holds on a
 * file when <em>any</em> descriptor of that file is closed (seen here: a second channel opened and
 * closed on a locked file let another process lock it), so no code of this JVM may open another
 * descriptor of the file while the region is open. {@link #OPEN_HERE} enforces it: the constructor
 * registers the file (by device and inode) before it opens its channel and refuses a file already
 * registered (IN_USE, with no descriptor opened); {@link #close()} unregisters it after the channel
 * is closed; {@link Regions} refuses to read the header of a registered file.
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

    /** The files regions of this JVM hold open, by {@link #fileKey}; see the class comment. */
    private static final Set<Object> OPEN_HERE = ConcurrentHashMap.newKeySet();

    /** The file's identity (device and inode where the file system has one), or its absolute path. */
    static Object fileKey(Path path) {
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            return key != null ? key : path.toAbsolutePath().normalize();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();       // the open that follows reports why it cannot be read
        }
    }

    /** IN_USE when a region of this JVM holds the file: opening another descriptor would drop its lock. */
    static void refuseIfOpenHere(Path path) {
        if (OPEN_HERE.contains(fileKey(path))) {
            throw openHere(path);
        }
    }

    private static RegionException openHere(Path path) {
        return new RegionException(RegionException.Code.IN_USE, path,
                "the region is already open in this process; close it there first (a second descriptor of"
                        + " the file would release the lock that keeps other processes out)");
    }

    /** This region's entry in {@link #OPEN_HERE}. */
    private final Object fileKey;

    FileRegion(Path path, long maxSize) {
        this.path = path;
        this.fileKey = fileKey(path);
        if (!OPEN_HERE.add(fileKey)) {
            throw openHere(path);
        }
        try {
            this.lock = openAndLock(path);
        } catch (RuntimeException e) {
            OPEN_HERE.remove(fileKey);
            throw e;
        }
        this.channel = lock.channel();
        try {
            this.size = channel.size();
        } catch (IOException e) {
            closeQuietly(channel);
            OPEN_HERE.remove(fileKey);
            throw new RegionException(RegionException.Code.IO, path, "cannot stat: " + e.getMessage(), e);
        }
        this.maxSize = Math.max(maxSize, size);
    }

    /** Opens the file for reading and writing and locks it whole; the lock knows its channel. */
    private static FileLock openAndLock(Path path) {
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
        return l;
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
        OPEN_HERE.remove(fileKey);
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
            OPEN_HERE.remove(fileKey);                      // after the channel: no descriptor of it is left
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
