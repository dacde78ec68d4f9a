package dev.engram.device;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Random injection hits exactly round(f * N) cells, bits or lines, reproducibly from its seed. */
class RandomFaultInjectionTest {

    private static final int SIZE = 64 * 1024;

    private static DeviceRegion device(long contentSeed) {
        DeviceRegion r = DeviceRegion.builder(new HeapRegion(SIZE), DeviceProfile.NONE).calibrate(false).build();
        byte[] content = new byte[SIZE];
        new SplittableRandom(contentSeed).nextBytes(content);
        r.write(0, content, 0, SIZE);
        return r;
    }

    @Test
    void shouldStickExactlyTheRoundedFractionOfCellsFrozenAtTheirContent() {
        long seed = Seeds.seed("cells", 0xC311L);
        DeviceRegion r = device(seed + 1);
        // [4093, 65536): cells wholly inside are 4096..65528, N = 7680; 0.013 * 7680 = 99.84 -> 100
        long[] content = new long[SIZE / 8];
        for (int i = 0; i < content.length; i++) {
            content[i] = r.getLong(8L * i);
        }
        List<MediaFault> hit = r.injectRandomStuckCells(4093, SIZE - 4093, 0.013, seed);
        assertEquals(100, hit.size(), "seed=" + seed);
        Set<Long> offsets = new HashSet<>();
        for (MediaFault f : hit) {
            assertTrue(f.offset() >= 4096 && f.offset() + 8 <= SIZE, "seed=" + seed + " " + f);
            assertEquals(MediaFault.Kind.STUCK_CELL, f.kind());
            assertEquals(content[(int) (f.offset() / 8)], f.stuckValue(), "frozen at content, seed=" + seed);
            offsets.add(f.offset());
        }
        assertEquals(100, offsets.size(), "distinct cells, seed=" + seed);
        assertEquals(hit, r.faults(), "seed=" + seed);

        r.fill(0, SIZE, (byte) 0);
        int nonZero = 0;
        for (long cell = 0; cell < SIZE; cell += 8) {
            if (r.getLong(cell) != 0) {
                nonZero++;
                assertTrue(offsets.contains(cell), "only stuck cells keep data, cell " + cell + " seed=" + seed);
            }
        }
        assertTrue(nonZero >= 99, "stuck cells kept their (random, almost surely non-zero) content, seed=" + seed);
    }

    @Test
    void shouldStickExactlyTheRoundedFractionOfCellsAtACallerChosenField() {
        long seed = Seeds.seed("cell-field", 0xF1E1DL);
        DeviceRegion r = device(seed);
        long mask = 0xFFFF_FFFF_0000_0000L;
        long gMin = 0x0000_0001_0000_0000L;
        List<MediaFault> hit = r.injectRandomStuckCells(0, SIZE, 0.25, mask, gMin, seed);
        assertEquals(Math.round(0.25 * (SIZE / 8)), hit.size(), "seed=" + seed);
        for (MediaFault f : hit) {
            r.putLong(f.offset(), -1L);
            assertEquals(0x0000_0001_FFFF_FFFFL, r.getLong(f.offset()), "seed=" + seed + " " + f);
        }
    }

    @Test
    void shouldStickExactlyTheRoundedFractionOfBits() {
        long seed = Seeds.seed("bits", 0xB175L);
        DeviceRegion r = device(seed);
        // [3, 803): cells 8..792 wholly inside, 99 cells, N = 6336 bits; 0.01 * 6336 = 63.36 -> 63
        List<MediaFault> hit = r.injectRandomStuckBits(3, 800, 0.01, false, seed);
        assertEquals(63, hit.size(), "seed=" + seed);
        Set<String> bits = new HashSet<>();
        for (MediaFault f : hit) {
            assertEquals(1, Long.bitCount(f.mask()), "one bit each, seed=" + seed);
            assertEquals(MediaFault.Kind.STUCK_AT_0, f.kind());
            assertTrue(f.offset() >= 8 && f.offset() + 8 <= 803, "seed=" + seed + " " + f);
            bits.add(f.offset() + ":" + f.mask());
        }
        assertEquals(63, bits.size(), "distinct bits, seed=" + seed);
        r.fill(0, SIZE, (byte) -1);
        long zeroBits = 0;
        for (long cell = 0; cell < SIZE; cell += 8) {
            zeroBits += Long.bitCount(~r.getLong(cell));
        }
        assertEquals(63, zeroBits, "exactly the stuck bits read 0 after writing ones, seed=" + seed);
    }

    @Test
    void shouldKillExactlyTheRoundedFractionOfLines() {
        long seed = Seeds.seed("lines", 0x11E5L);
        DeviceRegion r = device(seed);
        // [100, 60100): lines 1..233 wholly inside, N = 233; 0.1 * 233 = 23.3 -> 23
        List<MediaFault> hit = r.injectRandomDeadLines(100, 60_000, 0.1, seed);
        assertEquals(23, hit.size(), "seed=" + seed);
        for (MediaFault f : hit) {
            assertEquals(MediaFault.Kind.DEAD_LINE, f.kind());
            assertEquals(0, f.offset() % 256);
            assertTrue(f.offset() >= 256 && f.offset() + 256 <= 60_100, "seed=" + seed + " " + f);
            assertTrue(r.isDeadLine(f.offset()));
        }
        assertEquals(23, r.deviceStats().deadLines(), "seed=" + seed);
    }

    @Test
    void shouldInjectTheSameFaultsForTheSameSeedAndOthersForAnother() {
        long seed = Seeds.seed("reproducible", 0x5A5EL);
        assertEquals(device(1).injectRandomStuckBits(0, SIZE, 0.001, true, seed),
                device(2).injectRandomStuckBits(0, SIZE, 0.001, true, seed), "bits, seed=" + seed);
        assertEquals(device(1).injectRandomDeadLines(0, SIZE, 0.2, seed),
                device(2).injectRandomDeadLines(0, SIZE, 0.2, seed), "lines, seed=" + seed);
        assertEquals(device(1).injectRandomStuckCells(0, SIZE, 0.01, -1L, 0, seed),
                device(2).injectRandomStuckCells(0, SIZE, 0.01, -1L, 0, seed), "cells, seed=" + seed);

        assertNotEquals(device(1).injectRandomStuckBits(0, SIZE, 0.001, true, seed),
                device(1).injectRandomStuckBits(0, SIZE, 0.001, true, seed + 1), "bits, seed=" + seed);
        assertNotEquals(device(1).injectRandomDeadLines(0, SIZE, 0.2, seed),
                device(1).injectRandomDeadLines(0, SIZE, 0.2, seed + 1), "lines, seed=" + seed);
    }

    @Test
    void shouldInjectNothingAtFractionZeroAndEverythingAtOne() {
        DeviceRegion r = device(3);
        assertTrue(r.injectRandomDeadLines(0, SIZE, 0.0, 1).isEmpty());
        assertEquals(SIZE / 256, r.injectRandomDeadLines(0, SIZE, 1.0, 1).size());
        assertEquals(SIZE / 256, r.deviceStats().deadLines());
    }

    @Test
    void shouldRejectAFractionOutsideZeroToOne() {
        DeviceRegion r = device(4);
        for (double bad : new double[] {-0.1, 1.5, Double.NaN}) {
            dev.engram.region.RegionException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.engram.region.RegionException.class, () -> r.injectRandomStuckCells(0, SIZE, bad, 1));
            assertEquals(dev.engram.region.RegionException.Code.INVALID_ARGUMENT, e.code(), "fraction " + bad);
        }
    }
}
