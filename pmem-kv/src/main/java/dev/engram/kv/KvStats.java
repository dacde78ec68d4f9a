package dev.engram.kv;

import dev.engram.region.RegionStats;

/**
 * What a store holds and did since open.
 *
 * @param keys               live keys
 * @param liveBytes          bytes of log records still referenced by the index
 * @param logBytes           bytes of segments in use
 * @param liveRatio          liveBytes / logBytes (what compaction could reclaim is the rest)
 * @param userBytesWritten   key + value bytes handed to writes since open
 * @param logBytesWritten    log bytes appended since open (records, headers, padding)
 * @param writeAmplification logBytesWritten / userBytesWritten
 * @param persists           flush + drain calls issued by the log
 * @param region             the region's counters (flushes, drains, system calls)
 * @param mediaWrites        media line writes counted by the device profile (0 without one)
 * @param lostWrites         records and segment headers the media did not take since open, as the region
 *                           reported right after the write (its bad-line list; 0 on regions without one):
 *                           each lost record's keys read MEDIA, named by media notes for recovery
 * @param keyOrderPasses     sorted engine: passes that rewrote the log in key order since open and ran to
 *                           the end, by {@link KvStore#compactInKeyOrder()} or in the background
 *                           ({@link KvOptions#autoKeyOrder})
 */
public record KvStats(long keys, long liveBytes, long logBytes, double liveRatio, long userBytesWritten,
                      long logBytesWritten, double writeAmplification, long persists, RegionStats region,
                      long mediaWrites, long lostWrites, long keyOrderPasses) {
}
