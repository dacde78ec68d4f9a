package dev.engram.kv;

import dev.engram.region.AccessMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The index checkpoint: a clean close lets the next open skip the log scan; after a crash only what
 * changed since is scanned; a damaged, foreign or outdated checkpoint is never trusted.
 */
class KvCheckpointTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    private KvOptions options(Path pool, EngineKind engine, AccessMode mode) {
        return new KvOptions(pool).engine(engine).mode(mode).size(1 << 20).segmentBytes(64 * 1024)
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
        CheckReport check = kv.check();
        assertTrue(check.clean(), check.toString());
    }

    /** Puts keys 0..n-1 (some overwritten) and some long keys, deletes every fifth, a batch; records it all in the model. */
    private static void load(KvStore kv, Map<String, String> model, String tag, int n) {
        for (int k = 0; k < n; k++) {
            String v = tag + k + "=".repeat(k % 90);
            kv.put(b("key" + k), b(v));
            model.put("key" + k, v);
        }
        for (int k = 0; k < n; k += 97) {        // keys longer than the hash slot's 16 inline bytes
            String v = tag + "long" + k;
            kv.put(b("a-key-longer-than-a-slot-holds-" + k), b(v));
            model.put("a-key-longer-than-a-slot-holds-" + k, v);
        }
        for (int k = 0; k < n; k += 5) {
            kv.delete(b("key" + k));
            model.remove("key" + k);
        }
        WriteBatch batch = new WriteBatch().put(b("batch-a"), b(tag + "A")).put(b("batch-b"), b(tag + "B"))
                .delete(b("key1"));
        kv.write(batch);
        model.put("batch-a", tag + "A");
        model.put("batch-b", tag + "B");
        model.remove("key1");
    }

    @ParameterizedTest
    @MethodSource("dev.engram.kv.KvStoreContractTest#enginesAndModes")
    void shouldReopenFromTheCheckpointWithoutScanningAfterACleanClose(EngineKind engine, AccessMode mode) {
        Path pool = dir.resolve("pool");
        Map<String, String> model = new TreeMap<>();
        try (KvStore kv = KvStore.create(options(pool, engine, mode))) {
            assertEquals("scan", kv.recovery().method());
            load(kv, model, "v", 3000);
        }
        assertTrue(Files.exists(Checkpoint.pathOf(pool)), "checkpoint written at close");
        try (KvStore kv = KvStore.open(options(pool, engine, mode))) {
            RecoveryReport r = kv.recovery();
            assertEquals("checkpoint", r.method(), r.toString());
            assertEquals(0, r.segmentsScanned(), r.toString());
            assertEquals(model.size(), r.keysFromCheckpoint(), r.toString());
            assertMatches(model, kv);
            load(kv, model, "w", 500);     // and the store goes on from there
        }
        try (KvStore kv = KvStore.open(options(pool, engine, mode))) {
            assertEquals("checkpoint", kv.recovery().method());
            assertMatches(model, kv);
        }
    }

    /** A crash image is taken by copying the pool file of a live store (its bytes are durable here). */
    @ParameterizedTest
    @EnumSource(value = AccessMode.class, names = {"CRAWL", "WALK"})
    void shouldScanOnlyTheSegmentsChangedSinceTheCheckpointAfterACrash(AccessMode mode) throws IOException {
        for (EngineKind engine : EngineKind.values()) {
            Path pool = dir.resolve("pool-" + engine);
            Path crashed = dir.resolve("crashed-" + engine);
            Map<String, String> model = new TreeMap<>();
            // Buffered writes and explicit syncs: on CRAWL a durable write fills a 4 KiB unit of log
            // (BUG-1's padding), so every segment would be mostly padding and the cleaner would take all.
            try (KvStore kv = KvStore.create(options(pool, engine, mode).durability(Durability.BUFFERED))) {
                load(kv, model, "v", 3000);
            }
            try (KvStore kv = KvStore.open(options(pool, engine, mode).durability(Durability.BUFFERED))) {
                // Overwrite the first keys (their old segment turns mostly dead), delete some, clean the
                // mostly dead segments, and "crash": the later segments stay as the checkpoint saw them.
                for (int k = 0; k < 800; k++) {
                    kv.put(b("key" + k), b("after" + k));
                    model.put("key" + k, "after" + k);
                }
                for (int k = 3; k < 3000; k += 7) {
                    kv.delete(b("key" + k));
                    model.remove("key" + k);
                }
                CompactionReport c = kv.compact(0.5);
                assertTrue(c.segmentsFreed() > 0, c.toString());
                kv.sync();
                Files.copy(pool, crashed);
                Files.copy(Checkpoint.pathOf(pool), Checkpoint.pathOf(crashed));
            }
            try (KvStore kv = KvStore.open(options(crashed, engine, mode))) {
                RecoveryReport r = kv.recovery();
                assertEquals("checkpoint+scan", r.method(), r.toString());
                assertTrue(r.segmentsScanned() > 0 && r.segmentsFromCheckpoint() > 0, r.toString());
                assertMatches(model, kv);
            }
        }
    }

    /**
     * A large checkpoint: for the hash engine a table of at least {@link Checkpoint#PARALLEL_MIN_SLOTS}
     * slots, verified and loaded on two threads. Every key, long ones too, and the same live bytes per
     * segment as a scan counts; after a crash only the changed segments are scanned on top of it. A
     * damaged table block in either half is found, named, and the log scanned instead.
     */
    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void shouldLoadALargeCheckpointAsAScanWould(EngineKind engine) throws IOException {
        Path pool = dir.resolve("pool");
        Path crashed = dir.resolve("crashed");
        int keys = (int) (Checkpoint.PARALLEL_MIN_SLOTS * 0.6) + 20_000;
        Map<String, String> model = new TreeMap<>();
        KvOptions options = new KvOptions(pool).engine(engine).mode(AccessMode.WALK).size(64 << 20)
                .segmentBytes(1 << 20).autoCompact(false).durability(Durability.BUFFERED);
        try (KvStore kv = KvStore.create(options)) {
            load(kv, model, "v", keys);
        }
        KvOptions crashedOptions = new KvOptions(crashed).engine(engine).mode(AccessMode.WALK).size(64 << 20)
                .segmentBytes(1 << 20).autoCompact(false).durability(Durability.BUFFERED);
        try (KvStore kv = KvStore.open(options)) {
            RecoveryReport r = kv.recovery();
            assertEquals("checkpoint", r.method(), r.toString());
            assertEquals(model.size(), r.keysFromCheckpoint(), r.toString());
            assertMatches(model, kv);
            KvStats fromCheckpoint = kv.stats();
            for (int k = 0; k < 2_000; k++) {
                kv.put(b("key" + k), b("after" + k));
                model.put("key" + k, "after" + k);
            }
            kv.sync();
            Files.copy(pool, crashed);
            Files.copy(Checkpoint.pathOf(pool), Checkpoint.pathOf(crashed));
            Files.copy(pool, dir.resolve("scanned"));
            try (KvStore scanned = KvStore.open(new KvOptions(dir.resolve("scanned")).engine(engine).mode(AccessMode.WALK)
                    .autoCompact(false).indexCheckpoint(false))) {
                assertEquals("scan", scanned.recovery().method());
                long before = fromCheckpoint.liveBytes();
                assertTrue(before > 0, fromCheckpoint.toString());
                // The scanned pool holds the 2,000 overwrites too: the same live bytes less the ones they replaced
                // plus their own, which a store that wrote them counts the same way.
                assertEquals(kv.stats().liveBytes(), scanned.stats().liveBytes(), "live bytes, checkpoint + writes vs scan");
            }
        }
        try (KvStore kv = KvStore.open(crashedOptions)) {
            RecoveryReport r = kv.recovery();
            assertEquals("checkpoint+scan", r.method(), r.toString());
            assertTrue(r.segmentsScanned() > 0 && r.segmentsFromCheckpoint() > 0, r.toString());
            assertMatches(model, kv);
        }
        if (engine == EngineKind.HASH) {
            Path file = Checkpoint.pathOf(pool);
            ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(file), 0, Checkpoint.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            int slots = (int) header.getLong(Checkpoint.TABLE_SLOTS_OFFSET);
            assertTrue(slots >= Checkpoint.PARALLEL_MIN_SLOTS, "a table loaded in parts: " + slots + " slots");
            long table = Checkpoint.tableOffset(header.getInt(Checkpoint.SEGMENT_COUNT_OFFSET), slots);
            int blocks = Checkpoint.blocks(slots);
            for (int block : new int[] {1, blocks - 2}) {      // one in each thread's half
                Path damaged = dir.resolve("damaged-" + block);
                Files.copy(pool, damaged);
                Files.copy(file, Checkpoint.pathOf(damaged));
                flip(Checkpoint.pathOf(damaged), table + block * Checkpoint.TABLE_BLOCK_BYTES + 100);
                try (KvStore kv = KvStore.open(new KvOptions(damaged).engine(engine).mode(AccessMode.WALK).autoCompact(false))) {
                    assertEquals("scan", kv.recovery().method());
                    assertTrue(kv.recovery().checkpointNote().contains("table block " + block + " "),
                            kv.recovery().checkpointNote());
                    assertMatches(model, kv);
                }
            }
        }
    }

    private static void flip(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int x = f.read();
            f.seek(at);
            f.write(x ^ 0x40);
        }
    }

    /**
     * The hash engine's checkpoint is its table (HASH_TABLE): the header says so and how many slots; a
     * damaged table block, a checkpoint of version 1 (before the table image) and one whose body kind is
     * not the engine's are each ignored with the reason, and the log scanned.
     */
    @Test
    void shouldWriteTheHashTableAndIgnoreADamagedBlockAnOldVersionOrAnotherBodyKind() throws IOException {
        Path pool = dir.resolve("pool");
        Map<String, String> model = closedHashPool(pool);
        Path file = Checkpoint.pathOf(pool);
        byte[] written = Files.readAllBytes(file);
        ByteBuffer bytes = ByteBuffer.wrap(written).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(Checkpoint.VERSION, bytes.getInt(Checkpoint.VERSION_OFFSET));
        assertEquals(Checkpoint.BODY_HASH_TABLE, bytes.getInt(Checkpoint.BODY_KIND_OFFSET));
        long slots = bytes.getLong(Checkpoint.TABLE_SLOTS_OFFSET);
        assertTrue(slots >= 1024 && Long.bitCount(slots) == 1, "slots " + slots);
        assertEquals(model.size(), bytes.getLong(Checkpoint.KEY_COUNT_OFFSET), "live keys");
        assertEquals(1000 / 97 + 1, bytes.getLong(Checkpoint.LONG_KEY_COUNT_OFFSET), "long keys");
        long table = Checkpoint.tableOffset(bytes.getInt(Checkpoint.SEGMENT_COUNT_OFFSET), (int) slots);

        flip(file, table + 64 * (slots / 2) + 3);
        assertScannedBecause(pool, model, "table block " + slots / 2 / Checkpoint.TABLE_BLOCK_SLOTS + " ");

        Files.write(file, headerWith(written, Checkpoint.VERSION_OFFSET, 1));
        assertScannedBecause(pool, model, "version is 1");

        Files.write(file, headerWith(written, Checkpoint.BODY_KIND_OFFSET, Checkpoint.BODY_KEY_ENTRIES));
        assertScannedBecause(pool, model, "body kind is 0");

        Files.write(file, written);
        try (KvStore kv = KvStore.open(options(pool, EngineKind.HASH, AccessMode.WALK))) {
            assertEquals("checkpoint", kv.recovery().method(), kv.recovery().toString());
            assertMatches(model, kv);
        }
    }

    /**
     * A checkpoint whose checksums all match but whose table says a record runs past its segment (a
     * crafted file: damage would fail a checksum) fails the open with CORRUPT naming the file, instead of
     * a read past the segment or an array of the length it claims; without the file the log is scanned.
     */
    @Test
    void shouldRefuseACraftedTableWhoseRecordRunsPastItsSegment() throws IOException {
        Path pool = dir.resolve("pool");
        Map<String, String> model = closedHashPool(pool);
        Path file = Checkpoint.pathOf(pool);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int slots = (int) b.getLong(Checkpoint.TABLE_SLOTS_OFFSET);
        int segments = b.getInt(Checkpoint.SEGMENT_COUNT_OFFSET);
        long table = Checkpoint.tableOffset(segments, slots);
        int slot = 0;
        while (b.getLong((int) (table + 64L * slot)) == 0 || b.getLong((int) (table + 64L * slot + 32)) == -1
                || b.getLong((int) (table + 64L * slot + 24)) < 0) {
            slot++;                                     // the first slot with a version that is no tombstone
        }
        int lengths = (int) (table + 64L * slot + 40);
        b.putLong(lengths, (b.getLong(lengths) & 0xFFFF_FFFF_0000_0000L) | 0x7FFF_FFF0L);      // a 2 GiB record
        int block = slot / Checkpoint.TABLE_BLOCK_SLOTS;
        long from = table + block * Checkpoint.TABLE_BLOCK_BYTES;
        CRC32C c = new CRC32C();
        c.update(bytes, (int) from, (int) Math.min(Checkpoint.TABLE_BLOCK_BYTES, table + 64L * slots - from));
        b.putInt((int) (Checkpoint.HEADER_LENGTH + (long) segments * Checkpoint.SEGMENT_ENTRY_LENGTH + 4L * block),
                (int) c.getValue());
        // The block CRCs are under the body's CRC: make it right too.
        CRC32C body = new CRC32C();
        body.update(bytes, Checkpoint.HEADER_LENGTH, (int) (table - Checkpoint.HEADER_LENGTH));
        body.update(bytes, (int) (table + 64L * slots), (int) (bytes.length - table - 64L * slots));
        b.putInt(Checkpoint.BODY_CRC_OFFSET, (int) body.getValue());
        Files.write(file, headerWith(bytes, Checkpoint.VERSION_OFFSET, Checkpoint.VERSION));      // the header's CRC
        KvException e = assertThrows(KvException.class, () -> KvStore.open(options(pool, EngineKind.HASH, AccessMode.WALK)));
        assertEquals(KvException.Code.CORRUPT, e.code());
        assertTrue(e.getMessage().contains("run past their segments") && e.getMessage().contains(file.toString()),
                e.getMessage());
        Files.delete(file);
        try (KvStore kv = KvStore.open(options(pool, EngineKind.HASH, AccessMode.WALK))) {
            assertEquals("scan", kv.recovery().method());
            assertMatches(model, kv);
        }
    }

    /** A hash pool of {@link #load}'s 1,000 keys, closed (its checkpoint written); returns what it holds. */
    private Map<String, String> closedHashPool(Path pool) {
        Map<String, String> model = new TreeMap<>();
        try (KvStore kv = KvStore.create(options(pool, EngineKind.HASH, AccessMode.WALK))) {
            load(kv, model, "v", 1000);
        }
        return model;
    }

    /** {@code file} with the int at {@code offset} of its header set to {@code value}, the header's checksum made right. */
    private static byte[] headerWith(byte[] file, int offset, int value) {
        byte[] copy = file.clone();
        ByteBuffer b = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(offset, value);
        CRC32C c = new CRC32C();
        c.update(copy, 0, Checkpoint.HEADER_CRC_OFFSET);
        b.putInt(Checkpoint.HEADER_CRC_OFFSET, (int) c.getValue());
        return copy;
    }

    private void assertScannedBecause(Path pool, Map<String, String> model, String reason) {
        try (KvStore kv = KvStore.open(options(pool, EngineKind.HASH, AccessMode.WALK))) {
            RecoveryReport r = kv.recovery();
            assertEquals("scan", r.method(), r.toString());
            assertTrue(r.checkpointNote() != null && r.checkpointNote().contains(reason), r.checkpointNote());
            assertMatches(model, kv);
        }
    }

    @Test
    void shouldIgnoreADamagedCheckpointAndSayWhy() throws IOException {
        Path pool = dir.resolve("pool");
        Map<String, String> model = new TreeMap<>();
        try (KvStore kv = KvStore.create(options(pool, EngineKind.HASH, AccessMode.WALK))) {
            load(kv, model, "v", 1000);
        }
        try (RandomAccessFile f = new RandomAccessFile(Checkpoint.pathOf(pool).toFile(), "rw")) {
            f.seek(f.length() - 3);
            int x = f.read();
            f.seek(f.length() - 3);
            f.write(x ^ 0x40);
        }
        try (KvStore kv = KvStore.open(options(pool, EngineKind.HASH, AccessMode.WALK))) {
            RecoveryReport r = kv.recovery();
            assertEquals("scan", r.method());
            assertNotNull(r.checkpointNote());
            assertTrue(r.checkpointNote().contains("body checksum"), r.checkpointNote());
            assertMatches(model, kv);
        }
    }

    @Test
    void shouldIgnoreTheCheckpointOfAnotherPool() throws IOException {
        Path pool = dir.resolve("pool");
        Path other = dir.resolve("other");
        Map<String, String> model = new TreeMap<>();
        try (KvStore kv = KvStore.create(options(pool, EngineKind.SORTED, AccessMode.WALK))) {
            load(kv, model, "v", 500);
        }
        try (KvStore kv = KvStore.create(options(other, EngineKind.SORTED, AccessMode.WALK))) {
            load(kv, new TreeMap<>(), "other", 800);
        }
        Files.copy(Checkpoint.pathOf(other), Checkpoint.pathOf(pool), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (KvStore kv = KvStore.open(options(pool, EngineKind.SORTED, AccessMode.WALK))) {
            assertEquals("scan", kv.recovery().method());
            assertTrue(kv.recovery().checkpointNote().contains("another pool"), kv.recovery().checkpointNote());
            assertMatches(model, kv);
        }
    }

    /**
     * A pool file restored from an older copy under a newer checkpoint: the segments share their
     * generations, but the checkpoint's last records are missing, so they are scanned, not trusted.
     */
    @Test
    void shouldNotTrustACheckpointNewerThanARestoredPoolFile() throws IOException {
        Path pool = dir.resolve("pool");
        Path backup = dir.resolve("backup");
        Map<String, String> atBackup;
        try (KvStore kv = KvStore.create(options(pool, EngineKind.HASH, AccessMode.WALK))) {
            Map<String, String> model = new TreeMap<>();
            for (int k = 0; k < 100; k++) {
                kv.put(b("key" + k), b("old" + k));
                model.put("key" + k, "old" + k);
            }
            kv.sync();
            Files.copy(pool, backup);
            atBackup = new TreeMap<>(model);
            for (int k = 0; k < 100; k++) {
                kv.put(b("key" + k), b("new" + k));   // same open segments: same generations
            }
        }
        Files.copy(backup, pool, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (KvStore kv = KvStore.open(options(pool, EngineKind.HASH, AccessMode.WALK))) {
            assertEquals(0, kv.recovery().segmentsFromCheckpoint(), kv.recovery().toString());
            assertMatches(atBackup, kv);
        }
    }

    @Test
    void shouldKeepNoCheckpointWhenTurnedOff() {
        Path pool = dir.resolve("pool");
        try (KvStore kv = KvStore.create(options(pool, EngineKind.HASH, AccessMode.WALK).indexCheckpoint(false))) {
            kv.put(b("a"), b("1"));
        }
        assertTrue(Files.notExists(Checkpoint.pathOf(pool)));
        try (KvStore kv = KvStore.open(options(pool, EngineKind.HASH, AccessMode.WALK))) {
            assertEquals("scan", kv.recovery().method());
            assertNull(kv.recovery().checkpointNote());
            assertEquals("1", s(kv.get(b("a"))));
        }
    }
}
