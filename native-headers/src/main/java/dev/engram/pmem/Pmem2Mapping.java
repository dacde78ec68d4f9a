package dev.engram.pmem;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A file mapped through libpmem2 ({@code pmem2_map_new}), obtained from
 * {@link Pmem#map2(Path, StoreGranularity)}.
 *
 * <p>libpmem2 decides per mapping how stores become durable and hands back a matching persist
 * function ({@code pmem2_get_persist_fn}); {@link #persist(long, long)} calls exactly that
 * function. Its {@link #granularity() effective granularity} says what the function does.
 *
 * <p>The {@link #segment() segment} lives in a shared arena closed by {@link #close()} before
 * {@code pmem2_map_delete}, so use after close throws instead of faulting. Thread-safe.
 */
public final class Pmem2Mapping implements AutoCloseable {

    private final Path path;
    private final MemorySegment segment;
    private final StoreGranularity granularity;
    private final Arena lifetime;
    /** {@code struct pmem2_map *}, owned by this object until close. */
    final MemorySegment map;
    /** The {@code pmem2_persist_fn} libpmem2 chose for this mapping. */
    final MemorySegment persistFunction;
    private boolean closed; // guarded by this

    Pmem2Mapping(Path path, MemorySegment segment, StoreGranularity granularity, Arena lifetime,
                 MemorySegment map, MemorySegment persistFunction) {
        this.path = path;
        this.segment = segment;
        this.granularity = granularity;
        this.lifetime = lifetime;
        this.map = map;
        this.persistFunction = persistFunction;
    }

    /** @return the mapped file, as given to {@code map2} */
    public Path path() {
        return path;
    }

    /** @return the mapped bytes; native, the whole file, invalid after {@link #close()} */
    public MemorySegment segment() {
        return segment;
    }

    /** @return the mapped length in bytes ({@code pmem2_map_get_size}) */
    public long byteSize() {
        return segment.byteSize();
    }

    /**
     * @return the store granularity libpmem2 settled on for this mapping
     *     ({@code pmem2_map_get_store_granularity}); never coarser than the one requested
     */
    public StoreGranularity granularity() {
        return granularity;
    }

    /**
     * Makes {@code [offset, offset + length)} durable with libpmem2's persist function for this
     * mapping: a fence for {@link StoreGranularity#BYTE}, cache-line write-back plus fence for
     * {@link StoreGranularity#CACHE_LINE}, {@code msync} for {@link StoreGranularity#PAGE}.
     * Allocation-free.
     *
     * @param offset first byte of the range, relative to the start of the mapping
     * @param length bytes in the range
     * @throws IndexOutOfBoundsException if the range is outside the mapping
     * @throws IllegalStateException if the mapping is closed
     */
    public void persist(long offset, long length) {
        Pmem.persist2(this, offset, length);
    }

    /**
     * Deletes the mapping ({@code pmem2_map_delete}); the segment is invalidated first. Idempotent.
     *
     * @throws IllegalStateException if another thread is inside a native call on this mapping
     * @throws PmemException if {@code pmem2_map_delete} fails
     */
    @Override
    public void close() {
        Pmem.unmap2(this);
    }

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
        return "Pmem2Mapping[" + path + ", " + segment.byteSize() + " bytes, granularity=" + granularity + "]";
    }
}
