package dev.engram.region;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The region header: pinned offsets, and every bad file refused with a typed error and left untouched. */
class RegionFormatTest {

    private RegionFiles files;

    @BeforeEach
    void setUp() {
        files = RegionFiles.onShm();
    }

    @AfterEach
    void tearDown() {
        files.close();
    }

    @Test
    void shouldPinEveryHeaderOffset() {
        assertEquals(4096, RegionHeader.LENGTH);
        assertEquals(0, RegionHeader.MAGIC_OFFSET);
        assertEquals(8, RegionHeader.MAJOR_OFFSET);
        assertEquals(10, RegionHeader.MINOR_OFFSET);
        assertEquals(12, RegionHeader.HEADER_LENGTH_OFFSET);
        assertEquals(16, RegionHeader.INCOMPAT_FLAGS_OFFSET);
        assertEquals(20, RegionHeader.RO_COMPAT_FLAGS_OFFSET);
        assertEquals(24, RegionHeader.UUID_HI_OFFSET);
        assertEquals(32, RegionHeader.UUID_LO_OFFSET);
        assertEquals(40, RegionHeader.CREATED_MILLIS_OFFSET);
        assertEquals(48, RegionHeader.KIND_OFFSET);
        assertEquals(52, RegionHeader.BLOCK_BYTES_OFFSET);
        assertEquals(56, RegionHeader.RESERVED_OFFSET);
        assertEquals(60, RegionHeader.HEADER_CRC_OFFSET);
        assertEquals(60, RegionHeader.CHECKED_LENGTH);
        assertEquals(512, RegionHeader.ATTACH_SLOT_A_OFFSET);
        assertEquals(1024, RegionHeader.ATTACH_SLOT_B_OFFSET);
        assertEquals(0, RegionHeader.ATTACH_SEQ_OFFSET);
        assertEquals(8, RegionHeader.ATTACH_TOKEN_OFFSET);
        assertEquals(16, RegionHeader.ATTACH_CRC_OFFSET);
        assertEquals(20, RegionHeader.ATTACH_SLOT_LENGTH);
        assertEquals(4096, RunRegion.DESCRIPTOR_OFFSET);
        assertEquals(4112, RunRegion.SLOT_COUNT_OFFSET);
        assertEquals(4116, RunRegion.BLOCK_BYTES_OFFSET);
        assertEquals(4120, RunRegion.DIRECTORY_OFFSET_OFFSET);
        assertEquals(4128, RunRegion.SLOTS_OFFSET_OFFSET);
        assertEquals(4136, RunRegion.DESCRIPTOR_CRC_OFFSET);
        assertEquals(8192, RunRegion.DIRECTORY_OFFSET);
    }

    @Test
    void shouldWriteTheMagicAsItsDocumentedBytes() {
        byte[] h = RegionHeader.image(RegionHeader.KIND_DATA, new UUID(1, 2), 0, 0);
        assertArrayEquals(new byte[]{(byte) 0x89, 'E', 'N', 'G', 'R', 'M', '\r', '\n'}, java.util.Arrays.copyOf(h, 8));
    }

    private Path region() {
        Path p = files.file("r");
        Regions.create(new RegionOptions(p).mode(AccessMode.CRAWL).size(64 * 1024)).close();
        return p;
    }

    private void assertRefused(Path p, RegionException.Code code, String messagePart) throws IOException {
        byte[] before = Files.readAllBytes(p);
        for (AccessMode mode : AccessMode.values()) {
            RegionException e = assertThrows(RegionException.class,
                    () -> Regions.open(new RegionOptions(p).mode(mode).backgroundDestage(false)), mode.name());
            assertEquals(code, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains(messagePart), e.getMessage());
            assertTrue(e.getMessage().contains(p.toString()), "the message names the file: " + e.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(p), "a refused open leaves the file unchanged");
    }

    private static void patch(Path p, int offset, byte[] bytes) throws IOException {
        byte[] all = Files.readAllBytes(p);
        System.arraycopy(bytes, 0, all, offset, bytes.length);
        Files.write(p, all);
    }

    private static byte[] le(long v, int n) {
        return java.util.Arrays.copyOf(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array(), n);
    }

    @Test
    void shouldKeepThePreviousAttachStateWhenTheSlotBeingWrittenIsGarbled() {
        byte[] h = RegionHeader.image(RegionHeader.KIND_DATA, new UUID(1, 2), 0, 0);
        assertEquals(0, RegionHeader.attachToken(h), "a new file is detached");
        byte[] a = RegionHeader.attachSlot(1, 0xABCL);
        System.arraycopy(a, 0, h, RegionHeader.nextSlotOffset(h), a.length);
        assertEquals(0xABCL, RegionHeader.attachToken(h));
        int next = RegionHeader.nextSlotOffset(h);
        assertEquals(RegionHeader.ATTACH_SLOT_B_OFFSET, next, "updates alternate between the slots");
        byte[] detach = RegionHeader.attachSlot(2, 0);
        System.arraycopy(detach, 0, h, next, detach.length);
        assertEquals(0, RegionHeader.attachToken(h));
        h[next + 3] ^= 0x40;   // the sector of the latest update is garbled by a power failure
        assertEquals(0xABCL, RegionHeader.attachToken(h), "the other slot still holds the state before it");
    }

    @Test
    void shouldRefuseAnEmptyFile() throws IOException {
        Path p = files.file("empty");
        Files.write(p, new byte[0]);
        assertRefused(p, RegionException.Code.BAD_FORMAT, "not a non-zero multiple of 4096");
    }

    @Test
    void shouldRefuseATruncatedRegion() throws IOException {
        Path p = region();
        byte[] all = Files.readAllBytes(p);
        Files.write(p, java.util.Arrays.copyOf(all, 5000));
        assertRefused(p, RegionException.Code.BAD_FORMAT, "file length 5000");
    }

    @Test
    void shouldRefuseAnAllZeroFile() throws IOException {
        Path p = files.file("zero");
        Files.write(p, new byte[8192]);
        assertRefused(p, RegionException.Code.BAD_FORMAT, "magic is 0x0");
    }

    @Test
    void shouldRefuseForeignFilesSuchAsSqliteOrText() throws IOException {
        Path sqlite = files.file("db.sqlite");
        byte[] s = new byte[8192];
        System.arraycopy("SQLite format 3\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, s, 0, 16);
        Files.write(sqlite, s);
        assertRefused(sqlite, RegionException.Code.BAD_FORMAT, "not an Engram region");
        Path random = files.file("random");
        byte[] r = new byte[8192];
        new Random(11).nextBytes(r);
        Files.write(random, r);
        assertRefused(random, RegionException.Code.BAD_FORMAT, "not an Engram region");
    }

    @Test
    void shouldNameAByteSwappedMagic() throws IOException {
        Path p = region();
        patch(p, 0, le(Long.reverseBytes(RegionHeader.MAGIC), 8));
        assertRefused(p, RegionException.Code.BAD_FORMAT, "wrong byte order");
    }

    @Test
    void shouldRefuseANewerMajorVersion() throws IOException {
        Path p = region();
        patch(p, RegionHeader.MAJOR_OFFSET, le(2, 2));
        assertRefused(p, RegionException.Code.VERSION, "upgrade Engram");
    }

    @Test
    void shouldRefuseUnknownIncompatibleFeatureFlags() throws IOException {
        Path p = region();
        patch(p, RegionHeader.INCOMPAT_FLAGS_OFFSET, le(0x10, 4));
        assertRefused(p, RegionException.Code.VERSION, "unknown incompatible feature flags 0x10");
    }

    @Test
    void shouldRefuseAHeaderChecksumMismatch() throws IOException {
        Path p = region();
        patch(p, RegionHeader.CREATED_MILLIS_OFFSET, le(12345, 8));
        assertRefused(p, RegionException.Code.BAD_FORMAT, "header checksum");
    }

    @Test
    void shouldRefuseAMissingFileAndAnExistingOneOnCreate() {
        Path p = files.file("missing");
        RegionException e = assertThrows(RegionException.class, () -> Regions.open(new RegionOptions(p)));
        assertEquals(RegionException.Code.IO, e.code());
        Path existing = region();
        RegionException again = assertThrows(RegionException.class, () -> Regions.create(new RegionOptions(existing)));
        assertEquals(RegionException.Code.INVALID_ARGUMENT, again.code());
        assertTrue(again.getMessage().contains("already exists"));
    }

    @Test
    void shouldRefuseBadOptionsBeforeTouchingAnyFile() {
        Path p = files.file("opts");
        RegionException small = assertThrows(RegionException.class, () -> Regions.create(new RegionOptions(p).size(100)));
        assertEquals(RegionException.Code.INVALID_ARGUMENT, small.code());
        RegionException block = assertThrows(RegionException.class,
                () -> Regions.create(new RegionOptions(p).mode(AccessMode.RUN).blockBytes(5000)));
        assertEquals(RegionException.Code.INVALID_ARGUMENT, block.code());
        assertTrue(!Files.exists(p), "no file was created");
        assertThrows(IllegalArgumentException.class, () -> AccessMode.parse("sprint"));
        assertEquals(AccessMode.WALK, AccessMode.parse("walk"));
    }
}
