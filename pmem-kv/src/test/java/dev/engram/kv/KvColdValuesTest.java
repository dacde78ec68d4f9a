package dev.engram.kv;

import dev.engram.region.AccessMode;
import dev.engram.region.Region;
import dev.engram.region.RegionOptions;
import dev.engram.region.Regions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cold values stored LZ4-compressed ({@link KvOptions#compressColdValues}), for every engine in every
 * access mode: the cleaner compresses what it moves when that pays, every read path returns the raw
 * value (get, zero-copy get, cursor, snapshot, check), a compressed value stays compressed when moved
 * again, the pool records the choice, and reopening (from the checkpoint, or by scanning the log after
 * a crash) reads the same values.
 */
class KvColdValuesTest {

    private static final long SEED = Long.getLong("engram.seed", 0xC01DL);

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    static Object[][] enginesAndModes() {
        return KvStoreContractTest.enginesAndModes().map(a -> a.get()).toArray(Object[][]::new);
    }

    /** CRAWL and WALK: a region handed in here is one file (RUN's crash paths are RunRegionCrashTest's). */
    static Object[][] enginesAndFileModes() {
        return Arrays.stream(enginesAndModes()).filter(a -> a[1] != AccessMode.RUN).toArray(Object[][]::new);
    }

    private KvOptions options(EngineKind engine, AccessMode mode, boolean compress) {
        return new KvOptions(dir.resolve("pool")).engine(engine).mode(mode).size(1 << 20).segmentBytes(64 * 1024)
                .fastTierSize(1 << 20).autoCompact(false).compressColdValues(compress);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON-like value of about {@code length} bytes: compressible, as logs and documents are. */
    private static byte[] document(Random random, int key, int version, int length) {
        StringBuilder s = new StringBuilder();
        while (s.length() < length) {
            s.append("{\"key\":").append(key).append(",\"version\":").append(version)
                    .append(",\"reading\":").append(random.nextInt(1000)).append(",\"status\":\"ok\"}");
        }
        return b(s.substring(0, length));
    }

    /** Puts, overwrites and deletes that leave every sealed segment part dead; returns the model. */
    private static Map<String, byte[]> workload(KvStore kv, Random random) {
        Map<String, byte[]> model = new TreeMap<>();
        for (int round = 0; round < 4; round++) {
            for (int k = 0; k < 200; k++) {
                byte[] v = (k % 10 == 0) ? new byte[40] : document(random, k, round, 100 + random.nextInt(600));
                if (k % 10 == 5) {
                    random.nextBytes(v = new byte[300]);             // incompressible: stored as it is
                }
                kv.put(b("key" + k), v, Durability.BUFFERED);
                model.put("key" + k, v);
            }
        }
        for (int k = 0; k < 200; k += 7) {
            kv.delete(b("key" + k), Durability.BUFFERED);
            model.remove("key" + k);
        }
        kv.sync();
        return model;
    }

    private static void assertReads(Map<String, byte[]> model, KvStore kv) {
        assertEquals(model.size(), kv.count());
        for (Map.Entry<String, byte[]> e : model.entrySet()) {
            byte[] key = b(e.getKey());
            assertArrayEquals(e.getValue(), kv.get(key), "get " + e.getKey());
            byte[] viaReader = kv.get(key, buffer -> {
                byte[] copy = new byte[buffer.remaining()];
                buffer.get(copy);
                return copy;
            });
            assertArrayEquals(e.getValue(), viaReader, "zero-copy get " + e.getKey());
        }
        int seen = 0;
        try (KvCursor c = kv.cursor()) {
            while (c.next()) {
                byte[] expected = model.get(new String(c.key(), StandardCharsets.UTF_8));
                assertArrayEquals(expected, c.value(), "cursor");
                assertArrayEquals(expected, c.value(buffer -> {
                    byte[] copy = new byte[buffer.remaining()];
                    buffer.get(copy);
                    return copy;
                }), "cursor, in place (decompressed when stored compressed)");
                seen++;
            }
        }
        assertEquals(model.size(), seen, "keys a cursor walks");
        assertTrue(kv.check().clean(), kv.check().toString());
    }

    @ParameterizedTest
    @MethodSource("enginesAndModes")
    void shouldCompressTheValuesTheCleanerMovesAndReadThemBackRaw(EngineKind engine, AccessMode mode) {
        long seed = SEED ^ engine.ordinal() * 31 ^ mode.ordinal();
        System.out.println("cold values: " + engine + " " + mode + " seed=" + seed);
        Map<String, byte[]> model;
        try (KvStore kv = KvStore.create(options(engine, mode, true))) {
            assertTrue(kv.compressColdValues());
            model = workload(kv, new Random(seed));
            Snapshot before;
            try (Snapshot s = kv.snapshot()) {
                before = s;
                KvStats statsBefore = kv.stats();
                CompactionReport r = kv.compact(0.999);
                assertTrue(r.valuesCompressed() > 0, "values compressed: " + r);
                assertTrue(r.valuesCompressed() < r.recordsCopied(), "small and random values stay raw: " + r);
                for (Map.Entry<String, byte[]> e : model.entrySet()) {   // the snapshot reads through the move
                    assertArrayEquals(e.getValue(), before.get(b(e.getKey())), "snapshot " + e.getKey());
                }
                assertTrue(kv.stats().liveBytes() < statsBefore.liveBytes(), "live bytes " + statsBefore.liveBytes()
                        + " -> " + kv.stats().liveBytes());
            }
            assertReads(model, kv);
            CompactionReport again = kv.compact(0.999);             // compressed values move as they are
            assertEquals(0, again.valuesCompressed(), "nothing new to compress: " + again);
            assertReads(model, kv);
        }
        try (KvStore kv = KvStore.open(options(engine, mode, false))) {   // the pool's choice, not the option's
            assertTrue(kv.compressColdValues(), "recorded in the pool");
            assertEquals("checkpoint", kv.recovery().method(), "a clean close leaves a checkpoint");
            assertReads(model, kv);
        }
    }

    /**
     * After a crash the index comes from scanning the log, which reads compressed records by their
     * stored lengths like any other (the store is dropped without close(); its region stays open, as
     * the process's memory would have been lost).
     */
    @ParameterizedTest
    @MethodSource("enginesAndFileModes")
    void shouldReadCompressedValuesAfterACrashFromTheLogScan(EngineKind engine, AccessMode mode) {
        long seed = SEED ^ 0x5CA11 ^ engine.ordinal() * 31 ^ mode.ordinal();
        Region region = Regions.create(new RegionOptions(dir.resolve("pool")).mode(mode)
                .size(PoolFormat.FIRST_SEGMENT_OFFSET + 16L * 64 * 1024));
        KvOptions options = options(engine, mode, true);
        Map<String, byte[]> model;
        KvStore crashed = KvStore.create(options, region);
        model = workload(crashed, new Random(seed));
        CompactionReport r = crashed.compact(0.999);
        assertTrue(r.valuesCompressed() > 0, r.toString());
        KvStore reopened = KvStore.open(options(engine, mode, false), region);
        try {
            assertEquals("scan", reopened.recovery().method());
            assertTrue(reopened.compressColdValues());
            assertReads(model, reopened);
        } finally {
            reopened.close();
        }
    }

    @Test
    void shouldRecordTheChoiceInThePoolHeaderAsAnIncompatibleFeature() throws Exception {
        try (KvStore kv = KvStore.create(options(EngineKind.HASH, AccessMode.WALK, true))) {
            kv.put(b("k"), b("v"));
        }
        byte[] file = Files.readAllBytes(dir.resolve("pool"));
        int incompat = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN)
                .getInt(PoolFormat.POOL_HEADER_OFFSET + PoolFormat.INCOMPAT_FLAGS_OFFSET);
        assertEquals(PoolFormat.INCOMPAT_LZ4_VALUES, incompat);
        Files.delete(dir.resolve("pool"));
        try (KvStore kv = KvStore.create(options(EngineKind.HASH, AccessMode.WALK, false))) {
            assertFalse(kv.compressColdValues());
        }
        file = Files.readAllBytes(dir.resolve("pool"));
        assertEquals(0, ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN)
                .getInt(PoolFormat.POOL_HEADER_OFFSET + PoolFormat.INCOMPAT_FLAGS_OFFSET), "off: readable by older Engram");
    }

    @Test
    void shouldNeverCompressInAPoolCreatedWithoutIt() {
        try (KvStore kv = KvStore.create(options(EngineKind.HASH, AccessMode.WALK, false))) {
            Map<String, byte[]> model = workload(kv, new Random(SEED));
            CompactionReport r = kv.compact(0.999);
            assertTrue(r.recordsCopied() > 0, r.toString());
            assertEquals(0, r.valuesCompressed(), r.toString());
            assertReads(model, kv);
        }
    }

    @Test
    void shouldRoundTripTheStoredFormAndRefuseAStoredFormThatLies() {
        byte[] raw = document(new Random(SEED), 3, 1, 1000);
        byte[] stored = Lz4Values.compress(raw, 0, raw.length);
        assertTrue(stored != null && stored.length < raw.length * 7 / 8, "a document compresses");
        byte[] framed = new byte[stored.length + 10];
        System.arraycopy(stored, 0, framed, 5, stored.length);
        assertArrayEquals(raw, Lz4Values.decompress(null, 0, framed, 5, stored.length, raw.length));
        byte[] random = new byte[1000];
        new Random(SEED).nextBytes(random);
        assertNull(Lz4Values.compress(random, 0, random.length), "random bytes are stored as they are");
        assertNull(Lz4Values.compress(raw, 0, Lz4Values.MIN_RAW_LENGTH - 1), "too short to try");
        // A length field that lies (too long, over the pool's limit, negative) or a damaged block: CORRUPT.
        for (int lie : new int[]{raw.length + 1, raw.length - 1, -1, Integer.MAX_VALUE}) {
            byte[] bad = stored.clone();
            ByteBuffer.wrap(bad).order(ByteOrder.LITTLE_ENDIAN).putInt(PoolFormat.LZ4_RAW_LENGTH_OFFSET, lie);
            KvException e = assertThrows(KvException.class, () -> Lz4Values.decompress(null, 64, bad, 0, bad.length, 1 << 20));
            assertEquals(KvException.Code.CORRUPT, e.code(), e.getMessage());
        }
        byte[] cut = Arrays.copyOf(stored, stored.length / 2);
        KvException e = assertThrows(KvException.class, () -> Lz4Values.decompress(null, 64, cut, 0, cut.length, 1 << 20));
        assertEquals(KvException.Code.CORRUPT, e.code(), e.getMessage());
    }
}
