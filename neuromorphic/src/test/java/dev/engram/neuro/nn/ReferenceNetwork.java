package dev.engram.neuro.nn;

import dev.engram.neuro.data.Dataset;

/**
 * The trusted oracle: the same network written the plainest way, in double precision, row-major weights
 * as {@link SynapseArray#readWeights()} gives them, no sparsity, no shards, no copies.
 */
final class ReferenceNetwork {

    final int[] widths;
    final Activation activation;
    final double[][] weights; // [L] (O×I row-major, bias last)
    double smallestPreActivation = Double.POSITIVE_INFINITY; // |z| closest to a ReLU kink, over the last loss()

    ReferenceNetwork(Mlp mlp) {
        widths = mlp.widths();
        activation = mlp.activation();
        weights = new double[mlp.layerCount()][];
        for (int l = 0; l < mlp.layerCount(); l++) {
            float[] w = mlp.array(l).readWeights();
            weights[l] = new double[w.length];
            for (int k = 0; k < w.length; k++) {
                weights[l][k] = w[k];
            }
        }
    }

    /** Σ over the samples of the cross-entropy loss. */
    double loss(Dataset data, int[] samples) {
        smallestPreActivation = Double.POSITIVE_INFINITY;
        double total = 0;
        for (int n : samples) {
            double[] a = new double[widths[0]];
            for (int f = 0; f < widths[0]; f++) {
                a[f] = data.pixels()[n * widths[0] + f];
            }
            for (int l = 0; l < weights.length; l++) {
                int in = widths[l] + 1;
                double[] z = new double[widths[l + 1]];
                for (int o = 0; o < z.length; o++) {
                    double s = weights[l][o * in + in - 1]; // bias
                    for (int i = 0; i < in - 1; i++) {
                        s += weights[l][o * in + i] * a[i];
                    }
                    z[o] = s;
                    smallestPreActivation = Math.min(smallestPreActivation, Math.abs(s));
                }
                if (l < weights.length - 1) {
                    for (int o = 0; o < z.length; o++) {
                        z[o] = switch (activation) {
                            case RELU -> Math.max(0, z[o]);
                            case TANH -> Math.tanh(z[o]);
                            case SIGMOID -> 1 / (1 + Math.exp(-z[o]));
                        };
                    }
                }
                a = z;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double v : a) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : a) {
                sum += Math.exp(v - max);
            }
            total += Math.log(sum) + max - a[data.labels()[n]];
        }
        return total;
    }
}
