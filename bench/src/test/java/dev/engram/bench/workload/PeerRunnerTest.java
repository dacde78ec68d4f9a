package dev.engram.bench.workload;

import dev.engram.bench.WorkFiles;
import dev.engram.bench.store.StoreKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.engram.bench.workload.RunnerTesting.number;
import static dev.engram.bench.workload.RunnerTesting.readJsonLines;
import static dev.engram.bench.workload.RunnerTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every store through the runner, on tiny runs of 2,000 keys: the db_bench and YCSB workloads answer
 * correctly (the runner fails a run whose reads miss), results carry the store's own engine, mode and
 * honest durability, and YCSB results their operation mix.
 */
class PeerRunnerTest {

    private Path dir;
    private Path json;

    @BeforeEach
    void setUp() throws IOException {
        Path parent = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        dir = Files.createTempDirectory(parent, "engram-peer-test-");
        json = dir.resolve("results.json");
    }

    @AfterEach
    void tearDown() {
        WorkFiles.deleteTree(dir);
    }

    private List<String> common(String workloads, StoreKind store) {
        return new ArrayList<>(List.of(workloads, "--store", store.id(), "--dir", dir.toString(), "--keys", "2000",
                "--warmup-keys", "0", "--json", json.toString(), "--no-progress"));
    }

    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void shouldRunEveryWorkloadOnEveryStoreAndLabelItsResultsHonestly(StoreKind store) throws IOException {
        boolean ordered = store.defaultEngine() == dev.engram.kv.EngineKind.SORTED || store == StoreKind.MAPDB
                || store == StoreKind.ENGRAM;
        String workloads = "fillrandom,overwrite,readrandom,readmissing,readseq,deleterandom,ycsb-a,ycsb-b,ycsb-c,ycsb-d,ycsb-f"
                + (ordered ? ",ycsb-e" : "");
        List<String> args = common(workloads, store);
        if (ordered && store.supports(dev.engram.kv.EngineKind.HASH)) {
            args.addAll(List.of("--engine", "sorted"));
        }
        RunnerTesting.Run r = run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        List<Map<String, Object>> results = readJsonLines(json);
        assertEquals(workloads.split(",").length, results.size());
        for (Map<String, Object> result : results) {
            assertEquals(store.id(), result.get("store"));
            assertEquals(store.durability(false), result.get("durability"), result.toString());
            assertEquals(store.peer() ? "none" : "walk", result.get("mode"));
            assertTrue(number(result, "ops_per_sec") > 0, result.toString());
            String w = (String) result.get("workload");
            if (w.startsWith("ycsb-")) {
                double kinds = 0;
                for (String k : YcsbWorkload.KIND_FIELDS) {
                    kinds += number(result, k);
                }
                assertEquals(number(result, "ops"), kinds, "every operation has a kind: " + result);
                assertTrue(((String) result.get("request_distribution")).contains("0.99"), result.toString());
            }
        }
        Map<String, Object> a = results.stream().filter(m -> "ycsb-a".equals(m.get("workload"))).findFirst().orElseThrow();
        double readShare = number(a, "reads") / number(a, "ops");
        assertEquals(0.5, readShare, 0.05, "ycsb-a is half reads: " + a);
        Map<String, Object> d = results.stream().filter(m -> "ycsb-d".equals(m.get("workload"))).findFirst().orElseThrow();
        assertEquals(0.05, number(d, "inserts") / number(d, "ops"), 0.02, "ycsb-d inserts 5 %: " + d);
    }

    @ParameterizedTest
    @EnumSource(value = StoreKind.class, names = {"ENGRAM", "LMDB", "ROCKSDB", "MAPDB", "MVSTORE"})
    void shouldRunThePowerSafeSettingOfEveryStoreThatHasOne(StoreKind store) throws IOException {
        List<String> args = common("fillrandom,ycsb-a", store);
        args.add("--durable");
        RunnerTesting.Run r = run(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        for (Map<String, Object> result : readJsonLines(json)) {
            assertEquals("power", result.get("durability"), result.toString());
        }
    }

    @Test
    void shouldRefuseWhatAStoreCannotDoWithAUsageErrorThatSaysWhy() {
        RunnerTesting.Run durableChronicle = run("fillrandom", "--store", "chronicle", "--durable", "--dir", dir.toString());
        assertEquals(2, durableChronicle.exit());
        assertTrue(durableChronicle.err().contains("Chronicle Map has no power-fail-safe setting"), durableChronicle.err());

        RunnerTesting.Run scanHash = run("ycsb-e", "--store", "chronicle", "--dir", dir.toString());
        assertEquals(2, scanHash.exit());
        assertTrue(scanHash.err().contains("ycsb-e scans key ranges"), scanHash.err());

        RunnerTesting.Run modePeer = run("fillrandom", "--store", "lmdb", "--mode", "crawl", "--dir", dir.toString());
        assertEquals(2, modePeer.exit());
        assertTrue(modePeer.err().contains("access modes are Engram's"), modePeer.err());

        RunnerTesting.Run hashLmdb = run("fillrandom", "--store", "lmdb", "--engine", "hash", "--dir", dir.toString());
        assertEquals(2, hashLmdb.exit());
        assertTrue(hashLmdb.err().contains("ordered (no hash engine)"), hashLmdb.err());

        RunnerTesting.Run unknown = run("fillrandom", "--store", "leveldb", "--dir", dir.toString());
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("expected one of engram, lmdb, rocksdb, chronicle, mapdb, mvstore"), unknown.err());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count(), "nothing is written on a usage error");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
