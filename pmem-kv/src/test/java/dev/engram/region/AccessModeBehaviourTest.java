package dev.engram.region;

import dev.engram.pmem.Pmem;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What distinguishes the modes: system calls, persistence paths, and RUN's tiering. */
class AccessModeBehaviourTest {

    private static final long BASE = RegionHeader.LENGTH;

    /**
     * touch: on a mapping, the byte at the offset, with nothing counted; 0 past either end and after
     * close, never an exception; through system calls (CRAWL) nothing at all, not even a pread.
     */
    @Test
    void touchShouldLoadFromAMappingOnlyAndNeverThrow() {
        try (RegionFiles files = RegionFiles.onShm()) {
            Region w = Regions.create(new RegionOptions(files.file("w")).mode(AccessMode.WALK).size(1 << 20));
            w.putByte(BASE + 100, (byte) 7);
            RegionStats before = w.stats();
            assertEquals(7, w.touch(BASE + 100));
            assertEquals(0, w.touch(w.size()));
            assertEquals(0, w.touch(-1));
            assertEquals(before, w.stats(), "a touch counts as nothing");
            w.close();
            assertEquals(0, w.touch(BASE + 100), "closed: nothing, and no exception");
            try (Region c = Regions.create(new RegionOptions(files.file("c")).mode(AccessMode.CRAWL).size(1 << 20))) {
                c.putByte(BASE, (byte) 9);
                long s0 = c.stats().syscalls();
                assertEquals(0, c.touch(BASE));
                assertEquals(s0, c.stats().syscalls(), "CRAWL: no pread for a hint");
            }
        }
    }

    /**
     * prefault: on a WALK mapping of a fresh tmpfs file the range's pages become resident (the
     * mapping's Rss in /proc/self/smaps grows by at least the range), no byte changes and nothing is
     * counted; 0 outside the region and after close; CRAWL does nothing.
     */
    @Test
    void prefaultShouldMakeAMappingsPagesResidentWithoutChangingThem() {
        assumeTrue(Smaps.kernelPopulatesWrite(), "MADV_POPULATE_WRITE needs Linux 5.14: " + System.getProperty("os.version"));
        try (RegionFiles files = RegionFiles.onShm()) {
            java.nio.file.Path file = files.file("w");
            Region w = Regions.create(new RegionOptions(file).mode(AccessMode.WALK).size(4 << 20));
            w.putLong(BASE, 0x1234_5678L);
            RegionStats before = w.stats();
            long rssBefore = Smaps.rssKiB(file);
            assertEquals(2 << 20, w.prefault(1 << 20, 2 << 20));
            long rssAfter = Smaps.rssKiB(file);
            assertTrue(rssAfter - rssBefore >= 2048, "Rss " + rssBefore + " -> " + rssAfter + " KiB");
            assertEquals(0x1234_5678L, w.getLong(BASE));
            assertEquals(0, w.getLong(1 << 20));
            assertEquals(before, w.stats(), "a prefault counts as nothing");
            assertEquals(0, w.prefault(w.size() - 4096, 8192), "past the end: nothing");
            assertEquals(0, w.prefault(-4096, 4096));
            w.close();
            assertEquals(0, w.prefault(BASE, 4096), "closed: nothing, and no exception");
            try (Region c = Regions.create(new RegionOptions(files.file("c")).mode(AccessMode.CRAWL).size(1 << 20))) {
                long s0 = c.stats().syscalls();
                assertEquals(0, c.prefault(BASE, 4096));
                assertEquals(s0, c.stats().syscalls(), "CRAWL: no system call for a hint");
            }
        }
    }

    @Test
    void crawlShouldMakeExactlyOneSystemCallPerReadWriteAndPersist() {
        try (RegionFiles files = RegionFiles.onDisk();
             Region r = Regions.create(new RegionOptions(files.file("c")).mode(AccessMode.CRAWL).size(1 << 20))) {
            long s0 = r.stats().syscalls();
            r.putLong(BASE, 42);
            assertEquals(s0 + 1, r.stats().syscalls(), "one pwrite");
            r.getLong(BASE);
            assertEquals(s0 + 2, r.stats().syscalls(), "one pread");
            r.write(BASE, new byte[10_000], 0, 10_000);
            assertEquals(s0 + 3, r.stats().syscalls(), "one pwrite for a bulk write");
            r.persist(BASE, 10_000);
            assertEquals(s0 + 4, r.stats().syscalls(), "one fdatasync");
            assertEquals(PersistencePath.Kind.FDATASYNC, r.persistencePath().kind());
            assertEquals(Granularity.PAGE, r.granularity());
        }
    }

    @Test
    void walkOnAMemoryBackedFileShouldUseLibpmemFlushAsEmulatedPmem() {
        assumeTrue(Pmem.availability().available() || !"true".equals(System.getenv("CI")),
                "libpmem missing in CI");
        try (RegionFiles files = RegionFiles.onShm();
             Region r = Regions.create(new RegionOptions(files.file("w")).mode(AccessMode.WALK).size(1 << 20))) {
            assertEquals(PersistencePath.Dax.EMULATED, r.persistencePath().dax(), r.persistencePath().toString());
            if (Pmem.availability().available()) {
                assertEquals(PersistencePath.Kind.LIBPMEM_FLUSH, r.persistencePath().kind());
                assertEquals(Granularity.CACHE_LINE, r.granularity());
                long s0 = r.stats().syscalls();
                r.putLong(BASE, 1);
                r.persist(BASE, 8);
                assertEquals(s0, r.stats().syscalls(), "no system call on the data path");
            }
        }
    }

    @Test
    void walkOnAPageCacheFileShouldFallBackToMsync() {
        try (RegionFiles files = RegionFiles.onDisk();
             Region r = Regions.create(new RegionOptions(files.file("w")).mode(AccessMode.WALK).size(1 << 20))) {
            assumeTrue(r.persistencePath().dax() == PersistencePath.Dax.NONE, "java.io.tmpdir is memory-backed here");
            assertEquals(PersistencePath.Kind.MSYNC, r.persistencePath().kind());
            assertEquals(Granularity.PAGE, r.granularity());
            r.putLong(BASE, 5);
            long s0 = r.stats().syscalls();
            r.persist(BASE, 8);
            assertEquals(s0 + 1, r.stats().syscalls(), "one msync");
            assertTrue(r.persistencePath().reason().contains("no DAX"), r.persistencePath().reason());
        }
    }

    @Test
    void walkShouldHonourAnExplicitMsyncChoice() {
        try (RegionFiles files = RegionFiles.onShm();
             Region r = Regions.create(new RegionOptions(files.file("w")).mode(AccessMode.WALK).size(1 << 20)
                     .persistence(PersistenceChoice.MSYNC))) {
            assertEquals(PersistencePath.Kind.MSYNC, r.persistencePath().kind());
        }
    }

    @Test
    void runShouldServeARegionTenTimesItsFastTier() {
        long fast = RunRegion.minimumFastTierBytes(4096) + 56 * 4096;   // 64 slots = 256 KiB of blocks
        long size = 10 * 64 * 4096 + BASE;
        byte[] block = new byte[4096];
        try (RegionFiles files = RegionFiles.onShm()) {
            RegionOptions o = new RegionOptions(files.file("run")).mode(AccessMode.RUN).size(size)
                    .fastTierSize(fast).backgroundDestage(false);
            try (Region r = Regions.create(o)) {
                TieredRegion t = (TieredRegion) r;
                assertEquals(64, t.tierStats().slots());
                for (long at = BASE; at + 4096 <= r.size(); at += 4096) {
                    new Random(at).nextBytes(block);
                    r.write(at, block, 0, block.length);
                    r.persist(at, block.length);
                }
                TieredRegion.TierStats s = t.tierStats();
                assertTrue(s.evictions() > 500, "the working set does not fit: blocks were evicted " + s);
                assertTrue(s.destages() > 500, "dirty victims were destaged " + s);
                assertTrue(s.attached(), "dirty blocks remain in the fast tier");
            }
            // Not destaged at close: the capacity file is attached, so CRAWL/WALK refuse it...
            RegionException attached = assertThrows(RegionException.class,
                    () -> Regions.open(new RegionOptions(files.file("run")).mode(AccessMode.WALK)));
            assertEquals(RegionException.Code.FAST_TIER_ATTACHED, attached.code());
            // ...while RUN recovers every block from both tiers.
            try (Region r = Regions.open(o)) {
                byte[] back = new byte[4096];
                for (long at = BASE; at + 4096 <= r.size(); at += 4096) {
                    new Random(at).nextBytes(block);
                    r.read(at, back, 0, back.length);
                    assertArrayEquals(block, back, "block at " + at);
                }
                ((TieredRegion) r).destage();
                assertEquals(0, ((TieredRegion) r).tierStats().dirtyBlocks());
                assertTrue(!((TieredRegion) r).tierStats().attached());
            }
            try (Region r = Regions.open(new RegionOptions(files.file("run")).mode(AccessMode.WALK))) {
                new Random(BASE + 4096 * 100).nextBytes(block);
                byte[] back = new byte[4096];
                r.read(BASE + 4096 * 100, back, 0, back.length);
                assertArrayEquals(block, back, "after a full destage the capacity file alone holds everything");
            }
        }
    }

    @Test
    void runShouldRefuseAFastTierThatBelongsToAnotherCapacityFile() throws Exception {
        try (RegionFiles files = RegionFiles.onShm()) {
            RegionOptions a = new RegionOptions(files.file("a")).mode(AccessMode.RUN).size(1 << 20).backgroundDestage(false)
                    .fastTierSize(RunRegion.minimumFastTierBytes(4096) + 8 * 4096);
            RegionOptions b = new RegionOptions(files.file("b")).mode(AccessMode.RUN).size(1 << 20).backgroundDestage(false)
                    .fastTierSize(RunRegion.minimumFastTierBytes(4096) + 8 * 4096);
            try (Region r = Regions.create(a)) {
                r.putLong(BASE + 4096, 1);   // dirty: attaches a's fast tier
            }
            Regions.create(b).close();
            java.nio.file.Files.copy(files.file("b.fast"), files.file("a.fast"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            RegionException e = assertThrows(RegionException.class, () -> Regions.open(a));
            assertEquals(RegionException.Code.TIER_MISMATCH, e.code(), e.getMessage());
            java.nio.file.Files.delete(files.file("a.fast"));
            RegionException missing = assertThrows(RegionException.class, () -> Regions.open(a));
            assertEquals(RegionException.Code.TIER_MISMATCH, missing.code());
            assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        }
    }

    @Test
    void runShouldDestageInTheBackgroundAboveTheHighWaterMark() throws Exception {
        try (RegionFiles files = RegionFiles.onShm()) {
            RegionOptions o = new RegionOptions(files.file("bg")).mode(AccessMode.RUN).size(4 << 20)
                    .fastTierSize(RunRegion.minimumFastTierBytes(4096) + 56 * 4096).backgroundDestage(true);
            try (Region r = Regions.create(o)) {
                TieredRegion t = (TieredRegion) r;
                for (int i = 1; i <= 48; i++) {       // 48 of 64 slots dirty: above the high-water mark (half)
                    r.putLong(i * 4096L + 8, i);
                }
                long deadline = System.nanoTime() + 60_000_000_000L;   // a deadline for a slow machine only
                while (t.tierStats().dirtyBlocks() > 32 && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                TieredRegion.TierStats s = t.tierStats();
                assertTrue(s.dirtyBlocks() <= 32 && s.destages() >= 16, "destaged below half the slots: " + s);
                for (int i = 1; i <= 48; i++) {
                    assertEquals(i, r.getLong(i * 4096L + 8));
                }
            }
        }
    }
}
