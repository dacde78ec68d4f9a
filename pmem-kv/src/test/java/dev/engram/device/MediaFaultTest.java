package dev.engram.device;

import dev.engram.region.RegionException;
import dev.engram.region.RegionException.Code;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Faults at given offsets: a faulty cell behaves as media would, whatever kind of store hits it. */
class MediaFaultTest {

    private static final int SIZE = 8192;
    private static final long CELL = 1024;

    private static DeviceRegion device() {
        return DeviceRegion.builder(new HeapRegion(SIZE), DeviceProfile.NONE).calibrate(false).build();
    }

    @ParameterizedTest
    @EnumSource(WriteKind.class)
    void shouldKeepAStuckAtZeroBitThroughWritesOfEveryKind(WriteKind kind) {
        try (DeviceRegion r = device()) {
            MediaFault f = r.injectStuckBit(CELL + 3, 5, false);
            assertEquals(MediaFault.Kind.STUCK_AT_0, f.kind());
            assertEquals(CELL, f.offset());
            assertEquals(1L << 29, f.mask());

            kind.write(r, CELL, -1L);

            assertEquals(~(1L << 29), r.getLong(CELL), kind + ": only the stuck bit keeps 0");
            assertEquals((byte) ~(1 << 5), r.getByte(CELL + 3));
            assertEquals(-1L, r.base().getLong(CELL) | (1L << 29), "the media holds the same");
        }
    }

    @ParameterizedTest
    @EnumSource(WriteKind.class)
    void shouldKeepAStuckAtOneBitThroughWritesOfEveryKind(WriteKind kind) {
        try (DeviceRegion r = device()) {
            r.fill(0, SIZE, (byte) 0x5A);
            MediaFault f = r.injectStuckBit(CELL + 7, 7, true);
            assertEquals(MediaFault.Kind.STUCK_AT_1, f.kind());
            assertEquals(Long.MIN_VALUE, r.getLong(CELL) & Long.MIN_VALUE, "imposed at injection");

            kind.write(r, CELL, 0L);

            assertEquals(Long.MIN_VALUE, r.getLong(CELL), kind + ": only the stuck bit keeps 1");
        }
    }

    @ParameterizedTest
    @EnumSource(WriteKind.class)
    void shouldReadAStuckCellsValueWhateverIsWritten(WriteKind kind) {
        long stuck = 0x0123_4567_89AB_CDEFL;
        try (DeviceRegion r = device()) {
            r.injectStuckCell(CELL, stuck);
            assertEquals(stuck, r.getLong(CELL), "stuck value imposed at injection");
            for (long written : new long[] {0L, -1L, 0x7777_7777_7777_7777L}) {
                kind.write(r, CELL, written);
                assertEquals(stuck, r.getLong(CELL), kind + " of " + Long.toHexString(written));
                assertEquals(stuck, r.getLongVolatile(CELL));
                assertEquals((int) stuck, r.getInt(CELL));
            }
        }
    }

    @Test
    void shouldLetTheOtherBytesAndBitsOfAFaultyCellWriteNormally() {
        try (DeviceRegion r = device()) {
            long mask = 0x0000_FFFF_0000_0000L; // a stuck 16-bit field, e.g. one synapse of four
            long gMax = 0x0000_ABCD_0000_0000L;
            r.injectStuckBits(CELL, mask, gMax);
            byte[] ones = new byte[32];
            Arrays.fill(ones, (byte) -1);
            r.write(CELL - 8, ones, 0, 32);
            assertEquals(-1L, r.getLong(CELL - 8), "the cell before");
            assertEquals((-1L & ~mask) | gMax, r.getLong(CELL));
            assertEquals(-1L, r.getLong(CELL + 8), "the cell after");
            r.putInt(CELL, 0x1234_5678);
            assertEquals(0x1234_5678, r.getInt(CELL), "low half is not stuck");
            r.putByte(CELL + 6, (byte) 0x11);
            assertEquals((byte) 0x11, r.getByte(CELL + 6), "byte 6 is not stuck");
            assertEquals((byte) 0xCD, r.getByte(CELL + 4));
        }
    }

    @Test
    void shouldCopyAndFillLikeMemmoveWithStuckBitsImposedAgainstAnOracle() {
        long seed = Seeds.seed("memmove-oracle", 0x3E33_0FEL);
        int size = 256 * 1024;
        SplittableRandom random = new SplittableRandom(seed);
        DeviceRegion r = DeviceRegion.builder(new HeapRegion(size), DeviceProfile.NONE).calibrate(false).build();
        byte[] oracle = new byte[size];
        random.nextBytes(oracle);
        r.write(0, oracle, 0, size);
        List<MediaFault> faults = new java.util.ArrayList<>();
        faults.addAll(r.injectRandomStuckBits(0, size, 0.0005, true, seed));
        faults.addAll(r.injectRandomStuckBits(0, size, 0.0005, false, seed + 1));
        faults.addAll(r.injectRandomStuckCells(0, size, 0.001, -1L, 0x0BAD_CE11L, seed + 2));
        faults.addAll(r.injectRandomDeadLines(0, size, 0.01, seed + 3));
        r.read(0, oracle, 0, size); // the oracle starts from the faulty media's content
        byte[] frozen = oracle.clone(); // what dead lines hold for ever
        List<MediaFault> current = r.faults();

        for (int step = 0; step < 12; step++) {
            int length = 1 + random.nextInt(150_000); // often several 64 KiB chunks
            int src = random.nextInt(size - length + 1);
            int dst = Math.max(0, Math.min(size - length, src + random.nextInt(-length, length + 1)));
            if (step % 3 == 2) {
                byte value = (byte) random.nextInt();
                r.fill(dst, length, value);
                Arrays.fill(oracle, dst, dst + length, value);
            } else {
                r.copy(src, dst, length);
                System.arraycopy(oracle, src, oracle, dst, length);
            }
            for (MediaFault f : current) {
                if (f.kind() == MediaFault.Kind.DEAD_LINE) {
                    System.arraycopy(frozen, (int) f.offset(), oracle, (int) f.offset(), f.length());
                    continue;
                }
                long cell = f.offset();
                long word = 0;
                for (int i = 0; i < 8; i++) {
                    word |= (oracle[(int) cell + i] & 0xFFL) << (8 * i);
                }
                word = f.apply(word);
                for (int i = 0; i < 8; i++) {
                    oracle[(int) cell + i] = (byte) (word >>> (8 * i));
                }
            }
            byte[] actual = new byte[size];
            r.read(0, actual, 0, size);
            assertArrayEquals(oracle, actual, "step " + step + " src=" + src + " dst=" + dst + " length=" + length
                    + " seed=" + seed);
        }
        assertTrue(faults.size() > 100, "seed=" + seed);
    }

    @Test
    void shouldIgnoreEveryWriteToADeadLineAndReturnItsFrozenContent() {
        try (DeviceRegion r = device()) {
            int line = r.lineBytes();
            byte[] before = new byte[line];
            new SplittableRandom(7).nextBytes(before);
            r.write(2 * line, before, 0, line);
            MediaFault f = r.injectDeadLine(2 * line + 77);
            assertEquals(new MediaFault(MediaFault.Kind.DEAD_LINE, 2L * line, line, -1L, 0), f);
            assertTrue(r.isDeadLine(2 * line + 255));
            assertFalse(r.isDeadLine(3 * line));

            for (WriteKind kind : WriteKind.values()) {
                kind.write(r, 2 * line + 64, -1L);
            }
            r.fill(2 * line, line, (byte) 0);
            r.putLong(2 * line + 8, 42);
            byte[] after = new byte[line];
            r.read(2 * line, after, 0, line);
            assertArrayEquals(before, after, "a dead line keeps its content");

            r.fill(3 * line, line, (byte) 9);
            assertEquals(0x0909_0909_0909_0909L, r.getLong(3 * line), "the next line is alive");
        }
    }

    @Test
    void shouldRaiseMediaErrorOnReadingADeadLineOnlyWhenAsked() {
        try (DeviceRegion r = DeviceRegion.builder(new HeapRegion(SIZE), DeviceProfile.NONE)
                .calibrate(false).failReadsOnDeadLines(true).build()) {
            r.injectDeadLine(512);
            RegionException e = assertThrows(RegionException.class, () -> r.getLong(520));
            assertEquals(Code.MEDIA, e.code());
            assertTrue(e.getMessage().contains("dead media line at offset 512"), e.getMessage());
            assertThrows(RegionException.class, () -> r.read(0, new byte[1024], 0, 1024));
            assertEquals(0, r.getLong(504), "the line before reads");
            r.read(768, new byte[256], 0, 256);
        }
        try (DeviceRegion r = device()) {
            r.injectDeadLine(512);
            assertEquals(0, r.getLong(520), "by default a dead line returns its frozen data");
        }
    }

    @Test
    void shouldMergeFaultsOnOneCellAndListThemByOffset() {
        try (DeviceRegion r = device()) {
            r.injectStuckBit(CELL, 0, true);
            r.injectStuckBit(CELL + 1, 0, false);
            r.injectDeadLine(0);
            r.injectStuckCell(4096, 7);
            List<MediaFault> faults = r.faults();
            assertEquals(List.of(
                    MediaFault.deadLine(0, 256),
                    MediaFault.cell(CELL, 0x101L, 0x1L),
                    MediaFault.cell(4096, -1L, 7)), faults);
            assertEquals(MediaFault.Kind.STUCK_BITS, faults.get(1).kind());
            DeviceStats stats = r.deviceStats();
            assertEquals(1, stats.deadLines());
            assertEquals(2, stats.faultyCells());
        }
    }

    @Test
    void shouldRecreateListedFaultsWhenReinjectedAfterReopening() {
        HeapRegion media = new HeapRegion(SIZE);
        List<MediaFault> saved;
        DeviceRegion first = DeviceRegion.builder(media, DeviceProfile.NONE).calibrate(false).build();
        first.fill(0, SIZE, (byte) 0x33);
        first.injectDeadLine(768);
        first.injectStuckBits(CELL, 0xF0L, 0xA0L);
        first.injectRandomStuckCells(2048, 2048, 0.05, 99);
        saved = first.faults();
        // "reopen": a new device over the same media, which keeps the stuck values but not the fault map
        DeviceRegion reopened = DeviceRegion.builder(media, DeviceProfile.NONE).calibrate(false).build();
        reopened.injectAll(saved);
        assertEquals(saved, reopened.faults());
        reopened.fill(0, SIZE, (byte) 0);
        assertEquals(0x3333_3333_3333_3333L, reopened.getLong(768), "dead line re-frozen at its content");
        assertEquals(0xA0L, reopened.getLong(CELL));
    }

    @Test
    void shouldRepairEveryFaultOnClear() {
        try (DeviceRegion r = device()) {
            r.injectStuckCell(CELL, 5);
            r.injectDeadLine(0);
            r.clearFaults();
            assertTrue(r.faults().isEmpty());
            r.putLong(CELL, 6);
            r.putLong(0, 6);
            assertEquals(6, r.getLong(CELL));
            assertEquals(6, r.getLong(0));
        }
    }

    @Test
    void shouldRejectFaultsOutsideTheRegionOrMisalignedOrEmpty() {
        try (DeviceRegion r = device()) {
            assertEquals(Code.MISALIGNED, assertThrows(RegionException.class, () -> r.injectStuckCell(3, 0)).code());
            assertEquals(Code.OUT_OF_BOUNDS, assertThrows(RegionException.class, () -> r.injectStuckCell(SIZE, 0)).code());
            assertEquals(Code.OUT_OF_BOUNDS, assertThrows(RegionException.class, () -> r.injectDeadLine(-1)).code());
            assertEquals(Code.INVALID_ARGUMENT,
                    assertThrows(RegionException.class, () -> r.injectStuckBits(0, 0, 0)).code());
            assertEquals(Code.INVALID_ARGUMENT,
                    assertThrows(RegionException.class, () -> r.injectStuckBit(0, 8, true)).code());
        }
    }

    @Test
    void shouldStillReportOutOfBoundsStoresFromTheWrappedRegion() {
        try (DeviceRegion r = device()) {
            r.injectDeadLine(SIZE - 1);
            assertEquals(Code.OUT_OF_BOUNDS,
                    assertThrows(RegionException.class, () -> r.putLong(SIZE - 4, 1)).code());
            assertEquals(Code.OUT_OF_BOUNDS,
                    assertThrows(RegionException.class, () -> r.copy(0, SIZE - 8, 16)).code());
            assertEquals(Code.OUT_OF_BOUNDS,
                    assertThrows(RegionException.class, () -> r.fill(SIZE - 8, 16, (byte) 1)).code());
        }
    }
}
