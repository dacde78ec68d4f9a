package dev.engram.region;

import dev.engram.powerfail.CrashPoints;
import dev.engram.powerfail.Enumeration;
import dev.engram.powerfail.PowerFailSimulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A crash inside region creation ({@link Regions#writeNewFile}: C1 create, C2 size, C3 header, C4
 * sync; RUN then makes its fast tier) leaves one of a few files. Each test builds the exact file a
 * crash in one window leaves and checks what a user sees: {@code open} names an unfinished creation
 * as such (BAD_FORMAT, the path, what was found) and leaves the file as it was; {@code openOrCreate}
 * finishes it; a file with a damaged header, or a zero header over data, is never taken for an
 * unfinished creation. The header's own sync (C3-C4) is also run under the power-fail simulator.
 */
class RegionCreationTest {

    private static final long SIZE = 64 * 1024;
    private static final String UNFINISHED = "creating this region did not finish";

    private RegionFiles files;

    @BeforeEach
    void setUp() {
        files = RegionFiles.onShm();
    }

    @AfterEach
    void tearDown() {
        files.close();
    }

    private RegionOptions options(Path p, AccessMode mode) {
        return new RegionOptions(p).mode(mode).size(SIZE).fastTier(files.file(p.getFileName() + ".fast"))
                .backgroundDestage(false);
    }

    /** open() in every mode fails with BAD_FORMAT naming the path and every part given; the file is unchanged. */
    private void assertOpenRefused(Path p, String... parts) throws IOException {
        byte[] before = Files.readAllBytes(p);
        for (AccessMode mode : AccessMode.values()) {
            RegionException e = assertThrows(RegionException.class, () -> Regions.open(options(p, mode)), mode.name());
            assertEquals(RegionException.Code.BAD_FORMAT, e.code(), e.getMessage());
            assertEquals(p, e.path(), e.getMessage());
            for (String part : parts) {
                assertTrue(e.getMessage().contains(part), mode + ": '" + e.getMessage() + "' should say '" + part + "'");
            }
        }
        assertArrayEquals(before, Files.readAllBytes(p), "a refused open leaves the file unchanged");
    }

    /** openOrCreate() in every mode refuses as open() does, without the unfinished-creation reading; file unchanged. */
    private void assertDamagedNotUnfinished(Path p, String part) throws IOException {
        byte[] before = Files.readAllBytes(p);
        for (AccessMode mode : AccessMode.values()) {
            RegionException e = assertThrows(RegionException.class, () -> Regions.openOrCreate(options(p, mode)),
                    mode.name());
            assertEquals(RegionException.Code.BAD_FORMAT, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains(part), mode + ": '" + e.getMessage() + "' should say '" + part + "'");
            assertFalse(e.getMessage().contains(UNFINISHED), mode + ": a damaged file is not unfinished: " + e.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(p), "openOrCreate leaves a damaged file unchanged");
    }

    /** openOrCreate() finishes the file: the options' size, a valid header, stores that survive a reopen. */
    private static void assertFinishedByOpenOrCreate(RegionOptions options) {
        try (Region r = Regions.openOrCreate(options)) {
            assertEquals(SIZE, r.size(), "created with the options' size");
            r.putLong(RegionHeader.LENGTH, 0xF1);
            r.persist(RegionHeader.LENGTH, 8);
        }
        try (Region r = Regions.open(options)) {
            assertEquals(0xF1, r.getLong(RegionHeader.LENGTH), "reopened");
        }
    }

    private static void allZero(Path p, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(length);                           // sparse: what C2's one byte at the end leaves
        }
    }

    // ------------------------------------------------------------------ the windows, one by one

    @Test
    void shouldNameAnEmptyFileAnUnfinishedCreationAndFinishIt() throws IOException {
        for (AccessMode mode : AccessMode.values()) {
            Path p = files.file("c1-" + mode);
            Files.write(p, new byte[0]);                   // C1 create done, nothing else
            assertOpenRefused(p, UNFINISHED, "the file is empty (0 bytes)",
                    "file length 0 is not a non-zero multiple of 4096", "Regions.openOrCreate finishes");
            assertFinishedByOpenOrCreate(options(p, mode));
        }
    }

    @Test
    void shouldNameAnAllZeroFileOfTheFullSizeAnUnfinishedCreationAndFinishIt() throws IOException {
        for (AccessMode mode : AccessMode.values()) {
            Path p = files.file("c2-" + mode);
            allZero(p, SIZE);                              // C2 size done, the header not written
            assertOpenRefused(p, UNFINISHED, "the file is " + SIZE + " bytes, every one of them zero",
                    "magic is 0x0");
            assertFinishedByOpenOrCreate(options(p, mode));
        }
    }

    @Test
    void shouldFinishAnUnfinishedCreationWithTheSizeAskedForNow() throws IOException {
        Path p = files.file("c2-larger");
        allZero(p, 4 * SIZE);                              // an earlier create asked for more
        assertFinishedByOpenOrCreate(options(p, AccessMode.WALK));
        assertEquals(SIZE, Files.size(p));
        Path q = files.file("short");
        Files.write(q, new byte[100]);                     // a short all-zero file: no creation got further
        assertOpenRefused(q, UNFINISHED, "the file is 100 bytes, every one of them zero");
        assertFinishedByOpenOrCreate(options(q, AccessMode.CRAWL));
    }

    @Test
    void shouldOpenAFileWhoseHeaderWasWrittenBeforeTheCrashAsTheRegionItIs() throws IOException {
        // C3 done, C4 not: after a process crash the page cache holds the header, so the region is complete.
        Path p = files.file("c3");
        allZero(p, SIZE);
        byte[] header = RegionHeader.image(RegionHeader.KIND_DATA, new UUID(3, 3), 0, 0);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(header), 0);
        }
        try (Region r = Regions.openOrCreate(options(p, AccessMode.CRAWL))) {
            assertEquals(SIZE, r.size());
        }
        assertEquals(new UUID(3, 3), Regions.readHeader(p, RegionHeader.KIND_DATA).uuid(),
                "openOrCreate opened it, it did not create it again");
    }

    @Test
    void shouldCreateRegionsWhoseEveryCreationStepLeavesAFileOpenOrCreateHandles() throws IOException {
        // The order itself: a file created now is the full size with its header; no 4 KiB valid region
        // (the old order, header before size, left one after a process crash between the two).
        Path p = files.file("made");
        Regions.create(options(p, AccessMode.CRAWL)).close();
        assertEquals(SIZE, Files.size(p));
        assertEquals(RegionHeader.KIND_DATA, Regions.readHeader(p, RegionHeader.KIND_DATA).kind());
    }

    // ------------------------------------------------------------------ damage is never "unfinished"

    @Test
    void shouldKeepADamagedHeaderACorruptionErrorInOpenOrCreate() throws IOException {
        Path p = files.file("crc");
        Regions.create(options(p, AccessMode.CRAWL)).close();
        byte[] all = Files.readAllBytes(p);
        all[RegionHeader.CREATED_MILLIS_OFFSET] ^= 0x01;   // one flipped bit: a valid-looking, damaged header
        Files.write(p, all);
        assertOpenRefused(p, "header checksum");
        assertDamagedNotUnfinished(p, "header checksum");
    }

    @Test
    void shouldKeepAZeroHeaderOverDataACorruptionErrorInOpenOrCreate() throws IOException {
        Path p = files.file("wiped");
        try (Region r = Regions.create(options(p, AccessMode.CRAWL))) {
            r.putLong(SIZE - 4096, 0xDA7A);                // data: written only after the header was complete
            r.persist(SIZE - 4096, 8);
        }
        byte[] all = Files.readAllBytes(p);
        Arrays.fill(all, 0, RegionHeader.LENGTH, (byte) 0);
        Files.write(p, all);
        assertDamagedNotUnfinished(p, "magic is 0x0");
        RegionException e = assertThrows(RegionException.class, () -> Regions.open(options(p, AccessMode.WALK)));
        assertFalse(e.getMessage().contains(UNFINISHED), e.getMessage());
    }

    @Test
    void shouldNotFinishACreationThatAnotherOpenerHoldsLocked() throws IOException {
        // A creator holds the file's lock from C1 to C4; openOrCreate must not write under it.
        Path p = files.file("locked");
        allZero(p, SIZE);
        try (FileChannel creator = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock ignored = creator.lock()) {
            RegionException e = assertThrows(RegionException.class,
                    () -> Regions.openOrCreate(options(p, AccessMode.CRAWL)));
            assertEquals(RegionException.Code.IN_USE, e.code(), e.getMessage());
        }
        byte[] zero = new byte[(int) SIZE];
        assertArrayEquals(zero, Files.readAllBytes(p), "nothing was written under the creator's lock");
    }

    // ------------------------------------------------------------------ RUN: the second file

    @Test
    void shouldStartTheFastTierAfreshWhateverACrashDuringItsCreationLeft() throws IOException {
        Path p = files.file("run");
        RegionOptions o = options(p, AccessMode.RUN).fastTierSize(RunRegion.minimumFastTierBytes(4096) + 8 * 4096);
        try (Region r = Regions.create(o)) {
            r.putLong(2 * 4096, 0xCAFE);
            r.persist(2 * 4096, 8);
            ((TieredRegion) r).destage();                  // detached (R6): as during the fast tier's creation
        }
        Path fast = o.fastTierPath();
        byte[] formatted = Files.readAllBytes(fast);
        List<byte[]> leftovers = new ArrayList<>();
        leftovers.add(new byte[0]);                                            // created, not sized
        leftovers.add(new byte[formatted.length]);                             // sized, not formatted
        leftovers.add(Arrays.copyOf(Arrays.copyOf(formatted, RegionHeader.LENGTH), formatted.length)); // header, no descriptor
        for (int i = 0; i <= leftovers.size(); i++) {
            if (i < leftovers.size()) {
                Files.write(fast, leftovers.get(i));
            } else {
                Files.delete(fast);                                            // not created at all
            }
            try (Region r = Regions.open(o)) {
                assertEquals(0xCAFE, r.getLong(2 * 4096), "leftover " + i + ": the capacity file's data");
                ((TieredRegion) r).destage();
            }
            assertEquals((long) formatted.length, Files.size(fast), "leftover " + i + ": a fast tier of the size asked for");
        }
    }

    @Test
    void shouldFinishAnUnfinishedRunCapacityFileAndMakeItsFastTier() throws IOException {
        Path p = files.file("run-c2");
        allZero(p, SIZE);
        RegionOptions o = options(p, AccessMode.RUN).fastTierSize(RunRegion.minimumFastTierBytes(4096) + 8 * 4096);
        Files.write(o.fastTierPath(), new byte[]{1, 2, 3});                  // a stale fast tier of nothing
        assertFinishedByOpenOrCreate(o);
    }

    // ------------------------------------------------------------------ C3-C4 under the simulator

    /**
     * The header's write and sync on a simulated block device of 512 B sectors, already sized (C2),
     * crashed at every point: each sector written since the last sync kept, dropped or garbled. A file
     * holding each image must open when the header's first sector survived as written (the rest of the
     * header page is zero at creation, or garbage in attach slots that fail their checksums); must be
     * named unfinished, and finished by openOrCreate, when every byte is zero; and must otherwise be
     * refused as damaged, never as unfinished, and left unchanged.
     */
    @Test
    void shouldClassifyEveryCrashImageOfTheHeaderWriteAsOpenUnfinishedOrDamaged() throws IOException {
        long seed = 0xC4EA7EL;
        PowerFailSimulator sim = new PowerFailSimulator(seed);
        Region device = sim.blockDevice("region", SIZE, 512);
        byte[] header = RegionHeader.image(RegionHeader.KIND_DATA, new UUID(seed, 4), 0, 0);
        try (var op = sim.operation("create")) {
            device.write(0, header, 0, header.length);     // C3 header
            device.persist(0, header.length);              // C4 sync
        }
        int[] outcomes = new int[3];                        // opened, unfinished, damaged
        List<String> problems = new ArrayList<>();
        Path p = files.file("image");
        long images = sim.forEachImage(CrashPoints.withinOperations("create"), new Enumeration(4096, 16), image -> {
            byte[] content = image.content("region");
            try {
                Files.deleteIfExists(p);
                Files.write(p, content);
                boolean firstSectorWritten = Arrays.equals(content, 0, 512, header, 0, 512);
                boolean allZero = Arrays.equals(content, new byte[content.length]);
                if (firstSectorWritten) {
                    Regions.open(options(p, AccessMode.CRAWL)).close();
                    outcomes[0]++;
                } else if (allZero) {
                    RegionException e = assertThrows(RegionException.class, () -> Regions.open(options(p, AccessMode.CRAWL)));
                    assertTrue(e.getMessage().contains(UNFINISHED), e.getMessage());
                    assertFinishedByOpenOrCreate(options(p, AccessMode.CRAWL));
                    outcomes[1]++;
                } else {
                    RegionException e = assertThrows(RegionException.class,
                            () -> Regions.openOrCreate(options(p, AccessMode.CRAWL)));
                    assertEquals(RegionException.Code.BAD_FORMAT, e.code(), e.getMessage());
                    assertFalse(e.getMessage().contains(UNFINISHED), e.getMessage());
                    assertArrayEquals(content, Files.readAllBytes(p), "a damaged image is left unchanged");
                    outcomes[2]++;
                }
            } catch (IOException | RuntimeException | AssertionError e) {
                problems.add(image + ": " + e);
            }
        });
        System.out.printf("region creation: %d crash images (seed 0x%x): %d opened, %d unfinished, %d damaged%n",
                images, seed, outcomes[0], outcomes[1], outcomes[2]);
        assertEquals(List.of(), problems.subList(0, Math.min(5, problems.size())), "seed 0x" + Long.toHexString(seed));
        for (int k = 0; k < 3; k++) {
            assertNotEquals(0, outcomes[k], "every kind of image occurred: " + Arrays.toString(outcomes));
        }
    }
}
