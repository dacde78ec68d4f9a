package dev.engram.region;

/**
 * The three ways of adopting byte-addressable non-volatile memory, after the NVM programming model.
 * The mode decides the whole I/O path; the on-media format is the same for all three.
 */
public enum AccessMode {
    /**
     * The ordinary block and file stack: positional {@code pread}/{@code pwrite} through the kernel,
     * durability by {@code fdatasync}. One system call per read, per write and per persist; no mmap.
     */
    CRAWL,
    /**
     * Direct loads and stores on a memory mapping. On a DAX mount the mapping is MAP_SYNC and made
     * durable with cache-line write-back + fence (libpmem); on a memory-backed file (tmpfs) the same
     * flush + drain emulate pmem; elsewhere {@code msync}.
     */
    WALK,
    /**
     * A hybrid: a small byte-addressable fast tier (WALK-style mapping) in front of a large capacity
     * file (CRAWL-style), with write-back destage, so a region can be many times larger than its fast
     * tier.
     */
    RUN;

    /** Parses "crawl", "walk" or "run", case-insensitively, with an error that lists the choices. */
    public static AccessMode parse(String name) {
        for (AccessMode m : values()) {
            if (m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown access mode '" + name + "': expected crawl, walk or run");
    }
}
