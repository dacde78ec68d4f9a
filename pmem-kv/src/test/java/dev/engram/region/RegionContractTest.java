package dev.engram.region;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract every access mode must honour, run against CRAWL, WALK and RUN on /dev/shm. */
class RegionContractTest {

    private static final long SIZE = 1L << 20;
    private static final long BASE = RegionHeader.LENGTH;

    private RegionFiles files;

    @BeforeEach
    void setUp() {
        files = RegionFiles.onShm();
    }

    @AfterEach
    void tearDown() {
        files.close();
    }

    private RegionOptions options(AccessMode mode) {
        // RUN with a fast tier far smaller than the region, so the contract also exercises eviction.
        return new RegionOptions(files.file("region")).mode(mode).size(SIZE).maxSize(8 * SIZE)
                .fastTierSize(RunRegion.minimumFastTierBytes(4096) + 8 * 4096).backgroundDestage(false);
    }

    private Region create(AccessMode mode) {
        return Regions.create(options(mode));
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void shouldStoreTypedValuesLittleEndianWhateverThePlatform(AccessMode mode) {
        try (Region r = create(mode)) {
            r.putLong(BASE, 0x0102030405060708L);
            r.putInt(BASE + 8, 0x0A0B0C0D);
            r.putByte(BASE + 12, (byte) 0x7F);
            byte[] raw = new byte[13];
            r.read(BASE, raw, 0, raw.length);
            assertArrayEquals(new byte[]{8, 7, 6, 5, 4, 3, 2, 1, 0x0D, 0x0C, 0x0B, 0x0A, 0x7F}, raw);
            assertEquals(0x0102030405060708L, r.getLong(BASE));
            assertEquals(0x0A0B0C0D, r.getInt(BASE + 8));
            assertEquals((byte) 0x7F, r.getByte(BASE + 12));
            assertEquals(mode, r.mode());
            assertEquals(SIZE, r.size());
        }
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void shouldAccessValuesThatStraddleBlocksAndLines(AccessMode mode) {
        try (Region r = create(mode)) {
            long edge = 3 * 4096 - 3;   // an unaligned long across a 4 KiB block boundary
            r.putLong(edge, -0x123456789ABCDEFL);
            assertEquals(-0x123456789ABCDEFL, r.getLong(edge));
            r.putInt(edge + 16 - 2 + 4096, 0xCAFEBABE);
            assertEquals(0xCAFEBABE, r.getInt(edge + 16 - 2 + 4096));
        }
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void shouldCopyOverlappingRangesAsMemmoveDoes(AccessMode mode) {
        try (Region r = create(mode)) {
            byte[] data = new byte[3 * 4096 + 17];
            new Random(7).nextBytes(data);
            r.write(BASE + 5, data, 0, data.length);
            r.copy(BASE + 5, BASE + 5 + 1000, data.length);           // forward overlap
            byte[] back = new byte[data.length];
            r.read(BASE + 5 + 1000, back, 0, back.length);
            assertArrayEquals(data, back);
            r.copy(BASE + 5 + 1000, BASE + 5, data.length);           // backward overlap
            r.read(BASE + 5, back, 0, back.length);
            assertArrayEquals(data, back);
            r.fill(BASE + 100, 9000, (byte) 0x5A);
            byte[] filled = new byte[9000];
            r.read(BASE + 100, filled, 0, filled.length);
            for (byte b : filled) {
                assertEquals(0x5A, b);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void shouldRejectAccessOutsideTheRegionWithATypedError(AccessMode mode) {
        try (Region r = create(mode)) {
            assertEquals(RegionException.Code.OUT_OF_BOUNDS, assertThrows(RegionException.class, () -> r.getLong(SIZE - 4)).code());
            assertEquals(RegionException.Code.OUT_OF_BOUNDS, assertThrows(RegionException.class, () -> r.putLong(-8, 1)).code());
            assertEquals(RegionException.Code.OUT_OF_BOUNDS,
                    assertThrows(RegionException.class, () -> r.write(SIZE - 10, new byte[11], 0, 11)).code());
            assertEquals(RegionException.Code.OUT_OF_BOUNDS,
                    assertThrows(RegionException.class, () -> r.copy(BASE, SIZE - 1, 2)).code());
            assertEquals(RegionException.Code.MISALIGNED,
                    assertThrows(RegionException.class, () -> r.compareAndSetLong(BASE + 4, 0, 1)).code());
            RegionException e = assertThrows(RegionException.class, () -> r.getByte(SIZE));
            assertTrue(e.getMessage().contains("outside the region's size " + SIZE), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void shouldCompareAndSetCommitWordsAtomically(AccessMode mode) throws Exception {
        try (Region r = create(mode)) {
            long word = BASE + 64;
            assertTrue(r.compareAndSetLong(word, 0, 41));
            assertFalse(r.compareAndSetLong(word, 0, 99));
            assertEquals(41, r.getLongVolatile(word));
            // Two threads increment by CAS; no increment may be lost.
            int perThread = mode == AccessMode.CRAWL ? 2_000 : 20_000;
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perThread; i++) {
                        long v;
                        do {
                            v = r.getLongVolatile(word);
                        } while (!r.compareAndSetLong(word, v, v + 1));
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(41 + 2L * perThread, r.getLongVolatile(word));
            r.putLongRelease(word, 7);
            assertEquals(7, r.getLongVolatile(word));
        }
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void shouldKeepPersistedBytesAcrossCloseAndReopenInEveryOtherMode(AccessMode writer) {
        byte[] data = new byte[40_000];
        new Random(writer.ordinal()).nextBytes(data);
        try (Region r = create(writer)) {
            r.write(BASE + 3, data, 0, data.length);
            r.persist(BASE + 3, data.length);
            if (r instanceof TieredRegion t) {
                t.destage();   // after a full destage the capacity file alone opens in CRAWL or WALK
            }
        }
        for (AccessMode reader : AccessMode.values()) {
            try (Region r = Regions.open(options(reader))) {
                byte[] back = new byte[data.length];
                r.read(BASE + 3, back, 0, back.length);
                assertArrayEquals(data, back, writer + " -> " + reader);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void shouldGrowOnlineWhileReadersKeepReadingUnmovedBytes(AccessMode mode) throws Exception {
        try (Region r = create(mode)) {
            byte[] pattern = new byte[4096];
            new Random(3).nextBytes(pattern);
            r.write(BASE, pattern, 0, pattern.length);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(1);
            Thread reader = Thread.ofPlatform().start(() -> {
                byte[] seen = new byte[pattern.length];
                started.countDown();
                try {
                    for (int i = 0; i < 300; i++) {
                        r.read(BASE, seen, 0, seen.length);
                        if (!java.util.Arrays.equals(seen, pattern)) {
                            throw new AssertionError("bytes moved or changed during growth at iteration " + i);
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            started.await();
            for (long size = SIZE + 4096; size <= 2 * SIZE; size += 64 * 4096) {
                r.grow(size);
                assertEquals(size, r.size());
                r.putLong(size - 8, size);               // the new end is writable at once
                assertEquals(size, r.getLong(size - 8));
                assertEquals(0, r.getLong(size - 4096)); // and new bytes read as zero
            }
            reader.join();
            assertNull(failure.get());
            RegionException tooBig = assertThrows(RegionException.class, () -> r.grow(16 * SIZE));
            assertEquals(RegionException.Code.TOO_LARGE, tooBig.code());
        }
        try (Region r = Regions.open(options(mode))) {
            assertTrue(r.size() > SIZE, "growth is durable: the reopened region keeps its new size");
        }
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void shouldRefuseUseAfterCloseAndASecondOpener(AccessMode mode) {
        Region r = create(mode);
        RegionException inUse = assertThrows(RegionException.class, () -> Regions.open(options(AccessMode.CRAWL)));
        assertEquals(RegionException.Code.IN_USE, inUse.code());
        r.close();
        r.close();   // idempotent
        assertEquals(RegionException.Code.CLOSED, assertThrows(RegionException.class, () -> r.getLong(BASE)).code());
        assertEquals(RegionException.Code.CLOSED, assertThrows(RegionException.class, () -> r.putLong(BASE, 1)).code());
        assertEquals(RegionException.Code.CLOSED, assertThrows(RegionException.class, r::size).code());
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void shouldCountPersistCallsInStats(AccessMode mode) {
        try (Region r = create(mode)) {
            RegionStats before = r.stats();
            r.putLong(BASE, 1);
            r.persist(BASE, 8);
            RegionStats after = r.stats();
            assertTrue(after.flushes() > before.flushes(), "flush counted");
            assertTrue(after.drains() > before.drains(), "drain counted");
        }
    }
}
