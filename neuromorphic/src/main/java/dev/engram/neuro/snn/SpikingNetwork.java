package dev.engram.neuro.snn;

import dev.engram.neuro.data.Dataset;
import dev.engram.neuro.nn.Activation;
import dev.engram.neuro.nn.Mlp;
import dev.engram.neuro.nn.SynapseArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A trained ReLU network run as a rate-coded network of integrate-and-fire neurons (Diehl et al. 2015,
 * "Fast-classifying, high-accuracy spiking deep networks through weight and threshold balancing";
 * Rueckauer et al. 2017 for reset by subtraction and biases).
 *
 * <pre>
 * Dimension legend
 *   L    weight layers; N_l width of layer l (N_0 inputs .. N_L classes)
 *   I    a layer's inputs including the bias (last): N_{l-1} + 1;  O = N_l its outputs
 *   T    time steps
 * </pre>
 *
 * Conversion: the weights of layer l are scaled by {@code λ_{l-1} / λ_l} and its bias by {@code 1 / λ_l},
 * where {@code λ_l} is the largest ReLU activation of layer l over a normalisation set (data-based
 * normalisation; {@code λ_0 = 1}, the largest pixel; a percentile below 100 gives Rueckauer's robust
 * variant). Every hidden neuron then has threshold 1 and needs at most one spike per step to express its
 * largest activation: a firing rate in spikes per step approximates {@code a_l / λ_l}.
 *
 * <p>Simulation, per step: inputs arrive (see {@link InputEncoding}), each hidden layer integrates the
 * weighted spikes of the layer below plus its bias, fires where the membrane reaches 1 and resets
 * ({@link Reset}); spikes cross all layers in the same step. The output layer only integrates; the class
 * at step t is the argmax of its membrane potential, which for a linear read-out is the ANN's argmax of
 * the time-averaged input.
 */
public final class SpikingNetwork {

    /** How pixel intensities in [0, 1] enter the network. */
    public enum InputEncoding {
        /** The intensity itself is injected into the first layer every step (an analog current). */
        CURRENT,
        /** Deterministic rate code: each pixel integrates its intensity and spikes on reaching 1. */
        RATE,
        /** Poisson (Bernoulli per step) spikes with probability equal to the intensity. */
        POISSON
    }

    /** What a neuron's membrane does after a spike. */
    public enum Reset {
        /** Subtract the threshold: the residue carries over, so no input is lost (Rueckauer et al. 2017). */
        SUBTRACT,
        /** Back to zero (Diehl et al. 2015): loses the charge above threshold. */
        ZERO
    }

    private static final float THRESHOLD = 1f;

    private final int[] widths;          // (L+1)
    private final float[][][] columns;   // [L] (I, O): normalised weights by input, bias last
    private final double[] lambda;       // (L+1) the scales used: λ_0 = 1, λ_l per layer

    private SpikingNetwork(int[] widths, float[][][] columns, double[] lambda) {
        this.widths = widths;
        this.columns = columns;
        this.lambda = lambda;
    }

    /**
     * Converts a trained ReLU network (the conversion assumes ReLU: a firing rate cannot go negative, and a
     * saturating tanh or sigmoid has no rate equivalent), reading each layer's array once.
     *
     * @see #convert(List, Dataset, int, double)
     */
    public static SpikingNetwork convert(Mlp mlp, Dataset normalisation, int normalisationSamples, double percentile) {
        if (mlp.activation() != Activation.RELU) {
            throw new IllegalArgumentException("activation: found " + mlp.activation()
                    + ", expected RELU for a rate-coded conversion");
        }
        List<SynapseArray> arrays = new ArrayList<>();
        for (int l = 0; l < mlp.layerCount(); l++) {
            arrays.add(mlp.array(l));
        }
        return convert(arrays, normalisation, normalisationSamples, percentile);
    }

    /**
     * Converts the weights a read of each array gives (row-major, O × I, bias last) with data-based
     * normalisation over the first {@code normalisationSamples} images of {@code normalisation}.
     *
     * @param percentile 100 for the maximum activation (Diehl et al.), e.g. 99.9 for Rueckauer's robust scale
     */
    public static SpikingNetwork convert(List<SynapseArray> arrays, Dataset normalisation, int normalisationSamples,
                                         double percentile) {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile: found " + percentile + ", expected (0, 100]");
        }
        int layers = arrays.size();
        int[] widths = new int[layers + 1];
        widths[0] = arrays.get(0).inputs() - 1;
        float[][][] raw = new float[layers][][];
        for (int l = 0; l < layers; l++) {
            SynapseArray array = arrays.get(l);
            if (array.inputs() != widths[l] + 1) {
                throw new IllegalArgumentException("layer " + (l + 1) + ": " + array.inputs()
                        + " inputs, expected " + (widths[l] + 1) + " (the previous layer's outputs and a bias)");
            }
            widths[l + 1] = array.outputs();
            raw[l] = byColumn(array.readWeights(), array.outputs(), array.inputs());
        }
        if (normalisation.features() != widths[0]) {
            throw new IllegalArgumentException(normalisation.name() + ": " + normalisation.features()
                    + " features, the network has " + widths[0] + " inputs");
        }
        int n = Math.min(normalisationSamples, normalisation.size());
        double[] lambda = maxActivations(widths, raw, normalisation, n, percentile);
        float[][][] scaled = new float[layers][][];
        for (int l = 0; l < layers; l++) {
            int in = widths[l] + 1;
            double weightScale = lambda[l] / lambda[l + 1];
            double biasScale = 1 / lambda[l + 1];
            scaled[l] = new float[in][widths[l + 1]];
            for (int i = 0; i < in; i++) {
                double s = i == in - 1 ? biasScale : weightScale;
                for (int o = 0; o < widths[l + 1]; o++) {
                    scaled[l][i][o] = (float) (raw[l][i][o] * s);
                }
            }
        }
        return new SpikingNetwork(widths, scaled, lambda);
    }

    /** The normalisation scales: λ_0 = 1 for the inputs, then each layer's (percentile) largest activation. */
    public double[] lambdas() {
        return lambda.clone();
    }

    /**
     * Runs every image of {@code data} for {@code max(checkpoints)} steps and scores the prediction at each
     * checkpoint. Deterministic for a seed with any thread count: Poisson draws come from a generator seeded
     * by (seed, image index).
     *
     * @param checkpoints steps at which to read the output, ascending, each ≥ 1
     * @param threads     1 or 2 (halves of the data set)
     */
    public SpikingResult run(Dataset data, InputEncoding encoding, Reset reset, int[] checkpoints, long seed, int threads) {
        if (checkpoints.length == 0 || checkpoints[0] < 1
                || !Arrays.equals(checkpoints, Arrays.stream(checkpoints).sorted().distinct().toArray())) {
            throw new IllegalArgumentException("checkpoints: found " + Arrays.toString(checkpoints)
                    + ", expected distinct steps ≥ 1, ascending");
        }
        if (threads != 1 && threads != 2) {
            throw new IllegalArgumentException("threads: found " + threads + ", expected 1 or 2");
        }
        int half = (data.size() + 1) / 2;
        Simulator first = new Simulator(encoding, reset, checkpoints, seed);
        Simulator second = new Simulator(encoding, reset, checkpoints, seed);
        if (threads == 2) {
            Thread worker = Thread.ofPlatform().name("snn-half-1").start(() -> second.run(data, half, data.size()));
            first.run(data, 0, half);
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the second half ran", e);
            }
            if (second.failure != null) {
                throw new IllegalStateException("the second half failed", second.failure);
            }
        } else {
            first.run(data, 0, half);
            second.run(data, half, data.size());
        }
        int[] correct = new int[checkpoints.length];
        for (int c = 0; c < checkpoints.length; c++) {
            correct[c] = first.correct[c] + second.correct[c];
        }
        long[] spikes = new long[widths.length];
        for (int l = 0; l < widths.length; l++) {
            spikes[l] = first.spikes[l] + second.spikes[l];
        }
        return new SpikingResult(encoding, reset, checkpoints.clone(), correct, data.size(), spikes);
    }

    /** One thread's simulation state: membranes, spike lists, counts. */
    private final class Simulator {
        final InputEncoding encoding;
        final Reset reset;
        final int[] checkpoints;
        final long seed;
        final float[][] membrane;   // [L+1] (N_l); index 0: the RATE encoder's integrators
        final float[] current;      // (N_1) the first layer's input per step in CURRENT mode
        final int[][] spiking;      // [L] (N_l + 1): indices of the neurons of layer l that fired this step
        final int[] correct;
        final long[] spikes;        // [L+1] spikes emitted per layer (0: input spikes)
        Throwable failure;

        Simulator(InputEncoding encoding, Reset reset, int[] checkpoints, long seed) {
            this.encoding = encoding;
            this.reset = reset;
            this.checkpoints = checkpoints;
            this.seed = seed;
            membrane = new float[widths.length][];
            spiking = new int[widths.length - 1][];
            for (int l = 0; l < widths.length; l++) {
                membrane[l] = new float[widths[l]];
            }
            for (int l = 0; l < widths.length - 1; l++) {
                spiking[l] = new int[widths[l] + 1];
            }
            current = new float[widths[1]];
            correct = new int[checkpoints.length];
            spikes = new long[widths.length];
        }

        void run(Dataset data, int from, int to) {
            try {
                for (int n = from; n < to; n++) {
                    simulate(data, n);
                }
            } catch (Throwable t) {
                failure = t;
                throw t;
            }
        }

        private void simulate(Dataset data, int n) {
            int last = widths.length - 1;
            int features = widths[0];
            float[] pixels = data.pixels();
            int offset = n * features;
            int label = data.labels()[n];
            SplittableRandom rng = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (n + 1)));
            for (float[] v : membrane) {
                Arrays.fill(v, 0f);
            }
            if (encoding == InputEncoding.CURRENT) {
                // W1 x + b1 once: the same current flows every step.
                int count = 0;
                for (int i = 0; i < features; i++) {
                    spiking[0][count] = i;
                    count += pixels[offset + i] != 0f ? 1 : 0;
                }
                Arrays.fill(current, 0f);
                for (int j = 0; j < count; j++) {
                    int i = spiking[0][j];
                    addScaled(current, pixels[offset + i], columns[0][i]);
                }
                addScaled(current, 1f, columns[0][features]);
            }
            int checkpoint = 0;
            int steps = checkpoints[checkpoints.length - 1];
            for (int t = 1; t <= steps; t++) {
                // Layer 1's input.
                float[] v1 = membrane[1];
                if (encoding == InputEncoding.CURRENT) {
                    for (int k = 0; k < v1.length; k++) {
                        v1[k] += current[k];
                    }
                } else {
                    int count = 0;
                    float[] integrator = membrane[0];
                    for (int i = 0; i < features; i++) {
                        float x = pixels[offset + i];
                        boolean fire;
                        if (encoding == InputEncoding.RATE) {
                            integrator[i] += x;
                            fire = integrator[i] >= THRESHOLD;
                            if (fire) {
                                integrator[i] -= THRESHOLD;
                            }
                        } else {
                            fire = x > 0f && rng.nextFloat() < x;
                        }
                        spiking[0][count] = i;
                        count += fire ? 1 : 0;
                    }
                    spiking[0][count++] = features; // the bias input fires every step
                    spikes[0] += count - 1;
                    addColumns(v1, columns[0], spiking[0], count);
                }
                // Hidden layers fire into the next.
                for (int l = 1; l < last; l++) {
                    float[] v = membrane[l];
                    int[] fired = spiking[l];
                    int count = 0;
                    for (int k = 0; k < v.length; k++) {
                        boolean fire = v[k] >= THRESHOLD;
                        if (fire) {
                            v[k] = reset == Reset.SUBTRACT ? v[k] - THRESHOLD : 0f;
                        }
                        fired[count] = k;
                        count += fire ? 1 : 0;
                    }
                    spikes[l] += count;
                    fired[count++] = widths[l]; // bias
                    addColumns(membrane[l + 1], columns[l], fired, count);
                }
                if (t == checkpoints[checkpoint]) {
                    if (argmax(membrane[last]) == label) {
                        correct[checkpoint]++;
                    }
                    checkpoint++;
                }
            }
        }
    }

    /** {@code v += Σ_j columns[index[j]]}, j ascending, four columns per pass (see nn's Layer.sumOfScaled). */
    private static void addColumns(float[] v, float[][] columns, int[] index, int count) {
        int n = v.length;
        int j = 0;
        for (; j + 4 <= count; j += 4) {
            float[] c0 = columns[index[j]], c1 = columns[index[j + 1]], c2 = columns[index[j + 2]], c3 = columns[index[j + 3]];
            for (int k = 0; k < n; k++) {
                v[k] = v[k] + c0[k] + c1[k] + c2[k] + c3[k];
            }
        }
        for (; j < count; j++) {
            float[] c = columns[index[j]];
            for (int k = 0; k < n; k++) {
                v[k] += c[k];
            }
        }
    }

    /** {@code v[0..c.length) += a · c}. */
    private static void addScaled(float[] v, float a, float[] c) {
        for (int k = 0; k < c.length; k++) {
            v[k] += a * c[k];
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int k = 1; k < v.length; k++) {
            if (v[k] > v[best]) {
                best = k;
            }
        }
        return best;
    }

    /** (O × I row-major) → (I, O) by column. */
    private static float[][] byColumn(float[] rowMajor, int out, int in) {
        float[][] c = new float[in][out];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                c[i][o] = rowMajor[o * in + i];
            }
        }
        return c;
    }

    /**
     * λ per layer: the {@code percentile} of the ReLU activations (the logits for the output layer) over
     * the first {@code n} images, positive values only; 1 for the inputs.
     */
    private static double[] maxActivations(int[] widths, float[][][] raw, Dataset data, int n, double percentile) {
        int layers = widths.length - 1;
        double[] lambda = new double[layers + 1];
        lambda[0] = 1;
        float[][] activation = new float[layers + 1][];
        for (int l = 0; l <= layers; l++) {
            activation[l] = new float[widths[l] + 1];
        }
        boolean exactMax = percentile >= 100;
        float[][] all = exactMax ? null : new float[layers + 1][];
        int[] filled = new int[layers + 1];
        if (!exactMax) {
            for (int l = 1; l <= layers; l++) {
                all[l] = new float[n * widths[l]];
            }
        }
        double[] max = new double[layers + 1];
        for (int s = 0; s < n; s++) {
            System.arraycopy(data.pixels(), s * widths[0], activation[0], 0, widths[0]);
            activation[0][widths[0]] = 1f;
            for (int l = 1; l <= layers; l++) {
                float[] y = activation[l];
                Arrays.fill(y, 0f);
                float[] x = activation[l - 1];
                for (int i = 0; i <= widths[l - 1]; i++) {
                    if (x[i] != 0f) {
                        addScaled(y, x[i], raw[l - 1][i]);
                    }
                }
                for (int k = 0; k < widths[l]; k++) {
                    y[k] = Math.max(y[k], 0f); // ReLU; for the logits only the positive part matters for λ
                    max[l] = Math.max(max[l], y[k]);
                    if (!exactMax && y[k] > 0f) {
                        all[l][filled[l]++] = y[k];
                    }
                }
                y[widths[l]] = 1f;
            }
        }
        for (int l = 1; l <= layers; l++) {
            double value = max[l];
            if (!exactMax && filled[l] > 0) {
                float[] positive = Arrays.copyOf(all[l], filled[l]);
                Arrays.sort(positive);
                int index = (int) Math.min(positive.length - 1, Math.ceil(percentile / 100 * positive.length) - 1);
                value = positive[Math.max(0, index)];
            }
            lambda[l] = value > 0 ? value : 1; // a dead layer: any positive scale is as good as another
        }
        return lambda;
    }

}
