package dev.engram.bench.workload;

/**
 * A fixed log-linear histogram of latencies in nanoseconds: recording is one index computation and one
 * array increment, no allocation, no bound to configure. One per worker thread, merged after the run.
 *
 * <h2>Buckets</h2>
 * Values below {@value #EXACT_BELOW} ns each have their own bucket. Above, every power-of-two range
 * {@code [2^m, 2^(m+1))} is split into {@value #SUB_BUCKETS} equal buckets, so a bucket is at most 1/16 of
 * its lower bound wide: a percentile is exact to within 6.25 % (reported as the bucket's midpoint, which
 * is within 3.2 %). The whole {@code long} range fits in 960 buckets (7.5 KiB of counts).
 *
 * <pre>
 *   value        bucket index                      bucket width
 *   0 .. 31      value                             1 ns
 *   32 .. 63     32 + (value - 32)                 2 ns   (shift 1)
 *   64 .. 127    48 + (value - 64) / 4             4 ns   (shift 2)
 *   2^m ..       16 * (m - 3) + (value >> (m - 4)) - 16     2^(m-4) ns
 * </pre>
 */
public final class LatencyHistogram {

    /** log2 of {@link #SUB_BUCKETS}. */
    private static final int SUB_BUCKET_BITS = 4;
    /** Buckets per power-of-two range. */
    static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    /** Values below this each have an exact bucket: 32 ns. */
    static final long EXACT_BELOW = 2L * SUB_BUCKETS;
    /** Enough for any non-negative long: index of Long.MAX_VALUE, plus one. */
    static final int BUCKETS = indexOf(Long.MAX_VALUE) + 1;

    private final long[] counts = new long[BUCKETS];
    private long count;
    private long sumNanos;
    private long minNanos = Long.MAX_VALUE;
    private long maxNanos;

    /** Records one latency; negative values (a clock that stepped back) count as 0. */
    public void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[indexOf(v)]++;
        count++;
        sumNanos += v;
        if (v < minNanos) {
            minNanos = v;
        }
        if (v > maxNanos) {
            maxNanos = v;
        }
    }

    static int indexOf(long value) {
        if (value < EXACT_BELOW) {
            return (int) value;
        }
        int msb = 63 - Long.numberOfLeadingZeros(value);
        int shift = msb - SUB_BUCKET_BITS;                  // >= 1 here
        int sub = (int) (value >>> shift);                  // in [16, 32)
        return (shift + 1) * SUB_BUCKETS + (sub - SUB_BUCKETS);
    }

    /** The smallest value that falls into bucket {@code index}. */
    static long lowerBound(int index) {
        if (index < EXACT_BELOW) {
            return index;
        }
        int shift = index / SUB_BUCKETS - 1;
        long sub = SUB_BUCKETS + index % SUB_BUCKETS;
        return sub << shift;
    }

    /** The width of bucket {@code index} in nanoseconds. */
    static long width(int index) {
        return index < EXACT_BELOW ? 1 : 1L << (index / SUB_BUCKETS - 1);
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        count += other.count;
        sumNanos += other.sumNanos;
        minNanos = Math.min(minNanos, other.minNanos);
        maxNanos = Math.max(maxNanos, other.maxNanos);
    }

    public long count() {
        return count;
    }

    public long maxNanos() {
        return count == 0 ? 0 : maxNanos;
    }

    long minNanos() {
        return count == 0 ? 0 : minNanos;
    }

    double meanNanos() {
        return count == 0 ? 0 : (double) sumNanos / count;
    }

    /**
     * The value at quantile {@code q} (0 &lt; q &le; 1): the midpoint of the bucket holding the
     * {@code ceil(q * count)}-th smallest sample, clamped to the observed minimum and maximum. 0 when empty.
     */
    public long percentile(double q) {
        if (!(q > 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile " + q + " must be in (0, 1]");
        }
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                long mid = lowerBound(i) + (width(i) - 1) / 2;
                return Math.min(maxNanos, Math.max(minNanos, mid));
            }
        }
        return maxNanos;
    }
}
