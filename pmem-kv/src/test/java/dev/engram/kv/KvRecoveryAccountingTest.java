package dev.engram.kv;

import dev.engram.region.AccessMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery keeps the cleaner's live accounting as it loads (no pass over the index afterwards): after
 * a log scan, and after a checkpoint plus a scan of what changed since, every segment is charged exactly
 * what the versions the index holds in it charge, the key count is the live keys', and no tombstone is
 * left in the index, through overwrites, deletes and batches that touch one key twice.
 */
class KvRecoveryAccountingTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    private static KvOptions options(Path pool, EngineKind engine) {
        return new KvOptions(pool).engine(engine).mode(AccessMode.WALK).size(4 << 20).segmentBytes(64 * 1024)
                .autoCompact(false);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Rounds of overwrites (values of varying size), deletes, re-puts of deleted keys, and batches. */
    private static void churn(KvStore kv, Map<String, String> model, String tag, int keys) {
        for (int round = 0; round < 3; round++) {
            for (int k = round; k < keys; k += 1 + round) {
                String v = tag + round + "-" + k + "#".repeat((k * 7 + round) % 120);
                kv.put(b("key" + k), b(v));
                model.put("key" + k, v);
            }
            for (int k = round; k < keys; k += 4 + round) {
                kv.delete(b("key" + k));
                model.remove("key" + k);
            }
            for (int k = 0; k < 50; k++) {
                // One key twice in a batch (the later entry wins at the same SEQ), one key put then deleted.
                String a = "key" + (k * 13 % keys);
                String c = "key" + (k * 17 % keys);
                kv.write(new WriteBatch().put(b(a), b("first")).put(b(a), b(tag + "second" + k)).put(b(c), b("gone"))
                        .delete(b(c)));
                model.put(a, tag + "second" + k);
                model.remove(c);
            }
        }
    }

    /** Compares the store with the model, and each segment's live bytes with its live versions' charges. */
    private static void assertAccounted(Map<String, String> model, KvStore kv) {
        assertEquals(model.size(), kv.count(), "live keys");
        for (Map.Entry<String, String> e : model.entrySet()) {
            assertEquals(e.getValue(), new String(kv.get(b(e.getKey())), StandardCharsets.UTF_8), e.getKey());
        }
        Log log = kv.log();
        long[] expected = new long[log.segmentCount()];
        long indexed = 0;
        for (Iterator<Map.Entry<byte[], Entry>> it = kv.index().entries(); it.hasNext(); ) {
            Map.Entry<byte[], Entry> me = it.next();
            assertFalse(me.getValue().tombstone, "a tombstone left in the index: " + KvStore.printable(me.getKey()));
            expected[log.segmentOf(me.getValue().recordOffset)] += Cleaner.charge(me.getKey(), me.getValue());
            indexed++;
        }
        assertEquals(model.size(), indexed, "index entries");
        int charged = 0;
        for (int s = 0; s < expected.length; s++) {
            assertEquals(expected[s], log.table.liveBytes(s), "live bytes of segment " + s);
            charged += expected[s] > 0 ? 1 : 0;
        }
        assertTrue(charged > 3, "the versions span " + charged + " segments");
    }

    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void shouldChargeEachSegmentItsLiveVersionsAfterALogScan(EngineKind engine) {
        Path pool = dir.resolve("pool");
        Map<String, String> model = new TreeMap<>();
        try (KvStore kv = KvStore.create(options(pool, engine).indexCheckpoint(false))) {
            churn(kv, model, "v", 2_000);
        }
        try (KvStore kv = KvStore.open(options(pool, engine).indexCheckpoint(false))) {
            assertEquals("scan", kv.recovery().method());
            assertAccounted(model, kv);
        }
    }

    /** The crash image is a copy of a live store's pool file beside the checkpoint of its last clean close. */
    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void shouldChargeEachSegmentItsLiveVersionsAfterACheckpointAndAScan(EngineKind engine) throws IOException {
        Path pool = dir.resolve("pool");
        Path crashed = dir.resolve("crashed");
        Map<String, String> model = new TreeMap<>();
        try (KvStore kv = KvStore.create(options(pool, engine))) {
            churn(kv, model, "v", 2_000);
        }
        try (KvStore kv = KvStore.open(options(pool, engine))) {
            assertEquals("checkpoint", kv.recovery().method());
            assertAccounted(model, kv);
            churn(kv, model, "w", 700);         // outranks checkpoint versions, deletes some of them
            kv.sync();
            Files.copy(pool, crashed);
            Files.copy(Checkpoint.pathOf(pool), Checkpoint.pathOf(crashed));
        }
        try (KvStore kv = KvStore.open(options(crashed, engine))) {
            RecoveryReport r = kv.recovery();
            assertEquals("checkpoint+scan", r.method(), r.toString());
            assertAccounted(model, kv);
        }
    }
}
