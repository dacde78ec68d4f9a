/**
 * JMH benchmarks of persistent-memory regions: one class per question, each named for what it asks.
 *
 * <ul>
 *   <li>Floors, with no {@link dev.engram.region.Region} in the way: {@link dev.engram.bench.region.MappedSegmentFloor}
 *       (8 B load/store on a mapped segment) and {@link dev.engram.bench.region.PersistFloor} (64 B made durable
 *       by bare libpmem or by pwrite + fdatasync).</li>
 *   <li>Region primitives per access mode: {@link dev.engram.bench.region.RegionLongAccess},
 *       {@link dev.engram.bench.region.RegionWritePersist}, {@link dev.engram.bench.region.RegionBandwidth}.</li>
 *   <li>RUN's tiering: {@link dev.engram.bench.region.RunResidentReads} (fast-tier hits against WALK) and
 *       {@link dev.engram.bench.region.RunBeyondFastTier} (a region ten times its fast tier).</li>
 * </ul>
 *
 * Every benchmark takes its offsets from a seeded table built before measurement
 * ({@link dev.engram.bench.region.OffsetTables}), so no random number is drawn in the measured path and
 * every run touches the same bytes. Each region or mapping lives in a fresh directory deleted at teardown
 * ({@link dev.engram.bench.region.TrialDirectory}). Results and how to run them: {@code bench/README.md}.
 */
package dev.engram.bench.region;
