package dev.engram.region;

/** Durability granularity, as libpmem2 defines it: the smallest unit a store becomes durable in. */
public enum Granularity {
    /** Stores are durable once visible (eADR, NVDIMM-N); fences still order them. */
    BYTE,
    /** A cache line becomes durable after its write-back (clwb/clflushopt) and a fence (ADR). */
    CACHE_LINE,
    /** A page becomes durable after msync/fsync/fdatasync (the block and page-cache path). */
    PAGE
}
