package dev.engram.neuro.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    @TempDir
    Path dir;

    private static byte[] pixels(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 37 + 11); // covers values above 127: unsigned handling matters
        }
        return p;
    }

    @Test
    void shouldReadImagesWithTheirShapeAndUnsignedPixels() {
        byte[] p = pixels(3 * 4 * 5);
        Path file = IdxFiles.write(dir.resolve("images-idx3-ubyte"), IdxFiles.images(3, 4, 5, p));
        Idx.Images images = Idx.readImages(file);
        assertEquals(3, images.count());
        assertEquals(4, images.rows());
        assertEquals(5, images.columns());
        assertArrayEquals(p, images.pixels());
        assertEquals(p[(2 * 4 + 3) * 5 + 1] & 0xff, images.pixel(2, 3, 1));
    }

    @Test
    void shouldReadGzipFilesByTheirMagicNotTheirName() {
        byte[] p = pixels(2 * 3 * 3);
        Path images = IdxFiles.write(dir.resolve("no-extension"), IdxFiles.gzip(IdxFiles.images(2, 3, 3, p)));
        Path labels = IdxFiles.write(dir.resolve("labels.gz"), IdxFiles.gzip(IdxFiles.labels(new byte[] {9, (byte) 200})));
        assertArrayEquals(p, Idx.readImages(images).pixels());
        assertArrayEquals(new int[] {9, 200}, Idx.readLabels(labels));
    }

    @Test
    void shouldRejectALabelsFileReadAsImagesNamingTheFileAndBothMagics() {
        Path file = IdxFiles.write(dir.resolve("t10k-labels-idx1-ubyte"), IdxFiles.labels(new byte[] {1, 2, 3}));
        DataException e = assertThrows(DataException.class, () -> Idx.readImages(file));
        assertEquals(DataException.Code.BAD_FORMAT, e.code());
        assertEquals(file, e.path());
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("found 0x00000801") && e.getMessage().contains("expected 0x00000803"),
                e.getMessage());
    }

    @Test
    void shouldRejectAFileThatIsNotIdx() {
        Path file = IdxFiles.write(dir.resolve("readme.txt"), "hello, this is not IDX at all".getBytes());
        DataException e = assertThrows(DataException.class, () -> Idx.readLabels(file));
        assertEquals(DataException.Code.BAD_FORMAT, e.code());
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
    }

    @Test
    void shouldRejectAnElementTypeOtherThanUnsignedByte() {
        byte[] bytes = IdxFiles.labels(new byte[] {1, 2});
        bytes[2] = 0x0D; // float
        Path file = IdxFiles.write(dir.resolve("floats"), bytes);
        DataException e = assertThrows(DataException.class, () -> Idx.readLabels(file));
        assertEquals(DataException.Code.BAD_FORMAT, e.code());
        assertTrue(e.getMessage().contains("element type 0xd"), e.getMessage());
    }

    @Test
    void shouldRejectATruncatedPayloadSayingHowManyBytesWereExpected() {
        byte[] full = IdxFiles.images(2, 28, 28, pixels(2 * 28 * 28));
        Path file = IdxFiles.write(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(full, full.length - 100));
        DataException e = assertThrows(DataException.class, () -> Idx.readImages(file));
        assertEquals(DataException.Code.TRUNCATED, e.code());
        assertEquals(file, e.path());
        assertTrue(e.getMessage().contains("found 1468 bytes") && e.getMessage().contains("expected 1568"),
                e.getMessage());
    }

    @Test
    void shouldRejectAHeaderCutShort() {
        Path file = IdxFiles.write(dir.resolve("short"), Arrays.copyOf(IdxFiles.images(1, 2, 2, pixels(4)), 10));
        assertEquals(DataException.Code.TRUNCATED, assertThrows(DataException.class, () -> Idx.readImages(file)).code());
    }

    @Test
    void shouldRejectTrailingBytesAfterThePayload() {
        byte[] full = IdxFiles.labels(new byte[] {1, 2, 3});
        Path file = IdxFiles.write(dir.resolve("long"), Arrays.copyOf(full, full.length + 1));
        DataException e = assertThrows(DataException.class, () -> Idx.readLabels(file));
        assertEquals(DataException.Code.BAD_FORMAT, e.code());
        assertTrue(e.getMessage().contains("trailing bytes"), e.getMessage());
    }

    @Test
    void shouldRejectAZeroDimension() {
        byte[] bytes = IdxFiles.images(1, 2, 2, pixels(4));
        ByteBuffer.wrap(bytes).putInt(Idx.ROWS_OFFSET, 0);
        Path file = IdxFiles.write(dir.resolve("zero-rows"), bytes);
        DataException e = assertThrows(DataException.class, () -> Idx.readImages(file));
        assertEquals(DataException.Code.BAD_FORMAT, e.code());
        assertTrue(e.getMessage().contains("rows (offset 8): found 0"), e.getMessage());
    }

    @Test
    void shouldRejectACutGzipStreamAsTruncated() {
        byte[] gz = IdxFiles.gzip(IdxFiles.images(4, 10, 10, pixels(400)));
        Path file = IdxFiles.write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        DataException e = assertThrows(DataException.class, () -> Idx.readImages(file));
        assertEquals(DataException.Code.TRUNCATED, e.code());
        assertEquals(file, e.path());
    }

    @Test
    void shouldReportAMissingFileAsMissing() {
        Path file = dir.resolve("absent");
        assertEquals(DataException.Code.MISSING, assertThrows(DataException.class, () -> Idx.readLabels(file)).code());
    }
}
