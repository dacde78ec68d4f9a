package dev.engram.kv;

import dev.engram.region.AccessMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Process crashes, for real: a child JVM ({@link KillTestWriter}) writes through the public API and
 * prints each call before it makes it and again once it returned; the parent sends SIGKILL at a
 * seeded random moment (sometimes during the child's start and recovery, mostly while it writes),
 * reopens the pool in the same mode and checks that
 * <ul>
 *   <li>every acknowledged write is there, byte for byte, and every acknowledged delete is;</li>
 *   <li>the one call in flight is all there or not there at all (a batch included);</li>
 *   <li>no other key exists, and {@link KvStore#check()} is clean.</li>
 * </ul>
 * A process kill is not a power failure: the kernel keeps the page cache and the mapping, so buffered
 * writes that returned must survive it too. Kills alternate between durable and buffered children
 * on one pool, which grows across the kills (64 KiB segments: rollovers and growth happen).
 *
 * <p>{@code -Dengram.kills=N} sets the kills per mode (default 20; the stress profile uses 200);
 * {@code -Dengram.seed=S} the seed. Every failure message names mode, engine, seed and kill number.
 */
class KvProcessKillTest {

    private static final int KILLS = Integer.getInteger("engram.kills", 20);
    private static final long SEED = Long.getLong("engram.seed", 0x6B111L);
    /** The longest a child may take to print READY before the test calls it hung. */
    private static final long START_TIMEOUT_SECONDS = 60;

    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "engram-kill-");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** What the parent knows of one key: its version and length, or deleted (version 0). */
    private record Expect(int version, int length) {
        static final Expect DELETED = new Expect(0, 0);
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void shouldKeepEveryAcknowledgedWriteWhenTheWriterIsKilledAtRandomMoments(AccessMode mode)
            throws IOException, InterruptedException {
        int survived = 0;
        int duringStart = 0;
        long acknowledged = 0;
        for (EngineKind engine : EngineKind.values()) {
            long seed = SEED ^ (mode.ordinal() * 31L + engine.ordinal());
            System.out.println("process kills: mode=" + mode + " engine=" + engine + " seed=" + seed
                    + " (rerun with -Dengram.seed=" + SEED + ")");
            SplittableRandom rnd = new SplittableRandom(seed);
            Path pool = dir.resolve(mode.name().toLowerCase(Locale.ROOT) + "-" + engine.name().toLowerCase(Locale.ROOT));
            Map<String, Expect> model = new HashMap<>();
            long nextKey = 0;
            int kills = (KILLS + 1) / 2;
            for (int kill = 0; kill < kills; kill++) {
                Durability durability = kill % 2 == 0 ? Durability.DURABLE : Durability.BUFFERED;
                String where = "mode=" + mode + " engine=" + engine + " seed=" + seed + " kill=" + kill + " durability="
                        + durability;
                Run run = killAtRandom(pool, mode, engine, durability, rnd.nextLong(), nextKey, rnd, where);
                duringStart += run.ready ? 0 : 1;
                acknowledged += verify(pool, mode, engine, model, run.lines, where);
                nextKey += 1_000_000;
                survived++;
            }
        }
        System.out.println("process kills: mode=" + mode + " " + survived + " kills survived (" + duringStart
                + " before the child was ready), " + acknowledged + " acknowledged calls verified");
        assertEquals(2 * ((KILLS + 1) / 2), survived);
        assertTrue(acknowledged > survived, acknowledged + " acknowledged calls over " + survived + " kills");
    }

    private record Run(List<String> lines, boolean ready) {
    }

    /** Starts a child and kills it: a quarter of the time at a random moment of its start, else while it writes. */
    private Run killAtRandom(Path pool, AccessMode mode, EngineKind engine, Durability durability, long childSeed,
                             long firstKey, SplittableRandom rnd, String where) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path stdout = dir.resolve("child.out");
        Path stderr = dir.resolve("child.err");
        // stdout goes to a file, not a pipe: whatever the child wrote before the kill is in the page
        // cache and read back whole, with no reader thread racing the JDK's pipe draining at exit.
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                KillTestWriter.class.getName(), pool.toString(), mode.name(), engine.name(), durability.name(),
                Long.toString(childSeed), Long.toString(firstKey))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        long started = System.nanoTime();
        Process child = pb.start();
        boolean duringStart = rnd.nextInt(4) == 0;
        if (duringStart) {
            Thread.sleep(rnd.nextInt(600));
        } else {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
            while (!isReady(stdout)) {
                if (!child.isAlive() || System.nanoTime() > deadline) {
                    child.destroyForcibly();
                    fail(where + ": the child printed no READY (alive=" + child.isAlive() + "); stderr: "
                            + Files.readString(stderr));
                }
                Thread.sleep(2);
            }
            Thread.sleep(rnd.nextInt(300));
        }
        if (!child.isAlive()) {
            fail(where + ": the child exited on its own with " + child.exitValue() + "; stderr: " + Files.readString(stderr));
        }
        child.destroyForcibly();            // SIGKILL on Linux: no shutdown hook, no close()
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), where + ": the child did not die");
        List<String> lines = completeLines(Files.readAllBytes(stdout));
        System.out.printf(Locale.ROOT, "  %s: killed after %d ms, %d lines%n", where,
                (System.nanoTime() - started) / 1_000_000, lines.size());
        return new Run(lines, !lines.isEmpty() && lines.getFirst().equals("READY"));
    }

    private static boolean isReady(Path stdout) throws IOException {
        try (InputStream in = Files.newInputStream(stdout)) {
            return new String(in.readNBytes(6), StandardCharsets.US_ASCII).equals("READY\n");
        }
    }

    /**
     * The child's complete lines: a line counts only with its newline, so a line the kill cut short
     * is dropped (its call then counts as not acknowledged, the conservative side).
     */
    private static List<String> completeLines(byte[] out) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == '\n') {
                lines.add(new String(out, start, i - start, StandardCharsets.US_ASCII));
                start = i + 1;
            }
        }
        return lines;
    }

    /** Reopens the pool, checks it against the model and the call in flight; returns the acknowledged calls. */
    private static long verify(Path pool, AccessMode mode, EngineKind engine, Map<String, Expect> model,
                               List<String> lines, String where) {
        long acks = 0;
        String inFlight = null;
        for (String line : lines) {
            if (line.startsWith("TRY ")) {
                inFlight = line.substring(4);
            } else if (line.startsWith("ACK ")) {
                String call = line.substring(4);
                assertEquals(inFlight, call, where + ": ACK of a call that was not tried");
                apply(model, call);
                inFlight = null;
                acks++;
            } else if (!line.equals("READY")) {
                fail(where + ": unexpected child output '" + line + "'");
            }
        }
        Map<String, Expect> inFlightEffect = new HashMap<>();
        if (inFlight != null) {
            apply(inFlightEffect, inFlight);
        }
        if (!Files.exists(pool)) {
            // Killed before the first child created the pool: nothing can have been acknowledged.
            assertEquals(0, acks, where + ": calls acknowledged but no pool file exists");
            assertTrue(model.isEmpty(), where + ": an earlier child's pool vanished");
            return acks;
        }
        KvStore opened;
        try {
            opened = KvStore.open(KillTestWriter.options(pool, mode, engine, Durability.DURABLE));
        } catch (KvException e) {
            // Killed inside the first child's create, after the file and before the pool header (seen once
            // on CRAWL as "pool magic 0x0"), or before the region header: open says so, and openOrCreate
            // finishes it, as the next child would. Only when nothing was acknowledged.
            boolean unfinished = e.getMessage().contains("creating this pool did not finish")
                    || e.getMessage().contains("creating this region did not finish");
            if (acks != 0 || !model.isEmpty() || !unfinished) {
                throw e;
            }
            opened = KvStore.openOrCreate(KillTestWriter.options(pool, mode, engine, Durability.DURABLE));
        }
        try (KvStore kv = opened) {
            Boolean applied = null;      // the in-flight call: all of it, or none of it
            for (Map.Entry<String, Expect> e : inFlightEffect.entrySet()) {
                byte[] actual = kv.get(e.getKey().getBytes(StandardCharsets.US_ASCII));
                boolean asAfter = matches(actual, e.getKey(), e.getValue());
                boolean asBefore = matches(actual, e.getKey(), model.getOrDefault(e.getKey(), Expect.DELETED));
                if (!asAfter && !asBefore) {
                    fail(where + ": key " + e.getKey() + " of the call in flight (" + inFlight + ") holds "
                            + describe(actual) + ", neither before nor after the call");
                }
                if (asAfter != asBefore) {
                    if (applied != null && applied != asAfter) {
                        fail(where + ": the call in flight (" + inFlight + ") is partly applied");
                    }
                    applied = asAfter;
                }
            }
            if (Boolean.TRUE.equals(applied)) {
                model.putAll(inFlightEffect);
            }
            long live = 0;
            for (Map.Entry<String, Expect> e : model.entrySet()) {
                byte[] actual = kv.get(e.getKey().getBytes(StandardCharsets.US_ASCII));
                if (!matches(actual, e.getKey(), e.getValue())) {
                    fail(where + ": acknowledged " + e.getKey() + " v" + e.getValue().version() + " ("
                            + e.getValue().length() + " bytes" + (e.getValue() == Expect.DELETED ? ", deleted" : "")
                            + ") reads " + describe(actual) + " after the kill");
                }
                live += e.getValue() == Expect.DELETED ? 0 : 1;
            }
            assertEquals(live, kv.count(), where + ": keys in the pool that were never acknowledged");
            CheckReport report = kv.check();
            assertTrue(report.clean(), where + ": check after the kill: " + report);
        }
        return acks;
    }

    private static void apply(Map<String, Expect> model, String call) {
        if (call.startsWith("B ")) {
            String entries = call.substring(call.indexOf(' ', 2) + 1);
            for (String entry : entries.split(";")) {
                apply(model, entry);
            }
            return;
        }
        String[] f = call.split(" ");
        switch (f[0]) {
            case "P" -> model.put(f[1], new Expect(Integer.parseInt(f[2]), Integer.parseInt(f[3])));
            case "D" -> model.put(f[1], Expect.DELETED);
            default -> throw new IllegalArgumentException("unknown call '" + call + "'");
        }
    }

    private static boolean matches(byte[] actual, String key, Expect expect) {
        if (expect == Expect.DELETED) {
            return actual == null;
        }
        return actual != null && Arrays.equals(actual, KillTestWriter.value(key, expect.version(), expect.length()));
    }

    private static String describe(byte[] actual) {
        if (actual == null) {
            return "nothing";
        }
        String s = new String(actual, 0, Math.min(actual.length, 24), StandardCharsets.US_ASCII);
        return actual.length + " bytes '" + s + (actual.length > 24 ? "…'" : "'");
    }
}
