package dev.engram.powerfail;

import dev.engram.region.Region;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The failure model of a block device (CRAWL): unsynced sectors are written, dropped or garbage. */
class BlockDeviceCrashModelTest {

    private static final long SEED = 99;

    @Test
    void shouldWriteDropOrGarbageFillAnUnsyncedSector() {
        var sim = new PowerFailSimulator(SEED);
        Region disk = sim.blockDevice("disk", 4096, 512);
        byte[] record = filled(100, (byte) 0x5A);
        disk.write(512 + 16, record, 0, record.length);

        byte[] written = new byte[512];
        System.arraycopy(record, 0, written, 16, record.length);
        Set<String> outcomes = new HashSet<>();
        List<CrashImage> images = sim.crashPoint(sim.eventCount()).images();
        assertEquals(3, images.size(), "written, dropped, garbage");
        for (CrashImage image : images) {
            byte[] c = image.content("disk");
            byte[] sector = Arrays.copyOfRange(c, 512, 1024);
            if (Arrays.equals(sector, new byte[512])) {
                outcomes.add("dropped");
            } else if (Arrays.equals(sector, written)) {
                outcomes.add("written");
            } else {
                outcomes.add("garbage");
            }
            assertArrayEquals(new byte[512], Arrays.copyOfRange(c, 0, 512), "other sectors untouched: " + image);
            assertArrayEquals(new byte[3072], Arrays.copyOfRange(c, 1024, 4096), "other sectors untouched: " + image);
        }
        assertEquals(Set.of("written", "dropped", "garbage"), outcomes);
    }

    @Test
    void shouldAlwaysKeepWritesSyncedByDrain() {
        var sim = new PowerFailSimulator(SEED);
        Region disk = sim.blockDevice("disk", 8192, 4096);
        disk.putLong(8, 42);
        disk.drain(); // fdatasync
        int syncedFrom = sim.eventCount();
        disk.putLong(4096, 7);

        long checked = sim.forEachImage(CrashPoints.all(), Enumeration.DEFAULT, image -> {
            if (image.crashPoint().point() >= syncedFrom) {
                assertEquals(42L, MemoryDeviceCrashModelTest.longAt(image.content("disk"), 8), image.toString());
            }
        });
        assertTrue(checked >= 4, checked + " images");
    }

    @Test
    void shouldNotMakeAWriteDurableByFlushOnABlockDevice() {
        var sim = new PowerFailSimulator(SEED);
        Region disk = sim.blockDevice("disk", 4096, 512);
        disk.putLong(0, 1);
        disk.flush(0, 8); // a no-op on the CRAWL path: only fdatasync counts

        assertEquals(3L, sim.crashPoint(sim.eventCount()).imageCount());
    }

    @Test
    void shouldTearAWriteSpanningTwoSectorsPerSector() {
        var sim = new PowerFailSimulator(SEED);
        Region disk = sim.blockDevice("disk", 4096, 512);
        byte[] data = filled(1024, (byte) 1);
        disk.write(0, data, 0, data.length);

        CrashPoint end = sim.crashPoint(sim.eventCount());
        assertEquals(2, end.unitCount());
        assertEquals(9L, end.imageCount());
        boolean firstWithoutSecond = false;
        for (CrashImage image : end.images()) {
            byte[] c = image.content("disk");
            firstWithoutSecond |= Arrays.equals(Arrays.copyOfRange(c, 0, 512), filled(512, (byte) 1))
                    && Arrays.equals(Arrays.copyOfRange(c, 512, 1024), new byte[512]);
        }
        assertTrue(firstWithoutSecond, "the first sector can reach the media without the second");
    }

    @Test
    void shouldOfferEachVersionOfASectorRewrittenBeforeTheSync() {
        var sim = new PowerFailSimulator(SEED);
        Region disk = sim.blockDevice("disk", 8192, 4096);
        disk.putLong(100, 1);
        disk.putLong(4000, 2); // same 4 KiB sector, second write

        CrashPoint end = sim.crashPoint(sim.eventCount());
        assertEquals(1, end.unitCount(), end.describeUnit(0));
        assertEquals(4, end.choiceCount(0), "dropped, after write 1, after write 2, garbage");
        Set<List<Long>> pairs = new HashSet<>();
        for (CrashImage image : end.images()) {
            byte[] c = image.content("disk");
            pairs.add(List.of(MemoryDeviceCrashModelTest.longAt(c, 100), MemoryDeviceCrashModelTest.longAt(c, 4000)));
        }
        assertTrue(pairs.containsAll(Set.of(List.of(0L, 0L), List.of(1L, 0L), List.of(1L, 2L))), pairs.toString());
        assertTrue(!pairs.contains(List.of(0L, 2L)), "the page cache writes a sector whole, in write order: " + pairs);
    }

    @Test
    void shouldRebuildTheSameGarbageFromTheDescriptor() {
        var sim = new PowerFailSimulator(SEED);
        Region disk = sim.blockDevice("disk", 4096, 512);
        disk.putLong(0, 1);
        for (CrashImage image : sim.crashPoint(sim.eventCount()).images()) {
            assertArrayEquals(image.content("disk"), sim.image(image.descriptor()).content("disk"), image.toString());
        }
    }

    @Test
    void shouldIncludeGarbageSectorsAmongTheFamilies() {
        var sim = new PowerFailSimulator(SEED);
        Region disk = sim.blockDevice("disk", 16 * 512, 512);
        for (int s = 0; s < 9; s++) {
            disk.putLong(s * 512L, s + 1L); // 3^9 = 19683 images: families
        }
        List<CrashImage> images = sim.crashPoint(sim.eventCount()).images();
        long garbage = images.stream().filter(i -> i.family().startsWith("garbage#")).count();
        assertEquals(9, garbage);
        for (CrashImage image : images) {
            assertArrayEquals(image.content("disk"), sim.image(image.descriptor()).content("disk"), image.toString());
        }
    }

    private static byte[] filled(int length, byte value) {
        byte[] b = new byte[length];
        Arrays.fill(b, value);
        return b;
    }
}
