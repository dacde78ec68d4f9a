package dev.engram.kv;

import dev.engram.region.AccessMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract every engine passes in every access mode: basic, batch, snapshot, growth, reopen, model. */
class KvStoreContractTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    /** Every engine in every access mode: the KV tests' usual matrix (also KvCompactionTest, KvCheckpointTest, KvColdValuesTest). */
    static Stream<Arguments> enginesAndModes() {
        List<Arguments> all = new ArrayList<>();
        for (EngineKind engine : EngineKind.values()) {
            for (AccessMode mode : AccessMode.values()) {
                all.add(Arguments.of(engine, mode));
            }
        }
        return all.stream();
    }

    private KvOptions options(EngineKind engine, AccessMode mode) {
        return new KvOptions(dir.resolve("pool")).engine(engine).mode(mode).size(1 << 20).segmentBytes(64 * 1024)
                .fastTierSize(1 << 20);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * An in-place read lends the caller a view of this thread's record buffer; a read made inside the
     * callback (of this store or another) must not write into the buffer being viewed. The values are
     * the same length, so a shared buffer would show the inner record's bytes through the outer view.
     */
    @ParameterizedTest
    @MethodSource("enginesAndModes")
    void shouldKeepAnInPlaceViewIntactAcrossReadsInsideItsCallback(EngineKind engine, AccessMode mode) {
        try (KvStore kv = KvStore.create(options(engine, mode))) {
            kv.put(b("outer"), b("value-of-outer"));
            kv.put(b("inner"), b("value-of-inner"));
            String[] inner = new String[3];
            String outer = kv.get(b("outer"), v -> {
                inner[0] = new String(kv.get(b("inner")), StandardCharsets.UTF_8);
                inner[1] = kv.get(b("inner"), w -> StandardCharsets.UTF_8.decode(w).toString());
                try (KvCursor c = onKey(kv.cursor(), b("inner"))) {
                    inner[2] = c.value(w -> StandardCharsets.UTF_8.decode(w).toString());
                }
                return StandardCharsets.UTF_8.decode(v).toString();
            });
            assertEquals("value-of-outer", outer, "the outer view after reads inside its callback");
            assertArrayEquals(new String[]{"value-of-inner", "value-of-inner", "value-of-inner"}, inner);
            try (KvCursor c = onKey(kv.cursor(), b("outer"))) {
                String viaCursor = c.value(v -> {
                    kv.get(b("inner"), w -> w.remaining());
                    return StandardCharsets.UTF_8.decode(v).toString();
                });
                assertEquals("value-of-outer", viaCursor, "a cursor's view after an in-place get inside its callback");
            }
        }
    }

    /** {@code c} stepped onto {@code key} (any engine: the hash engine's cursor has no seek). */
    private static KvCursor onKey(KvCursor c, byte[] key) {
        while (c.next()) {
            if (Arrays.equals(c.key(), key)) {
                return c;
            }
        }
        throw new AssertionError("the cursor never reached " + new String(key, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @MethodSource("enginesAndModes")
    void shouldPutGetDeleteAndReportAbsenceAsAValue(EngineKind engine, AccessMode mode) {
        try (KvStore kv = KvStore.create(options(engine, mode))) {
            assertNull(kv.get(b("missing")));
            assertFalse(kv.contains(b("missing")));
            assertFalse(kv.delete(b("missing")));
            kv.put(b("a"), b("1"));
            kv.put(b("a"), b("22"));
            assertArrayEquals(b("22"), kv.get(b("a")));
            assertEquals(2, (int) kv.get(b("a"), buffer -> buffer.remaining()));
            assertTrue(kv.contains(b("a")));
            assertEquals(1, kv.count());
            assertTrue(kv.putIfAbsent(b("b"), b("x")));
            assertFalse(kv.putIfAbsent(b("b"), b("y")));
            assertFalse(kv.replace(b("b"), b("nope"), b("z")));
            assertTrue(kv.replace(b("b"), b("x"), b("z")));
            assertArrayEquals(b("z"), kv.get(b("b")));
            assertTrue(kv.delete(b("a")));
            assertNull(kv.get(b("a")));
            assertEquals(1, kv.count());
            kv.put(b("empty"), new byte[0]);
            assertArrayEquals(new byte[0], kv.get(b("empty")));
        }
    }

    @ParameterizedTest
    @MethodSource("enginesAndModes")
    void shouldRecoverEveryAcknowledgedWriteAfterReopenAndGrowOnline(EngineKind engine, AccessMode mode) {
        Map<String, String> model = new HashMap<>();
        try (KvStore kv = KvStore.create(options(engine, mode))) {
            for (int i = 0; i < 3000; i++) {       // ~3000 * 150 B: far more than the 1 MiB it starts with
                String k = "key-" + i;
                String v = "value-" + i + "-" + "x".repeat(100);
                kv.put(b(k), b(v));
                model.put(k, v);
            }
            for (int i = 0; i < 3000; i += 3) {
                kv.delete(b("key-" + i));
                model.remove("key-" + i);
            }
            kv.put(b("key-1"), b("rewritten"));
            model.put("key-1", "rewritten");
        }
        try (KvStore kv = KvStore.open(new KvOptions(dir.resolve("pool")).mode(mode))) {
            assertEquals(engine, kv.engine(), "the engine is recorded in the pool");
            assertEquals(model.size(), kv.count());
            for (int i = 0; i < 3000; i++) {
                String expected = model.get("key-" + i);
                byte[] got = kv.get(b("key-" + i));
                assertEquals(expected, got == null ? null : new String(got, StandardCharsets.UTF_8), "key-" + i);
            }
            assertTrue(kv.check().clean(), kv.check().toString());
        }
    }

    @ParameterizedTest
    @MethodSource("enginesAndModes")
    void shouldApplyABatchAllOrNothingAndSurviveReopen(EngineKind engine, AccessMode mode) {
        try (KvStore kv = KvStore.create(options(engine, mode))) {
            kv.put(b("gone"), b("soon"));
            WriteBatch batch = new WriteBatch().put(b("x"), b("1")).put(b("y"), b("2")).delete(b("gone")).put(b("x"), b("3"));
            kv.write(batch);
            assertArrayEquals(b("3"), kv.get(b("x")), "the later op on a key wins");
            assertArrayEquals(b("2"), kv.get(b("y")));
            assertNull(kv.get(b("gone")));
            assertEquals(2, kv.count());
        }
        try (KvStore kv = KvStore.open(new KvOptions(dir.resolve("pool")).mode(mode))) {
            assertArrayEquals(b("3"), kv.get(b("x")));
            assertArrayEquals(b("2"), kv.get(b("y")));
            assertNull(kv.get(b("gone")));
            assertEquals(2, kv.count());
        }
    }

    @ParameterizedTest
    @MethodSource("enginesAndModes")
    void shouldServeASnapshotUndisturbedByLaterWrites(EngineKind engine, AccessMode mode) {
        try (KvStore kv = KvStore.create(options(engine, mode))) {
            for (int i = 0; i < 100; i++) {
                kv.put(b("k" + i), b("v" + i));
            }
            try (Snapshot s = kv.snapshot()) {
                kv.put(b("k1"), b("changed"));
                kv.delete(b("k2"));
                kv.put(b("new"), b("n"));
                kv.write(new WriteBatch().put(b("k3"), b("b")).delete(b("k4")));
                assertArrayEquals(b("v1"), s.get(b("k1")));
                assertArrayEquals(b("v2"), s.get(b("k2")));
                assertArrayEquals(b("v4"), s.get(b("k4")));
                assertNull(s.get(b("new")));
                int seen = 0;
                try (KvCursor c = s.cursor()) {
                    while (c.next()) {
                        String k = new String(c.key(), StandardCharsets.UTF_8);
                        assertEquals("v" + k.substring(1), new String(c.value(), StandardCharsets.UTF_8));
                        assertEquals("v" + k.substring(1), c.value(v -> StandardCharsets.UTF_8.decode(v).toString()),
                                "in place, the snapshot's version of " + k);
                        assertEquals(k.length(), c.keyLength());
                        seen++;
                    }
                }
                assertEquals(100, seen, "the snapshot's cursor sees exactly the 100 original keys");
                assertArrayEquals(b("changed"), kv.get(b("k1")));
            }
            assertNull(kv.get(b("k2")));
            assertEquals(100 - 2 + 1, kv.count());
            Snapshot released = kv.snapshot();
            released.close();
            assertEquals(KvException.Code.CLOSED, assertThrows(KvException.class, () -> released.get(b("k1"))).code());
        }
    }

    @ParameterizedTest
    @MethodSource("enginesAndModes")
    void shouldMatchATreeMapModelOverSeededRandomOperations(EngineKind engine, AccessMode mode) {
        long seed = 0xC0FFEEL + engine.ordinal() * 31 + mode.ordinal();
        Random rnd = new Random(seed);
        TreeMap<String, String> model = new TreeMap<>();
        try (KvStore kv = KvStore.create(options(engine, mode))) {
            for (int step = 0; step < 4000; step++) {
                String k = "k" + rnd.nextInt(300);
                String v = "v" + rnd.nextInt(1_000_000) + "-".repeat(rnd.nextInt(40));
                switch (rnd.nextInt(7)) {
                    case 0, 1, 2 -> {
                        kv.put(b(k), b(v));
                        model.put(k, v);
                    }
                    case 3 -> assertEquals(model.remove(k) != null, kv.delete(b(k)), "delete " + k + " seed " + seed);
                    case 4 -> assertEquals(model.putIfAbsent(k, v) == null, kv.putIfAbsent(b(k), b(v)), "seed " + seed);
                    case 5 -> {
                        String expected = rnd.nextBoolean() ? model.get(k) : "nope";
                        boolean modelReplaced = expected != null && expected.equals(model.get(k));
                        if (modelReplaced) {
                            model.put(k, v);
                        }
                        assertEquals(modelReplaced, kv.replace(b(k), b(expected == null ? "nope" : expected), b(v)), "seed " + seed);
                    }
                    default -> {
                        byte[] got = kv.get(b(k));
                        assertEquals(model.get(k), got == null ? null : new String(got, StandardCharsets.UTF_8), "seed " + seed);
                    }
                }
            }
            assertEquals(model.size(), kv.count(), "seed " + seed);
            if (engine == EngineKind.SORTED) {
                List<String> keys = new ArrayList<>();
                try (KvCursor c = kv.cursor()) {
                    while (c.next()) {
                        keys.add(new String(c.key(), StandardCharsets.UTF_8));
                    }
                }
                assertEquals(new ArrayList<>(model.keySet()), keys, "ordered iteration, seed " + seed);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("enginesAndModes")
    void shouldKeepEveryWriteOfConcurrentWritersWhileReadersRead(EngineKind engine, AccessMode mode) throws Exception {
        try (KvStore kv = KvStore.create(options(engine, mode))) {
            int perThread = 2000;
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int id = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            kv.put(b("t" + id + "-" + i), b("v" + i));
                            if (i % 10 == 0) {
                                kv.put(b("shared"), b("t" + id));
                            }
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }));
            }
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 20; i++) {
                        try (KvCursor c = kv.cursor()) {
                            while (c.next()) {
                                c.value();
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }));
            for (Thread t : threads) {
                t.join();
            }
            assertNull(failure.get());
            assertEquals(3 * perThread + 1, kv.count());
            for (int t = 0; t < 3; t++) {
                for (int i = 0; i < perThread; i++) {
                    assertArrayEquals(b("v" + i), kv.get(b("t" + t + "-" + i)));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("enginesAndModes")
    void shouldMakeBufferedWritesDurableAtSync(EngineKind engine, AccessMode mode) {
        try (KvStore kv = KvStore.create(options(engine, mode).durability(Durability.BUFFERED))) {
            kv.put(b("a"), b("1"));
            kv.put(b("b"), b("2"), Durability.DURABLE);
            kv.sync();
            assertTrue(kv.stats().persists() >= 2);
        }
        try (KvStore kv = KvStore.open(new KvOptions(dir.resolve("pool")).mode(mode))) {
            assertArrayEquals(b("1"), kv.get(b("a")));
            assertArrayEquals(b("2"), kv.get(b("b")));
        }
    }
}
