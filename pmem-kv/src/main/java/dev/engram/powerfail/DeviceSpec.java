package dev.engram.powerfail;

/**
 * What a simulated device is, as fixed when it was created: enough to rebuild its durable state at
 * any crash point by replaying the log, and to create its counterpart in a materialised image.
 *
 * @param index          its position among the simulator's devices (creation order)
 * @param name           unique within the simulator; images and descriptors name devices by it
 * @param kind           memory (WALK semantics) or block (CRAWL semantics)
 * @param sectorBytes    the unit a block device tears in (512 or 4096); 0 for memory devices
 * @param initialContent the durable content at creation; never written (replays share its pages)
 * @param createdAt      the first crash point it exists at (the log's size when it was created)
 * @param identityHash   a hash of name, kind, sector size and initial content, folded into the log hash
 *                       of every crash point it exists at
 */
record DeviceSpec(int index, String name, Kind kind, int sectorBytes, PagedContent initialContent, int createdAt,
        long identityHash) {

    /** The two device models. */
    enum Kind {
        /** Byte-addressable persistent memory: cache-line flush + fence, 8-byte failure atomicity. */
        MEMORY,
        /** A block device or file behind the page cache: durable only at fdatasync, torn per sector. */
        BLOCK
    }
}
