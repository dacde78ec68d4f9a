package dev.engram.powerfail;

import dev.engram.region.AccessMode;
import dev.engram.region.Granularity;
import dev.engram.region.PersistencePath;
import dev.engram.region.Region;
import dev.engram.region.RegionException;
import dev.engram.region.RegionStats;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Simulated devices are ordinary {@link Region}s: what any engine may rely on, for both kinds. */
class SimulatedRegionContractTest {

    private static Region device(String kind, long size) {
        var sim = new PowerFailSimulator(3);
        return kind.equals("memory") ? sim.memoryDevice("dev", size) : sim.blockDevice("dev", size, 512);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "block"})
    void shouldStoreLittleEndianWhateverThePlatform(String kind) {
        Region r = device(kind, 4096);
        r.putLong(16, 0x0102030405060708L);
        assertEquals(0x08, r.getByte(16));
        assertEquals(0x05060708, r.getInt(16));
        r.putInt(32, 0xA1B2C3D4);
        assertEquals((byte) 0xD4, r.getByte(32));
        assertEquals(0xA1B2C3D4L, r.getLong(32));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "block"})
    void shouldFailOutOfBoundsMisalignedAndClosedAccessesWithTheirCodes(String kind) {
        Region r = device(kind, 4096);
        assertEquals(RegionException.Code.OUT_OF_BOUNDS, assertThrows(RegionException.class, () -> r.getLong(4090)).code());
        assertEquals(RegionException.Code.OUT_OF_BOUNDS, assertThrows(RegionException.class, () -> r.putByte(-1, (byte) 0)).code());
        assertEquals(RegionException.Code.OUT_OF_BOUNDS,
                assertThrows(RegionException.class, () -> r.fill(4000, Long.MAX_VALUE, (byte) 0)).code());
        assertEquals(RegionException.Code.MISALIGNED, assertThrows(RegionException.class, () -> r.getLongVolatile(4)).code());
        assertEquals(RegionException.Code.MISALIGNED,
                assertThrows(RegionException.class, () -> r.compareAndSetLong(12, 0, 1)).code());
        r.close();
        r.close();
        assertEquals(RegionException.Code.CLOSED, assertThrows(RegionException.class, () -> r.getByte(0)).code());
        assertEquals(RegionException.Code.CLOSED, assertThrows(RegionException.class, r::drain).code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "block"})
    void shouldGrowWithZeroedSpaceUpToMaxSize(String kind) {
        Region r = device(kind, 4096);
        r.putLong(8, 5);
        r.grow(1024);
        assertEquals(4096, r.size(), "growing to a smaller size does nothing");
        r.grow(8192);
        assertEquals(8192, r.size());
        assertEquals(5, r.getLong(8));
        assertEquals(0, r.getLong(8184));
        assertEquals(RegionException.Code.TOO_LARGE,
                assertThrows(RegionException.class, () -> r.grow(r.maxSize() + 4096)).code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "block"})
    void shouldCopyOverlappingRangesFillAndCompareAndSet(String kind) {
        Region r = device(kind, 4096);
        byte[] src = {1, 2, 3, 4, 5, 6, 7, 8};
        r.write(100, src, 0, 8);
        r.copy(100, 102, 8);
        byte[] out = new byte[10];
        r.read(100, out, 0, 10);
        assertArrayEquals(new byte[] {1, 2, 1, 2, 3, 4, 5, 6, 7, 8}, out);
        r.fill(200, 16, (byte) 9);
        assertEquals(0x0909090909090909L, r.getLong(200));
        assertTrue(r.compareAndSetLong(200, 0x0909090909090909L, 7));
        assertFalse(r.compareAndSetLong(200, 0x0909090909090909L, 8));
        assertEquals(7, r.getLongVolatile(200));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "block"})
    void shouldDescribeItsModeGranularityAndSimulatedPath(String kind) {
        Region r = device(kind, 4096);
        boolean memory = kind.equals("memory");
        assertEquals(memory ? AccessMode.WALK : AccessMode.CRAWL, r.mode());
        assertEquals(memory ? Granularity.CACHE_LINE : Granularity.PAGE, r.granularity());
        assertEquals(PersistencePath.Kind.SIMULATED, r.persistencePath().kind());
        assertEquals(memory ? PersistencePath.Dax.EMULATED : PersistencePath.Dax.NONE, r.persistencePath().dax());
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "block"})
    void shouldCountFlushesDrainsAndForBlockDevicesSystemCalls(String kind) {
        Region r = device(kind, 4096);
        r.putLong(0, 1);
        r.persist(0, 8);
        r.getLong(0);
        RegionStats stats = r.stats();
        assertEquals(1, stats.flushes());
        assertEquals(1, stats.drains());
        if (kind.equals("block")) {
            assertEquals(3, stats.syscalls(), "pwrite, fdatasync, pread");
            assertEquals(8, stats.bytesWritten());
            assertEquals(8, stats.bytesRead());
        } else {
            assertEquals(0, stats.syscalls());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {7, 12})
    void shouldRejectDeviceSizesThatAreNotWholeWordsAndUnknownSectorSizes(int size) {
        var sim = new PowerFailSimulator(3);
        assertThrows(IllegalArgumentException.class, () -> sim.memoryDevice("m", size));
        assertThrows(IllegalArgumentException.class, () -> sim.blockDevice("b", 4096, 1024));
        sim.memoryDevice("m", 64);
        assertThrows(IllegalArgumentException.class, () -> sim.blockDevice("m", 4096, 512), "names are unique");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "block"})
    void shouldReadAndWriteAcrossPageBoundaries(String kind) {
        Region r = device(kind, 3 * 4096);
        r.putLong(4093, 0x0102030405060708L);
        assertEquals(0x0102030405060708L, r.getLong(4093));
        assertEquals(0x08, r.getByte(4093));
        assertEquals(0x01, r.getByte(4100));
        r.putInt(8190, 0xCAFEBABE);
        assertEquals(0xCAFEBABE, r.getInt(8190));
        byte[] src = new byte[5000];
        new java.util.SplittableRandom(11).nextBytes(src);
        r.write(3000, src, 0, src.length);
        byte[] back = new byte[5000];
        r.read(3000, back, 0, back.length);
        assertArrayEquals(src, back, "seed 11");
        r.fill(4096, 4096, (byte) 0);
        byte[] page = new byte[4096];
        r.read(4096, page, 0, page.length);
        assertArrayEquals(new byte[4096], page);
        assertEquals(src[4095 - 3000], r.getByte(4095), "the fill stops at its range");
    }
}
