package dev.engram.region;

/** Which persistence path a WALK region should take; {@link #AUTO} is right for nearly everyone. */
public enum PersistenceChoice {
    /** libpmem flush + drain on DAX or memory-backed files, msync elsewhere. */
    AUTO,
    /** Always libpmem flush + drain (fails if libpmem is missing); benchmarks use it to compare paths. */
    LIBPMEM,
    /** Always msync. */
    MSYNC
}
