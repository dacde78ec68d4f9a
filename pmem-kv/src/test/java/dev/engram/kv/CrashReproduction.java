package dev.engram.kv;

import dev.engram.powerfail.CrashImage;
import dev.engram.powerfail.CrashPoint;
import dev.engram.powerfail.PowerFailSimulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one line that rebuilds a crash image of the campaign, e.g.
 * <pre>
 * kv-crash engine=hash pool=walk scenario=random/buffered/17 step=5 point=1234 family=prefix#3
 * kv-crash engine=sorted pool=run scenario=recovery/durable step=4 point=88 family=exhaustive#2 recovery-point=7 recovery-family=exhaustive#0
 * </pre>
 * Text after {@code " # "} is a comment (the failure message). {@link #replay} records the scenario
 * again (scenarios are deterministic), takes crash point {@code point} and the image named
 * {@code family} there, and runs the campaign's checks on it; with {@code recovery-point}, it also
 * records recovery on that image and checks the named image inside recovery.
 *
 * <p>Why not the simulator's own descriptor line: it carries a hash of every stored value, and a
 * pool's header holds a random UUID and the creation time (RUN's fast tier a random UUID too), so a
 * second recording of the same scenario never has the same hash and {@code sim.image(line)} refuses
 * it. The stores' positions, and so the crash points and their units, are the same in every
 * recording; this line names them by position.
 *
 * <p>A line names a position in one recording: after a change to the engine's write path the same
 * scenario may record different events, and the line's point may fall elsewhere. {@link #replay} then
 * checks every image of the line's step instead (and says so), so a kept line stays a test.
 *
 * <p>Regression files ({@code src/test/resources/dev/engram/kv/crash-regressions*.txt}) hold such
 * lines, one per image, {@code #} comments allowed; {@link KvCrashCampaignTest} replays them.
 */
record CrashReproduction(EngineKind engine, SimulatedPool pool, String scenario, int step, int point, String family,
                         int recoveryPoint, String recoveryFamily) {

    static final String PREFIX = "kv-crash";
    /** Where a failing campaign writes its lines, to be copied into a regression file. */
    static final Path FAILURES = Path.of("target", "crash-regressions", "failures.txt");

    String format() {
        return PREFIX + " engine=" + engine.name().toLowerCase(Locale.ROOT) + " pool=" + pool + " scenario=" + scenario
                + " step=" + step + " point=" + point + " family=" + family
                + (recoveryPoint < 0 ? "" : " recovery-point=" + recoveryPoint + " recovery-family=" + recoveryFamily);
    }

    /** The line with the failure message as its comment; also appended to {@link #FAILURES}. */
    String format(String message) {
        String line = format() + "  # " + message.replace('\n', ' ');
        try {
            Files.createDirectories(FAILURES.getParent());
            Files.writeString(FAILURES, line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return line;
    }

    static CrashReproduction parse(String line) {
        String text = line;
        int comment = text.indexOf(" #");
        if (comment >= 0) {
            text = text.substring(0, comment);
        }
        String[] fields = text.trim().split("\\s+");
        if (fields.length == 0 || !fields[0].equals(PREFIX)) {
            throw bad(line, "it does not start with '" + PREFIX + "'");
        }
        Map<String, String> f = new LinkedHashMap<>();
        for (int i = 1; i < fields.length; i++) {
            int eq = fields[i].indexOf('=');
            if (eq < 0) {
                throw bad(line, "field '" + fields[i] + "' is not key=value");
            }
            f.put(fields[i].substring(0, eq), fields[i].substring(eq + 1));
        }
        for (String required : List.of("engine", "pool", "scenario", "step", "point", "family")) {
            if (!f.containsKey(required)) {
                throw bad(line, "it lacks " + required + "=");
            }
        }
        try {
            return new CrashReproduction(EngineKind.parse(f.get("engine")), SimulatedPool.parse(f.get("pool")),
                    f.get("scenario"), Integer.parseInt(f.get("step")), Integer.parseInt(f.get("point")), f.get("family"),
                    Integer.parseInt(f.getOrDefault("recovery-point", "-1")), f.get("recovery-family"));
        } catch (IllegalArgumentException e) {
            throw bad(line, e.getMessage());
        }
    }

    private static IllegalArgumentException bad(String line, String why) {
        return new IllegalArgumentException("bad crash reproduction line '" + line + "': " + why
                + "; expected e.g. 'kv-crash engine=hash pool=walk scenario=insert/durable step=2 point=120 family=exhaustive#3'");
    }

    /**
     * Rebuilds the image and runs every check of the campaign on it; returns what they found. When the
     * engine has changed since the line was printed, so that its point no longer lies inside its step
     * (a line names a position in one recording), the whole step is checked instead, image by image,
     * and the tally says so: a kept line never passes by naming nothing.
     */
    CrashCampaign.Tally replay() {
        CrashCampaign.Recording r = CrashCampaign.record(CrashScenario.parse(scenario), engine, pool);
        if (step < r.firstChecked() || step >= r.allSteps().size()) {
            throw new IllegalArgumentException(format() + ": scenario " + scenario + " has checked steps "
                    + r.firstChecked() + ".." + (r.allSteps().size() - 1));
        }
        int op = r.operation()[step];
        var record = r.sim().operations().get(op);
        if (point <= record.beginEvent() || point > record.endEvent()) {
            System.out.println(format() + ": point " + point + " is no longer inside step " + step + " (events "
                    + (record.beginEvent() + 1) + ".." + record.endEvent() + "): the engine changed; checking the whole step");
            CrashCampaign.Tally tally = CrashCampaign.verifyStep(r, step, CrashCampaign.CI);
            tally.note = "whole step " + step + " checked: the line's point moved";
            return tally;
        }
        CrashImage image;
        try {
            image = r.sim().crashPoint(point).image(family);
        } catch (IllegalArgumentException e) {
            System.out.println(format() + ": " + e.getMessage() + ": the engine changed; checking the whole step");
            CrashCampaign.Tally tally = CrashCampaign.verifyStep(r, step, CrashCampaign.CI);
            tally.note = "whole step " + step + " checked: the line's family no longer exists at its point";
            return tally;
        }
        CrashCampaign.Tally tally = new CrashCampaign.Tally();
        tally.recordings = 1;
        tally.images = 1;
        if (recoveryPoint < 0) {
            CrashCampaign.check(r, step, image, false, CrashCampaign.CI, tally);
            return tally;
        }
        // Crash during recovery: record recovery on the image as the campaign does, then check the inner image.
        PowerFailSimulator crashed = image.materialize();
        KvOptions options = r.scenario().options(engine);
        Map<String, String> seen;
        int recoveryOp;
        try (var scope = crashed.operation("recovery")) {
            recoveryOp = scope.index();
            seen = CrashCampaign.contents(KvStore.open(options, pool.open(crashed)));
        }
        var recovery = crashed.operations().get(recoveryOp);
        if (recoveryPoint <= recovery.beginEvent() || recoveryPoint > recovery.endEvent()) {
            throw new IllegalArgumentException(format() + ": recovery-point " + recoveryPoint + " is not inside recovery");
        }
        CrashPoint inner = crashed.crashPoint(recoveryPoint);
        tally.recoveryImages = 1;
        try (KvStore kv = KvStore.open(options, pool.open(inner.image(recoveryFamily).materialize()))) {
            Map<String, String> again = CrashCampaign.contents(kv);
            if (!again.equals(seen)) {
                tally.failures.add(format() + "  # (e) recovers " + CrashCampaign.summary(again) + ", expected "
                        + CrashCampaign.summary(seen));
            } else if (!kv.check().clean()) {
                tally.failures.add(format() + "  # (e) check: " + kv.check());
            }
        } catch (RuntimeException e) {
            tally.failures.add(format() + "  # (e) recovery failed: " + e);
        }
        return tally;
    }

    /** The reproduction lines of a regression file: blank lines and lines starting with '#' skipped. */
    static List<String> lines(String resource) {
        var in = CrashReproduction.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("regression file " + resource + " is missing from the test resources");
        }
        List<String> out = new ArrayList<>();
        try (in) {
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String t = l.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    out.add(t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
