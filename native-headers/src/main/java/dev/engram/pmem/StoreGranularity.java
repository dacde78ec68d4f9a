package dev.engram.pmem;

/**
 * The smallest unit libpmem2 guarantees to make durable without an explicit flush of the CPU caches
 * or the page cache: what a {@link Pmem2Mapping#persist(long, long)} actually has to do.
 *
 * <p>Ordered from the strongest medium to the weakest, mirroring {@code enum pmem2_granularity}.
 * When mapping, the requested value is the <em>coarsest</em> granularity the caller can cope with:
 * asking for {@link #PAGE} accepts any medium, asking for {@link #BYTE} is refused unless the
 * platform flushes CPU caches on power failure (eADR) or libpmem2 is told to pretend so with
 * {@code PMEM2_FORCE_GRANULARITY=BYTE}.
 */
public enum StoreGranularity {

    /** Stores are durable once they leave the CPU (eADR pmem): persist is only a store fence. */
    BYTE,

    /** Durability needs the cache line written back (ADR pmem): persist is CLWB/CLFLUSHOPT + SFENCE. */
    CACHE_LINE,

    /** Durability needs the page written back to the medium (block storage, tmpfs): persist is msync. */
    PAGE
}
