package dev.engram.kv;

import dev.engram.kv.cli.KvCli;
import dev.engram.region.AccessMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The CLI's acknowledgement promise under SIGKILL: {@code ./engram kv import --ack} prints
 * {@code ack KEY} only once that record is durable, so whatever it acknowledged before it was killed
 * must be in the pool after a reopen. The input overwrites each key several times (a later line
 * wins), so the check is exact: for every key, the value found must come from one of that key's
 * lines at or after its last acknowledged one, and a key with no acknowledged line is either absent or
 * holds one of its own values. Nothing else may be in the pool, and {@link KvStore#check()} is clean.
 *
 * <p>A child JVM runs {@link KvCli} exactly as the launcher does; the kill lands at a seeded random
 * moment after the first acknowledgement. {@code -Dengram.ackKills=N} sets the kills per mode (default 3).
 * What a kill cannot show: that the sync before each ack reached the media (the kernel keeps the page
 * cache and the mapping of a killed process). That half, {@code sync()} making buffered writes
 * power-safe, is the power-fail campaign's ({@link KvCrashCampaignTest}); this test shows that an ack
 * never runs ahead of its write and that recovery after a kill keeps every acknowledged record.
 */
class KvImportAckKillTest {

    private static final int KILLS = Integer.getInteger("engram.ackKills", 3);
    private static final long SEED = Long.getLong("engram.seed", 0xAC4L);
    private static final int LINES = 400_000;
    private static final int KEYS = 60_000;

    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "engram-ack-kill-");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static String key(int line) {
        return String.format(Locale.ROOT, "key%06d", line % KEYS);
    }

    private static String value(int line) {
        return "value-of-line-" + line;
    }

    @ParameterizedTest
    @EnumSource(value = AccessMode.class, names = {"WALK", "CRAWL"})
    void everyAcknowledgedRecordSurvivesAKill(AccessMode mode) throws Exception {
        Path input = dir.resolve("input.jsonl");
        try (Writer w = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
            for (int line = 0; line < LINES; line++) {
                w.write("{\"key\":\"" + key(line) + "\",\"value\":\"" + value(line) + "\"}\n");
            }
        }
        SplittableRandom random = new SplittableRandom(SEED ^ mode.ordinal());
        long acknowledged = 0;
        int midImport = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Path pool = dir.resolve("pool-" + kill);
            KvStore.create(new KvOptions(pool).mode(mode)).close();
            String where = "mode=" + mode + " kill=" + kill + " seed=" + SEED;
            int acks = importAndKill(pool, mode, input, random.nextInt(400), where);
            acknowledged += acks;
            midImport += acks < LINES ? 1 : 0;
            verify(pool, mode, acks, where);
        }
        System.out.printf(Locale.ROOT, "import --ack kills: mode=%s %d kills (%d before the import finished), "
                + "%d acknowledged records verified%n", mode, KILLS, midImport, acknowledged);
        assertTrue(acknowledged > 0, "no record was acknowledged before any kill");
    }

    /** Runs the import in a child JVM, kills it {@code delayMillis} after its first ack; returns the acks printed. */
    private int importAndKill(Path pool, AccessMode mode, Path input, int delayMillis, String where)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path stdout = dir.resolve("child.out");
        Path stderr = dir.resolve("child.err");
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), KvCli.class.getName(),
                "import", "--pool", pool.toString(), "--mode", mode.name().toLowerCase(Locale.ROOT),
                "--file", input.toString(), "--ack", "--sync-every", "100")
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Files.size(stdout) == 0 && child.isAlive()) {
            if (System.nanoTime() > deadline) {
                child.destroyForcibly();
                fail(where + ": no ack within 60 s; stderr: " + Files.readString(stderr));
            }
            Thread.sleep(1);
        }
        Thread.sleep(delayMillis);
        child.destroyForcibly();                     // SIGKILL: no shutdown hook, no close()
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), where + ": the child did not die");
        String out = Files.readString(stdout, StandardCharsets.UTF_8);
        int complete = out.lastIndexOf('\n') + 1;    // a line cut by the kill is not an ack
        List<String> lines = out.substring(0, complete).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String expected = "ack " + key(i);
            if (!lines.get(i).equals(expected)) {
                fail(where + ": stdout line " + (i + 1) + " is '" + lines.get(i) + "', expected '" + expected + "'");
            }
        }
        System.out.printf(Locale.ROOT, "  %s: killed %d ms after the first ack, %d of %d records acknowledged%n",
                where, delayMillis, lines.size(), LINES);
        return lines.size();
    }

    /** Checks the reopened pool against the input, knowing that its first {@code acks} lines were acknowledged. */
    private static void verify(Path pool, AccessMode mode, int acks, String where) {
        try (KvStore kv = KvStore.open(new KvOptions(pool).mode(mode))) {
            List<String> problems = new ArrayList<>();
            for (int k = 0; k < KEYS && problems.size() < 5; k++) {
                String key = key(k);
                byte[] found = kv.get(key.getBytes(StandardCharsets.UTF_8));
                // the key's lines are k, k + KEYS, k + 2 KEYS, ...; the last acknowledged one bounds what may be found
                int lastAcked = acks > k ? k + (acks - 1 - k) / KEYS * KEYS : -1;
                if (found == null) {
                    if (lastAcked >= 0) {
                        problems.add(key + " absent, but line " + lastAcked + " was acknowledged");
                    }
                    continue;
                }
                String text = new String(found, StandardCharsets.UTF_8);
                int line = text.startsWith("value-of-line-") ? Integer.parseInt(text.substring(14)) : -1;
                if (line < 0 || line >= LINES || line % KEYS != k || line < lastAcked) {
                    problems.add(key + " holds '" + text + "'; last acknowledged line " + lastAcked);
                }
            }
            assertTrue(problems.isEmpty(), where + " (" + acks + " acks): " + problems);
            assertTrue(kv.count() <= KEYS, where + ": " + kv.count() + " keys, the input has " + KEYS);
            CheckReport report = kv.check();
            assertTrue(report.clean(), where + ": check: " + report);
        }
    }
}
