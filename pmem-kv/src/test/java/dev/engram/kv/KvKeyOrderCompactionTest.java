package dev.engram.kv;

import dev.engram.region.AccessMode;
import dev.engram.region.Region;
import dev.engram.region.RegionOptions;
import dev.engram.region.Regions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link KvStore#compactInKeyOrder()} in every access mode: live values end up in key order in the log
 * and keep their values across a reopen; deletes stay deleted; snapshots keep reading what they saw;
 * writers run through it; the hash engine refuses it. Crashes inside it: {@link KvCompactionCrashTest}.
 */
class KvKeyOrderCompactionTest {

    private static final int SEGMENT = 64 * 1024;

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    private KvOptions options(AccessMode mode) {
        return new KvOptions(dir.resolve("pool")).engine(EngineKind.SORTED).mode(mode).size(4 << 20)
                .segmentBytes(SEGMENT).fastTierSize(1 << 20).autoCompact(false);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static Map<String, String> contents(KvStore kv) {
        Map<String, String> m = new TreeMap<>();
        try (KvCursor c = kv.cursor()) {
            while (c.next()) {
                m.put(s(c.key()), s(c.value()));
            }
        }
        return m;
    }

    /**
     * Times a key's record lies below the previous key's, walking the live keys in order: once per
     * segment change at most when the log is in key order, about half the keys when it is in random order.
     */
    private static int descents(KvStore kv) {
        int descents = 0;
        long previous = -1;
        for (Entry e : ((Index.Sorted) kv.index()).view().values()) {
            if (e.tombstone) {
                continue;
            }
            if (e.recordOffset < previous) {
                descents++;
            }
            previous = e.recordOffset;
        }
        return descents;
    }

    /** Random puts, overwrites, deletes and small batches of keys k0..k599, written in random order. */
    private static void load(KvStore kv, Map<String, String> model, long seed) {
        Random random = new Random(seed);
        for (int step = 0; step < 3000; step++) {
            int op = random.nextInt(100);
            String k = "k" + String.format("%03d", random.nextInt(600));
            if (op < 75) {
                String v = "v" + step + "-".repeat(random.nextInt(120));
                kv.put(b(k), b(v));
                model.put(k, v);
            } else if (op < 90) {
                kv.delete(b(k));
                model.remove(k);
            } else {
                WriteBatch batch = new WriteBatch();
                for (int i = 0; i < 3; i++) {
                    String bk = "k" + String.format("%03d", random.nextInt(600));
                    batch.put(b(bk), b("batch" + step + ":" + i));
                    model.put(bk, "batch" + step + ":" + i);
                }
                kv.write(batch);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void shouldRewriteLiveValuesInKeyOrderAndKeepThemAcrossReopen(AccessMode mode) {
        Map<String, String> model = new TreeMap<>();
        try (KvStore kv = KvStore.create(options(mode))) {
            load(kv, model, 0x0DE5L ^ mode.ordinal());
            int before = descents(kv);
            assertTrue(before > model.size() / 4, "a random fill is out of order: " + before + " descents");
            CompactionReport r = kv.compactInKeyOrder();
            assertTrue(r.recordsCopied() >= model.size(), r.toString());
            assertTrue(r.segmentsFreed() > 0, r.toString());
            int segmentsOfCopies = (int) (r.bytesCopied() / (SEGMENT - 4096)) + 1;
            int after = descents(kv);
            assertTrue(after <= segmentsOfCopies, after + " descents after, " + segmentsOfCopies + " segments: " + r);
            assertEquals(model, contents(kv));
            assertEquals(model.size(), kv.count());
            CheckReport check = kv.check();
            assertTrue(check.clean(), check.toString());
        }
        try (KvStore kv = KvStore.open(options(mode))) {
            assertEquals(model, contents(kv), "after reopen");
            for (int k = 0; k < 600; k++) {
                String key = "k" + String.format("%03d", k);
                assertEquals(model.get(key), s(kv.get(b(key))), key);
            }
        }
    }

    /**
     * The pass ends by rebuilding the skip list in key order: a cursor opened before it keeps walking
     * the old one and reads exactly its snapshot, forward, back and by seek, while the writes made after
     * the pass land in the new one, which a new cursor reads.
     */
    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void shouldKeepACursorOpenedBeforeThePassOnItsSnapshot(AccessMode mode) {
        Map<String, String> model = new TreeMap<>();
        try (KvStore kv = KvStore.create(options(mode).size(16 << 20))) {
            load(kv, model, 0x5C4EL ^ mode.ordinal());
            Map<String, String> atOpen = new TreeMap<>(model);
            List<String> keysAtOpen = new ArrayList<>(atOpen.keySet());
            Object skipListBefore = ((Index.Sorted) kv.index()).view();
            try (KvCursor c = kv.cursor()) {
                Map<String, String> walked = new TreeMap<>();
                for (int i = 0; i < keysAtOpen.size() / 2; i++) {
                    assertTrue(c.next());
                    walked.put(s(c.key()), s(c.value()));
                }
                kv.compactInKeyOrder();
                assertNotSame(skipListBefore, ((Index.Sorted) kv.index()).view(), "the skip list was rebuilt");
                load(kv, model, 0x5C4FL ^ mode.ordinal());
                assertNotEquals(atOpen, model, "the second load changed the store");
                while (c.next()) {
                    walked.put(s(c.key()), s(c.value()));
                }
                assertEquals(atOpen, walked);
                assertTrue(c.prev());
                assertEquals(keysAtOpen.getLast(), s(c.key()));
                String middle = keysAtOpen.get(keysAtOpen.size() / 2);
                assertTrue(c.seek(b(middle)));
                assertEquals(atOpen.get(middle), s(c.value()));
            }
            assertEquals(model, contents(kv));
            assertEquals(model.size(), kv.count());
            assertTrue(kv.check().clean());
        }
        try (KvStore kv = KvStore.open(options(mode).size(16 << 20))) {
            assertEquals(model, contents(kv), "after reopen");
        }
    }

    /** The values of a BATCH record over the limit stay where they are (one read each would be quadratic). */
    @Test
    void shouldKeepTheValuesOfALargeBatchWithoutMovingThem() {
        Map<String, String> model = new TreeMap<>();
        try (KvStore kv = KvStore.create(options(AccessMode.WALK).segmentBytes(1 << 20).size(8 << 20))) {
            WriteBatch big = new WriteBatch();
            for (int k = 999; k >= 0; k--) {
                String v = "big" + k + "=".repeat(80);
                big.put(b("b" + String.format("%04d", k)), b(v));
                model.put("b" + String.format("%04d", k), v);
            }
            kv.write(big);
            for (int k = 0; k < 100; k++) {
                kv.put(b("single" + k), b("s" + k));
                model.put("single" + k, "s" + k);
            }
            CompactionReport r = kv.compactInKeyOrder();
            assertEquals(100, r.recordsCopied(), "only the single puts move: " + r);
            assertEquals(model, contents(kv));
            assertTrue(kv.check().clean());
        }
        try (KvStore kv = KvStore.open(options(AccessMode.WALK).segmentBytes(1 << 20).size(8 << 20))) {
            assertEquals(model, contents(kv));
        }
    }

    @Test
    void shouldLetAnOpenSnapshotReadOldVersionsAndFreeTheirSegmentsOnlyAfterRelease() {
        try (KvStore kv = KvStore.create(options(AccessMode.WALK))) {
            for (int k = 399; k >= 0; k--) {
                kv.put(b("key" + k), b("old" + k + "x".repeat(150)));
            }
            Snapshot snap = kv.snapshot();
            for (int k = 0; k < 400; k += 2) {
                kv.put(b("key" + k), b("new" + k + "y".repeat(150)));
            }
            kv.delete(b("key1"));
            CompactionReport first = kv.compactInKeyOrder();
            assertTrue(first.segmentsWaiting() > 0, "cleaned segments wait for the snapshot: " + first);
            for (int k = 0; k < 400; k++) {
                assertEquals("old" + k + "x".repeat(150), s(snap.get(b("key" + k))), "snapshot, key" + k);
            }
            assertNull(kv.get(b("key1")));
            snap.close();
            CompactionReport second = kv.compact();
            assertEquals(0, second.segmentsWaiting(), second.toString());
            assertTrue(second.segmentsFreed() >= first.segmentsWaiting(), second.toString());
            for (int k = 0; k < 400; k++) {
                String expected = k == 1 ? null : k % 2 == 0 ? "new" + k + "y".repeat(150) : "old" + k + "x".repeat(150);
                assertEquals(expected, s(kv.get(b("key" + k))), "key" + k);
            }
        }
    }

    /** Two writers overwrite their own keys while the store is rewritten in key order three times. */
    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void shouldKeepEveryWriteMadeWhileItRuns(AccessMode mode) throws Exception {
        int keys = 300;
        ConcurrentHashMap<String, String> lastWritten = new ConcurrentHashMap<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (KvStore kv = KvStore.create(options(mode).size(16 << 20))) {
            for (int k = keys - 1; k >= 0; k--) {
                kv.put(b("key" + k), b("0"));
                lastWritten.put("key" + k, "0");
            }
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                writers.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int version = 1; version <= 40; version++) {
                            for (int k = writer; k < keys; k += 2) {
                                String v = version + "#".repeat(60);
                                kv.put(b("key" + k), b(v));
                                lastWritten.put("key" + k, v);
                            }
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            for (int pass = 0; pass < 3; pass++) {
                kv.compactInKeyOrder();
            }
            for (Thread t : writers) {
                t.join();
            }
            assertNull(failure.get());
            kv.compactInKeyOrder();
            assertEquals(new TreeMap<>(lastWritten), contents(kv));
            assertTrue(kv.check().clean());
        }
        try (KvStore kv = KvStore.open(options(mode).size(16 << 20))) {
            assertEquals(new TreeMap<>(lastWritten), contents(kv), "after reopen");
        }
    }

    /**
     * A value whose record the media damaged is not copied: it stays where it is and reads MEDIA, its
     * segment is kept, and the space the pass frees is reused without touching it.
     */
    @Test
    void shouldLeaveADamagedRecordWhereItIsAndReportIt() {
        Region region = Regions.create(new RegionOptions(dir.resolve("pool")).mode(AccessMode.WALK)
                .size(PoolFormat.FIRST_SEGMENT_OFFSET + 32L * SEGMENT));
        Map<String, String> model = new TreeMap<>();
        KvStore kv = KvStore.create(options(AccessMode.WALK).lanes(1), region);
        String pad = "v".repeat(300);
        for (int k = 399; k >= 0; k--) {
            String key = "key" + String.format("%03d", k);
            kv.put(b(key), b(k + pad), Durability.BUFFERED);
            model.put(key, k + pad);
        }
        kv.sync();
        Entry damaged = kv.index().get(b("key051"));
        region.putByte(damaged.valueOffset + 5, (byte) (region.getByte(damaged.valueOffset + 5) ^ 0x40));
        CompactionReport r = kv.compactInKeyOrder();
        assertEquals(399, r.recordsCopied(), "every value but the damaged one moves: " + r);
        assertEquals(damaged.recordOffset, kv.index().get(b("key051")).recordOffset, "left where it was");
        for (int k = 0; k < 800; k++) {                    // reuse whatever the pass freed
            kv.put(b("filler" + k), b(pad), Durability.BUFFERED);
        }
        kv.sync();
        for (Map.Entry<String, String> e : model.entrySet()) {
            if (!e.getKey().equals("key051")) {
                assertEquals(e.getValue(), s(kv.get(b(e.getKey()))), e.getKey());
            }
        }
        KvException thrown = assertThrows(KvException.class, () -> kv.get(b("key051")));
        assertEquals(KvException.Code.MEDIA, thrown.code());
        kv.close();
    }

    @Test
    void shouldRefuseTheHashEngineWithAClearError() {
        try (KvStore kv = KvStore.create(options(AccessMode.WALK).engine(EngineKind.HASH))) {
            kv.put(b("k"), b("v"));
            KvException e = assertThrows(KvException.class, kv::compactInKeyOrder);
            assertEquals(KvException.Code.INVALID_ARGUMENT, e.code());
            assertTrue(e.getMessage().contains("compactInKeyOrder needs ordered keys"), e.getMessage());
            assertEquals("v", s(kv.get(b("k"))));
        }
    }
}
