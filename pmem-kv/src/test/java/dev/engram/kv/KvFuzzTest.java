package dev.engram.kv;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.engram.kv.cli.KvCli;
import dev.engram.powerfail.CrashImage;
import dev.engram.powerfail.CrashPoint;
import dev.engram.powerfail.CrashPoints;
import dev.engram.powerfail.Enumeration;
import dev.engram.region.AccessMode;
import org.junit.jupiter.api.AfterAll;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzz targets (issue #6, deliverable 3), run by Jazzer. In a normal build each target runs once per
 * file of its regression corpus ({@code src/test/resources/dev/engram/kv/KvFuzzTestInputs/<method>/})
 * plus the empty input. With {@code JAZZER_FUZZ=1} (the {@code fuzz} profile; see docs/reliability.md)
 * Jazzer mutates inputs for the given duration, reports executions, and saves any input that fails as
 * a new file of that corpus.
 */
class KvFuzzTest {

    private static final Path SCRATCH = Path.of("/dev/shm", "engram-fuzz-" + ProcessHandle.current().pid());

    /**
     * A pool from arbitrary bytes (seeded with valid pools of both engines): opening it in CRAWL and in
     * WALK either fails with a {@link KvException} or recovers a store whose every key reads (or fails
     * with MEDIA) and whose {@code check()} runs; nothing else may escape, and the file is never modified,
     * not by a refused open and not by a successful one.
     */
    @FuzzTest(maxDuration = "30s")
    void openAndRecoverArbitraryBytes(byte[] data) throws IOException {
        Files.createDirectories(SCRATCH);
        Path file = SCRATCH.resolve("pool");
        Files.deleteIfExists(file);
        Files.write(file, data);
        for (AccessMode mode : new AccessMode[]{AccessMode.CRAWL, AccessMode.WALK}) {
            try (KvStore kv = KvStore.open(new KvOptions(file).mode(mode))) {
                try (KvCursor c = kv.cursor()) {
                    while (c.next()) {
                        try {
                            c.value();
                        } catch (KvException e) {
                            assertEquals(KvException.Code.MEDIA, e.code(), e.getMessage());
                        }
                    }
                }
                kv.check();
            } catch (KvException e) {
                assertTrue(e.getMessage().contains(file.toString()), "the error names the file: " + e.getMessage());
            }
            assertArrayEquals(data, Files.readAllBytes(file), mode + ": opening changed the file");
        }
    }

    /** Runs of {@link #importJsonLines} in this JVM, to start a fresh pool every 500. */
    private static int importRuns;

    /**
     * {@code kv import --ack} from arbitrary bytes on stdin: the command ends with 0 (every line
     * imported, one ack per non-blank line) or 65 (input refused, the message naming the line), never
     * with an internal error, and never prints a stack trace.
     */
    @FuzzTest(maxDuration = "30s")
    void importJsonLines(byte[] data) throws IOException {
        Files.createDirectories(SCRATCH);
        Path pool = SCRATCH.resolve("import-pool");
        if (importRuns++ % 500 == 0) {           // a fresh pool now and then, so recovery at open stays short
            Files.deleteIfExists(pool);
            KvStore.create(new KvOptions(pool).size(1 << 20).segmentBytes(64 * 1024)).close();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = KvCli.run(new ByteArrayInputStream(data), o, e, "import", "--pool", pool.toString(), "--file",
                    "-", "--ack");
        }
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertTrue(status == 0 || status == 65, "exit status " + status + ", expected 0 or 65; stderr: " + stderr);
        assertTrue(!stderr.contains("\tat "), "a stack trace: " + stderr);
        if (status == 0) {
            long acks = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("ack ")).count();
            assertEquals(nonBlankLines(data), acks, "one ack per non-blank line");
        } else {
            assertTrue(stderr.contains("line ") || stderr.contains("limit"), "the refusal names the line: " + stderr);
        }
    }

    /** The number of non-blank lines, as the import command counts them: LF-terminated, a trailing CR dropped. */
    private static long nonBlankLines(byte[] data) {
        long count = 0;
        int start = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == '\n') {
                int end = i > start && data[i - 1] == '\r' ? i - 1 : i;
                if (!decode(Arrays.copyOfRange(data, start, end)).isBlank()) {
                    count++;
                }
                start = i + 1;
            }
        }
        return count;
    }

    private static String decode(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An operation sequence and a crash point from the fuzzer: up to eight durable calls on small keys,
     * then one crash image anywhere inside them, checked for (a)–(e) like the campaign does. Durable
     * calls only: the buffered prefix is the campaign's, which also crashes the process between power
     * failures (where BUG-4 was found and is now checked).
     */
    @FuzzTest(maxDuration = "30s")
    void crashAnOperationSequence(FuzzedDataProvider data) {
        EngineKind engine = data.consumeBoolean() ? EngineKind.SORTED : EngineKind.HASH;
        SimulatedPool pool = data.pickValue(SimulatedPool.all());
        List<CrashStep> steps = new ArrayList<>();
        int n = data.consumeInt(1, 8);
        for (int i = 0; i < n; i++) {
            String key = "k" + data.consumeInt(0, 4);
            String value = data.consumeAsciiString(data.consumeInt(0, 300));
            steps.add(switch (data.consumeInt(0, 4)) {
                case 0 -> CrashStep.put(key, value, null);
                case 1 -> CrashStep.delete(key, null);
                case 2 -> CrashStep.putIfAbsent(key, value, null);
                case 3 -> CrashStep.replace(key, data.consumeAsciiString(4), value, null);
                default -> CrashStep.batch(List.of(new CrashStep.BatchOp(key, value),
                        new CrashStep.BatchOp("k" + data.consumeInt(0, 4), data.consumeBoolean() ? null : value)), null);
            });
        }
        // Replace's expected value must match what the model holds sometimes: rebuild it against the model.
        steps = withModelConsistentReplaces(steps, data);
        CrashScenario scenario = new CrashScenario("fuzz/durable", Durability.DURABLE, 2, List.of(), steps);
        CrashCampaign.Recording r = CrashCampaign.record(scenario, engine, pool);
        int step = data.consumeInt(0, steps.size() - 1);
        var op = r.sim().operations().get(r.operation()[step]);
        int point = data.consumeInt(op.beginEvent() + 1, op.endEvent());
        CrashPoint crashPoint = r.sim().crashPoints(CrashPoints.at(point)).iterator().next();
        List<CrashImage> images = crashPoint.images(new Enumeration(1024, 16));
        CrashImage image = images.get(data.consumeInt(0, images.size() - 1));
        CrashCampaign.Config config = CrashCampaign.CI;
        CrashCampaign.Tally tally = new CrashCampaign.Tally();
        CrashCampaign.check(r, step, image, data.consumeBoolean(), config, tally);
        assertEquals(List.of(), tally.failures, engine + " " + pool + " " + steps + " step " + step + " point " + point
                + " " + image.family());
    }

    private static List<CrashStep> withModelConsistentReplaces(List<CrashStep> steps, FuzzedDataProvider data) {
        java.util.Map<String, String> model = new java.util.TreeMap<>();
        List<CrashStep> out = new ArrayList<>();
        for (CrashStep s : steps) {
            CrashStep t = s;
            if (s.kind == CrashStep.Kind.REPLACE && model.containsKey(s.key) && data.consumeBoolean()) {
                t = CrashStep.replace(s.key, model.get(s.key), s.value, null);
            }
            t.model(model);
            out.add(t);
        }
        return out;
    }

    @AfterAll
    static void removeScratch() throws IOException {
        if (Files.exists(SCRATCH)) {
            try (var files = Files.walk(SCRATCH)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
