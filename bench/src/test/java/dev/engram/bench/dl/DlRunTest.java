package dev.engram.bench.dl;

import dev.engram.bench.store.BenchStore;
import dev.engram.bench.store.StoreKind;
import dev.engram.bench.store.StoreSpec;
import dev.engram.kv.EngineKind;
import dev.engram.neuro.data.Mnist;
import dev.engram.region.AccessMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The deep-learning workload on real MNIST (skipped, with the reason, where the cache is absent): every
 * record read back equals its source, in one file per sample and in Engram; checkpoints are written whole
 * and deleted; the results carry the epoch rate and the checkpoint sweep.
 */
class DlRunTest {

    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        Path parent = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        dir = Files.createTempDirectory(parent, "engram-dl-test-");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static MnistRecords mnist() {
        Path cache = Mnist.defaultCacheDir();
        assumeTrue(Mnist.isPresent(cache), "MNIST is not cached in " + cache + " (./engram neuro fetch-data)");
        return MnistRecords.load(cache);
    }

    @Test
    void shouldReadEveryRecordBackAndReportEpochsAndCheckpointsForFilesAndEngram() throws IOException {
        MnistRecords data = mnist();
        DlRun.Settings s = new DlRun.Settings(1, 1, 35_000, List.of(1, 2), 1, 7);
        for (String store : List.of("files", "engram")) {
            Path trial = Files.createTempDirectory(dir, store + "-");
            Samples samples = store.equals("files") ? new FileSamples(trial) : new StoreSamples(new StoreSpec(
                    StoreKind.ENGRAM, EngineKind.HASH, AccessMode.WALK, false, trial, StoreSamples.KEY_BYTES,
                    MnistRecords.RECORD_BYTES, MnistRecords.RECORDS + 16L, 256L << 20, StoreSamples.CHUNK_BYTES, 8).open(),
                    StoreKind.ENGRAM);
            try (samples) {
                ByteArrayOutputStream log = new ByteArrayOutputStream();
                List<Map<String, Object>> results = DlRun.run(data, samples, dir, s, new PrintStream(log, true));
                assertEquals(3, results.size(), "one epoch result and one per sweep size");
                Map<String, Object> epoch = results.getFirst();
                assertEquals("dl-epoch", epoch.get("workload"));
                assertEquals(store, epoch.get("store"));
                assertEquals("power", epoch.get("durability"));
                assertTrue((double) epoch.get("ops_per_sec") > 0);
                assertEquals(2, epoch.get("checkpoints_per_epoch"));
                assertEquals(List.of(1, 2), results.subList(1, 3).stream().map(r -> r.get("checkpoint_mb")).toList());

                byte[] expected = new byte[MnistRecords.RECORD_BYTES];
                for (int i : new int[]{0, 59_999, 60_000, 69_999}) {
                    data.copyRecord(i, expected);
                    assertArrayEquals(expected, samples.readCopy(i), store + " record " + i);
                    assertEquals(MnistRecords.RECORD_BYTES, samples.read(i));
                }
                assertTrue(expected[MnistRecords.LABEL_OFFSET] >= 0 && expected[MnistRecords.LABEL_OFFSET] <= 9);
            }
        }
    }

    @Test
    void shouldKeepACheckpointWholeUntilItIsDeleted() throws IOException {
        Path trial = Files.createTempDirectory(dir, "ckpt-");
        BenchStore store = new StoreSpec(StoreKind.ENGRAM, EngineKind.HASH, AccessMode.WALK, false, trial,
                StoreSamples.KEY_BYTES, MnistRecords.RECORD_BYTES, 100, 64L << 20, StoreSamples.CHUNK_BYTES, 8).open();
        try (StoreSamples samples = new StoreSamples(store, StoreKind.ENGRAM)) {
            byte[] blob = new byte[(2 << 20) + 12_345];                // two whole chunks and a partial one
            new java.util.SplittableRandom(3).nextBytes(blob);
            samples.writeCheckpoint(9, blob, blob.length);
            byte[] key = new byte[StoreSamples.KEY_BYTES];
            java.nio.ByteBuffer k = java.nio.ByteBuffer.wrap(key).putLong(0, 9).put(0, StoreSamples.CHECKPOINT);
            java.io.ByteArrayOutputStream back = new java.io.ByteArrayOutputStream();
            for (long n = 0; n < 3; n++) {
                k.putLong(StoreSamples.NUMBER_OFFSET, n);
                back.writeBytes(store.value(key));
            }
            assertArrayEquals(blob, back.toByteArray());
            samples.deleteCheckpoint(9);
            k.putLong(StoreSamples.NUMBER_OFFSET, 0);
            assertNull(store.value(key));
        }
    }
}
