package dev.engram.bench.compare;

import dev.engram.bench.store.StoreKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The comparison's report on made-up results whose every ratio is known: power-safe rows only beside
 * power-safe rows, every Engram row as a fraction of its floor, the targets judged from the same numbers,
 * and a plot per table.
 */
class CompareReportTest {

    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("engram-compare-report-test-");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static Map<String, Object> result(String label, String workload, String store, String engine, String mode,
                                              String durability, double opsPerSecond) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("workload", workload);
        r.put("store", store);
        r.put("engine", engine);
        r.put("mode", mode);
        r.put("threads", 1);
        r.put("durability", durability);
        r.put("ops_per_sec", opsPerSecond);
        r.put("p50_ns", 1000);
        r.put("p99_ns", 5000);
        r.put("dax", "emulated");
        r.put("ops", 1_000_000);
        r.put("seconds", 1_000_000 / opsPerSecond);
        r.put("cpu_workers_s", 1_000_000 / opsPerSecond);
        r.put("dir", "/dev/shm");
        r.put("label", label);
        r.put("persistence", store + " " + durability);
        return r;
    }

    @Test
    void shouldJudgeEngramOnlyAgainstPowerSafePeersAndItsOwnFloors() throws IOException {
        List<Map<String, Object>> results = new ArrayList<>();
        results.add(result("floors", "floors", "floor-pmem-persist", "none", "none", "power", 4_000_000));
        results.add(result("floors", "floors", "floor-mapped-store", "none", "none", "process", 20_000_000));
        results.add(result("floors", "floors", "floor-mapped-read", "none", "none", "none", 2_000_000));
        results.add(result("floors", "floors", "floor-mapped-scan", "none", "none", "none", 40_000_000));
        results.add(result("engram-durable", "fillrandom", "engram", "hash", "walk", "power", 1_000_000));
        Map<String, Object> background = result("engram-durable-background-tails", "fillrandom", "engram", "hash",
                "walk", "power", 1_200_000);
        background.put("lane_tails", "background");     // faster, so that judging the first Engram row would fail
        results.addFirst(background);
        results.add(result("lmdb-durable", "fillrandom", "lmdb", "btree", "none", "power", 100_000));
        results.add(result("chronicle-fast", "fillrandom", "chronicle", "hash", "none", "process", 5_000_000));
        results.add(result("engram-fast", "readrandom", "engram", "hash", "walk", "process", 900_000));
        results.add(result("lmdb-fast", "readrandom", "lmdb", "btree", "none", "process", 600_000));
        results.add(result("engram-sorted", "readseq", "engram", "sorted", "walk", "process", 800_000));
        Map<String, Object> asWritten = result("engram-sorted-as-written", "readseq", "engram", "sorted", "walk", "process",
                1_200_000);
        asWritten.put("settled", false);          // faster here only so that picking the first Engram row would fail
        results.add(asWritten);
        results.add(result("lmdb-fast", "readseq", "lmdb", "btree", "none", "process", 1_600_000));
        Path json = dir.resolve("results.json");
        for (Map<String, Object> r : results) {
            Files.writeString(json, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(r) + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
        ComparePlan plan = ComparePlan.standard(true, Path.of("/dev/shm"), null,
                List.of(StoreKind.ENGRAM, StoreKind.LMDB, StoreKind.CHRONICLE));
        List<Map<String, Object>> read = Results.read(json);
        List<String> plots = ComparePlots.write(dir.resolve("plots"), read, plan);
        Host host = new Host("cpu", "1 GiB", "kernel", "jvm", "fs", "pmem", "0.00 0.00 0.00", "git test");
        CompareReport.write(dir.resolve("README.md"), plan, List.of(), read, plots, host, host, 60);
        String md = Files.readString(dir.resolve("README.md"));

        String powerSafe = section(md, "### Power-safe put");
        assertTrue(powerSafe.contains("| engram | hash | walk | power |"), powerSafe);
        assertTrue(powerSafe.contains("| engram | hash (tails in background) | walk | power |"), powerSafe);
        assertTrue(powerSafe.contains("| lmdb | btree | none | power |"), powerSafe);
        assertFalse(powerSafe.contains("chronicle |"), "a process-durable put is never beside power-safe ones");
        assertTrue(powerSafe.contains("| 10.00 |"), "engram 1 M vs lmdb 100 k: 10x the best power-safe peer");
        assertTrue(powerSafe.contains("0.250 (4.0x) `floor-pmem-persist`"), "1 M of a 4 M floor");

        String fast = section(md, "### Put at each store's fastest setting");
        assertTrue(fast.contains("chronicle |") && !fast.contains("| power |"), fast);

        String get = section(md, "### Random get");
        assertTrue(get.contains("0.450 (2.2x) `floor-mapped-read`"), get);
        assertTrue(get.contains("| 1.50 |"), "900 k vs 600 k");

        String targets = section(md, "### The issue's targets");
        assertTrue(targets.contains("**10.00x**") && targets.contains("| met |"), "the default's row: " + targets);
        assertTrue(targets.contains("in the background (`LaneTails.BACKGROUND`, as power-safe) | 1.20 M vs 100 k: **12.00x**"),
                targets);
        assertTrue(targets.contains("**1.50x**"), targets);
        assertTrue(targets.contains("**0.50x**") && targets.contains("**missed**"), "scan 800 k vs 1.6 M: " + targets);
        assertTrue(targets.contains("as written (no compaction in key order) 1.20 M: 0.75x"), targets);
        assertTrue(section(md, "### Ordered scan").contains("| engram | sorted (as written) | walk |"), md);
        assertTrue(targets.contains("3 of 5 rows"), "puts 0.25 and 0.30, get 0.45 within 5x; the scans 0.02 and 0.03 not: "
                + targets);

        assertTrue(plots.containsAll(List.of("power-safe-put.png", "random-get.png", "ordered-scan.png")), plots.toString());
        for (String p : plots) {
            assertTrue(Files.size(dir.resolve("plots").resolve(p)) > 1000, p + " is a PNG");
        }
    }

    private static String section(String md, String heading) {
        int start = md.indexOf(heading);
        assertTrue(start >= 0, heading + " in\n" + md);
        int end = md.indexOf("\n### ", start + heading.length());
        return md.substring(start, end < 0 ? md.length() : end);
    }

    @Test
    void shouldPlanEveryStoreAtBothSettingsAndNoPowerSafeChronicleStep() {
        ComparePlan plan = ComparePlan.standard(false, Path.of("/dev/shm"), Path.of("/tmp"), List.of(StoreKind.values()));
        List<ComparePlan.Step> steps = plan.steps(Path.of("/tmp/x.json"));
        List<String> ids = steps.stream().map(ComparePlan.Step::id).toList();
        for (StoreKind k : StoreKind.values()) {
            assertTrue(ids.contains(k.id() + "-fast"), ids.toString());
            assertEquals(k.hasPowerSafeSetting(), ids.contains(k.id() + "-durable"), k + ": " + ids);
        }
        assertTrue(ids.containsAll(List.of("floors", "floors-ext4", "engram-sorted", "mapdb-sorted", "engram-sorted-as-written",
                "engram-durable-background-tails")), ids.toString());
        ComparePlan.Step tails = steps.stream().filter(s -> s.id().equals("engram-durable-background-tails")).findFirst()
                .orElseThrow();
        assertTrue(tails.args().containsAll(List.of("--durable", "--lane-tails", "background")), tails.toString());
        for (ComparePlan.Step s : steps) {
            assertTrue(s.args().contains("--label") && s.args().get(s.args().indexOf("--label") + 1).equals(s.id()), s.toString());
            if (s.id().endsWith("-durable")) {
                assertTrue(s.args().contains("--durable"), s.toString());
            }
        }
        ComparePlan.Step lmdbFast = steps.stream().filter(s -> s.id().equals("lmdb-fast")).findFirst().orElseThrow();
        String workloads = lmdbFast.args().getFirst();
        assertTrue(workloads.endsWith("ycsb-e,deleterandom"), "deleterandom last on the shared store: " + workloads);
        assertTrue(workloads.indexOf("readmissing") < workloads.indexOf("ycsb-d"), "readmissing before the inserts");
    }
}
