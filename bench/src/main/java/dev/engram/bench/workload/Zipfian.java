package dev.engram.bench.workload;

/**
 * Zipf-distributed ranks {@code 0 .. items-1}: rank {@code r} is drawn with probability proportional to
 * {@code 1 / (r + 1)^theta}, so rank 0 is the most popular. The method is Gray et al.'s ("Quickly
 * Generating Billion-Record Synthetic Databases", SIGMOD 1994), the one YCSB uses: ranks 0 and 1 exactly,
 * the rest from the inverse of a continuous approximation of the distribution, in O(1) per draw after an
 * O(items) sum of the normalising constant {@code zeta(items, theta)}.
 *
 * <p>{@link #THETA} is YCSB's constant, 0.99: the most popular 1 % of 1 M keys draw about 66 % of the
 * requests (the exact share, from zeta, is printed by {@code ZipfianTest}). {@link #grow} adds items in
 * O(added), for the "latest" distribution, where the newest record is rank 0 and the count grows with
 * every insert.
 *
 * <p>Deterministic: the caller passes the uniform draw, so every sequence comes from the run's seed.
 */
final class Zipfian {

    /** YCSB's zipfian constant ({@code ZipfianGenerator.ZIPFIAN_CONSTANT}): the skew of every YCSB workload here. */
    static final double THETA = 0.99;

    private final double theta;
    private final double alpha;
    private final double zeta2;
    private final double halfPowTheta;
    private long items;
    private double zetaN;
    private double eta;

    /** A distribution over {@code items} ranks with skew {@code theta} (0 &lt; theta &lt; 1). */
    Zipfian(long items, double theta) {
        if (items < 1) {
            throw new IllegalArgumentException("a zipfian distribution needs at least 1 item, not " + items);
        }
        if (!(theta > 0 && theta < 1)) {
            throw new IllegalArgumentException("zipfian theta " + theta + " must be in (0, 1)");
        }
        this.theta = theta;
        this.alpha = 1 / (1 - theta);
        this.zeta2 = 1 + Math.pow(0.5, theta);
        this.halfPowTheta = Math.pow(0.5, theta);
        this.items = items;
        this.zetaN = zeta(0, items, theta);
        this.eta = eta();
    }

    private Zipfian(Zipfian other) {
        this.theta = other.theta;
        this.alpha = other.alpha;
        this.zeta2 = other.zeta2;
        this.halfPowTheta = other.halfPowTheta;
        this.items = other.items;
        this.zetaN = other.zetaN;
        this.eta = other.eta;
    }

    /** An independent copy (same items, same constant), so one O(items) sum serves many threads. */
    Zipfian copy() {
        return new Zipfian(this);
    }

    /** {@code sum over i in (from, to] of 1 / i^theta}. */
    static double zeta(long from, long to, double theta) {
        double sum = 0;
        for (long i = from + 1; i <= to; i++) {
            sum += 1 / Math.pow(i, theta);
        }
        return sum;
    }

    private double eta() {
        return (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2 / zetaN);
    }

    long items() {
        return items;
    }

    /** The normalising constant {@code zeta(items, theta)}: rank r has probability {@code 1 / ((r+1)^theta * zeta)}. */
    double zetaN() {
        return zetaN;
    }

    /** Adds ranks up to {@code newItems} (no-op if not more). */
    void grow(long newItems) {
        if (newItems > items) {
            zetaN += zeta(items, newItems, theta);
            items = newItems;
            eta = eta();
        }
    }

    /** The rank for the uniform draw {@code u} in [0, 1). */
    long rank(double u) {
        double uz = u * zetaN;
        if (uz < 1) {
            return 0;
        }
        if (uz < 1 + halfPowTheta) {
            return 1;
        }
        long r = (long) (items * Math.pow(eta * u - eta + 1, alpha));
        return Math.min(r, items - 1);
    }
}
