package dev.engram.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static dev.engram.kv.CrashStep.BatchOp;

/**
 * A deterministic workload for the crash-image campaign: setup steps (recorded, never crashed in)
 * followed by the steps whose every crash point is checked. A scenario is named by a spec such as
 * {@code insert/durable}, {@code rollover/buffered} or {@code random/buffered/17}; {@link #parse}
 * rebuilds exactly the same steps from it, which is what makes a printed failure line reproducible.
 *
 * <p>Single-operation scenarios: insert, overwrite, delete, batch, conditional (putIfAbsent and
 * replace, each hit and miss), rollover (the write that opens a new segment, K0), growth (the write
 * that grows the pool), destage (RUN's write-back; a sync elsewhere), recovery (a reopen: the crash
 * lands inside recovery itself), superseded (an explicit compaction frees a segment whose dead record a
 * buffered write outranks), superseded-background (the same by the background cleaner's rounds),
 * key-order (the sorted engine's pass in key order over buffered writes) and tails-background (writes
 * whose lane tails a background round and a sync commit later: {@link LaneTails#BACKGROUND}, the only
 * scenario that opens with it). Two more are extension
 * points for maintenance steps the engine is gaining: {@link #COMPACTION_STEP} and {@link
 * #INDEX_CHECKPOINT} (see {@link #maintenance}).
 *
 * @param spec        the name that rebuilds it
 * @param durability  the store's default durability
 * @param segments    the pool's initial size in 64 KiB segments
 * @param setup       steps run before the checked ones, not crashed in
 * @param steps       the checked steps
 */
record CrashScenario(String spec, Durability durability, int segments, List<CrashStep> setup, List<CrashStep> steps) {

    static final int SEGMENT_BYTES = 64 * 1024;
    static final String COMPACTION_STEP = "compaction-step";
    static final String INDEX_CHECKPOINT = "index-checkpoint";
    /** Single-operation scenarios; each runs in both durability modes. */
    static final List<String> SINGLE_OPERATIONS = List.of("insert", "overwrite", "delete", "batch", "conditional",
            "rollover", "growth", "destage", "recovery", "superseded", "superseded-background", "key-order",
            "tails-background");

    CrashScenario {
        setup = List.copyOf(setup);
        steps = List.copyOf(steps);
    }

    long poolBytes() {
        return PoolFormat.FIRST_SEGMENT_OFFSET + (long) segments * SEGMENT_BYTES;
    }

    KvOptions options(EngineKind engine) {
        // No background cleaner: a recording must be one thread's, so that it is the same every time.
        return new KvOptions(SimulatedPool.path()).engine(engine).segmentBytes(SEGMENT_BYTES).size(poolBytes())
                .durability(durability).lanes(2).autoCompact(false)
                .laneTails(spec.startsWith("tails-background/") ? LaneTails.BACKGROUND : LaneTails.EVERY_PERSIST);
    }

    /** Rebuilds a scenario from its spec: {@code name/durability} or {@code random/durability/seed}. */
    static CrashScenario parse(String spec) {
        String[] p = spec.split("/");
        if (p.length < 2) {
            throw new IllegalArgumentException("scenario spec '" + spec + "': expected name/durable|buffered[/seed]");
        }
        Durability d = Durability.valueOf(p[1].toUpperCase(Locale.ROOT));
        if (p[0].equals("random")) {
            if (p.length != 3) {
                throw new IllegalArgumentException("scenario spec '" + spec + "': expected random/durability/seed");
            }
            return random(d, Long.parseLong(p[2]));
        }
        return single(p[0], d);
    }

    /** The single-operation scenario {@code name} with the store's default durability {@code d}. */
    static CrashScenario single(String name, Durability d) {
        String spec = name + "/" + d.name().toLowerCase(Locale.ROOT);
        List<CrashStep> setup = new ArrayList<>();
        List<CrashStep> steps = new ArrayList<>();
        int segments = 2;
        switch (name) {
            case "insert" -> {
                setup.add(CrashStep.put("a", "1", null));
                setup.add(CrashStep.put("b", text('b', 40), null));
                steps.add(CrashStep.put("c", text('c', 200), null));
            }
            case "overwrite" -> {
                setup.add(CrashStep.put("a", "short", null));
                steps.add(CrashStep.put("a", text('o', 300), null));
                steps.add(CrashStep.put("a", "", null));
            }
            case "delete" -> {
                setup.add(CrashStep.put("a", text('a', 30), null));
                setup.add(CrashStep.put("b", "2", null));
                steps.add(CrashStep.delete("a", null));
                steps.add(CrashStep.delete("missing", null));
            }
            case "batch" -> {
                setup.add(CrashStep.put("a", "1", null));
                setup.add(CrashStep.put("b", "2", null));
                steps.add(CrashStep.batch(List.of(new BatchOp("a", "x"), new BatchOp("b", null),
                        new BatchOp("c", text('y', 150)), new BatchOp("a", "z")), null));
            }
            case "conditional" -> {
                setup.add(CrashStep.put("a", "old", null));
                steps.add(CrashStep.putIfAbsent("a", "never", null));
                steps.add(CrashStep.putIfAbsent("n", text('n', 70), null));
                steps.add(CrashStep.replace("a", "wrong", "never", null));
                steps.add(CrashStep.replace("a", "old", text('r', 90), null));
            }
            case "rollover", "growth" -> {
                // 16 records of 4,040 bytes fill 64,640 of a segment's 65,472 record bytes; the next
                // 1,040-byte record does not fit: it opens segment 1 (rollover) or grows the pool (growth).
                segments = name.equals("growth") ? 1 : 2;
                for (int i = 0; i < 16; i++) {
                    setup.add(CrashStep.put(String.format(Locale.ROOT, "f%02d", i), text((char) ('A' + i), 4000), null));
                }
                steps.add(CrashStep.put("next", text('n', 1000), null));
                steps.add(CrashStep.sync());
                steps.add(CrashStep.put("after", "x", Durability.DURABLE));
            }
            case "destage" -> {
                for (int i = 0; i < 6; i++) {
                    setup.add(CrashStep.put("d" + i, text((char) ('a' + i), 1500), null));
                }
                steps.add(CrashStep.destage());
                steps.add(CrashStep.put("d0", "new", null));
                steps.add(CrashStep.destage());
            }
            case "recovery" -> {
                setup.add(CrashStep.put("a", text('a', 100), null));
                setup.add(CrashStep.batch(List.of(new BatchOp("b", "2"), new BatchOp("c", "3")), null));
                setup.add(CrashStep.delete("a", null));
                steps.add(CrashStep.reopen());
                steps.add(CrashStep.put("d", "4", null));
                steps.add(CrashStep.sync());
                steps.add(CrashStep.reopen());
            }
            case "superseded" -> {
                // x's first version, synced, lies in segment 0 with the fillers; the 1,000-byte record
                // after them does not fit, so the lane seals segment 0 and moves to segment 1 (on CRAWL,
                // whose persists pad to 4 KiB, the last filler already does), where x's second version
                // goes, buffered in buffered mode. Cleaning segment 0 drops the first version as dead:
                // the second must be durable before segment 0 is freed, or a crash loses x.
                segments = 3;
                setup.add(CrashStep.put("x", text('1', 50), null));
                setup.add(CrashStep.sync());
                for (int i = 0; i < 16; i++) {
                    setup.add(CrashStep.put(String.format(Locale.ROOT, "f%02d", i), text((char) ('A' + i), 4000), null));
                }
                setup.add(CrashStep.put("next", text('n', 1000), null));
                setup.add(CrashStep.put("x", text('2', 60), null));
                steps.add(CrashStep.custom("compact", KvStore::compact));
                steps.add(CrashStep.put("after", "x", null));
            }
            case "superseded-background" -> {
                // "superseded" by the background cleaner's rounds (Cleaner.doWork, from the recording
                // thread). x's first version, synced, and four rounds of fillers fill segments 0-3 and part
                // of 4, where x's second version goes, buffered in buffered mode: five segments in use, a
                // fifth live, 0-2 all dead. The first round cleans segment 0, whose free must come after
                // x's second version is durable (C2p); the second cleans segment 1 behind another
                // buffered write.
                segments = 7;
                setup.add(CrashStep.put("x", text('1', 50), null));
                setup.add(CrashStep.sync());
                for (int round = 0; round < 4; round++) {
                    for (int i = 0; i < 16; i++) {
                        setup.add(CrashStep.put(String.format(Locale.ROOT, "f%02d", i),
                                text((char) ('0' + (16 * round + i) % 75), 4000), null));
                    }
                }
                setup.add(CrashStep.put("x", text('2', 60), null));
                steps.add(CrashStep.custom("cleanerRound", CrashScenario::cleanerRound));
                steps.add(CrashStep.put("after", "x", null));
                steps.add(CrashStep.custom("cleanerRound", CrashScenario::cleanerRound));
            }
            case "key-order" -> {
                // Written against key order after a sync: the pass in key order copies a, b, c before the
                // lane's buffered originals are durable, so a copy must not outlive an earlier write.
                setup.add(CrashStep.put("m", text('m', 30), null));
                setup.add(CrashStep.sync());
                setup.add(CrashStep.put("c", text('c', 300), null));
                setup.add(CrashStep.put("b", text('b', 200), null));
                setup.add(CrashStep.put("a", text('a', 100), null));
                steps.add(CrashStep.custom("compactInKeyOrder", CrashScenario::compactInKeyOrder));
                steps.add(CrashStep.put("d", "4", null));
            }
            case "tails-background" -> {
                // LaneTails.BACKGROUND: a durable put leaves its lane's tail (K2c) due; the background
                // agent's round (Cleaner.doWork, from the recording thread) commits it behind a buffered
                // write the tail must not cover (it was never persisted), and sync() commits the rest. A
                // crash anywhere, in a K2c too, keeps what was acknowledged and tears nothing into MEDIA.
                setup.add(CrashStep.put("a", text('a', 40), null));
                steps.add(CrashStep.put("b", text('b', 200), null));
                steps.add(CrashStep.put("c", text('c', 90), Durability.DURABLE));
                steps.add(CrashStep.put("d", text('d', 300), Durability.BUFFERED));
                steps.add(CrashStep.custom("cleanerRound", CrashScenario::cleanerRound));
                steps.add(CrashStep.sync());
                steps.add(CrashStep.put("a", "", null));
            }
            default -> throw new IllegalArgumentException("unknown scenario '" + name + "': expected one of "
                    + SINGLE_OPERATIONS + " or random");
        }
        return new CrashScenario(spec, d, segments, setup, steps);
    }

    /**
     * A maintenance scenario, the extension point for {@link #COMPACTION_STEP} and
     * {@link #INDEX_CHECKPOINT}: four rounds of overwrites of ten 2,000-byte values and a few deletes
     * fill segment 0 (sealed, mostly dead) and part of segment 1, then {@code hook} is the checked step,
     * then a write, then the hook again. The campaign checks every crash image inside the hook against
     * the unchanged model, so a maintenance step that loses, resurrects or tears a key fails it. Not
     * parseable from a spec: the test that owns the hook replays its own lines.
     */
    static CrashScenario maintenance(String name, Durability d, CrashStep.Hook hook) {
        List<CrashStep> setup = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 10; i++) {
                setup.add(CrashStep.put("m" + i, text((char) ('a' + round), 2000), null));
            }
            setup.add(CrashStep.delete("m" + (round * 3 % 10), null));
        }
        List<CrashStep> steps = List.of(CrashStep.custom(name, hook), CrashStep.put("m9", "after", null),
                CrashStep.custom(name, hook));
        return new CrashScenario(name + "/" + d.name().toLowerCase(Locale.ROOT), d, 3, setup, steps);
    }

    /**
     * A seeded random sequence of 1 to 20 checked steps over eight keys: puts (values from empty to
     * 9,000 bytes), deletes (hits and misses), putIfAbsent, replace, batches of up to five entries; in
     * buffered scenarios also syncs and explicitly durable calls; destages and compactions in any (a
     * cleaning of every segment with dead bytes, or on the sorted engine the pass in key order, which a
     * hash store answers with a cleaning).
     */
    static CrashScenario random(Durability d, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 0x5EED);
        int n = 1 + rnd.nextInt(20);
        List<CrashStep> steps = new ArrayList<>();
        List<CrashStep> setup = new ArrayList<>();
        java.util.TreeMap<String, String> model = new java.util.TreeMap<>();
        int prefill = rnd.nextInt(4);
        for (int i = 0; i < prefill; i++) {
            CrashStep s = CrashStep.put(key(rnd), value(rnd, seed, -1 - i), null);
            s.model(model);
            setup.add(s);
        }
        for (int i = 0; i < n; i++) {
            String k = key(rnd);
            Durability call = d == Durability.BUFFERED && rnd.nextInt(10) == 0 ? Durability.DURABLE : null;
            int pick = rnd.nextInt(100);
            CrashStep s;
            if (pick < 35) {
                s = CrashStep.put(k, value(rnd, seed, i), call);
            } else if (pick < 50) {
                s = CrashStep.delete(k, call);
            } else if (pick < 58) {
                s = CrashStep.putIfAbsent(k, value(rnd, seed, i), call);
            } else if (pick < 66) {
                String current = model.get(k);
                String expected = current != null && rnd.nextBoolean() ? current : "not-" + i;
                s = CrashStep.replace(k, expected, value(rnd, seed, i), call);
            } else if (pick < 84) {
                List<BatchOp> ops = new ArrayList<>();
                int entries = 1 + rnd.nextInt(5);
                for (int e = 0; e < entries; e++) {
                    ops.add(rnd.nextInt(3) == 0 ? new BatchOp(key(rnd), null) : new BatchOp(key(rnd), value(rnd, seed, i * 8 + e)));
                }
                s = CrashStep.batch(ops, call);
            } else if (pick < 94 && d == Durability.BUFFERED) {
                s = CrashStep.sync();
            } else if (pick < 97) {
                s = CrashStep.destage();
            } else if (pick < 99) {
                s = rnd.nextBoolean() ? CrashStep.custom("compact", KvStore::compact)
                        : CrashStep.custom("compactInKeyOrder", CrashScenario::compactInKeyOrder);
            } else {
                s = CrashStep.put(k, value(rnd, seed, i), call);
            }
            s.model(model);
            steps.add(s);
        }
        return new CrashScenario("random/" + d.name().toLowerCase(Locale.ROOT) + "/" + seed, d, 2, setup, steps);
    }

    /**
     * One round of the background cleaner's duty cycle, on the recording thread (the store runs no
     * cleaner thread of its own here, so every recording is the same).
     */
    private static void cleanerRound(KvStore store) {
        store.cleaner().doWork();
    }

    /** The sorted engine's pass in key order; on the hash engine, which has none, a cleaning. */
    private static void compactInKeyOrder(KvStore store) {
        if (store.engine() == EngineKind.SORTED) {
            store.compactInKeyOrder();
        } else {
            store.compact();
        }
    }

    private static String key(SplittableRandom rnd) {
        return "k" + rnd.nextInt(8);
    }

    /** Mostly short values, some medium, a few large enough to span many lines and sectors. */
    private static String value(SplittableRandom rnd, long seed, int step) {
        int pick = rnd.nextInt(100);
        int length = pick < 65 ? rnd.nextInt(25) : pick < 95 ? 25 + rnd.nextInt(400) : 2000 + rnd.nextInt(7000);
        String tag = "s" + seed + "." + step + ":";
        StringBuilder sb = new StringBuilder(Math.max(length, tag.length()));
        sb.append(tag, 0, Math.min(tag.length(), length));
        while (sb.length() < length) {
            sb.append((char) ('a' + rnd.nextInt(26)));
        }
        return sb.toString();
    }

    static String text(char c, int length) {
        return String.valueOf(c).repeat(length);
    }
}
