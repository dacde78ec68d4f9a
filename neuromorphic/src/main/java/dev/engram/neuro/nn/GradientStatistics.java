package dev.engram.neuro.nn;

import java.util.Arrays;

/**
 * Per-weight first and second moments of one layer's minibatch gradients over an epoch, in double:
 * {@code sum[i][o] = Σ_t G_t[i][o]}, {@code sumSquares[i][o] = Σ_t G_t[i][o]²} over the epoch's
 * minibatches t, where G_t is the minibatch's mean gradient (bias column included).
 */
final class GradientStatistics {

    private final double[][] sum;        // (I, O) like the gradient rows
    private final double[][] sumSquares; // (I, O)
    private long minibatches;

    GradientStatistics(int rows, int columns) {
        sum = new double[rows][columns];
        sumSquares = new double[rows][columns];
    }

    /** Adds row r of one minibatch: {@code G = summed · invBatch}. */
    void add(int r, float[] summed, double invBatch) {
        double[] s = sum[r];
        double[] q = sumSquares[r];
        for (int k = 0; k < s.length; k++) {
            double g = summed[k] * invBatch;
            s[k] += g;
            q[k] += g * g;
        }
    }

    void endMinibatch() {
        minibatches++;
    }

    long minibatches() {
        return minibatches;
    }

    /**
     * {@code ‖mean‖} and {@code ‖std‖} (Frobenius norms over the layer's weights of the per-weight mean and
     * standard deviation across minibatches), then resets for the next epoch.
     *
     * @return {mean norm, std norm}
     */
    double[] takeNorms() {
        double meanSq = 0;
        double variance = 0;
        double t = Math.max(1, minibatches);
        for (int o = 0; o < sum.length; o++) {
            for (int k = 0; k < sum[o].length; k++) {
                double mean = sum[o][k] / t;
                meanSq += mean * mean;
                variance += Math.max(0, sumSquares[o][k] / t - mean * mean);
            }
            Arrays.fill(sum[o], 0);
            Arrays.fill(sumSquares[o], 0);
        }
        minibatches = 0;
        return new double[] {Math.sqrt(meanSq), Math.sqrt(variance)};
    }
}
