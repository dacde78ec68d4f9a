package dev.engram.region;

/** A {@link AccessMode#RUN} region: a fast tier in front of a capacity file. */
public interface TieredRegion extends Region {

    /**
     * Writes every dirty fast-tier block back to the capacity file and makes it durable there; when
     * no block is dirty afterwards, detaches the fast tier so the capacity file alone opens in CRAWL
     * or WALK. Safe to call while other threads use the region.
     */
    void destage();

    /** What the tiers did since open. */
    TierStats tierStats();

    /**
     * @param slots          blocks the fast tier holds
     * @param residentBlocks slots holding a block now
     * @param dirtyBlocks    slots whose block is newer than the capacity file
     * @param promotions     blocks read from the capacity file into the fast tier
     * @param zeroFills      blocks started from zeros in the fast tier instead, without a read, because
     *                       the caller had released them ({@link #discard})
     * @param destages       blocks written back to the capacity file
     * @param evictions      blocks dropped from the fast tier to make room
     * @param attached       whether the capacity file currently names this fast tier
     */
    record TierStats(int slots, int residentBlocks, int dirtyBlocks, long promotions, long zeroFills,
                     long destages, long evictions, boolean attached) {
    }
}
