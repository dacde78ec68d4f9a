package dev.engram.region;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc calls a WALK mapping needs and the JDK does not offer: {@code open}, {@code mmap}
 * with a reserved length and MAP_SYNC, {@code munmap}, {@code msync}, {@code fallocate}. Linux
 * x86-64/aarch64 constants. Package-private: nothing outside the region package calls the kernel.
 *
 * <p>Why not {@code FileChannel.map}: a region must grow without moving its bytes, so WALK reserves
 * address space for {@code maxSize} once and extends the file under it; {@code FileChannel.map}
 * cannot map beyond the file's end without extending the file to the full length.
 */
final class Libc {

    static final int O_RDWR = 0x2;
    static final int O_CLOEXEC = 0x80000;
    static final int PROT_READ = 0x1;
    static final int PROT_WRITE = 0x2;
    static final int MAP_SHARED = 0x01;
    static final int MAP_SHARED_VALIDATE = 0x03;
    static final int MAP_SYNC = 0x80000;
    static final int MS_SYNC = 0x4;
    /** madvise: fault the range's pages in, writable, without writing them (Linux 5.14+; EINVAL before). */
    static final int MADV_POPULATE_WRITE = 23;
    static final int EINVAL = 22;
    /** No space left on the device: growth asked for more than the file system has. */
    static final int ENOSPC = 28;
    static final long PAGE_SIZE = 4096;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayoutHolder ERRNO = new StructLayoutHolder();

    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), true);
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), true);

    /*
     * The calls an open does not make get their handles on first use, each in a holder class of its own
     * (the JVM initialises a class once, thread-safely, and then folds the constant): every downcall
     * handle costs the FFM linker time to make, and a process that opens a pool pays for those it makes.
     */

    private static final class Munmap {
        static final MethodHandle HANDLE = downcall("munmap",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), true);
    }

    private static final class Msync {
        static final MethodHandle HANDLE = downcall("msync",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), true);
    }

    private static final class Madvise {
        static final MethodHandle HANDLE = downcall("madvise",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), true);
    }

    private static final class Fallocate {
        static final MethodHandle HANDLE = downcall("fallocate",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), true);
    }

    private static final class Strerror {
        static final MethodHandle HANDLE = downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT), false);
    }

    private Libc() {
    }

    /** errno captured per call, as {@code Linker.Option.captureCallState} requires. */
    private static final class StructLayoutHolder {
        final MemoryLayout layout = Linker.Option.captureStateLayout();
        final VarHandle errno = layout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    }

    private static MethodHandle downcall(String name, FunctionDescriptor fd, boolean captureErrno) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return captureErrno
                ? LINKER.downcallHandle(symbol, fd, Linker.Option.captureCallState("errno"))
                : LINKER.downcallHandle(symbol, fd);
    }

    /** A failed call: the errno and libc's text for it. */
    static final class ErrnoException extends Exception {
        final int errno;

        ErrnoException(String call, int errno) {
            super(call + " failed: " + strerror(errno) + " (errno " + errno + ")");
            this.errno = errno;
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.errno.get(state, 0L);
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) Strerror.HANDLE.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    static int open(String path, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(ERRNO.layout);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags, 0);
            if (fd < 0) {
                throw new ErrnoException("open(" + path + ")", errno(state));
            }
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(arena.allocate(ERRNO.layout), fd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** Maps {@code length} bytes of {@code fd} shared read-write; returns the address. */
    static long mmap(int fd, long length, int flags) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(ERRNO.layout);
            MemorySegment addr = (MemorySegment) MMAP.invokeExact(state, MemorySegment.NULL, length,
                    PROT_READ | PROT_WRITE, flags, fd, 0L);
            if (addr.address() == -1L) {
                throw new ErrnoException("mmap", errno(state));
            }
            return addr.address();
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void munmap(long address, long length) {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) Munmap.HANDLE.invokeExact(arena.allocate(ERRNO.layout), MemorySegment.ofAddress(address), length);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** msync(MS_SYNC) of the pages covering [address, address+length). */
    static void msync(MemorySegment errnoState, long address, long length) throws ErrnoException {
        long start = address & -PAGE_SIZE;
        long len = address + length - start;
        try {
            int rc = (int) Msync.HANDLE.invokeExact(errnoState, MemorySegment.ofAddress(start), len, MS_SYNC);
            if (rc != 0) {
                throw new ErrnoException("msync", errno(errnoState));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** {@code madvise(address, length, advice)}; {@code address} must be page-aligned. */
    static void madvise(long address, long length, int advice) throws ErrnoException {
        zeroOrThrow("madvise", state -> (int) Madvise.HANDLE.invokeExact(state, MemorySegment.ofAddress(address),
                length, advice));
    }

    /** Allocates blocks for [offset, offset+length) and extends the file size to cover it. */
    static void fallocate(int fd, long offset, long length) throws ErrnoException {
        zeroOrThrow("fallocate", state -> (int) Fallocate.HANDLE.invokeExact(state, fd, 0, offset, length));
    }

    /** A downcall that returns 0, or -1 with errno in the capture state it is given. */
    @FunctionalInterface
    private interface ZeroOrErrno {
        int invoke(MemorySegment errnoState) throws Throwable;
    }

    /**
     * Makes {@code call} with an errno capture of a confined arena; throws {@code name}'s errno when it
     * does not return 0. For calls off the hot path (the arena is an allocation; msync has its own).
     */
    private static void zeroOrThrow(String name, ZeroOrErrno call) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(ERRNO.layout);
            if (call.invoke(state) != 0) {
                throw new ErrnoException(name, errno(state));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** A per-thread errno capture buffer for calls on the hot path (msync), so they allocate nothing. */
    static MemorySegment newErrnoState() {
        return Arena.ofAuto().allocate(ERRNO.layout);
    }
}
