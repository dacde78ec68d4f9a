package dev.engram.neuro.data;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of LeCun's MNIST files (and of Fashion-MNIST), plain or gzip-compressed, unsigned-byte
 * element type only. Every integer is big-endian.
 *
 * <pre>
 * images (magic 0x00000803: type 0x08 = unsigned byte, 3 dimensions)
 *  0        4        8        12       16
 *  +--------+--------+--------+--------+---------------------------------------+
 *  | magic  | count  | rows   | cols   | pixels: count * rows * cols bytes      |
 *  +--------+--------+--------+--------+---------------------------------------+
 *
 * labels (magic 0x00000801: unsigned byte, 1 dimension)
 *  0        4        8
 *  +--------+--------+-------------------+
 *  | magic  | count  | labels: count bytes|
 *  +--------+--------+-------------------+
 * </pre>
 *
 * The file must be exactly as long as its header says: shorter is {@link DataException.Code#TRUNCATED},
 * longer too (trailing bytes mean the header and the payload disagree). A gzip file is recognised by
 * its own magic bytes (0x1f 0x8b), not by its name.
 */
public final class Idx {

    public static final int MAGIC_OFFSET = 0;
    public static final int COUNT_OFFSET = 4;
    public static final int ROWS_OFFSET = 8;
    public static final int COLUMNS_OFFSET = 12;
    public static final int LABELS_DATA_OFFSET = 8;
    public static final int IMAGES_DATA_OFFSET = 16;

    /** Element type 0x08 (unsigned byte), 1 dimension. */
    public static final int LABELS_MAGIC = 0x0000_0801;
    /** Element type 0x08 (unsigned byte), 3 dimensions. */
    public static final int IMAGES_MAGIC = 0x0000_0803;

    private static final int UNSIGNED_BYTE_TYPE = 0x08;
    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;

    private Idx() {
    }

    /** Images of one IDX file: {@code pixels} is count × rows × columns bytes, row-major, 0..255 unsigned. */
    public record Images(Path source, int count, int rows, int columns, byte[] pixels) {
        public Images {
            if ((long) count * rows * columns != pixels.length) {
                throw new DataException(DataException.Code.INVALID_ARGUMENT, source, "pixels: found "
                        + pixels.length + " bytes, expected " + count + " × " + rows + " × " + columns);
            }
        }

        /** Pixel {@code (row, column)} of image {@code index}, 0..255. */
        public int pixel(int index, int row, int column) {
            return pixels[(index * rows + row) * columns + column] & 0xff;
        }
    }

    /** Reads an images file (magic {@code 0x00000803}). */
    public static Images readImages(Path file) {
        byte[] bytes = readMaybeGzip(file);
        checkMagic(file, header(file, bytes, 4, "images").getInt(MAGIC_OFFSET), IMAGES_MAGIC, "images, 3 dimensions");
        ByteBuffer header = header(file, bytes, IMAGES_DATA_OFFSET, "images");
        int count = dimension(file, header, COUNT_OFFSET, "count");
        int rows = dimension(file, header, ROWS_OFFSET, "rows");
        int columns = dimension(file, header, COLUMNS_OFFSET, "columns");
        long payload = (long) count * rows * columns;
        checkLength(file, bytes.length, IMAGES_DATA_OFFSET, payload, count + " × " + rows + " × " + columns);
        byte[] pixels = new byte[(int) payload];
        System.arraycopy(bytes, IMAGES_DATA_OFFSET, pixels, 0, pixels.length);
        return new Images(file, count, rows, columns, pixels);
    }

    /** Reads a labels file (magic {@code 0x00000801}); each label is an unsigned byte. */
    public static int[] readLabels(Path file) {
        byte[] bytes = readMaybeGzip(file);
        checkMagic(file, header(file, bytes, 4, "labels").getInt(MAGIC_OFFSET), LABELS_MAGIC, "labels, 1 dimension");
        ByteBuffer header = header(file, bytes, LABELS_DATA_OFFSET, "labels");
        int count = dimension(file, header, COUNT_OFFSET, "count");
        checkLength(file, bytes.length, LABELS_DATA_OFFSET, count, String.valueOf(count));
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = bytes[LABELS_DATA_OFFSET + i] & 0xff;
        }
        return labels;
    }

    private static byte[] readMaybeGzip(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(DataException.Code.MISSING, file, "no such file", e);
        } catch (IOException e) {
            throw new DataException(DataException.Code.IO, file, "cannot read: " + e, e);
        }
        boolean gzip = raw.length >= 2 && (raw[0] & 0xff) == GZIP_MAGIC_0 && (raw[1] & 0xff) == GZIP_MAGIC_1;
        if (!gzip) {
            return raw;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
            return in.readAllBytes();
        } catch (EOFException e) {
            throw new DataException(DataException.Code.TRUNCATED, file,
                    "gzip stream ends early (" + raw.length + " compressed bytes): the download was cut", e);
        } catch (ZipException e) {
            throw new DataException(DataException.Code.BAD_FORMAT, file, "corrupt gzip stream: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new DataException(DataException.Code.IO, file, "cannot decompress: " + e, e);
        }
    }

    private static ByteBuffer header(Path file, byte[] bytes, int headerLength, String kind) {
        if (bytes.length < headerLength) {
            throw new DataException(DataException.Code.TRUNCATED, file, "header: found " + bytes.length
                    + " bytes, expected at least " + headerLength + " for an IDX " + kind + " header");
        }
        return ByteBuffer.wrap(bytes, 0, headerLength).order(ByteOrder.BIG_ENDIAN);
    }

    private static void checkMagic(Path file, int found, int expected, String expectedKind) {
        if (found == expected) {
            return;
        }
        String what;
        if ((found >>> 16) != 0) {
            what = "not an IDX file (the first two bytes must be zero)";
        } else if (((found >>> 8) & 0xff) != UNSIGNED_BYTE_TYPE) {
            what = "element type 0x" + Integer.toHexString((found >>> 8) & 0xff)
                    + " (only 0x08, unsigned byte, is supported)";
        } else {
            what = (found & 0xff) + " dimensions";
        }
        throw new DataException(DataException.Code.BAD_FORMAT, file, String.format(
                "magic: found 0x%08x (%s), expected 0x%08x (unsigned-byte %s)", found, what, expected, expectedKind));
    }

    private static int dimension(Path file, ByteBuffer header, int offset, String field) {
        int value = header.getInt(offset);
        if (value <= 0) {
            throw new DataException(DataException.Code.BAD_FORMAT, file,
                    field + " (offset " + offset + "): found " + value + ", expected a positive size");
        }
        return value;
    }

    private static void checkLength(Path file, int length, int dataOffset, long payload, String dims) {
        long expected = dataOffset + payload;
        if (expected > Integer.MAX_VALUE - 16) {
            throw new DataException(DataException.Code.BAD_FORMAT, file,
                    "dimensions " + dims + " need " + payload + " bytes, more than one array can hold");
        }
        if (length < expected) {
            throw new DataException(DataException.Code.TRUNCATED, file, "payload: found " + (length - dataOffset)
                    + " bytes after the " + dataOffset + "-byte header, expected " + payload + " (" + dims + ")");
        }
        if (length > expected) {
            throw new DataException(DataException.Code.BAD_FORMAT, file, "payload: found " + (length - dataOffset)
                    + " bytes after the " + dataOffset + "-byte header, expected exactly " + payload + " (" + dims
                    + "): trailing bytes");
        }
    }
}
