package dev.engram.region;

import dev.engram.powerfail.PowerFailSimulator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RUN eviction when the foreground outruns the destager: every slot is dirty, so each miss must
 * destage before it can evict. Dirty victims are destaged in batches, many pwrites sharing one
 * fdatasync, and counted here on the simulated capacity device, whose {@code drains} are exactly its
 * fdatasyncs and whose {@code syscalls} its preads, pwrites and fdatasyncs.
 */
class RunRegionEvictionTest {

    private static final long SEED = 0xBA7C4L;
    private static final Path PATH = Path.of("simulated-run");
    private static final int BLOCK = 4096;
    private static final int SLOTS = 16;
    private static final int BLOCKS = 10 * SLOTS + 1;      // header block + ten times the fast tier

    @Test
    void shouldDestageDirtyVictimsInBatchesThatShareOneFdatasync() {
        PowerFailSimulator sim = new PowerFailSimulator(SEED);
        Region capacity = sim.blockDevice("capacity", (long) BLOCKS * BLOCK, 4096);
        Region fast = sim.memoryDevice("fast", RunRegion.minimumFastTierBytes(BLOCK) + (SLOTS - 8) * (long) BLOCK);
        byte[] header = RegionHeader.image(RegionHeader.KIND_DATA, new UUID(SEED, 1), 0, 0);
        capacity.write(0, header, 0, header.length);
        capacity.persist(0, header.length);
        long fdatasyncsAtStart = capacity.stats().drains();

        try (RunRegion run = RunRegion.open(PATH, capacity, fast, BLOCK, false)) {
            assertEquals(SLOTS, run.tierStats().slots());
            byte[] block = new byte[BLOCK];
            for (int b = 1; b < BLOCKS; b++) {               // no background destager: the foreground pays
                new Random(SEED + b).nextBytes(block);
                run.write((long) b * BLOCK, block, 0, BLOCK);
                run.persist((long) b * BLOCK, BLOCK);
            }
            TieredRegion.TierStats stats = run.tierStats();
            long fdatasyncs = capacity.stats().drains() - fdatasyncsAtStart;
            long attach = 1;                                 // R1: the attach token, fdatasync'ed once
            long destageFdatasyncs = fdatasyncs - attach;
            System.out.printf("%d evictions, %d destages, %d destage fdatasyncs (%.1f blocks each), seed 0x%x%n",
                    stats.evictions(), stats.destages(), destageFdatasyncs,
                    (double) stats.destages() / destageFdatasyncs, SEED);

            assertEquals(BLOCKS - 1 - SLOTS, stats.evictions(), "every block past the first SLOTS evicted one");
            assertTrue(stats.destages() >= stats.evictions(), "each evicted block was dirty, so destaged first: " + stats);
            int batch = SLOTS / RunRegion.EVICTION_BATCH_SLOT_FRACTION;   // 4 of 16 slots
            assertTrue(destageFdatasyncs * batch <= stats.destages() + batch,
                    destageFdatasyncs + " fdatasyncs for " + stats.destages() + " destaged blocks: expected one per batch of "
                            + batch + ", not one per block");

            run.destage();
            assertEquals(0, run.tierStats().dirtyBlocks());
            assertTrue(!run.tierStats().attached(), "detached after a full destage");
            byte[] expected = new byte[BLOCK];
            byte[] seen = new byte[BLOCK];
            for (int b = 1; b < BLOCKS; b++) {               // the capacity device alone holds every block
                new Random(SEED + b).nextBytes(expected);
                capacity.read((long) b * BLOCK, seen, 0, BLOCK);
                assertArrayEquals(expected, seen, "block " + b + " on the capacity device");
            }
        }
    }
}
