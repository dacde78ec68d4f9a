package dev.engram.bench.workload;

import dev.engram.bench.WorkFiles;
import dev.engram.kv.EngineKind;
import dev.engram.kv.LaneTails;
import dev.engram.pmem.Pmem;
import dev.engram.region.AccessMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static dev.engram.bench.workload.RunnerTesting.number;
import static dev.engram.bench.workload.RunnerTesting.readJsonLines;
import static dev.engram.bench.workload.RunnerTesting.run;

/** The runner's command line, and the shape of what it writes, on tiny runs of 2,000 keys. */
class BenchCliTest {

    private Path dir;
    private Path json;

    @BeforeEach
    void setUp() throws IOException {
        Path parent = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        dir = Files.createTempDirectory(parent, "engram-bench-test-");
        json = dir.resolve("results.json");
    }

    @AfterEach
    void tearDown() {
        WorkFiles.deleteTree(dir);
    }

    /**
     * A scan's warm-up makes three passes over its store, so a new cursor's first step and the wrap to a
     * new scan run in profiled code before the measured pass; the measured trial still makes one pass.
     * Each driver opens its cursor before the phase starts (begin), on every ordered and unordered store.
     */
    @Test
    void shouldWarmAScanUpOverThreePassesAndMeasureOne() {
        for (String engine : new String[]{"hash", "sorted"}) {
            RunConfig c = BenchCli.parse("readseq", "--store", "engram", "--engine", engine, "--dir", dir.toString(),
                    "--keys", "2k", "--threads", "2", "--no-progress");
            Progress quiet = new Progress(false, System.err);
            Result warm = StoreTrial.run(c, DbBenchWorkload.READSEQ, 2_000, "warm-up", 0, quiet, 0, System.out);
            Result measured = StoreTrial.run(c, DbBenchWorkload.READSEQ, 2_000, "run 1", 1, quiet, 0, System.out);
            assertEquals(6_000L, ((Number) warm.get("ops")).longValue(), engine + ": warm-up operations");
            assertEquals(6_000L, ((Number) warm.get("found")).longValue(), engine + ": warm-up keys found");
            assertEquals(2_000L, ((Number) measured.get("ops")).longValue(), engine + ": measured operations");
            assertEquals(2_000L, ((Number) measured.get("found")).longValue(), engine + ": measured keys found");
        }
    }

    @Test
    void shouldParseEveryOptionIntoTheRunConfig() {
        RunConfig c = BenchCli.parse("readrandom", "--store", "engram", "--engine", "SORTED", "--mode", "crawl",
                "--dir", dir.toString(), "--keys", "2k", "--key-size", "24", "--value-size", "200", "--threads", "2",
                "--durable", "--json", json.toString(), "--ops", "5_000", "--seed", "0x2a", "--sample-every", "1",
                "--warmup-keys", "0", "--repeat", "3", "--duration", "1.5", "--size", "16M", "--no-progress", "--keep",
                "--lane-tails", "Background");
        assertEquals("readrandom", c.workload());
        assertEquals("engram", c.store());
        assertEquals(EngineKind.SORTED, c.engine());
        assertEquals(AccessMode.CRAWL, c.mode());
        assertEquals(dir, c.dir());
        assertEquals(2_000, c.keys());
        assertEquals(24, c.keyBytes());
        assertEquals(200, c.valueBytes());
        assertEquals(2, c.threads());
        assertTrue(c.durable());
        assertEquals("power", c.durabilityLabel());
        assertEquals(json, c.json());
        assertEquals(5_000, c.operations());
        assertEquals(42, c.seed());
        assertEquals(1, c.sampleEvery());
        assertEquals(0, c.warmupKeys());
        assertEquals(3, c.repeat());
        assertEquals(1.5, c.durationSeconds());
        assertEquals(16_000_000, c.sizeBytes());
        assertFalse(c.progress());
        assertTrue(c.keep());
        assertEquals(LaneTails.BACKGROUND, c.laneTails());
        c.conclude();
    }

    @Test
    void shouldDefaultToTheIssuesShapeAndBoundTheWarmupByTheKeys() {
        RunConfig c = BenchCli.parse("fillrandom", "--dir", dir.toString()).conclude();
        assertEquals(EngineKind.HASH, c.engine());
        assertEquals(AccessMode.WALK, c.mode());
        assertEquals(1_000_000, c.keys());
        assertEquals(16, c.keyBytes());
        assertEquals(100, c.valueBytes());
        assertEquals(1, c.threads());
        assertFalse(c.durable());
        assertEquals("process", c.durabilityLabel());
        assertEquals(RunConfig.DEFAULT_SEED, c.seed());
        assertEquals(16, c.sampleEvery());
        assertEquals(200_000, c.warmupKeys());
        assertEquals(1_000_000, c.operationsFor(DbBenchWorkload.FILLRANDOM, c.keys()));
        assertEquals(2_000, BenchCli.parse("fillrandom", "--dir", dir.toString(), "--keys", "2000").warmupKeys());
        assertEquals(LaneTails.EVERY_PERSIST, c.engramLaneTails(), "the store's own default");
    }

    @Test
    void shouldExitWithUsageErrorNamingTheChoicesForAnUnknownWorkloadOrBadOption() {
        RunnerTesting.Run unknown = run("fillbackwards", "--dir", dir.toString());
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown workload 'fillbackwards'"), unknown.err());
        assertTrue(unknown.err().contains("readwhilewriting") && unknown.err().contains("floors"), unknown.err());

        RunnerTesting.Run engine = run("fillseq", "--dir", dir.toString(), "--engine", "btree");
        assertEquals(2, engine.exit());
        assertTrue(engine.err().contains("expected hash or sorted"), engine.err());

        RunnerTesting.Run tooMany = run("fillseq", "--dir", dir.toString(), "--keys", "2000", "--ops", "3000");
        assertEquals(2, tooMany.exit());
        assertTrue(tooMany.err().contains("at most 2000"), tooMany.err());

        RunnerTesting.Run tails = run("fillseq", "--dir", dir.toString(), "--lane-tails", "sometimes");
        assertEquals(2, tails.exit());
        assertTrue(tails.err().contains("expected every-persist, background or off"), tails.err());
        RunnerTesting.Run peerTails = run("fillseq", "--dir", dir.toString(), "--store", "mapdb", "--lane-tails", "off");
        assertEquals(2, peerTails.exit());
        assertTrue(peerTails.err().contains("--lane-tails is Engram's"), peerTails.err());

        assertEquals(2, run("fillseq").exit(), "--dir is required");
        assertFalse(Files.exists(json), "nothing is written on a usage error");
    }

    @Test
    void shouldAppendOneCompleteSaneJsonObjectPerResult() throws IOException {
        RunnerTesting.Run fill = run("fillrandom", "--dir", dir.toString(), "--keys", "2000", "--threads", "2", "--durable",
                "--repeat", "2", "--warmup-keys", "1000", "--json", json.toString(), "--no-progress");
        assertEquals(0, fill.exit(), fill.err());
        RunnerTesting.Run read = run("readrandom", "--dir", dir.toString(), "--keys", "2000", "--engine", "sorted",
                "--json", json.toString(), "--no-progress");
        assertEquals(0, read.exit(), read.err());

        List<Map<String, Object>> results = readJsonLines(json);
        assertEquals(3, results.size(), "two fill runs and one read run");
        for (Map<String, Object> r : results) {
            for (String field : Result.REQUIRED) {
                assertTrue(r.containsKey(field) && r.get(field) != null, "field " + field + " in " + r);
            }
            assertEquals("engram", r.get("store"));
            assertEquals("walk", r.get("mode"));
            assertEquals(2_000.0, number(r, "keys"));
            assertEquals(16.0, number(r, "key_size"));
            assertEquals(100.0, number(r, "value_size"));
            assertTrue(Set.of("real", "emulated", "none").contains(r.get("dax")), r.toString());
            assertTrue(number(r, "ops_per_sec") > 0, r.toString());
            assertTrue(number(r, "p50_ns") > 0 && number(r, "p50_ns") <= number(r, "p99_ns"), r.toString());
            assertTrue(number(r, "p99_ns") <= number(r, "max_ns"), r.toString());
            assertEquals(2_000.0, number(r, "ops"));
            assertTrue(number(r, "samples") > 0 && number(r, "samples") <= 2_000, r.toString());
            assertEquals("0x20261122", r.get("seed"));
        }
        assertEquals("fillrandom", results.get(0).get("workload"));
        assertEquals("hash", results.get(0).get("engine"));
        assertEquals(2.0, number(results.get(0), "threads"));
        assertEquals("power", results.get(0).get("durability"));
        assertEquals(List.of(1.0, 2.0), List.of(number(results.get(0), "run"), number(results.get(1), "run")));
        assertTrue(number(results.get(0), "persists_per_op") >= 1, "a durable put persists: " + results.get(0));

        Map<String, Object> r = results.get(2);
        assertEquals("readrandom", r.get("workload"));
        assertEquals("sorted", r.get("engine"));
        assertEquals("process", r.get("durability"));
        assertEquals(2_000.0, number(r, "found"), "every present key is found");

        assertEquals(true, r.get("settled"), "settled after the pre-fill unless --as-written");
        assertFalse(results.get(0).containsKey("settled"), "a fill has no pre-fill to settle");
        RunnerTesting.Run written = run("readseq", "--dir", dir.toString(), "--keys", "2000", "--engine", "sorted",
                "--as-written", "--json", json.toString(), "--no-progress");
        assertEquals(0, written.exit(), written.err());
        Map<String, Object> w = readJsonLines(json).getLast();
        assertEquals(List.of("readseq", false, 2_000.0), List.of(w.get("workload"), w.get("settled"), number(w, "found")));

        assertEquals("every-persist", results.get(0).get("lane_tails"), "the store's default, named in each result");
        if (!"none".equals(results.get(0).get("dax"))) {
            // Byte-addressable media (libpmem's flush + drain, not msync): a durable put persists its
            // record and then its lane's tail (K2c); with the tails left to the background, the record only.
            assertTrue(number(results.get(0), "persists_per_op") >= 2, results.get(0).toString());
            RunnerTesting.Run background = run("fillrandom", "--dir", dir.toString(), "--keys", "2000", "--durable",
                    "--lane-tails", "background", "--warmup-keys", "0", "--json", json.toString(), "--no-progress");
            assertEquals(0, background.exit(), background.err());
            Map<String, Object> b = readJsonLines(json).getLast();
            assertEquals("background", b.get("lane_tails"));
            assertTrue(number(b, "persists_per_op") < 1.5, "K2c left to the background: " + b);
        }
        RunnerTesting.Run crawl = run("fillrandom", "--dir", dir.toString(), "--keys", "200", "--durable",
                "--mode", "crawl", "--lane-tails", "every-persist", "--warmup-keys", "0", "--json", json.toString(),
                "--no-progress");
        assertEquals(0, crawl.exit(), crawl.err());
        assertEquals("off", readJsonLines(json).getLast().get("lane_tails"),
                "a block device writes no tail, and the result says so");

        assertTrue(fill.out().contains("seed 0x20261122"), "the seed is printed: " + fill.out());
        assertTrue(fill.out().contains("fillrandom") && fill.out().contains("ops/s"), "a summary table: " + fill.out());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(json), left.toList(), "every trial directory is deleted");
        }
    }

    @Test
    void shouldReportTheFloorsInTheSameShape() throws IOException {
        assumeTrue(Pmem.availability().available(), Pmem.availability().reason());
        RunnerTesting.Run floors = run("floors", "--dir", dir.toString(), "--keys", "2000", "--duration", "0.05",
                "--json", json.toString(), "--no-progress");
        assertEquals(0, floors.exit(), floors.err());
        List<Map<String, Object>> results = readJsonLines(json);
        assertEquals(List.of("floor-mapped-read", "floor-mapped-scan", "floor-mapped-store", "floor-pmem-persist",
                "floor-fdatasync"), results.stream().map(r -> r.get("store")).toList());
        for (Map<String, Object> r : results) {
            for (String field : Result.REQUIRED) {
                assertNotNull(r.get(field), "field " + field + " in " + r);
            }
            assertEquals("floors", r.get("workload"));
            // A floor's operation can be shorter than the clock's step (30 ns scans; some VMs' clocks
            // step by 100 ns): its median may read 0, its 99th percentile not.
            assertTrue(number(r, "ops_per_sec") > 0 && number(r, "p50_ns") >= 0
                    && number(r, "p50_ns") <= number(r, "p99_ns") && number(r, "p99_ns") > 0, r.toString());
            assertTrue(Set.of("power", "process", "none").contains(r.get("durability")), r.toString());
        }
    }
}
