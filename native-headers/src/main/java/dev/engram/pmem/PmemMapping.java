package dev.engram.pmem;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A file mapped by libpmem's {@code pmem_map_file}, obtained from
 * {@link Pmem#map(Path, long, java.util.Set, java.util.Set)}.
 *
 * <p>The {@link #segment() segment} spans exactly the mapped length and lives in a shared arena
 * that {@link #close()} closes before it calls {@code pmem_unmap}: after close, every access
 * through the segment (or a slice of it) throws {@link IllegalStateException} instead of faulting
 * on an unmapped page, and a close that races with an in-flight {@code persist} on another thread
 * fails rather than unmapping memory a CPU is still flushing.
 *
 * <p>Thread-safe: any thread may read, write and persist; {@link #close()} is idempotent.
 */
public final class PmemMapping implements AutoCloseable {

    private final Path path;
    private final MemorySegment segment;
    private final boolean isPmem;
    private final Arena lifetime;
    private boolean closed; // guarded by this

    PmemMapping(Path path, MemorySegment segment, boolean isPmem, Arena lifetime) {
        this.path = path;
        this.segment = segment;
        this.isPmem = isPmem;
        this.lifetime = lifetime;
    }

    /** @return the mapped file, as given to {@code map} */
    public Path path() {
        return path;
    }

    /** @return the mapped bytes; native, {@link #byteSize()} long, invalid after {@link #close()} */
    public MemorySegment segment() {
        return segment;
    }

    /** @return the mapped length in bytes, as reported by {@code pmem_map_file} */
    public long byteSize() {
        return segment.byteSize();
    }

    /**
     * @return whether libpmem judged the whole mapping to be persistent memory, so that CPU cache
     *     flushes alone make stores durable ({@code *is_pmemp} of {@code pmem_map_file})
     */
    public boolean isPmem() {
        return isPmem;
    }

    /**
     * Makes {@code [offset, offset + length)} durable the way PMDK prescribes for this mapping:
     * {@code pmem_persist} (cache flush + fence, no system call) when {@link #isPmem()}, otherwise
     * {@code pmem_msync} (write the dirty pages back through the kernel).
     *
     * <p>Allocation-free on the pmem path.
     *
     * @param offset first byte of the range, relative to the start of the mapping
     * @param length bytes in the range
     * @throws IndexOutOfBoundsException if the range is outside the mapping
     * @throws IllegalStateException if the mapping is closed
     * @throws PmemException if {@code pmem_msync} fails (non-pmem path only)
     */
    public void persist(long offset, long length) {
        if (isPmem) {
            Pmem.persist(segment, offset, length);
        } else {
            Pmem.msync(path, segment, offset, length);
        }
    }

    /**
     * Unmaps the file ({@code pmem_unmap}); the segment is invalidated first. Idempotent. Does not
     * persist anything: stores not yet persisted may or may not reach the file.
     *
     * @throws IllegalStateException if another thread is inside a native call on this mapping
     * @throws PmemException if {@code pmem_unmap} fails
     */
    @Override
    public void close() {
        Pmem.unmap(this);
    }

    // --- for Pmem only -------------------------------------------------------------------------

    /** Closes the arena and reports whether the caller must now unmap (false if already closed). */
    synchronized boolean invalidate() {
        if (closed) {
            return false;
        }
        lifetime.close(); // throws, leaving the mapping open, if a downcall still holds the segment
        closed = true;
        return true;
    }

    @Override
    public String toString() {
        return "PmemMapping[" + path + ", " + segment.byteSize() + " bytes, isPmem=" + isPmem + "]";
    }
}
