package dev.engram.kv;

import java.nio.file.Path;
import java.util.Arrays;
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

    private KeyComparators() {
    }

    static Comparator<byte[]> byName(String name, Path path) {
        return switch (name) {
            case BYTEWISE -> Arrays::compareUnsigned;
            case REVERSE_BYTEWISE -> (a, b) -> Arrays.compareUnsigned(b, a);
            default -> throw new KvException(KvException.Code.INVALID_ARGUMENT, path,
                    "unknown comparator '" + name + "': expected " + BYTEWISE + " or " + REVERSE_BYTEWISE);
        };
    }
}
