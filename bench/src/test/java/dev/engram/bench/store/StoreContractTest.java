package dev.engram.bench.store;

import dev.engram.kv.EngineKind;
import dev.engram.region.AccessMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link BenchStore} contract, run against every store at every setting it has (Engram and MapDB
 * with both engines): what is written reads back byte for byte, through {@code put} and the pre-fill's
 * {@code load}; absent keys are -1 / null; deletes say whether the key was there; ordered stores scan
 * exactly the keys of a range in unsigned-byte order; every store names its durability honestly.
 * Keys are the runner's: 16 bytes, a big-endian index then zeros, so indices 128..255 start bytes
 * that a signed comparison would misorder.
 */
class StoreContractTest {

    private static final int KEY_BYTES = 16;
    private static final int VALUE_BYTES = 100;
    private static final int LOADED = 600;
    private static final int PUT = 600;
    private static final long SEED = 0x5EEDL;

    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        Path parent = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        dir = Files.createTempDirectory(parent, "engram-store-test-");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** Every store, engine and setting that exists. */
    static List<Object[]> settings() {
        List<Object[]> all = new ArrayList<>();
        for (StoreKind kind : StoreKind.values()) {
            for (EngineKind engine : EngineKind.values()) {
                if (!kind.supports(engine)) {
                    continue;
                }
                all.add(new Object[]{kind, engine, false});
                if (kind.hasPowerSafeSetting()) {
                    all.add(new Object[]{kind, engine, true});
                }
            }
        }
        return all;
    }

    private StoreSpec spec(StoreKind kind, EngineKind engine, boolean durable) throws IOException {
        Path trial = Files.createTempDirectory(dir, kind.id() + "-");
        return new StoreSpec(kind, engine, AccessMode.WALK, durable, trial, KEY_BYTES, VALUE_BYTES, 4 * (LOADED + PUT),
                16L << 20);
    }

    private static byte[] key(long index) {
        return ByteBuffer.allocate(KEY_BYTES).putLong(0, index).array();
    }

    private static byte[] value(long index, int version) {
        byte[] v = new byte[VALUE_BYTES];
        new SplittableRandom(SEED + 31 * index + version).nextBytes(v);
        return v;
    }

    @ParameterizedTest(name = "{0} {1} durable={2}")
    @MethodSource("settings")
    void shouldReadBackEveryValueWrittenAndForgetEveryKeyDeleted(StoreKind kind, EngineKind engine, boolean durable)
            throws IOException {
        try (BenchStore store = spec(kind, engine, durable).open()) {
            assertEquals(kind.id(), store.name());
            byte[] k = new byte[KEY_BYTES];
            byte[] v = new byte[VALUE_BYTES];
            for (int i = 0; i < LOADED; i++) {             // the runner reuses its arrays: so does this test
                System.arraycopy(key(i), 0, k, 0, KEY_BYTES);
                System.arraycopy(value(i, 0), 0, v, 0, VALUE_BYTES);
                store.load(k, v);
            }
            store.sync();
            for (int i = LOADED; i < LOADED + PUT; i++) {
                System.arraycopy(key(i), 0, k, 0, KEY_BYTES);
                System.arraycopy(value(i, 0), 0, v, 0, VALUE_BYTES);
                store.put(k, v);
            }
            for (int i = 0; i < LOADED + PUT; i += 7) {       // overwrite every 7th with a second version
                System.arraycopy(value(i, 1), 0, v, 0, VALUE_BYTES);
                store.put(key(i), v);
            }
            assertEquals(LOADED + PUT, store.count());
            for (int i = 0; i < LOADED + PUT; i++) {
                byte[] expected = value(i, i % 7 == 0 ? 1 : 0);
                assertArrayEquals(expected, store.value(key(i)), kind + " value of key " + i);
                assertEquals(VALUE_BYTES, store.get(key(i)), kind + " get of key " + i);
            }
            assertEquals(-1, store.get(key(LOADED + PUT + 5)));
            assertNull(store.value(key(LOADED + PUT + 5)));

            for (int i = 0; i < 50; i++) {
                assertTrue(store.delete(key(3 * i)), "key " + 3 * i + " was present");
            }
            assertFalse(store.delete(key(0)), "a deleted key is absent");
            assertFalse(store.delete(key(LOADED + PUT + 9)), "a never-written key is absent");
            assertEquals(LOADED + PUT - 50, store.count());
            assertNull(store.value(key(3)));
            assertEquals(-1, store.get(key(3)));
            assertArrayEquals(value(4, 0), store.value(key(4)));
            store.sync();
        }
    }

    @ParameterizedTest(name = "{0} {1} durable={2}")
    @MethodSource("settings")
    void shouldScanExactlyTheKeysOfARangeInOrderWhenOrderedAndEveryKeyOtherwise(StoreKind kind, EngineKind engine,
                                                                             boolean durable) throws IOException {
        int n = 1000;
        try (BenchStore store = spec(kind, engine, durable).open()) {
            for (int i = 0; i < n; i++) {
                store.load(key(i), value(i, 0));
            }
            store.sync();
            assertEquals(engine == EngineKind.SORTED, store.ordered(), kind + " " + engine + " ordered");
            assertEquals(n, scanned(store, null, null), "a scan without bounds visits every key once");
            if (store.ordered()) {
                assertEquals(200, scanned(store, key(100), key(300)), "[100, 300) crosses the 0x80 boundary at 128");
                assertEquals(n - 900, scanned(store, key(900), null));
                assertEquals(5, scanned(store, null, key(5)));
                assertEquals(0, scanned(store, key(n), null), "nothing at or after the last key + 1");
            }
        }
    }

    private static int scanned(BenchStore store, byte[] from, byte[] to) {
        int count = 0;
        try (BenchStore.Scan s = store.scan(from, to)) {
            while (s.next()) {
                assertEquals(VALUE_BYTES, s.length());
                count++;
            }
        }
        return count;
    }

    @ParameterizedTest(name = "{0} {1} durable={2}")
    @MethodSource("settings")
    void shouldNameItsDurabilityAndMediumHonestly(StoreKind kind, EngineKind engine, boolean durable) throws IOException {
        try (BenchStore store = spec(kind, engine, durable).open()) {
            assertEquals(kind.durability(durable), store.durability());
            assertEquals(durable ? "power" : kind == StoreKind.ENGRAM || kind == StoreKind.LMDB
                    || kind == StoreKind.CHRONICLE ? "process" : "none", store.durability());
            assertTrue(List.of("real", "emulated", "none").contains(store.dax()), store.dax());
            if (kind.peer()) {
                assertEquals("none", store.mode());
            }
            assertFalse(store.persistence().isBlank());
        }
    }

    @Test
    void shouldRefuseDurableChronicleMapSayingItHasNoPowerSafeSetting() throws IOException {
        Path trial = Files.createTempDirectory(dir, "chronicle-");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StoreSpec(StoreKind.CHRONICLE,
                EngineKind.HASH, AccessMode.WALK, true, trial, KEY_BYTES, VALUE_BYTES, 100, 0));
        assertTrue(e.getMessage().contains("no power-fail-safe setting"), e.getMessage());
        try (Stream<Path> left = Files.list(trial)) {
            assertEquals(0, left.count(), "nothing is created for a refused store");
        }
    }

    @Test
    void shouldRefuseAnEngineTheStoreDoesNotHave() throws IOException {
        Path trial = Files.createTempDirectory(dir, "engines-");
        for (StoreKind kind : List.of(StoreKind.LMDB, StoreKind.ROCKSDB, StoreKind.MVSTORE)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StoreSpec(kind,
                    EngineKind.HASH, AccessMode.WALK, false, trial, KEY_BYTES, VALUE_BYTES, 100, 0));
            assertTrue(e.getMessage().contains("ordered (no hash engine)"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StoreSpec(StoreKind.CHRONICLE,
                EngineKind.SORTED, AccessMode.WALK, false, trial, KEY_BYTES, VALUE_BYTES, 100, 0));
        assertTrue(e.getMessage().contains("a hash table (no ordered scans)"), e.getMessage());
        assertTrue(Arrays.stream(StoreKind.values()).allMatch(k -> k.supports(k.defaultEngine())));
    }
}
