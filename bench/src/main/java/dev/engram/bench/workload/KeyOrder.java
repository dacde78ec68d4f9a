package dev.engram.bench.workload;

import java.util.SplittableRandom;

/**
 * The order in which a run visits its keys: a seeded permutation of {@code [0, keys)}, built before
 * measurement so the measured path only reads an array sequentially. Every random order of a run comes
 * from its one printed seed:
 *
 * <ul>
 *   <li>{@link #FILL}: the order of {@code fillrandom} and of the (unmeasured) pre-fill of read workloads,
 *       so the log's layout is uncorrelated with key order;</li>
 *   <li>{@link #OPERATIONS}: the order of the measured operations of {@code overwrite}, {@code readrandom},
 *       {@code readmissing}, {@code deleterandom} and the readers of {@code readwhilewriting};</li>
 *   <li>{@link #BACKGROUND}: the order of the writer of {@code readwhilewriting}.</li>
 * </ul>
 */
final class KeyOrder {

    /** Stream numbers mixed into the run's seed, one per purpose. */
    static final int FILL = 0;
    static final int OPERATIONS = 1;
    static final int BACKGROUND = 2;

    private KeyOrder() {
    }

    /** The seed of stream {@code stream} of a run seeded with {@code seed}. */
    static long streamSeed(long seed, int stream) {
        return seed + 0x9E37_79B9_7F4A_7C15L * stream;   // SplittableRandom's own golden-gamma step
    }

    /** A permutation of {@code [0, n)} (Fisher-Yates), from stream {@code stream} of {@code seed}. */
    static int[] permutation(long n, long seed, int stream) {
        if (n < 1 || n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a permutation of " + n + " keys: must be from 1 to 2^31 - 9");
        }
        int[] order = new int[(int) n];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(streamSeed(seed, stream));
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
