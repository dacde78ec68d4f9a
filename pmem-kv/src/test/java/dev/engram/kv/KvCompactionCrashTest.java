package dev.engram.kv;

import dev.engram.powerfail.CrashPoints;
import dev.engram.powerfail.Enumeration;
import dev.engram.powerfail.PowerFailSimulator;
import dev.engram.region.Region;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crashes inside log cleaning (C0 copy, C1 persist, C2 free) and inside the writes that reuse a freed
 * segment, on the power-fail simulator's memory device. Cleaning changes no key's value, so every image
 * must recover exactly the model; tombstones must keep deleted keys deleted whichever copies survived;
 * check() must be clean; the store must take writes; and a second recovery must agree with the first.
 * A failure prints the one line that rebuilds its image.
 */
class KvCompactionCrashTest {

    private static final Path PATH = Path.of("simulated-pool");
    private static final int SEGMENT = 64 * 1024;
    private static final long DEVICE_BYTES = PoolFormat.FIRST_SEGMENT_OFFSET + 12L * SEGMENT;

    private static KvOptions options(EngineKind engine, boolean compress) {
        return new KvOptions(PATH).engine(engine).segmentBytes(SEGMENT).size(DEVICE_BYTES).lanes(1).autoCompact(false)
                .compressColdValues(compress);
    }

    /** Both engines as written; the hash engine also with compressed cold values (the cleaner writes LZ4). */
    static Stream<Arguments> cleaningCases() {
        return Stream.of(Arguments.of(EngineKind.HASH, false), Arguments.of(EngineKind.SORTED, false),
                Arguments.of(EngineKind.HASH, true));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> contents(KvStore kv) {
        Map<String, String> m = new TreeMap<>();
        try (KvCursor c = kv.cursor()) {
            while (c.next()) {
                m.put(new String(c.key(), StandardCharsets.UTF_8), new String(c.value(), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    /**
     * Fills about four segments: keys overwritten many times (their first segments turn mostly dead),
     * deletes whose older puts lie in other segments (their tombstones must survive cleaning), a batch.
     */
    private static void load(KvStore kv, Map<String, String> model) {
        load(kv, model, 60);
    }

    private static void load(KvStore kv, Map<String, String> model, int keys) {
        String pad = "p".repeat(700);
        for (int round = 0; round < 5; round++) {
            for (int k = keys - 1; k >= 0; k--) {
                String v = "r" + round + "k" + k + pad;
                kv.put(b("key" + k), b(v));
                model.put("key" + k, v);
            }
        }
        for (int k = 0; k < keys; k += 4) {
            kv.delete(b("key" + k));
            model.remove("key" + k);
        }
        kv.write(new WriteBatch().put(b("batch"), b("B")).delete(b("key1")));
        model.put("batch", "B");
        model.remove("key1");
    }

    /**
     * At most about this many images are checked per case, an even spread of all of them (every
     * {@code ceil(all / MAX_IMAGES)}-th): the sorted engine's uncompressed pass in key order has 63,709
     * (two and a half minutes of CI on its own) and each reuse case 24,381, where the others have
     * 3,811-8,837, all checked. The stress profile ({@code -Dengram.stress=true}) checks every image.
     */
    private static final long MAX_IMAGES = Boolean.getBoolean("engram.stress") ? Long.MAX_VALUE : 12_000;

    /** {@code images}: those checked, of {@code all} inside the operation. */
    private record Outcome(long images, long all, List<String> failures) {
    }

    /** Records {@code setup}, then {@code crashed} as one simulator operation, and checks every image inside it. */
    private static Outcome crashInside(EngineKind engine, boolean compress, long seed, Consumer<KvStore> setup,
                                       Consumer<KvStore> crashed, List<Map<String, String>> acceptable) {
        return crashInside(engine, compress, seed, setup, crashed, acceptable, Enumeration.DEFAULT);
    }

    private static Outcome crashInside(EngineKind engine, boolean compress, long seed, Consumer<KvStore> setup,
                                       Consumer<KvStore> crashed, List<Map<String, String>> acceptable,
                                       Enumeration enumeration) {
        PowerFailSimulator sim = new PowerFailSimulator(seed);
        Region device = sim.memoryDevice("pool", DEVICE_BYTES);
        KvStore kv = KvStore.create(options(engine, compress), device);
        setup.accept(kv);
        Map<String, String> expected = acceptable.getLast();
        try (var op = sim.operation("crashed")) {
            crashed.accept(kv);
        }
        assertEquals(expected, contents(kv), "the live store before any crash");
        List<String> failures = new ArrayList<>();
        long all = sim.forEachImage(CrashPoints.withinOperations("crashed"), enumeration, image -> { });
        long stride = Math.max(1, Math.ceilDiv(all, MAX_IMAGES));     // no overflow at the stress profile's MAX_VALUE
        long[] images = {0};
        long[] index = {-1};
        sim.forEachImage(CrashPoints.withinOperations("crashed"), enumeration, image -> {
            if (++index[0] % stride != 0 || failures.size() >= 3) {
                return;
            }
            images[0]++;
            try {
                Map<String, String> seen;
                try (KvStore r = KvStore.open(options(engine, compress), image.materialize().device("pool"))) {
                    seen = contents(r);
                    if (!acceptable.contains(seen)) {
                        failures.add("recovered " + diff(expected, seen) + " — " + image);
                        return;
                    }
                    CheckReport report = r.check();
                    if (!report.clean()) {
                        failures.add("check: " + report + " — " + image);
                    }
                    r.compact();                                   // cleaning again after recovery works
                    r.put(b("after-recovery"), b("works"));
                    if (!"works".equals(new String(r.get(b("after-recovery")), StandardCharsets.UTF_8))) {
                        failures.add("write after recovery lost — " + image);
                    }
                }
                try (KvStore again = KvStore.open(options(engine, compress), image.materialize().device("pool"))) {
                    if (!contents(again).equals(seen)) {
                        failures.add("second recovery differs — " + image);
                    }
                }
            } catch (RuntimeException e) {
                failures.add("recovery failed: " + e + " — " + image);
            }
        });
        return new Outcome(images[0], all, failures);
    }

    private static String diff(Map<String, String> expected, Map<String, String> seen) {
        List<String> d = new ArrayList<>();
        for (String k : expected.keySet()) {
            if (!seen.containsKey(k)) {
                d.add("lost " + k);
            } else if (!seen.get(k).equals(expected.get(k))) {
                d.add(k + " has an older value " + seen.get(k).substring(0, Math.min(8, seen.get(k).length())));
            }
        }
        for (String k : seen.keySet()) {
            if (!expected.containsKey(k)) {
                d.add("resurrected " + k);
            }
        }
        return d.subList(0, Math.min(5, d.size())).toString();
    }

    @ParameterizedTest
    @MethodSource("cleaningCases")
    void shouldRecoverTheSameMapAfterACrashAnywhereInsideCleaning(EngineKind engine, boolean compress) {
        Map<String, String> model = new TreeMap<>();
        List<Map<String, String>> acceptable = new ArrayList<>();
        Outcome o = crashInside(engine, compress, 7, kv -> {
            load(kv, model);
            acceptable.add(model);
        }, kv -> {
            CompactionReport r = kv.compact();
            assertTrue(r.segmentsFreed() >= 2 && r.tombstonesDropped() + r.recordsCopied() > 0, r.toString());
            assertEquals(compress, r.valuesCompressed() > 0, "values compressed: " + r);
        }, acceptable);
        assertEquals(List.of(), o.failures(), engine + (compress ? ", compressed cold values" : "") + ", seed 7");
        System.out.println(engine + (compress ? " (compressed cold values)" : "") + ": " + o.images()
                + " crash images inside compact() (of " + o.all() + ")");
        assertTrue(o.images() > 1000, o.images() + " images");
    }

    /**
     * The sorted engine's rewrite in key order: its copies, its C1, then the sources' cleaning. It copies
     * every live record where compact() copies a few, so it runs on fewer keys (24 over two segments, in
     * descending order so that key order differs from write order) with fewer images per crash point.
     * After an earlier pass (and more writes) the cleaner's segment holds that pass's copies, so the pass
     * first seals it and opens another (K0), and moves those copies too.
     */
    @ParameterizedTest
    @MethodSource("keyOrderCases")
    void shouldRecoverTheSameMapAfterACrashAnywhereInsideCompactionInKeyOrder(boolean compress, boolean again) {
        Map<String, String> model = new TreeMap<>();
        List<Map<String, String>> acceptable = new ArrayList<>();
        String label = "SORTED" + (compress ? " (compressed cold values)" : "") + (again ? " (a second pass)" : "");
        Outcome o = crashInside(EngineKind.SORTED, compress, 13, kv -> {
            load(kv, model, 24);
            if (again) {
                CompactionReport r = kv.compactInKeyOrder();
                assertTrue(r.recordsCopied() > 0, "the cleaner's segment holds copies: " + r);
                for (int k = 11; k >= 0; k -= 2) {
                    kv.put(b("key" + k), b("again" + k));
                    model.put("key" + k, "again" + k);
                }
            }
            acceptable.add(model);
        }, kv -> {
            CompactionReport r = kv.compactInKeyOrder();
            assertTrue(r.segmentsFreed() >= 1 && r.recordsCopied() >= model.size(), r.toString());
        }, acceptable, KEY_ORDER_ENUMERATION);
        assertEquals(List.of(), o.failures(), label + ", seed 13");
        System.out.println(label + ": " + o.images() + " crash images inside compactInKeyOrder() (of " + o.all() + ")");
        assertTrue(o.images() > 1000, o.images() + " images");
    }

    private static final Enumeration KEY_ORDER_ENUMERATION = new Enumeration(64, 4);

    static Stream<Arguments> keyOrderCases() {
        return Stream.of(Arguments.of(false, false), Arguments.of(true, false), Arguments.of(false, true));
    }

    /**
     * Durable puts into segments the cleaner freed (K0 opens one under a new generation over its old
     * records): a crash inside them recovers the state after some prefix of the puts, never old records.
     */
    @ParameterizedTest
    @EnumSource(EngineKind.class)
    void shouldRecoverAPrefixOfThePutsAfterACrashWhileTheyReuseFreedSegments(EngineKind engine) {
        Map<String, String> model = new TreeMap<>();
        List<Map<String, String>> prefixes = new ArrayList<>();
        Outcome o = crashInside(engine, false, 11, kv -> {
            load(kv, model);
            CompactionReport r = kv.compact();
            assertTrue(r.segmentsFreed() >= 2, r.toString());
            Map<String, String> state = new TreeMap<>(model);
            prefixes.add(new TreeMap<>(state));
            for (int k = 0; k < 60; k += 2) {
                state.put("key" + k, "reused" + k + "q".repeat(700));
                prefixes.add(new TreeMap<>(state));
            }
        }, kv -> {
            for (int k = 0; k < 60; k += 2) {
                kv.put(b("key" + k), b("reused" + k + "q".repeat(700)));
            }
        }, prefixes);
        assertEquals(List.of(), o.failures(), engine + ", seed 11");
        System.out.println(engine + ": " + o.images() + " crash images while reusing freed segments (of " + o.all() + ")");
        assertTrue(o.images() > 100, o.images() + " images");
    }
}
