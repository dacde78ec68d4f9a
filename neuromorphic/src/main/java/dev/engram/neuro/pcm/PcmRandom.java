package dev.engram.neuro.pcm;

/**
 * The random numbers of the PCM emulation: one 64-bit state, so that it can be stored in the region
 * with the conductances and a restarted array continues the very stream it stopped in.
 *
 * <p>The generator is SplitMix64 (G. Steele, D. Lea, C. Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014; the algorithm of {@link java.util.SplittableRandom}): the state advances by
 * a fixed odd constant and each output is a bijective mix of the state. It is a fixed algorithm, so a
 * seed names the same stream on every JDK, and it costs a few cycles a draw.
 *
 * <p>Normals come from one draw by inversion: its top 12 bits pick one of {@value #NORMAL_BINS}
 * equal-probability bins, the next 24 bits a point inside it. Inside the bins the normal's quantile
 * function is interpolated linearly between the bin edges Φ⁻¹(k / 4096), read from a table: two loads
 * and a multiply-add, no logarithm. In the two outermost bins (one draw in 2048) it is computed exactly,
 * so the tails reach about ±8σ. Mean, variance and kurtosis are those of the normal to within 1e-3
 * (tested); only the shape inside a bin is approximate.
 *
 * <p>Not thread-safe: each array owns its streams.
 */
public final class PcmRandom {

    /** Equal-probability bins of the normal table. */
    public static final int NORMAL_BINS = 4096;

    private static final long GOLDEN_GAMMA = 0x9E37_79B9_7F4A_7C15L;
    /** {@code EDGES[k]} = Φ⁻¹(k / NORMAL_BINS), k = 1 .. NORMAL_BINS − 1 (the ends are not used). */
    private static final float[] EDGES = edgeTable();

    private long state;

    /** A stream whose state is {@code seed} (any value). */
    public PcmRandom(long seed) {
        this.state = seed;
    }

    /** The state: a new {@code PcmRandom(state())} continues this stream exactly. */
    public long state() {
        return state;
    }

    /** Sets the state, e.g. to one read back from a region. */
    public void state(long newState) {
        this.state = newState;
    }

    public long nextLong() {
        long z = (state += GOLDEN_GAMMA);
        return mix64(z);
    }

    /** Uniform in [0, 1) with 24 random bits. */
    public float nextUnit() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Standard normal; see the class comment. */
    public float nextGaussian() {
        long r = nextLong();
        int bin = (int) (r >>> 52);                          // top 12 bits: the bin
        if (bin == 0 || bin == NORMAL_BINS - 1) {
            return tail(r);
        }
        float frac = ((r >>> 28) & 0xFF_FFFFL) * 0x1.0p-24f; // next 24 bits: where in the bin
        float lo = EDGES[bin];
        return lo + (EDGES[bin + 1] - lo) * frac;
    }

    /** The outermost bins, by exact inversion of the draw's 64 bits as a probability in (0, 1). */
    private static float tail(long r) {
        double u = ((r >>> 11) + 0.5) * 0x1.0p-53;
        return (float) inverseNormalCdf(u);
    }

    // ---------------------------------------------------------------- counter-based normals (reads)

    /** Spreads row indices over the 32-bit keys of {@link #counterNormals} (the golden ratio's odd 32 bits). */
    private static final int ROW_KEY_GAMMA = 0x9E37_79B9;
    /** 1/65536 · √3: four 16-bit uniforms summed, centred and scaled to variance 1. */
    private static final float IRWIN_HALL_SCALE = 0x1.0p-16f * 1.7320508f;
    private static final float IRWIN_HALL_CENTRE = 2f * 1.7320508f;

    /** The per-row keys {@code o · 0x9E3779B9} of a column of {@code rows}: a table, because C2 does not vectorise the product with the loop index. */
    static int[] counterKeys(int rows) {
        int[] keys = new int[rows];
        for (int o = 0; o < rows; o++) {
            keys[o] = o * ROW_KEY_GAMMA;
        }
        return keys;
    }

    /** Column {@code column}'s 32-bit key under one read's 64-bit {@code draw}. */
    static int columnKey(long draw, int column) {
        return (int) mix64(draw + GOLDEN_GAMMA * (column + 1L));
    }

    /**
     * {@code out[o] = mean[o] + sigma[o] · z(columnKey ^ keys[o])} for o &lt; n, where z is an approximate
     * standard normal computed from its 32-bit key alone: the key is mixed by a 32-bit finaliser
     * (C. Wellons' "lowbias32"), its two 16-bit halves and those of one more multiply-xorshift are four
     * uniforms, and their sum, centred and scaled, is Irwin–Hall(4): mean 0, variance 1, bounded at ±2√3
     * (3.46σ), kurtosis 2.7 against a normal's 3. A function of the key, so the loop has no carried state
     * and C2 vectorises it (about 0.5 ns a weight, against about 5 ns for {@link #nextGaussian}, which
     * is why reads, the emulation's one pass over every weight per minibatch, use it). Statistics tested.
     */
    static void counterNormals(float[] out, float[] mean, float[] sigma, int[] keys, int columnKey, int n) {
        for (int o = 0; o < n; o++) {
            int x = keys[o] ^ columnKey;
            x ^= x >>> 16;
            x *= 0x7FEB_352D;
            x ^= x >>> 15;
            x *= 0x846C_A68B;
            x ^= x >>> 16;
            int y = x * 0x2C1B_3C6D;
            y ^= y >>> 15;
            float z = ((x & 0xFFFF) + (x >>> 16) + (y & 0xFFFF) + (y >>> 16)) * IRWIN_HALL_SCALE - IRWIN_HALL_CENTRE;
            out[o] = mean[o] + sigma[o] * z;
        }
    }

    /**
     * Stochastic rounding of pulse counts, vectorisable like {@link #counterNormals}:
     * {@code count[o] = min(floor(|delta[o]| · perUnit + u), cap)}, u uniform in [0, 1) with 24 bits from the
     * mixed key {@code columnKey ^ keys[o]}, so that {@code E[count] = |delta| · perUnit} below the cap and a
     * zero change gives no pulse. A change that is not a finite number counts NaN ({@code d − d}), so that
     * the caller, which looks only at non-zero counts, sees every one of them.
     */
    static void stochasticCounts(float[] count, float[] delta, float perUnit, float cap, int[] keys, int columnKey,
                                 int n) {
        for (int o = 0; o < n; o++) {
            int x = keys[o] ^ columnKey;
            x ^= x >>> 16;
            x *= 0x7FEB_352D;
            x ^= x >>> 15;
            x *= 0x846C_A68B;
            x ^= x >>> 16;
            float u = (x >>> 8) * 0x1.0p-24f;
            float d = delta[o];
            float pulses = (float) (int) (Math.abs(d) * perUnit + u);   // truncation is floor here: both are >= 0
            count[o] = Math.min(pulses, cap) + (d - d);                 // + 0, or NaN for a NaN or infinite d
        }
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser, as SplitMix64 uses it. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A seed for stream {@code stream} of the object named {@code name} under {@code seed}: independent
     * streams for the devices, the updates and the reads of every array of a pool from one printed seed.
     */
    public static long derive(long seed, String name, long stream) {
        long h = seed;
        for (int i = 0; i < name.length(); i++) {
            h = mix64(h + GOLDEN_GAMMA * (name.charAt(i) + 1));
        }
        return mix64(h + GOLDEN_GAMMA * (stream + 0x51ED));
    }

    private static float[] edgeTable() {
        float[] q = new float[NORMAL_BINS + 1];
        for (int k = 1; k < NORMAL_BINS; k++) {
            q[k] = (float) inverseNormalCdf((double) k / NORMAL_BINS);
        }
        return q;
    }

    /**
     * Φ⁻¹(p) for 0 &lt; p &lt; 1: P. J. Acklam's rational approximation (relative error below 1.2e-9),
     * refined by one Halley step on {@code erfc}. Used to build the table, never on a hot path.
     */
    static double inverseNormalCdf(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("inverse normal CDF of " + p + ": expected 0 < p < 1");
        }
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                6.680131188771972e+01, -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                3.754408661907416e+00};
        double pLow = 0.02425;
        double x;
        if (p < pLow) {
            double q = Math.sqrt(-2 * Math.log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        } else if (p <= 1 - pLow) {
            double q = p - 0.5;
            double r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                    / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        } else {
            double q = Math.sqrt(-2 * Math.log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        return x;
    }
}
