package dev.engram.kv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A well-mixed 32-bit hash of a key's bytes, 8 bytes at a time. {@code Arrays.hashCode} is not
 * enough: its multiplier 31 is smaller than a byte's range, so keys that differ in their last few
 * bytes (big-endian counters, the most common binary keys) collide by the thousand and the hash
 * index degrades to long bins (measured: 254 k gets/s against 894 k for decimal keys).
 */
final class KeyHash {

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private KeyHash() {
    }

    static int of(byte[] key) {
        long h = of64(key);
        return (int) (h ^ (h >>> 32));
    }

    /** The full 64-bit hash: the hash index takes its slot from the low bits and its tag from the high ones. */
    static long of64(byte[] key) {
        long h = 0x9E3779B97F4A7C15L ^ key.length;
        int i = 0;
        for (; i + 8 <= key.length; i += 8) {
            h = (h ^ (long) LONG.get(key, i)) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        long tail = 0;
        for (int shift = 0; i < key.length; i++, shift += 8) {
            tail |= (key[i] & 0xFFL) << shift;
        }
        h = (h ^ tail) * 0x94D049BB133111EBL;
        h ^= h >>> 29;
        return h;
    }
}
