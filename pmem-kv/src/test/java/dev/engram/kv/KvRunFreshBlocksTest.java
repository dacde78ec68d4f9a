package dev.engram.kv;

import dev.engram.region.AccessMode;
import dev.engram.region.TieredRegion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On RUN, the log releases each segment it takes ({@code Region.discard}): the blocks a lane then
 * writes start from zeros in the fast tier instead of being read from the capacity file first, both in
 * never-used segments and in segments the cleaner freed; the data survives reopening either way.
 */
class KvRunFreshBlocksTest {

    private static final int SEGMENT = 64 * 1024;
    private static final int BLOCK = 4096;

    /** A file system with page-granular persistence: each durable put pads to 4 KiB, on zeros the log writes itself. */
    @TempDir
    Path diskDir;

    /** Memory-backed: the fast tier persists by cache-line flushes. */
    @TempDir(factory = ShmTempDir.class)
    Path shmDir;

    private static KvOptions options(Path dir) {
        return new KvOptions(dir.resolve("pool")).engine(EngineKind.HASH).mode(AccessMode.RUN)
                .size(PoolFormat.FIRST_SEGMENT_OFFSET + 64L * SEGMENT).segmentBytes(SEGMENT)
                .fastTierSize(1 << 20).autoCompact(false);
    }

    private static TieredRegion.TierStats tiers(KvStore kv) {
        return ((TieredRegion) kv.region()).tierStats();
    }

    @Test
    void shouldWriteTheLogsSegmentsWithoutReadingTheirBlocksFromTheCapacityFileOnADisk() {
        writeAndClean(diskDir, 300);
    }

    @Test
    void shouldWriteTheLogsSegmentsWithoutReadingTheirBlocksFromTheCapacityFileInMemory() {
        writeAndClean(shmDir, 3000);
    }

    private static void writeAndClean(Path dir, int keys) {
        try (KvStore kv = KvStore.create(options(dir))) {
            long promotionsAtOpen = tiers(kv).promotions();        // the pool's metadata, the segments' headers
            for (int i = 0; i < keys; i++) {
                kv.put(key(i), value(i, 1));
            }
            TieredRegion.TierStats stats = tiers(kv);
            long logBlocks = (long) keys * (16 + 100) / BLOCK;        // at least: each record is larger
            System.out.println(dir + ", after " + keys + " puts: " + stats + " (" + promotionsAtOpen + " promotions at open)");
            assertTrue(stats.zeroFills() >= logBlocks, stats + ": expected the log's " + logBlocks
                    + "+ blocks started from zeros");
            assertEquals(promotionsAtOpen, stats.promotions(), stats + ": no block read from the capacity file by the puts");

            // Overwrite everything, then clean: the freed segments are taken again, released again.
            for (int i = 0; i < keys; i++) {
                kv.put(key(i), value(i, 2));
            }
            long zeroFillsBefore = tiers(kv).zeroFills();
            CompactionReport report = kv.compact();
            assertTrue(report.segmentsFreed() > 0, report.toString());
            for (int i = 0; i < keys; i++) {
                kv.put(key(i), value(i, 3));
            }
            assertTrue(tiers(kv).zeroFills() > zeroFillsBefore, tiers(kv).toString());
            for (int i = 0; i < keys; i++) {
                assertArrayEquals(value(i, 3), kv.get(key(i)), "key " + i);
            }
        }
        try (KvStore kv = KvStore.open(options(dir))) {
            assertEquals(keys, kv.count());
            for (int i = 0; i < keys; i++) {
                assertArrayEquals(value(i, 3), kv.get(key(i)), "key " + i + " after reopening");
            }
            CheckReport check = kv.check();
            assertTrue(check.clean(), check.toString());
        }
    }

    private static byte[] key(int i) {
        return String.format("key-%012d", i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int i, int version) {
        byte[] v = new byte[100];
        for (int j = 0; j < v.length; j++) {
            v[j] = (byte) (i * 31 + j * 7 + version);
        }
        return v;
    }
}
