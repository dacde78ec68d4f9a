package dev.engram.bench.workload;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pieces a result is computed from: histogram buckets, keys, key orders, operation shares. */
class MeasurementPartsTest {

    @Test
    void shouldKeepEveryPercentileWithinThreePercentOfTheExactOne() {
        SplittableRandom random = new SplittableRandom(7);
        long[] values = new long[100_000];
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.exp(random.nextDouble(2, 16));   // 7 ns .. 9 ms, log-uniform
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double q : new double[]{0.5, 0.9, 0.99, 0.999}) {
            long exact = values[(int) Math.ceil(q * values.length) - 1];
            long estimate = h.percentile(q);
            assertTrue(Math.abs(estimate - exact) <= Math.max(1, exact * 0.033), "p" + q + ": " + estimate + " vs " + exact);
        }
        assertEquals(values[values.length - 1], h.maxNanos());
        assertEquals(values.length, h.count());
    }

    @Test
    void shouldMapEveryValueToTheBucketThatContainsIt() {
        for (long v : new long[]{0, 1, 31, 32, 33, 63, 64, 100, 1000, 123_456_789, Long.MAX_VALUE}) {
            int index = LatencyHistogram.indexOf(v);
            long low = LatencyHistogram.lowerBound(index);
            assertTrue(low <= v && v - low < LatencyHistogram.width(index), v + " in bucket " + index);
            assertTrue(index < LatencyHistogram.BUCKETS);
        }
        for (int i = 1; i < LatencyHistogram.BUCKETS; i++) {
            assertEquals(LatencyHistogram.lowerBound(i - 1) + LatencyHistogram.width(i - 1), LatencyHistogram.lowerBound(i),
                    "bucket " + i + " starts where " + (i - 1) + " ends");
        }
    }

    @Test
    void shouldOrderKeysByIndexAndKeepMissingKeysDistinctFromEveryPresentOne() {
        for (int keyBytes : new int[]{4, 8, 16}) {
            KeySpace space = new KeySpace(keyBytes, 1000);
            Set<String> present = new HashSet<>();
            for (long i = 0; i < 1000; i++) {
                byte[] key = space.key(i);
                assertEquals(keyBytes, key.length);
                if (i > 0) {
                    assertTrue(Arrays.compareUnsigned(space.key(i - 1), key) < 0, "key " + i + " sorts after " + (i - 1));
                }
                present.add(Arrays.toString(key));
            }
            byte[] buffer = space.newBuffer();
            for (long i = 0; i < 1000; i++) {
                space.missing(buffer, i);
                assertTrue(!present.contains(Arrays.toString(buffer)), "missing key " + i + " of size " + keyBytes);
                space.present(buffer, i);
                assertEquals(Arrays.toString(space.key(i)), Arrays.toString(buffer), "a reused buffer is rewritten whole");
            }
        }
    }

    @Test
    void shouldDrawTheSamePermutationFromTheSameSeedAndADifferentOnePerStream() {
        int[] a = KeyOrder.permutation(10_000, 42, KeyOrder.FILL);
        int[] b = KeyOrder.permutation(10_000, 42, KeyOrder.FILL);
        int[] c = KeyOrder.permutation(10_000, 42, KeyOrder.OPERATIONS);
        assertTrue(Arrays.equals(a, b));
        assertTrue(!Arrays.equals(a, c));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
    }

    @Test
    void shouldSplitOperationsIntoContiguousSharesThatCoverThemAll() {
        long[] shares = Phase.shares(1_000_003, 3);
        assertEquals(1_000_003, Arrays.stream(shares).sum());
        assertEquals(Phase.first(1_000_003, 3, 1), shares[0]);
        assertEquals(Phase.first(1_000_003, 3, 2), shares[0] + shares[1]);
        assertTrue(Arrays.stream(shares).max().getAsLong() - Arrays.stream(shares).min().getAsLong() <= 1);
    }
}
