package dev.engram.region;

/**
 * Which persistence path a region took, and why: shown by every benchmark and by {@code kv info}.
 *
 * @param kind   what makes stores durable
 * @param dax    whether the media is reached through a real DAX (MAP_SYNC) mapping
 * @param reason one sentence a user can act on, e.g. why libpmem was not used
 */
public record PersistencePath(Kind kind, Dax dax, String reason) {

    /** The mechanism that makes a store durable. */
    public enum Kind {
        /** {@code pmem_flush} + {@code pmem_drain} through libpmem (cache-line write-back + sfence). */
        LIBPMEM_FLUSH,
        /** {@code msync(MS_SYNC)} of the touched pages. */
        MSYNC,
        /** {@code fdatasync} after positional writes. */
        FDATASYNC,
        /** Fast tier by libpmem or msync, capacity tier by fdatasync (RUN). */
        TIERED,
        /** An in-memory simulated device (tests and the power-fail simulator). */
        SIMULATED
    }

    /** Whether persistent memory is real, emulated on a memory-backed file, or absent. */
    public enum Dax {
        /** A MAP_SYNC mapping of the file succeeded: a real DAX mount. */
        REAL,
        /** A memory-backed file (tmpfs) or PMEM_IS_PMEM_FORCE=1 stands in for pmem. */
        EMULATED,
        /** An ordinary file behind the page cache. */
        NONE
    }

    @Override
    public String toString() {
        return kind + " (dax=" + dax.name().toLowerCase(java.util.Locale.ROOT) + "): " + reason;
    }
}
