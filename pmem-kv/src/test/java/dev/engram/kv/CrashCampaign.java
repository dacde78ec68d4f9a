package dev.engram.kv;

import dev.engram.powerfail.CrashImage;
import dev.engram.powerfail.CrashPoint;
import dev.engram.powerfail.CrashPoints;
import dev.engram.powerfail.Enumeration;
import dev.engram.powerfail.PowerFailSimulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Records a {@link CrashScenario} on the power-fail simulator and checks every crash image inside its
 * checked steps, asserting the (a)–(e) for each:
 * <ol type="a">
 *   <li>open + recovery succeeds;</li>
 *   <li>{@link KvStore#check()} is clean;</li>
 *   <li>the recovered map is the model after some number {@code k} of steps, where {@code k} is at
 *       least the number of steps made durable before the crash (every durable write and every sync
 *       or destage that returned) and at most the steps begun: durable linearizability, and in
 *       buffered mode the prefix semantics (some prefix of the buffered writes, containing everything
 *       before the last sync);</li>
 *   <li>operations after recovery (put, overwrite, delete, a batch, putIfAbsent) behave like the model;</li>
 *   <li>recovery is idempotent: recovering the recovered image again shows the same map, and for every
 *       {@code recoveryCrashEvery}-th image each crash image inside recovery itself recovers to it too.</li>
 * </ol>
 * A failure is reported as one {@link CrashReproduction} line that rebuilds the image in a new JVM.
 */
final class CrashCampaign {

    /**
     * How much of each recording is checked.
     *
     * @param enumeration         exhaustive up to its limit per crash point, else the simulator's families
     * @param maxImagesPerPoint   at most this many images per crash point, evenly spread over the list
     *                            (a large record has thousands of family images); 0 = no cap
     * @param recoveryCrashEvery  crash inside recovery for every n-th image (0 = never)
     * @param recoveryPoints      at most this many crash points inside one recovery, evenly spread
     *                            (RUN recovery promotes, evicts and destages: thousands of events)
     * @param recoveryImagesPerPoint at most this many images per crash point inside recovery
     * @param garbageSectors      whether block-device sectors may be garbage after a crash; false is
     *                            the "power-safe overwrite" model, where a sector is written whole or not at all
     */
    record Config(Enumeration enumeration, int maxImagesPerPoint, int recoveryCrashEvery, int recoveryPoints,
                  int recoveryImagesPerPoint, boolean garbageSectors) {

        /** The same budget under the power-safe overwrite model (no garbage sectors). */
        Config powerSafeOverwrite() {
            return new Config(enumeration, maxImagesPerPoint, recoveryCrashEvery, recoveryPoints, recoveryImagesPerPoint,
                    false);
        }

        /** Whether {@code image} is one this configuration checks. */
        boolean admits(CrashImage image) {
            return garbageSectors || !hasGarbageSector(image);
        }

        /** Whether {@code image} leaves some block-device sector as garbage (a torn sector write). */
        static boolean hasGarbageSector(CrashImage image) {
            CrashPoint point = image.crashPoint();
            int[] choices = image.choices();
            for (int u = 0; u < choices.length; u++) {
                // The last choice of a sector unit is its garbage version (CrashPoint's class doc).
                if (choices[u] == point.choiceCount(u) - 1 && choices[u] > 0 && point.describeUnit(u).contains(" sector ")) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The per-test-run budget: see docs/reliability.md for the figures it gives. */
    static final Config CI = new Config(new Enumeration(256, 8), 48, 8, 8, 4, true);
    /** About ten times the images of {@link #CI} per recording. */
    static final Config STRESS = new Config(new Enumeration(4096, 32), 480, 2, 40, 16, true);

    static final long SIMULATOR_SEED = 0x5EED_CAFEL;
    /** Stop checking a recording after this many failures: the first lines are what a reader needs. */
    private static final int FAILURES_PER_RECORDING = 3;

    /**
     * A recorded scenario.
     *
     * @param states    the model after {@code k} steps (setup and checked steps together), k = 0..n
     * @param floor     per step, the fewest steps a crash inside it may show (everything made durable before it)
     * @param operation per step, its simulator operation index
     * @param results   per step, what the call returned during the recording
     */
    record Recording(CrashScenario scenario, EngineKind engine, SimulatedPool pool, PowerFailSimulator sim,
                     List<Map<String, String>> states, int[] floor, int[] operation, boolean[] results) {

        List<CrashStep> allSteps() {
            List<CrashStep> all = new ArrayList<>(scenario.setup());
            all.addAll(scenario.steps());
            return all;
        }

        int firstChecked() {
            return scenario.setup().size();
        }
    }

    /** What a campaign over some recordings saw. */
    static final class Tally {
        long recordings;
        long images;
        long recoveryImages;
        /** Images (not counting those inside recovery) with a torn, garbage block-device sector. */
        long garbageSectorImages;
        final List<String> failures = new ArrayList<>();
        /** How a replay checked its line, when not as printed. */
        String note;

        void add(Tally other) {
            recordings += other.recordings;
            images += other.images;
            recoveryImages += other.recoveryImages;
            garbageSectorImages += other.garbageSectorImages;
            failures.addAll(other.failures);
        }

        long total() {
            return images + recoveryImages;
        }

        @Override
        public String toString() {
            return recordings + " recordings, " + images + " crash images + " + recoveryImages
                    + " crash-during-recovery images, " + failures.size() + " failures";
        }
    }

    private CrashCampaign() {
    }

    static Recording record(CrashScenario scenario, EngineKind engine, SimulatedPool pool) {
        PowerFailSimulator sim = new PowerFailSimulator(SIMULATOR_SEED);
        KvOptions options = scenario.options(engine);
        List<CrashStep> steps = new ArrayList<>(scenario.setup());
        steps.addAll(scenario.steps());
        List<Map<String, String>> states = new ArrayList<>();
        int[] floor = new int[steps.size()];
        int[] operation = new int[steps.size()];
        boolean[] results = new boolean[steps.size()];
        Map<String, String> model = new TreeMap<>();
        KvStore kv;
        try (var op = sim.operation("create")) {
            kv = KvStore.create(options, pool.create(sim, scenario.poolBytes()));
        }
        int durableThrough = 0;
        for (int i = 0; i < steps.size(); i++) {
            CrashStep step = steps.get(i);
            states.add(new TreeMap<>(model));
            floor[i] = durableThrough;
            boolean expected = step.model(model);
            boolean result;
            try (var op = sim.operation("step" + i)) {
                operation[i] = op.index();
                if (step.kind == CrashStep.Kind.REOPEN) {
                    kv = KvStore.open(options, pool.open(sim));      // the old store is abandoned, as by a crash
                    result = true;
                } else {
                    result = step.apply(kv);
                }
            }
            if (result != expected) {
                throw new AssertionError(scenario.spec() + " on " + engine + "/" + pool + ": step " + i + " " + step
                        + " returned " + result + ", the model says " + expected);
            }
            results[i] = result;
            if (step.makesDurable(result, scenario.durability())) {
                durableThrough = i + 1;
            }
        }
        states.add(new TreeMap<>(model));
        Map<String, String> seen = contents(kv);
        if (!seen.equals(model)) {
            throw new AssertionError(scenario.spec() + " on " + engine + "/" + pool + ": after recording the store holds "
                    + summary(seen) + ", the model " + summary(model));
        }
        return new Recording(scenario, engine, pool, sim, states, floor, operation, results);
    }

    /** Checks every selected image inside every checked step of {@code r}. */
    static Tally verify(Recording r, Config config) {
        Tally tally = new Tally();
        tally.recordings = 1;
        for (int i = r.firstChecked(); i < r.allSteps().size() && tally.failures.size() < FAILURES_PER_RECORDING; i++) {
            verifyStep(r, i, config, tally);
        }
        return tally;
    }

    /** Checks every selected image inside step {@code step} of {@code r}. */
    static Tally verifyStep(Recording r, int step, Config config) {
        Tally tally = new Tally();
        tally.recordings = 1;
        verifyStep(r, step, config, tally);
        return tally;
    }

    private static void verifyStep(Recording r, int step, Config config, Tally tally) {
        for (CrashPoint point : r.sim().crashPoints(CrashPoints.withinOperation(r.operation()[step]))) {
            for (CrashImage image : spread(point.images(config.enumeration()), config.maxImagesPerPoint())) {
                if (!config.admits(image)) {
                    continue;
                }
                tally.images++;
                if (Config.hasGarbageSector(image)) {
                    tally.garbageSectorImages++;
                }
                boolean crashRecovery = config.recoveryCrashEvery() > 0 && tally.images % config.recoveryCrashEvery() == 0;
                check(r, step, image, crashRecovery, config, tally);
                if (tally.failures.size() >= FAILURES_PER_RECORDING) {
                    return;
                }
            }
        }
    }

    /** Records {@code scenario} and verifies it. */
    static Tally run(CrashScenario scenario, EngineKind engine, SimulatedPool pool, Config config) {
        return verify(record(scenario, engine, pool), config);
    }

    /** Checks (a)–(e) on one image of a crash inside step {@code step}; failures go into {@code tally}. */
    static void check(Recording r, int step, CrashImage image, boolean crashRecovery, Config config, Tally tally) {
        CrashReproduction line = new CrashReproduction(r.engine(), r.pool(), r.scenario().spec(), step,
                image.crashPoint().point(), image.family(), -1, null);
        KvOptions options = r.scenario().options(r.engine());
        String stepName = r.allSteps().get(step).toString();
        PowerFailSimulator crashed = image.materialize();
        int recoveryOp;
        KvStore kv;
        Map<String, String> seen;
        try {
            try (var op = crashed.operation("recovery")) {
                recoveryOp = op.index();
                kv = KvStore.open(options, r.pool().open(crashed));                               // (a)
            }
        } catch (RuntimeException e) {
            tally.failures.add(line.format("(a) recovery after a crash in " + stepName + " failed: " + e));
            return;
        }
        try {
            seen = contents(kv);
        } catch (RuntimeException e) {
            tally.failures.add(line.format("(c) reading the map recovered after a crash in " + stepName + " failed: " + e));
            return;
        }
        List<Map<String, String>> acceptable = r.states().subList(r.floor()[step], step + 2);
        if (!acceptable.contains(seen)) {                                                          // (c)
            tally.failures.add(line.format("(c) after a crash in " + stepName + " recovered " + summary(seen)
                    + "; acceptable: the model after " + r.floor()[step] + ".." + (step + 1) + " steps: "
                    + describe(acceptable, seen)));
            return;
        }
        try {
            CheckReport report = kv.check();                                                       // (b)
            if (!report.clean()) {
                tally.failures.add(line.format("(b) check after a crash in " + stepName + ": " + report));
                return;
            }
            KvStore again = KvStore.open(options, r.pool().open(crashed));                         // (e)
            Map<String, String> second = contents(again);
            if (!second.equals(seen)) {
                tally.failures.add(line.format("(e) a second recovery shows " + summary(second) + ", the first "
                        + summary(seen)));
                return;
            }
            String afterwards = operateLikeTheModel(again, seen);                                 // (d)
            if (afterwards != null) {
                tally.failures.add(line.format("(d) after recovery from a crash in " + stepName + ": " + afterwards));
                return;
            }
        } catch (RuntimeException e) {
            tally.failures.add(line.format("(b/d/e) after a crash in " + stepName + ": " + e));
            return;
        }
        if (crashRecovery) {
            crashInsideRecovery(r, step, image, crashed, recoveryOp, seen, options, config, tally);
        }
    }

    /** (e) A crash at every point inside recovery (as recorded on {@code crashed}) recovers to {@code seen}. */
    private static void crashInsideRecovery(Recording r, int step, CrashImage image, PowerFailSimulator crashed,
                                            int recoveryOp, Map<String, String> seen, KvOptions options, Config config,
                                            Tally tally) {
        var recovery = crashed.operations().get(recoveryOp);
        int first = recovery.beginEvent() + 1;
        int points = recovery.endEvent() - first + 1;
        int picked = Math.min(points, config.recoveryPoints());
        int[] at = new int[picked];
        for (int i = 0; i < picked; i++) {
            at[i] = first + (picked == 1 ? 0 : (int) ((long) i * (points - 1) / (picked - 1)));
        }
        for (CrashPoint point : crashed.crashPoints(CrashPoints.at(at))) {
            for (CrashImage inner : spread(point.images(config.enumeration()), config.recoveryImagesPerPoint())) {
                if (!config.admits(inner)) {
                    continue;
                }
                tally.recoveryImages++;
                CrashReproduction line = new CrashReproduction(r.engine(), r.pool(), r.scenario().spec(), step,
                        image.crashPoint().point(), image.family(), point.point(), inner.family());
                try (KvStore kv = KvStore.open(options, r.pool().open(inner.materialize()))) {
                    Map<String, String> again = contents(kv);
                    if (!again.equals(seen)) {
                        tally.failures.add(line.format("(e) a crash during recovery then recovers " + summary(again)
                                + ", the uninterrupted recovery " + summary(seen)));
                        return;
                    }
                    CheckReport report = kv.check();
                    if (!report.clean()) {
                        tally.failures.add(line.format("(e) check after a crash during recovery: " + report));
                        return;
                    }
                } catch (RuntimeException e) {
                    tally.failures.add(line.format("(e) recovery after a crash during recovery failed: " + e));
                    return;
                }
            }
        }
    }

    /** (d): a put, an overwrite, a delete, a batch and a refused putIfAbsent, compared with the model; null if all agree. */
    static String operateLikeTheModel(KvStore kv, Map<String, String> recovered) {
        TreeMap<String, String> before = new TreeMap<>(recovered);
        TreeMap<String, String> model = new TreeMap<>(recovered);
        kv.put(CrashStep.bytes("after-recovery"), CrashStep.bytes("works"));
        model.put("after-recovery", "works");
        if (!before.isEmpty()) {
            kv.put(CrashStep.bytes(before.firstKey()), CrashStep.bytes("overwritten"));
            model.put(before.firstKey(), "overwritten");
        }
        if (before.size() >= 2) {
            if (!kv.delete(CrashStep.bytes(before.lastKey()))) {
                return "delete(" + before.lastKey() + ") of a recovered key returned false";
            }
            model.remove(before.lastKey());
        }
        kv.write(new WriteBatch().put(CrashStep.bytes("batch-a"), CrashStep.bytes("1"))
                .put(CrashStep.bytes("batch-b"), CrashStep.bytes("2")).delete(CrashStep.bytes("batch-a")));
        model.put("batch-b", "2");
        if (kv.putIfAbsent(CrashStep.bytes("after-recovery"), CrashStep.bytes("again"))) {
            return "putIfAbsent of a present key returned true";
        }
        Map<String, String> seen = contents(kv);
        if (!seen.equals(model)) {
            return "the store holds " + summary(seen) + ", the model " + summary(model);
        }
        for (Map.Entry<String, String> e : model.entrySet()) {
            byte[] v = kv.get(CrashStep.bytes(e.getKey()));
            if (v == null || !e.getValue().equals(new String(v, StandardCharsets.US_ASCII))) {
                return "get(" + e.getKey() + ") disagrees with the cursor";
            }
        }
        return null;
    }

    static Map<String, String> contents(KvStore kv) {
        Map<String, String> m = new TreeMap<>();
        try (KvCursor c = kv.cursor()) {
            while (c.next()) {
                m.put(new String(c.key(), StandardCharsets.US_ASCII), new String(c.value(), StandardCharsets.US_ASCII));
            }
        }
        return m;
    }

    /** At most {@code max} images spread evenly over {@code images} (first and last included); all when max is 0. */
    static List<CrashImage> spread(List<CrashImage> images, int max) {
        if (max <= 0 || images.size() <= max) {
            return images;
        }
        List<CrashImage> picked = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            picked.add(images.get((int) ((long) i * (images.size() - 1) / (max - 1))));
        }
        return picked;
    }

    static String summary(Map<String, String> m) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, String> e : m.entrySet()) {
            sb.append(sb.length() == 1 ? "" : ", ").append(e.getKey()).append('=').append(CrashStep.describe(e.getValue()));
        }
        return sb.append('}').toString();
    }

    private static String describe(List<Map<String, String>> acceptable, Map<String, String> seen) {
        StringBuilder sb = new StringBuilder();
        for (Map<String, String> state : acceptable) {
            sb.append(sb.isEmpty() ? "" : " | ").append(summary(state));
        }
        if (sb.length() > 600) {
            sb.setLength(600);
            sb.append("…");
        }
        return sb.toString();
    }
}
