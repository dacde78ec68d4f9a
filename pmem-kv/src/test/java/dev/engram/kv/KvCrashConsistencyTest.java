package dev.engram.kv;

import dev.engram.powerfail.CrashPoints;
import dev.engram.powerfail.Enumeration;
import dev.engram.powerfail.PowerFailSimulator;
import dev.engram.region.Region;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Durable linearizability under power failure, on the power-fail simulator's memory device: after a
 * crash inside operation i, recovery must show exactly the state before i or the state after i (a
 * batch all or nothing), check() must be clean, the store must keep working, and recovery must be
 * idempotent. Each failing image prints the one line that rebuilds it.
 */
class KvCrashConsistencyTest {

    private static final Path PATH = Path.of("simulated-pool");
    private static final long DEVICE_BYTES = 16384 + 8L * 65536;

    private static KvOptions options(EngineKind engine) {
        // No background cleaner: a recording comes from one thread (CrashScenario does the same).
        return new KvOptions(PATH).engine(engine).segmentBytes(64 * 1024).size(DEVICE_BYTES).lanes(2)
                .autoCompact(false);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One operation of a scenario and its effect on the model. */
    private interface Op {
        void apply(KvStore kv);

        void model(Map<String, String> m);
    }

    private static Op put(String k, String v) {
        return new Op() {
            public void apply(KvStore kv) {
                kv.put(b(k), b(v));
            }

            public void model(Map<String, String> m) {
                m.put(k, v);
            }

            public String toString() {
                return "put(" + k + ")";
            }
        };
    }

    private static Op delete(String k) {
        return new Op() {
            public void apply(KvStore kv) {
                kv.delete(b(k));
            }

            public void model(Map<String, String> m) {
                m.remove(k);
            }

            public String toString() {
                return "delete(" + k + ")";
            }
        };
    }

    private static Op batch(String putKey, String putValue, String deleteKey) {
        return new Op() {
            public void apply(KvStore kv) {
                kv.write(new WriteBatch().put(b(putKey), b(putValue)).delete(b(deleteKey)));
            }

            public void model(Map<String, String> m) {
                m.put(putKey, putValue);
                m.remove(deleteKey);
            }

            public String toString() {
                return "batch(" + putKey + ", -" + deleteKey + ")";
            }
        };
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

    /** Runs {@code ops}, one simulator operation each; returns the model state before each op and after the last. */
    private static List<Map<String, String>> record(PowerFailSimulator sim, EngineKind engine, List<Op> ops) {
        Region device = sim.memoryDevice("pool", DEVICE_BYTES);
        List<Map<String, String>> states = new ArrayList<>();
        Map<String, String> model = new TreeMap<>();
        KvStore kv = KvStore.create(options(engine), device);
        for (int i = 0; i < ops.size(); i++) {
            states.add(new TreeMap<>(model));
            try (var op = sim.operation("op" + i)) {
                ops.get(i).apply(kv);
            }
            ops.get(i).model(model);
        }
        states.add(new TreeMap<>(model));
        return states;
    }

    /** Checks every image inside every operation; returns the number of images checked. */
    private static long verifyAll(PowerFailSimulator sim, EngineKind engine, List<Op> ops, List<Map<String, String>> states,
                                  Enumeration enumeration, List<String> failures) {
        long[] images = new long[1];
        for (int i = 0; i < ops.size(); i++) {
            Map<String, String> before = states.get(i);
            Map<String, String> after = states.get(i + 1);
            String opName = ops.get(i).toString();
            sim.forEachImage(CrashPoints.withinOperations("op" + i), enumeration, image -> {
                images[0]++;
                try {
                    PowerFailSimulator crashed = image.materialize();
                    Region device = crashed.device("pool");
                    Map<String, String> seen;
                    try (KvStore kv = KvStore.open(options(engine), device)) {
                        seen = contents(kv);
                        if (!seen.equals(before) && !seen.equals(after)) {
                            failures.add("crash in " + opName + ": recovered " + seen + ", expected " + before + " or "
                                    + after + " — " + image);
                            return;
                        }
                        CheckReport report = kv.check();
                        if (!report.clean()) {
                            failures.add("check after crash in " + opName + ": " + report + " — " + image);
                        }
                        kv.put(b("after-recovery"), b("works"));      // (d) the store keeps working
                        if (!"works".equals(new String(kv.get(b("after-recovery")), StandardCharsets.UTF_8))) {
                            failures.add("write after recovery lost — " + image);
                        }
                    }
                    // (e) recovery writes nothing, so recovering the same image again gives the same state
                    try (KvStore again = KvStore.open(options(engine), image.materialize().device("pool"))) {
                        if (!contents(again).equals(seen)) {
                            failures.add("second recovery differs after crash in " + opName + " — " + image);
                        }
                    }
                } catch (RuntimeException e) {
                    failures.add("recovery failed after crash in " + opName + ": " + e + " — " + image);
                }
            });
        }
        return images[0];
    }

    @Test
    void shouldRecoverAllOrNothingOfEveryOperationAfterACrashAnywhere() {
        for (EngineKind engine : EngineKind.values()) {
            PowerFailSimulator sim = new PowerFailSimulator(42);
            List<Op> ops = List.of(put("a", "1"), put("b", "2"), put("a", "3".repeat(200)), delete("b"),
                    batch("c", "4", "a"), put("d", "5"), delete("missing"));
            List<Map<String, String>> states = record(sim, engine, ops);
            List<String> failures = new ArrayList<>();
            long images = verifyAll(sim, engine, ops, states, Enumeration.DEFAULT, failures);
            assertEquals(List.of(), failures.subList(0, Math.min(3, failures.size())), engine + ", seed 42");
            assertTrue(images > 50, engine + ": " + images + " images");
        }
    }

    @Test
    void shouldRecoverSeededRandomOperationSequences() {
        long total = 0;
        List<String> failures = new ArrayList<>();
        for (int seed = 1; seed <= 40; seed++) {
            Random rnd = new Random(seed);
            List<Op> ops = new ArrayList<>();
            int n = 5 + rnd.nextInt(16);
            for (int i = 0; i < n; i++) {
                String k = "k" + rnd.nextInt(6);
                switch (rnd.nextInt(4)) {
                    case 0, 1 -> ops.add(put(k, "v" + seed + "-" + i + "x".repeat(rnd.nextInt(64))));
                    case 2 -> ops.add(delete(k));
                    default -> ops.add(batch(k, "b" + i, "k" + rnd.nextInt(6)));
                }
            }
            EngineKind engine = seed % 2 == 0 ? EngineKind.HASH : EngineKind.SORTED;
            PowerFailSimulator sim = new PowerFailSimulator(seed);
            List<Map<String, String>> states = record(sim, engine, ops);
            total += verifyAll(sim, engine, ops, states, new Enumeration(64, 4), failures);
            if (!failures.isEmpty()) {
                break;
            }
        }
        assertEquals(List.of(), failures.subList(0, Math.min(3, failures.size())));
        System.out.println(total + " KV crash images checked over 40 seeded sequences");
        assertTrue(total > 1000, total + " images");
    }
}
