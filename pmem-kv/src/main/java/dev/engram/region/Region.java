package dev.engram.region;

/**
 * A byte-addressable persistent space: the one abstraction that the key-value engines and the PCM
 * synapse arrays are written against.
 *
 * <h2>Addressing</h2>
 * Offsets are byte offsets into the backing file, from 0 to {@link #size()}. The first
 * {@link RegionHeader#LENGTH} bytes hold the region header written by {@link Regions}; clients store
 * their own data from {@link RegionHeader#LENGTH} on. All multi-byte values are little-endian,
 * whatever the platform. Every access is bounds-checked against the current size and fails with a
 * {@link RegionException} of code {@code OUT_OF_BOUNDS}, never an {@link IndexOutOfBoundsException}.
 *
 * <h2>Durability</h2>
 * A store is <em>visible</em> to other threads as soon as it returns but <em>durable</em> only after a
 * {@link #flush} of its bytes followed by a {@link #drain} (or one {@link #persist}) has returned.
 * A power failure may keep any subset of the stores that were not yet made durable, with one
 * guarantee: an aligned 8-byte store is failure-atomic (all or nothing). This is the model the
 * power-fail simulator checks; what each access mode does to honour it is in {@link AccessMode}.
 *
 * <h2>Concurrency</h2>
 * Any number of threads may read and write disjoint bytes concurrently. Conflicting plain accesses
 * to the same bytes are the caller's to order; the 8-byte {@link #getLongVolatile}/
 * {@link #putLongRelease}/{@link #compareAndSetLong} accesses are atomic and ordered, and are what
 * commit words use.
 *
 * <h2>Growth</h2>
 * {@link #grow} adds space at the end without closing the region; bytes already there never move,
 * so offsets that readers hold stay valid.
 */
public interface Region extends AutoCloseable {

    /** The current size in bytes, header included. */
    long size();

    /** How this region reaches its media. */
    AccessMode mode();

    /** The unit in which stores become durable, as libpmem2 names them. */
    Granularity granularity();

    /** Which persistence path this region took and why, e.g. "libpmem flush+drain (memory-backed file, emulated pmem)". */
    PersistencePath persistencePath();

    byte getByte(long offset);

    void putByte(long offset, byte value);

    int getInt(long offset);

    void putInt(long offset, int value);

    long getLong(long offset);

    void putLong(long offset, long value);

    /** Copies {@code length} bytes at {@code offset} into {@code dst[dstIndex..]}. */
    void read(long offset, byte[] dst, int dstIndex, int length);

    /** Copies {@code src[srcIndex..srcIndex+length)} to {@code offset}. */
    void write(long offset, byte[] src, int srcIndex, int length);

    /** Copies {@code length} bytes inside this region; the ranges may overlap. */
    void copy(long srcOffset, long dstOffset, long length);

    /** Sets {@code length} bytes at {@code offset} to {@code value}. */
    void fill(long offset, long length, byte value);

    /** Atomic 8-byte load with acquire semantics; {@code offset} must be 8-byte aligned. */
    long getLongVolatile(long offset);

    /** Atomic 8-byte store with release semantics; {@code offset} must be 8-byte aligned. */
    void putLongRelease(long offset, long value);

    /** Atomic 8-byte compare-and-set; {@code offset} must be 8-byte aligned. */
    boolean compareAndSetLong(long offset, long expected, long value);

    /**
     * Starts writing back the bytes in {@code [offset, offset+length)}; they are durable once a
     * following {@link #drain()} returns. On some paths flush is itself synchronous.
     */
    void flush(long offset, long length);

    /** Waits until every flush this thread issued before is durable (a store fence). */
    void drain();

    /** {@link #flush} then {@link #drain}: the range is durable when this returns. */
    default void persist(long offset, long length) {
        flush(offset, length);
        drain();
    }

    /**
     * Whether the media may not hold what was last stored to {@code [offset, offset+length)}: a line the
     * device knows bad, or a stuck bit under it. A real device learns this by verifying its writes (a
     * PCM controller reads a line back after programming it) and reports it through its bad-block list
     * (an NVDIMM's address range scrub, Linux's {@code badblocks}); a store that asks right after a
     * write learns that the write did not take. False positives are allowed (a stuck bit that holds the
     * value written); a false negative is a fault the device does not know of. Regions over plain
     * memory or files know of none and return false; the device emulation answers from its fault map.
     */
    default boolean writeMayHaveFailed(long offset, long length) {
        return false;
    }

    /**
     * A hint that {@code offset} will be read soon: on memory the caller loads from directly, one byte
     * is loaded now, so that its cache miss overlaps with the caller's work until the read (a scan whose
     * next records lie far apart in the log touches several ahead). Returns the byte, which the caller
     * keeps (sums), so the load is not optimised away; it changes nothing and counts as no read. Regions
     * reached through system calls, the device emulation (whose reads cost emulated time and may meet
     * faults) and the simulator do nothing and return 0; so does an offset out of range.
     */
    default int touch(long offset) {
        return 0;
    }

    /**
     * A hint that {@code [offset, offset + length)} will be written soon: a region that is a mapping
     * makes the range's pages present and writable now, without changing a byte (Linux's {@code
     * madvise(MADV_POPULATE_WRITE)}), so that the first store to each page later does not stop for a
     * page fault (on tmpfs, allocating and zeroing the page; on a DAX file system, mapping its block).
     * Meant for a thread that is not the writer's. Returns the bytes so prepared: 0 for regions reached
     * through system calls, the device emulation and the simulator, for a range not inside the region
     * (or a closed region), and on a kernel without the call. Never throws; changes no byte and no
     * counter.
     */
    default long prefault(long offset, long length) {
        return 0;
    }

    /**
     * A hint that the caller no longer needs the bytes of {@code [offset, offset + length)} and will
     * write each part before it reads it: a region that would otherwise copy a range in before the first
     * store to it ({@link AccessMode#RUN}, which promotes a whole block from its capacity file into the
     * fast tier) may start the range's whole blocks from zeros instead. Until written, each such block
     * reads as its old bytes or as zeros, before and after a crash: the caller must be content with
     * either. Returns the bytes released (whole blocks that were not resident); 0 for every other region
     * (a store there reads nothing first), for a range not inside the region, and for a closed region.
     * Never throws; changes no byte.
     */
    default long discard(long offset, long length) {
        return 0;
    }

    /**
     * Grows the region to {@code newSize} bytes (a multiple of {@link RegionHeader#LENGTH}) without
     * closing it; existing bytes do not move. New bytes read as zero. The new size is durable when
     * this returns. Does nothing when {@code newSize <= size()}.
     *
     * @throws RegionException {@code TOO_LARGE} when newSize exceeds {@link #maxSize()}
     */
    void grow(long newSize);

    /** The largest size {@link #grow} can reach without reopening. */
    long maxSize();

    /** Counters of what this region did: reads, writes, flushes, drains, system calls. */
    RegionStats stats();

    /** Releases the mapping or file; nothing is implicitly persisted. Idempotent. */
    @Override
    void close();
}
