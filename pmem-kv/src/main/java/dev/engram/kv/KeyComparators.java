package dev.engram.kv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * The sorted engine's key orders, by the name a pool records. A pool opened later uses the order it
 * was created with; an unknown name is refused rather than guessed.
 */
public final class KeyComparators {

    /** Unsigned lexicographic byte order (memcmp), shorter key first on a common prefix. */
    public static final String BYTEWISE = "bytewise";
    /** The reverse of {@link #BYTEWISE}. */
    public static final String REVERSE_BYTEWISE = "reverse-bytewise";

    /** Eight key bytes as one number whose unsigned order is theirs (memcmp's): the first byte highest. */
    private static final VarHandle EIGHT_BYTES = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private KeyComparators() {
    }

    static Comparator<byte[]> byName(String name, Path path) {
        return switch (name) {
            case BYTEWISE -> KeyComparators::bytewise;
            case REVERSE_BYTEWISE -> (a, b) -> bytewise(b, a);
            default -> throw new KvException(KvException.Code.INVALID_ARGUMENT, path,
                    "unknown comparator '" + name + "': expected " + BYTEWISE + " or " + REVERSE_BYTEWISE);
        };
    }

    /**
     * {@link #BYTEWISE}: the sign of {@code Arrays.compareUnsigned(a, b)}, eight bytes at a time. Keys that
     * share a long prefix (numbered keys: "user000000001234") are common, and {@code Arrays.compareUnsigned}
     * leaves its first-byte shortcut for a call to the vectorized mismatch there, at every step of a
     * skip-list search (measured in docs/benchmarks.md).
     */
    static int bytewise(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        for (; i <= n - 8; i += 8) {
            long x = (long) EIGHT_BYTES.get(a, i);
            long y = (long) EIGHT_BYTES.get(b, i);
            if (x != y) {
                return Long.compareUnsigned(x, y);
            }
        }
        for (; i < n; i++) {
            int c = Byte.toUnsignedInt(a[i]) - Byte.toUnsignedInt(b[i]);
            if (c != 0) {
                return c;
            }
        }
        return a.length - b.length;
    }
}
