package dev.engram.bench.workload;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The keys of a run: {@code keys} fixed-size keys, each derived from its index, so that the key of index
 * {@code i} sorts (bytewise, unsigned) before the key of {@code i + 1} and {@code fillseq} writes them in
 * order. Two formats:
 *
 * <pre>
 * index (default): the index in binary
 *   key-size >= 8:   [ index, u64 big-endian | 0x00 ... 0x00 ]        bytes 8 .. key-size-1 are zero
 *   key-size < 8:    [ index, low key-size bytes, big-endian ]        needs 2 * keys <= 256^key-size
 *   missing key of index i (readmissing):
 *   key-size > 8:    [ i, u64 big-endian | 0x00 ... 0x01 ]            between present keys i and i+1
 *   key-size <= 8:   the present layout of index keys + i             after every present key
 *
 * decimal: db_bench's own keys, the index in ASCII decimal, zero-padded to key-size
 *   [ '0' '0' ... '1' '2' '3' ]                                       needs 2 * keys <= 10^key-size
 *   missing key of index i: the key of index keys + i                 after every present key
 * </pre>
 *
 * Writers fill a buffer the caller owns; nothing here allocates per key.
 */
final class KeySpace {

    /** How a key is derived from its index. */
    enum Format {
        /** The index in binary, big-endian, zero-padded: the suggestion. */
        INDEX,
        /** The index in zero-padded ASCII decimal, as db_bench's keys. */
        DECIMAL
    }

    private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final Format format;
    private final int keyBytes;
    private final long keys;

    KeySpace(int keyBytes, long keys) {
        this(Format.INDEX, keyBytes, keys);
    }

    KeySpace(Format format, int keyBytes, long keys) {
        if (keyBytes < 1 || keyBytes > 64 * 1024) {
            throw new IllegalArgumentException("key-size " + keyBytes + " must be from 1 to 65536 bytes");
        }
        if (keys < 1) {
            throw new IllegalArgumentException("keys " + keys + " must be at least 1");
        }
        if (format == Format.DECIMAL && keyBytes < 18 && 2 * keys > POWERS_OF_TEN[keyBytes]) {
            throw new IllegalArgumentException("key-size " + keyBytes + " holds " + POWERS_OF_TEN[keyBytes]
                    + " decimal keys; " + keys + " keys and as many missing keys need " + 2 * keys
                    + ": use a larger key-size or fewer keys");
        }
        if (format == Format.INDEX && keyBytes < 8 && 2 * keys > (1L << (8 * keyBytes))) {
            throw new IllegalArgumentException("key-size " + keyBytes + " holds " + (1L << (8 * keyBytes))
                    + " distinct keys; " + keys + " keys and as many missing keys need " + 2 * keys
                    + ": use a larger key-size or fewer keys");
        }
        this.format = format;
        this.keyBytes = keyBytes;
        this.keys = keys;
    }

    private static final long[] POWERS_OF_TEN = new long[18];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    Format format() {
        return format;
    }

    int keyBytes() {
        return keyBytes;
    }

    long keys() {
        return keys;
    }

    /** A buffer for {@link #present} and {@link #missing}. */
    byte[] newBuffer() {
        return new byte[keyBytes];
    }

    /** Writes the key of index {@code index} (0 &le; index &lt; keys) into {@code key}. */
    void present(byte[] key, long index) {
        if (format == Format.DECIMAL) {
            decimal(key, index);
        } else if (keyBytes >= 8) {
            BIG_ENDIAN_LONG.set(key, 0, index);
            if (keyBytes > 8) {
                key[keyBytes - 1] = 0;          // the one padding byte missing() may have set
            }
        } else {
            low(key, index);
        }
    }

    /** Writes a key that no write of this run ever uses, near the key of {@code index}. */
    void missing(byte[] key, long index) {
        if (format == Format.DECIMAL) {
            decimal(key, keys + index);
        } else if (keyBytes > 8) {
            BIG_ENDIAN_LONG.set(key, 0, index);
            key[keyBytes - 1] = 1;
        } else if (keyBytes == 8) {
            BIG_ENDIAN_LONG.set(key, 0, keys + index);
        } else {
            low(key, keys + index);
        }
    }

    /** A new array holding the key of {@code index}. */
    byte[] key(long index) {
        byte[] key = newBuffer();
        present(key, index);
        return key;
    }

    private void decimal(byte[] key, long value) {
        for (int i = keyBytes - 1; i >= 0; i--) {
            key[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    private void low(byte[] key, long value) {
        for (int i = keyBytes - 1; i >= 0; i--) {
            key[i] = (byte) value;
            value >>>= 8;
        }
    }
}
