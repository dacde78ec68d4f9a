package dev.engram.kv;

import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.engram.kv.PoolFormat.LZ4_HEADER_LENGTH;
import static dev.engram.kv.PoolFormat.LZ4_RAW_LENGTH_OFFSET;

/**
 * The stored form of a compressed value ({@link PoolFormat#FLAG_LZ4}): RAW_LENGTH u32 (little-endian)
 * followed by one LZ4 block. lz4-java's pure-Java codecs only: no native library to load, no
 * {@code sun.misc.Unsafe}, and the safe decompressor never reads or writes outside the arrays it is
 * given, whatever the stored bytes say (they passed the record's CRC, but a bug or a crafted pool
 * must still end in a typed error, not a wrong value).
 */
final class Lz4Values {

    /** Values below this are not worth a try: the 4-byte header and LZ4's literal overhead eat the gain. */
    static final int MIN_RAW_LENGTH = 64;

    private static final LZ4Compressor COMPRESSOR = LZ4Factory.safeInstance().fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.safeInstance().safeDecompressor();

    private Lz4Values() {
    }

    /**
     * The stored form of {@code raw[at, at + length)}, or null when compressing does not save at least
     * an eighth of it (then the value is stored as it is).
     */
    static byte[] compress(byte[] raw, int at, int length) {
        if (length < MIN_RAW_LENGTH) {
            return null;
        }
        int limit = length - length / 8;
        byte[] out = new byte[LZ4_HEADER_LENGTH + COMPRESSOR.maxCompressedLength(length)];
        int packed = COMPRESSOR.compress(raw, at, length, out, LZ4_HEADER_LENGTH, out.length - LZ4_HEADER_LENGTH);
        if (LZ4_HEADER_LENGTH + packed > limit) {
            return null;
        }
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(LZ4_RAW_LENGTH_OFFSET, length);
        return Arrays.copyOf(out, LZ4_HEADER_LENGTH + packed);
    }

    /**
     * The raw value of the stored form at {@code stored[at, at + length)}; a CORRUPT error naming the
     * record when the form does not decode to exactly RAW_LENGTH bytes of at most {@code maxValue}.
     */
    static byte[] decompress(Path path, long recordOffset, byte[] stored, int at, int length, int maxValue) {
        if (length < LZ4_HEADER_LENGTH) {
            throw corrupt(path, recordOffset, "its compressed value is " + length + " bytes, shorter than its "
                    + LZ4_HEADER_LENGTH + "-byte length field");
        }
        int rawLength = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN).getInt(at + LZ4_RAW_LENGTH_OFFSET);
        if (rawLength < 0 || rawLength > maxValue) {
            throw corrupt(path, recordOffset, "its compressed value says " + rawLength + " raw bytes, expected 0 to "
                    + maxValue);
        }
        byte[] raw = new byte[rawLength];
        int produced;
        try {
            produced = DECOMPRESSOR.decompress(stored, at + LZ4_HEADER_LENGTH, length - LZ4_HEADER_LENGTH, raw, 0, rawLength);
        } catch (LZ4Exception e) {
            throw corrupt(path, recordOffset, "its compressed value does not decode (" + e.getMessage() + ")");
        }
        if (produced != rawLength) {
            throw corrupt(path, recordOffset, "its compressed value decodes to " + produced + " bytes, its length field"
                    + " says " + rawLength);
        }
        return raw;
    }

    private static KvException corrupt(Path path, long recordOffset, String what) {
        return new KvException(KvException.Code.CORRUPT, path, "the record at offset " + recordOffset
                + " passed its checksum but " + what);
    }
}
