package dev.engram.kv;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bytewise order compares eight bytes at a time ({@link KeyComparators#bytewise}); it must order
 * every pair of keys as {@code Arrays.compareUnsigned} (memcmp, shorter first on a common prefix) does,
 * which pools created before it were ordered by.
 */
class KeyComparatorsTest {

    private static final long SEED = Long.getLong("engram.seed", 0xC0FFEEL);

    @Test
    void shouldOrderEveryPairAsMemcmpDoes() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        Comparator<byte[]> bytewise = KeyComparators.byName(KeyComparators.BYTEWISE, Path.of("pool"));
        Comparator<byte[]> reverse = KeyComparators.byName(KeyComparators.REVERSE_BYTEWISE, Path.of("pool"));
        for (int i = 0; i < 200_000; i++) {
            byte[] a = key(rnd);
            byte[] b = rnd.nextInt(4) == 0 ? a.clone() : related(rnd, a);
            int expected = Integer.signum(Arrays.compareUnsigned(a, b));
            String pair = "seed=" + SEED + ": " + Arrays.toString(a) + " vs " + Arrays.toString(b);
            assertEquals(expected, Integer.signum(bytewise.compare(a, b)), pair);
            assertEquals(-expected, Integer.signum(reverse.compare(a, b)), pair);
        }
    }

    /** 0 to 40 bytes, often with long runs of zeros and of 0xFF (the sign bit: unsigned order matters). */
    private static byte[] key(SplittableRandom rnd) {
        byte[] k = new byte[rnd.nextInt(41)];
        for (int j = 0; j < k.length; j++) {
            int pick = rnd.nextInt(4);
            k[j] = pick == 0 ? 0 : pick == 1 ? (byte) 0xFF : (byte) rnd.nextInt(256);
        }
        return k;
    }

    /** {@code a} with a shared prefix of any length, then one byte changed, or cut, or extended. */
    private static byte[] related(SplittableRandom rnd, byte[] a) {
        byte[] b = Arrays.copyOf(a, Math.max(0, a.length + rnd.nextInt(-3, 4)));
        if (b.length > 0 && rnd.nextBoolean()) {
            b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        }
        return b;
    }
}
