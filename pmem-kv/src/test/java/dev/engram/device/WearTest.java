package dev.engram.device;

import dev.engram.region.Granularity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Wear is counted per media line where the emulated device writes media; lines wear out at the limit. */
class WearTest {

    private static final int SIZE = 4096;

    private static DeviceRegion device(DeviceProfile profile, Granularity baseGranularity) {
        return DeviceRegion.builder(new HeapRegion(SIZE, 4 * SIZE, baseGranularity), profile).calibrate(false).build();
    }

    @Test
    void shouldCountOneMediaWritePerDirtyLinePerFlushOnCacheLineDevices() {
        DeviceRegion r = device(DeviceProfile.NONE, Granularity.CACHE_LINE);
        assertEquals(Granularity.CACHE_LINE, r.granularity(), "NONE keeps the wrapped region's granularity");

        r.putLong(0, 1);
        r.putLong(0, 2);
        r.putLong(8, 3);
        r.flush(0, 16);                       // line 0: three stores, one write-back
        r.flush(0, 16);                       // clean: nothing
        r.write(200, new byte[600], 0, 600);  // lines 0..3 dirty
        r.flush(0, 1024);                     // lines 0..3: +1
        r.putLong(256, 4);                    // line 1 dirty, not yet flushed
        assertEquals(1, r.wearAt(256), "a store alone writes no media");
        r.persist(256, 8);                    // line 1: +1
        r.fill(1024, 512, (byte) 7);          // lines 4, 5 dirty
        r.flush(1024, 256);                   // line 4: +1
        r.flush(0, SIZE);                     // line 5: +1
        r.copy(0, 2048, 8);                   // line 8 dirty
        r.compareAndSetLong(2304, 0, 1);      // line 9 dirty
        r.compareAndSetLong(2560, 99, 1);     // fails: line 10 stays clean
        r.putLongRelease(2816, 5);            // line 11 dirty
        r.persist(2048, 1024);                // lines 8, 9, 11: +1

        long[] expected = new long[SIZE / 256];
        expected[0] = 2;
        expected[1] = 2;
        expected[2] = 1;
        expected[3] = 1;
        expected[4] = 1;
        expected[5] = 1;
        expected[8] = 1;
        expected[9] = 1;
        expected[11] = 1;
        WearMap map = r.wearMap();
        assertArrayEquals(expected, map.toArray());
        assertEquals(11, map.totalWrites());
        assertEquals(2, map.maxWrites());
        assertEquals(11, r.deviceStats().mediaLineWrites());
    }

    @Test
    void shouldCountEveryStoreOnByteGranularDevicesAndNothingOnFlush() {
        DeviceRegion r = device(DeviceProfile.NVDIMM_N.withReadBandwidthBytesPerSecond(0)
                .withWriteBandwidthBytesPerSecond(0), Granularity.CACHE_LINE);
        assertEquals(Granularity.BYTE, r.granularity(), "the profile's granularity wins");
        assertEquals(64, r.lineBytes());
        r.putLong(0, 1);
        r.putLong(0, 2);
        r.putByte(3, (byte) 1);
        r.write(60, new byte[10], 0, 10);     // lines 0 and 1
        r.persist(0, SIZE);
        assertEquals(4, r.wearAt(0));
        assertEquals(1, r.wearAt(64));
        assertEquals(0, r.wearAt(128));
    }

    @Test
    void shouldCountConcurrentStoresToOneLineExactly() throws Exception {
        DeviceRegion r = device(DeviceProfile.NONE.withGranularity(Granularity.BYTE), Granularity.CACHE_LINE);
        int threads = 4;
        int storesEach = 20_000;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            Future<?>[] done = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                long cell = 8L * t;
                done[t] = pool.submit(() -> {
                    for (int i = 0; i < storesEach; i++) {
                        r.putLong(cell, i);
                    }
                });
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertEquals((long) threads * storesEach, r.wearAt(0));
    }

    @Test
    void shouldKillALineWhenItsWritesReachTheEnduranceLimit() {
        int limit = 5;
        DeviceRegion r = device(DeviceProfile.NONE.withEnduranceWritesPerLine(limit), Granularity.CACHE_LINE);
        for (int i = 1; i < limit; i++) {
            r.putLong(0, i);
            r.persist(0, 8);
        }
        assertFalse(r.isDeadLine(0), "alive after " + (limit - 1) + " writes");
        r.putLong(0, limit);
        r.persist(0, 8);
        assertTrue(r.isDeadLine(0), "dead after " + limit + " writes");
        assertEquals(limit, r.getLong(0), "the last write landed");

        r.putLong(0, 1000);
        r.persist(0, 8);
        r.fill(0, 256, (byte) 0);
        assertEquals(limit, r.getLong(0), "a write beyond the limit does not take");
        assertEquals(List.of(MediaFault.deadLine(0, 256)), r.faults());
        assertEquals(1, r.deviceStats().wornOutLines());
        assertTrue(r.wearMap().isDead(0));

        r.putLong(256, 7);
        assertEquals(7, r.getLong(256), "the next line lives");
    }

    @Test
    void shouldWearOutOnStoreOnByteGranularDevices() {
        DeviceRegion r = device(DeviceProfile.NONE.withGranularity(Granularity.BYTE).withEnduranceWritesPerLine(3),
                Granularity.CACHE_LINE);
        r.putLong(512, 1);
        r.putLong(520, 2);
        r.putLong(512, 3);
        r.putLong(520, 4);
        assertEquals(3, r.getLong(512));
        assertEquals(2, r.getLong(520));
        assertEquals(1, r.deviceStats().wornOutLines());
    }

    @Test
    void shouldKeepCountingAcrossGrowth() {
        DeviceRegion r = device(DeviceProfile.NONE, Granularity.CACHE_LINE);
        r.grow(3 * SIZE);
        r.putLong(2 * SIZE + 300, 1);
        r.persist(2 * SIZE + 300, 8);
        assertEquals(1, r.wearAt(2 * SIZE + 300));
        assertEquals(3 * SIZE / 256, r.wearMap().lineCount());
        r.injectDeadLine(3 * SIZE - 1);
        assertTrue(r.isDeadLine(3 * SIZE - 256));
    }

    @Test
    void shouldExportTheWearMapAsCsvRows(@TempDir Path dir) throws Exception {
        DeviceRegion r = device(DeviceProfile.NONE, Granularity.CACHE_LINE);
        for (int i = 0; i < 3; i++) {
            r.putLong(512, i);
            r.persist(512, 8);
        }
        Path csv = dir.resolve("wear.csv");
        r.writeWearCsv(csv);
        List<String> rows = Files.readAllLines(csv, StandardCharsets.US_ASCII);
        assertEquals(1 + SIZE / 256, rows.size());
        assertEquals("line_index,offset,writes", rows.get(0));
        assertEquals("0,0,0", rows.get(1));
        assertEquals("2,512,3", rows.get(3));
        assertEquals("15,3840,0", rows.get(16));
    }

    @Test
    void shouldExportTheWearMapAsAHeatmapPngThatReadsBack(@TempDir Path dir) throws Exception {
        DeviceRegion r = DeviceRegion.builder(new HeapRegion(64 * 1024), DeviceProfile.NONE).calibrate(false).build();
        for (int i = 0; i < 100; i++) {
            r.putLong(0, i);
            r.persist(0, 8);
        }
        r.putLong(256, 1);
        r.persist(256, 8);
        r.injectDeadLine(512);
        Path png = dir.resolve("wear.png");
        r.writeWearHeatmapPng(png, 100);

        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "a PNG ImageIO can read");
        assertEquals(100, image.getWidth());
        assertEquals(3, image.getHeight(), "256 lines at 100 per row");
        assertEquals(0xFFFFFF, image.getRGB(0, 0) & 0xFFFFFF, "the hottest line is white");
        int warm = image.getRGB(1, 0) & 0xFFFFFF;
        assertTrue(warm != 0 && warm != 0xFFFFFF, "a line written once is between black and white");
        assertEquals(WearMap.DEAD_LINE_RGB, image.getRGB(2, 0) & 0xFFFFFF, "a dead line");
        assertEquals(0, image.getRGB(3, 0) & 0xFFFFFF, "an unwritten line is black");
        assertThrows(IllegalArgumentException.class, () -> r.writeWearHeatmapPng(png, 0));
    }

    @Test
    void shouldGroupLinesPerPixelWhenTheHeatmapWouldBeTooTall(@TempDir Path dir) throws Exception {
        int lines = 3 * WearMap.MAX_HEATMAP_HEIGHT;
        WearMap map = new WearMap(256, new long[lines], new java.util.BitSet());
        Path png = dir.resolve("tall.png");
        assertEquals(3, map.writeHeatmapPng(png, 1));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1, image.getWidth());
        assertEquals(WearMap.MAX_HEATMAP_HEIGHT, image.getHeight());
    }
}
