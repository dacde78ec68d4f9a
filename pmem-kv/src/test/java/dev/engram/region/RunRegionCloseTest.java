package dev.engram.region;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Closing a RUN region while its background destager is writing to the capacity file. The destager
 * used to be stopped by an interrupt, which closes a FileChannel in the middle of its pwrite; close()
 * then failed ("close failed: null", a ClosedChannelException from the file lock), seen once in four runs
 * of KvCompactionTest. Now it is woken and finishes its batch; close() must succeed every time and
 * the data must reopen intact.
 */
class RunRegionCloseTest {

    private static final int BLOCK = 4096;

    @Test
    void closeWhileTheDestagerWritesSucceedsAndKeepsTheData() {
        Random random = new Random(0xC105EL);
        for (int round = 0; round < 40; round++) {
            try (RegionFiles files = RegionFiles.onDisk()) {
                RegionOptions options = new RegionOptions(files.file("pool")).mode(AccessMode.RUN)
                        .fastTier(files.file("fast")).fastTierSize(RunRegion.minimumFastTierBytes(BLOCK) + 32L * BLOCK)
                        .blockBytes(BLOCK).size(256L * BLOCK).backgroundDestage(true);
                byte[] data = new byte[24 * BLOCK];
                random.nextBytes(data);
                long at = 2L * BLOCK;
                try (Region r = Regions.create(options)) {
                    r.write(at, data, 0, data.length);     // 24 of 32 slots dirty: the destager starts
                    r.persist(at, data.length);
                }                                          // close() races the destager's pwrites
                try (Region r = Regions.open(options)) {
                    byte[] back = new byte[data.length];
                    r.read(at, back, 0, back.length);
                    assertArrayEquals(data, back, "round " + round);
                }
                assertFalse(Thread.currentThread().isInterrupted());
            }
        }
    }
}
