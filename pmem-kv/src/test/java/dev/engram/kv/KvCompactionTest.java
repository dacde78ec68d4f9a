package dev.engram.kv;

import dev.engram.region.AccessMode;
import dev.engram.region.Region;
import dev.engram.region.RegionOptions;
import dev.engram.region.Regions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Log cleaning, for every engine in every access mode: dead space comes back, live values and deletes
 * survive it and a reopen, snapshots keep reading what they saw, and readers and writers run through it.
 */
class KvCompactionTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    private KvOptions options(EngineKind engine, AccessMode mode) {
        return new KvOptions(dir.resolve("pool")).engine(engine).mode(mode).size(1 << 20).segmentBytes(64 * 1024)
                .fastTierSize(1 << 20).autoCompact(false);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static void assertMatches(Map<String, String> model, KvStore kv) {
        assertEquals(model.size(), kv.count(), "live keys");
        for (Map.Entry<String, String> e : model.entrySet()) {
            assertEquals(e.getValue(), s(kv.get(b(e.getKey()))), "value of " + e.getKey());
        }
        int seen = 0;
        try (KvCursor c = kv.cursor()) {
            while (c.next()) {
                assertEquals(model.get(s(c.key())), s(c.value()), "cursor value of " + s(c.key()));
                seen++;
            }
        }
        assertEquals(model.size(), seen, "keys a cursor walks");
    }

    @ParameterizedTest
    @MethodSource("dev.engram.kv.KvStoreContractTest#enginesAndModes")
    void shouldReclaimDeadSpaceAndKeepLiveValuesAndDeletesAcrossReopen(EngineKind engine, AccessMode mode) {
        Map<String, String> model = new TreeMap<>();
        String pad = "v".repeat(200);
        try (KvStore kv = KvStore.create(options(engine, mode))) {
            for (int round = 0; round < 10; round++) {
                for (int k = 0; k < 300; k++) {
                    String v = round + ":" + k + pad;
                    kv.put(b("key" + k), b(v));
                    model.put("key" + k, v);
                }
            }
            for (int k = 0; k < 300; k += 3) {
                kv.delete(b("key" + k));
                model.remove("key" + k);
            }
            KvStats before = kv.stats();
            CompactionReport r = kv.compact();
            KvStats after = kv.stats();
            assertTrue(r.segmentsFreed() > 0, "segments freed: " + r);
            assertTrue(after.logBytes() < before.logBytes(), "log bytes " + before.logBytes() + " -> " + after.logBytes());
            assertTrue(after.liveRatio() > 2 * before.liveRatio(), "live ratio " + before.liveRatio() + " -> "
                    + after.liveRatio());
            assertMatches(model, kv);
            assertTrue(kv.check().clean(), kv.check().toString());
            // The freed space is reused: a second full round fits without growing the pool. Buffered, then
            // one sync: on CRAWL each durable put fills a 4 KiB unit of log (BUG-1's padding), which is not
            // what this round measures.
            long poolBytes = kv.stats().logBytes();
            for (int k = 0; k < 300; k++) {
                if (model.containsKey("key" + k)) {
                    String v = "again:" + k;
                    kv.put(b("key" + k), b(v), Durability.BUFFERED);
                    model.put("key" + k, v);
                }
            }
            kv.sync();
            assertTrue(kv.stats().logBytes() <= poolBytes + 64 * 1024, "log reused its freed segments");
        }
        try (KvStore kv = KvStore.open(options(engine, mode))) {
            assertMatches(model, kv);          // deleted keys stay deleted: their tombstones outlived the puts
            assertTrue(kv.check().clean(), kv.check().toString());
            kv.compact();
            assertMatches(model, kv);
        }
        try (KvStore kv = KvStore.open(options(engine, mode))) {
            assertMatches(model, kv);
        }
    }

    /**
     * A record header the media garbled in a sealed segment ends the cleaner's parse of that segment
     * early; the records after it are still live (the index points at them). The cleaner must keep such
     * a segment, not free it: freed and reused, it would lose those records (their keys read nothing or
     * an error). Fixed with format 1.4; this test fails on the old cleaner ("key… lost").
     */
    @Test
    void shouldKeepASegmentWhoseRecordHeaderTheMediaDamaged() {
        Region region = Regions.create(new RegionOptions(dir.resolve("pool")).mode(AccessMode.WALK)
                .size(PoolFormat.FIRST_SEGMENT_OFFSET + 16L * 64 * 1024));
        KvOptions options = options(EngineKind.HASH, AccessMode.WALK).lanes(1);
        Map<String, String> model = new TreeMap<>();
        KvStore kv = KvStore.create(options, region);
        String pad = "v".repeat(300);
        for (int k = 0; k < 400; k++) {                    // ~ 2 segments of one lane
            kv.put(b("key" + k), b(k + pad), Durability.BUFFERED);
            model.put("key" + k, k + pad);
        }
        for (int k = 0; k < 400; k += 2) {                 // half of them dead: the first segment is worth cleaning
            kv.put(b("key" + k), b("new" + k), Durability.BUFFERED);
            model.put("key" + k, "new" + k);
        }
        kv.sync();
        long damaged = kv.index().get(b("key51")).recordOffset;   // an odd, still-live key inside the first segment
        assertTrue(damaged < PoolFormat.FIRST_SEGMENT_OFFSET + 64 * 1024, "in the first segment: " + damaged);
        region.putInt(damaged + PoolFormat.REC_LENGTH_OFFSET, 7);  // the media garbles its LENGTH: unparsable
        kv.compact(0.999);
        for (int k = 0; k < 2000; k++) {                   // reuse whatever the cleaner freed
            kv.put(b("filler" + k), b(pad), Durability.BUFFERED);
        }
        kv.sync();
        for (Map.Entry<String, String> e : model.entrySet()) {
            if (e.getKey().equals("key51")) {
                continue;                                  // its own record is damaged: MEDIA is right for it
            }
            assertEquals(e.getValue(), s(kv.get(b(e.getKey()))), e.getKey() + " lost");
        }
        KvException thrown = org.junit.jupiter.api.Assertions.assertThrows(KvException.class, () -> kv.get(b("key51")));
        assertEquals(KvException.Code.MEDIA, thrown.code());
        kv.close();
    }

    /**
     * A segment whose records are all live is not worth cleaning at any ratio below 1, also on block
     * devices, where records start after the header's 4 KiB unit (BUG-1's padding): counting that unit
     * as dead space made a full 64 KiB segment read 94 % live, so compact(0.95) copied it for nothing.
     */
    @ParameterizedTest
    @MethodSource("dev.engram.kv.KvStoreContractTest#enginesAndModes")
    void shouldLeaveSegmentsWhoseRecordsAreAllLive(EngineKind engine, AccessMode mode) {
        try (KvStore kv = KvStore.create(options(engine, mode))) {
            String pad = "v".repeat(200);
            for (int k = 0; k < 1000; k++) {           // distinct keys, never overwritten: every record live
                kv.put(b("key" + k), b(k + pad), Durability.BUFFERED);
            }
            kv.sync();
            CompactionReport r = kv.compact(0.95);
            assertEquals(0, r.segmentsCleaned(), "segments cleaned although every record was live: " + r);
            assertEquals(1000, kv.count());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.engram.kv.KvStoreContractTest#enginesAndModes")
    void shouldLetAnOpenSnapshotReadOldVersionsAndFreeTheirSegmentsOnlyAfterRelease(EngineKind engine,
                                                                                      AccessMode mode) {
        try (KvStore kv = KvStore.create(options(engine, mode))) {
            for (int k = 0; k < 400; k++) {
                kv.put(b("key" + k), b("old" + k + "x".repeat(150)));
            }
            Snapshot snap = kv.snapshot();
            for (int k = 0; k < 400; k++) {
                kv.put(b("key" + k), b("new" + k + "y".repeat(150)));
            }
            CompactionReport first = kv.compact();
            assertTrue(first.segmentsCleaned() > 0, first.toString());
            assertTrue(first.segmentsWaiting() > 0, "cleaned segments wait for the snapshot: " + first);
            for (int k = 0; k < 400; k++) {
                assertEquals("old" + k + "x".repeat(150), s(snap.get(b("key" + k))));
                assertEquals("new" + k + "y".repeat(150), s(kv.get(b("key" + k))));
            }
            snap.close();
            CompactionReport second = kv.compact();
            assertEquals(0, second.segmentsWaiting(), second.toString());
            assertTrue(second.segmentsFreed() >= first.segmentsWaiting(), second.toString());
            for (int k = 0; k < 400; k++) {
                assertEquals("new" + k + "y".repeat(150), s(kv.get(b("key" + k))));
            }
        }
    }

    /**
     * C2p in a round of the background cleaner (BUG-9; the crash campaign's superseded-background checks
     * its crash images): the writer's buffered newer version of x is persisted before the segment with
     * x's older version, which it outranks, is freed. x's first version (synced) and four rounds of
     * sixteen 4,000-byte fillers fill segments 0-3 and part of 4, where x's second version goes: five
     * segments in use, a fifth live, so the round cleans segment 0.
     */
    @ParameterizedTest
    @MethodSource("dev.engram.kv.KvStoreContractTest#enginesAndModes")
    void shouldPersistBufferedWritesBeforeABackgroundRoundFreesWhatTheyOutrank(EngineKind engine, AccessMode mode) {
        try (KvStore kv = KvStore.create(options(engine, mode).durability(Durability.BUFFERED))) {
            kv.put(b("x"), b("first"));
            kv.sync();
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 16; i++) {
                    kv.put(b("f" + i), b(round + "v".repeat(3999)));
                }
            }
            kv.put(b("x"), b("second"));
            Log.Lane lane = kv.log().laneForThread();
            assertTrue(lane.persistedUpTo < lane.tail, "x's second version is buffered");
            int free = kv.log().freeSegmentCount();
            assertEquals(1, kv.cleaner().doWork(), "one segment cleaned");
            assertEquals(free + 1, kv.log().freeSegmentCount(), "and freed");
            assertEquals(lane.tail, lane.persistedUpTo, "after the writer's buffered records were persisted");
            assertEquals("second", s(kv.get(b("x"))));
        }
    }

    /** Seeded operations, compactions and reopens against a TreeMap. */
    @ParameterizedTest
    @MethodSource("dev.engram.kv.KvStoreContractTest#enginesAndModes")
    void shouldMatchATreeMapModelWithCompactionsAndReopensInterleaved(EngineKind engine, AccessMode mode) {
        long seed = 0xC1EA7L ^ engine.ordinal() * 31 ^ mode.ordinal();
        Random random = new Random(seed);
        Map<String, String> model = new TreeMap<>();
        KvStore kv = KvStore.create(options(engine, mode));
        try {
            for (int step = 0; step < 6000; step++) {
                int op = random.nextInt(100);
                String k = "k" + random.nextInt(200);
                if (op < 55) {
                    String v = "v" + step + "-".repeat(random.nextInt(300));
                    kv.put(b(k), b(v));
                    model.put(k, v);
                } else if (op < 75) {
                    assertEquals(model.remove(k) != null, kv.delete(b(k)), "delete " + k + " seed " + seed);
                } else if (op < 85) {
                    WriteBatch batch = new WriteBatch();
                    for (int i = 0; i < 4; i++) {
                        String bk = "k" + random.nextInt(200);
                        if (random.nextBoolean()) {
                            batch.put(b(bk), b("batch" + step + ":" + i));
                            model.put(bk, "batch" + step + ":" + i);
                        } else {
                            batch.delete(b(bk));
                            model.remove(bk);
                        }
                    }
                    kv.write(batch);
                } else if (op < 97) {
                    assertEquals(model.get(k), s(kv.get(b(k))), "get " + k + " at step " + step + " seed " + seed);
                } else if (op < 99) {
                    kv.compact();
                } else {
                    kv.close();
                    kv = KvStore.open(options(engine, mode));
                    assertMatches(model, kv);
                }
            }
            kv.compact();
            assertMatches(model, kv);
            assertTrue(kv.check().clean(), kv.check().toString());
            kv.close();
            kv = KvStore.open(options(engine, mode));
            assertMatches(model, kv);
        } finally {
            kv.close();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.engram.kv.KvStoreContractTest#enginesAndModes")
    void shouldServeReadersAndWritersWhileTheCleanerRuns(EngineKind engine, AccessMode mode) throws Exception {
        int keys = 200;
        ConcurrentHashMap<String, Integer> lastWritten = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (KvStore kv = KvStore.create(options(engine, mode).autoCompact(true).compactLiveRatio(0.6))) {
            for (int k = 0; k < keys; k++) {
                kv.put(b("key" + k), b("key" + k + "@0"));
                lastWritten.put("key" + k, 0);
            }
            // Two writers own disjoint keys; values name their key and a version that only grows.
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                threads.add(new Thread(() -> {
                    try {
                        for (int version = 1; version <= 150; version++) {
                            for (int k = writer; k < keys; k += 2) {
                                kv.put(b("key" + k), b("key" + k + "@" + version + "#".repeat(100)));
                                lastWritten.put("key" + k, version);
                            }
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            threads.add(new Thread(() -> {             // a reader: right key, versions never go back
                int[] seen = new int[keys];
                try {
                    while (!stop.get()) {
                        for (int k = 0; k < keys; k++) {
                            String v = s(kv.get(b("key" + k)));
                            int at = v.indexOf('@');
                            assertEquals("key" + k, v.substring(0, at));
                            int end = v.indexOf('#');
                            int version = Integer.parseInt(v.substring(at + 1, end < 0 ? v.length() : end));
                            assertTrue(version >= seen[k], "key" + k + " went back from " + seen[k] + " to " + version);
                            seen[k] = version;
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
            threads.add(new Thread(() -> {             // explicit compactions on top of the background cleaner
                try {
                    while (!stop.get()) {
                        kv.compact();
                        Thread.sleep(5);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
            threads.forEach(Thread::start);
            threads.get(0).join();
            threads.get(1).join();
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("a thread failed", failure.get());
            }
            for (int k = 0; k < keys; k++) {
                assertEquals("key" + k + "@150" + "#".repeat(100), s(kv.get(b("key" + k))));
            }
            assertTrue(kv.check().clean(), kv.check().toString());
            // 2 x 150 x 100 puts of ~130 B is ~4 MB of log. Whether the cleaner kept pace with the writers
            // depends on the CPU it got (on a loaded 2-core machine it did not, 2 of 6 runs): a matter for
            // the benchmarks. What must hold is that the dead space is reclaimable: one more compaction
            // with the writers stopped brings the log under half of what was written.
            kv.compact();
            assertTrue(kv.stats().logBytes() < 2 << 20, "log bytes " + kv.stats().logBytes());
        }
        try (KvStore kv = KvStore.open(options(engine, mode))) {
            for (int k = 0; k < keys; k++) {
                assertEquals("key" + k + "@150" + "#".repeat(100), s(kv.get(b("key" + k))));
            }
            assertNull(kv.get(b("key" + keys)));
        }
    }
}
