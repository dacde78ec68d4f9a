package dev.engram.neuro.nn;

import dev.engram.neuro.data.Dataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A fully connected network trained by backpropagation: inputs, hidden layers of one
 * {@link Activation}, and a softmax output with cross-entropy loss. Each layer's weights live in a
 * {@link SynapseArray}; the network reads them once per minibatch and hands back one summed change.
 *
 * <pre>
 * Dimension legend (every shape comment in this package uses it)
 *   L    weight layers (3 for 528-250-125-10)
 *   N_l  width of activation l: N_0 inputs (528), N_1..N_{L-1} hidden (250, 125), N_L = C classes (10)
 *   I    a layer's inputs including the bias: N_{l-1} + 1, bias last, fed a constant 1
 *   O    a layer's outputs: N_l
 *   B    minibatch size
 *   S    samples in one shard: a minibatch is always cut into two fixed shards, the first ⌈B/2⌉
 *        samples and the rest, whatever the thread count
 * </pre>
 *
 * Reproducibility: initialisation and shuffling draw from {@link SplittableRandom} seeded by the caller;
 * each shard sums its samples' gradients in sample order; the two shard sums are added in shard order;
 * every other step writes disjoint rows. So a seed gives bit-identical weights on one thread and on
 * two (the second thread runs shard 1). Not thread-safe: one caller at a time.
 */
public final class Mlp implements AutoCloseable {

    /** The IBM PCM experiments' network (Burr et al. 2015): 22×24 inputs, 250 and 125 hidden, 10 classes. */
    public static final int[] IBM_WIDTHS = {528, 250, 125, 10};

    /** Samples per shard pass when evaluating: enough to reuse each weight row from L1 a few times. */
    private static final int EVALUATION_CHUNK = 8;

    private final int[] widths;         // (L+1)
    private final Activation activation;
    private final Layer[] layers;       // (L)
    private final Shard[] shards;       // (2) fixed halves of every minibatch
    private final TwoParts parts;
    private final boolean[] usedInputs;     // (N_0 + 1) the first layer's columns a minibatch uses
    private int gradientWindow;
    private long minibatchesTrained;
    private final List<GradientWindow> windows = new ArrayList<>();

    /**
     * @param widths     N_0 .. N_L, at least an input and an output width
     * @param activation the hidden layers' nonlinearity (the output is always softmax)
     * @param arrays     creates one synapse array per layer, named {@code fc1 .. fcL}
     * @param threads    1, or 2 to run the second shard (and half of every per-row step) on a worker
     */
    public Mlp(int[] widths, Activation activation, SynapseArray.Factory arrays, int threads) {
        if (threads != 1 && threads != 2) {
            throw new IllegalArgumentException("threads: found " + threads + ", expected 1 or 2");
        }
        if (widths.length < 2 || Arrays.stream(widths).anyMatch(n -> n <= 0)) {
            throw new IllegalArgumentException("widths: found " + Arrays.toString(widths)
                    + ", expected at least two positive widths (inputs .. classes)");
        }
        this.widths = widths.clone();
        this.activation = activation;
        this.layers = new Layer[widths.length - 1];
        for (int l = 0; l < layers.length; l++) {
            String name = "fc" + (l + 1);
            SynapseArray array = arrays.create(name, widths[l + 1], widths[l] + 1);
            if (array.outputs() != widths[l + 1] || array.inputs() != widths[l] + 1) {
                throw new IllegalArgumentException(name + ": the factory made a " + array.outputs() + " × "
                        + array.inputs() + " array, expected " + widths[l + 1] + " × " + (widths[l] + 1));
            }
            layers[l] = new Layer(name, array, l > 0);
        }
        this.shards = new Shard[] {new Shard(), new Shard()};
        this.parts = new TwoParts(threads, "mlp-shard-1");
        this.usedInputs = new boolean[widths[0] + 1];
    }

    public int[] widths() {
        return widths.clone();
    }

    public Activation activation() {
        return activation;
    }

    /** Number of weight layers, L. */
    public int layerCount() {
        return layers.length;
    }

    /** Layer {@code l}'s synapse array (0-based: 0 is fc1). */
    public SynapseArray array(int l) {
        return layers[l].array;
    }

    public int threads() {
        return parts.threads();
    }

    /**
     * Programs every array with uniform random weights (He for ReLU, Glorot for tanh and sigmoid; the
     * limit is in {@link Activation}) and zero biases, drawn from {@code rng} layer by layer, row by row.
     */
    public void initialize(SplittableRandom rng) {
        for (Layer layer : layers) {
            int fanIn = layer.in - 1;
            double limit = activation.initLimit(fanIn, layer.out);
            float[] w = new float[layer.out * layer.in]; // (O, I) row-major
            for (int o = 0; o < layer.out; o++) {
                for (int i = 0; i < fanIn; i++) {
                    w[o * layer.in + i] = (float) ((2 * rng.nextDouble() - 1) * limit);
                }
            }
            layer.array.initialize(w);
        }
    }

    /** Turns per-epoch gradient statistics on or off (off by default; they cost two passes per minibatch). */
    public void collectGradientStatistics(boolean on) {
        for (Layer layer : layers) {
            layer.statistics = on ? new GradientStatistics(layer.in, layer.out) : null;
            layer.windowStatistics = on && gradientWindow > 0 ? new GradientStatistics(layer.in, layer.out) : null;
        }
    }

    /**
     * Also takes the gradient statistics over every {@code minibatches} consecutive minibatches
     * ({@link GradientWindow}), 0 for none (the default); applies from the next
     * {@link #collectGradientStatistics}(true). The windows run on across epochs.
     */
    public void gradientWindow(int minibatches) {
        if (minibatches < 0) {
            throw new IllegalArgumentException("gradient window: found " + minibatches + " minibatches, expected >= 0");
        }
        this.gradientWindow = minibatches;
    }

    /**
     * The windows completed since the last call, in order (layers in order within a window), placed in
     * {@code epoch} of {@code minibatchesPerEpoch} minibatches.
     */
    public List<GradientWindow> takeGradientWindows(int epoch, long minibatchesPerEpoch) {
        List<GradientWindow> out = new ArrayList<>(windows.size());
        for (GradientWindow w : windows) {
            out.add(w.at(epoch, minibatchesPerEpoch));
        }
        windows.clear();
        return out;
    }

    /**
     * One SGD step on the samples {@code order[from .. from+count)} of {@code data}: forward, backward,
     * then {@code w += −learningRate · (1/B) Σ_b ∂loss_b/∂w} on every array.
     *
     * @return the summed cross-entropy loss of the minibatch (before the step)
     */
    public double trainStep(Dataset data, int[] order, int from, int count, float learningRate) {
        double loss = gradient(data, order, from, count);
        float scale = -learningRate / count;
        double invBatch = 1.0 / count;
        parts.run(p -> {
            for (int l = 0; l < layers.length; l++) {
                layers[l].combine(p, shards[0].grad[l], shards[0].touched[l], shards[1].grad[l],
                        shards[1].touched[l], scale, invBatch, layers[l].delta);
            }
        });
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            layer.array.updateWeightColumns(layer.delta); // combine left the change in shard 0's columns
            layer.array.endOfBatch();
            if (layer.statistics != null) {
                layer.statistics.endMinibatch();
            }
            if (layer.windowStatistics != null) {
                layer.windowStatistics.endMinibatch();
            }
        }
        minibatchesTrained++;
        if (gradientWindow > 0 && minibatchesTrained % gradientWindow == 0) {
            for (Layer layer : layers) {
                if (layer.windowStatistics != null) {
                    long n = layer.windowStatistics.minibatches();
                    double[] norms = layer.windowStatistics.takeNorms();
                    windows.add(new GradientWindow(minibatchesTrained, 0, 0, layer.name, norms[0], norms[1], n));
                }
            }
        }
        return loss;
    }

    /**
     * Forward and backward passes over {@code order[from .. from+count)} without touching the weights.
     * Afterwards {@link #summedGradient(int)} gives each layer's gradient summed over the samples.
     *
     * @return the summed cross-entropy loss
     */
    public double gradient(Dataset data, int[] order, int from, int count) {
        if (count <= 0 || from < 0 || from + count > order.length) {
            throw new IllegalArgumentException("minibatch [" + from + ", " + (from + count) + ") of an order of "
                    + order.length + " samples");
        }
        checkShape(data);
        loadWeights(layers[0].array.readsUsedColumnsOnly() ? usedInputs(data, order, from, count) : null);
        int first = (count + 1) / 2;
        shards[0].ensureCapacity(first);
        shards[1].ensureCapacity(first);
        parts.run(p -> shards[p].train(data, order, p == 0 ? from : from + first, p == 0 ? first : count - first));
        return shards[0].loss + shards[1].loss; // fixed order
    }

    /** Which inputs of the first layer some sample of the minibatch has non-zero, the bias always. */
    private boolean[] usedInputs(Dataset data, int[] order, int from, int count) {
        int features = widths[0];
        boolean[] used = usedInputs;
        java.util.Arrays.fill(used, false);
        float[] pixels = data.pixels();
        for (int b = from; b < from + count; b++) {
            int base = order[b] * features;
            for (int i = 0; i < features; i++) {
                used[i] |= pixels[base + i] != 0f;
            }
        }
        used[features] = true;
        return used;
    }

    /** Samples of the last {@link #gradient} or {@link #trainStep} that the network classified right (before the step). */
    public int lastCorrect() {
        return shards[0].correct + shards[1].correct;
    }

    /**
     * Layer {@code l}'s gradient from the last {@link #gradient} call, summed over its samples: (O×I)
     * row-major. Valid until the next {@code gradient}, {@code trainStep} or {@code evaluate}; a
     * {@code trainStep} turns the buffers into the requested change.
     */
    public float[] summedGradient(int l) {
        Layer layer = layers[l];
        float[] out = new float[layer.out * layer.in];
        for (int i = 0; i < layer.in; i++) {
            for (int o = 0; o < layer.out; o++) {
                float a = shards[0].touched[l][i] ? shards[0].grad[l][i][o] : 0f;
                float b = shards[1].touched[l][i] ? shards[1].grad[l][i][o] : 0f;
                out[o * layer.in + i] = a + b;
            }
        }
        return out;
    }

    /** Accuracy and mean loss over all of {@code data}, with the weights a read of the arrays gives now. */
    public Evaluation evaluate(Dataset data) {
        checkShape(data);
        loadWeights();
        int half = (data.size() + 1) / 2;
        shards[0].ensureCapacity(EVALUATION_CHUNK);
        shards[1].ensureCapacity(EVALUATION_CHUNK);
        parts.run(p -> shards[p].evaluate(data, p == 0 ? 0 : half, p == 0 ? half : data.size() - half));
        return new Evaluation(data.size(), shards[0].correct + shards[1].correct,
                (shards[0].loss + shards[1].loss) / data.size());
    }

    /**
     * Each layer's state for the epoch that just ended; reads every array once and resets the gradient
     * statistics.
     */
    public List<LayerTelemetry> telemetry(int epoch) {
        List<LayerTelemetry> out = new ArrayList<>();
        for (Layer layer : layers) {
            float[] w = layer.array.readWeights();
            double sum = 0;
            double sumSq = 0;
            int n = 0;
            for (int o = 0; o < layer.out; o++) {
                for (int i = 0; i < layer.in - 1; i++) {
                    double v = w[o * layer.in + i];
                    sum += v;
                    sumSq += v * v;
                    n++;
                }
            }
            double mean = sum / n;
            double std = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
            double meanNorm = Double.NaN;
            double stdNorm = Double.NaN;
            long minibatches = 0;
            if (layer.statistics != null) {
                minibatches = layer.statistics.minibatches();
                double[] norms = layer.statistics.takeNorms();
                meanNorm = norms[0];
                stdNorm = norms[1];
            }
            out.add(new LayerTelemetry(epoch, layer.name, mean, std, meanNorm, stdNorm, minibatches));
        }
        return out;
    }

    /** Reads every array once (the protocol's one read per minibatch) and transposes what backward needs. */
    private void loadWeights() {
        loadWeights(null);
    }

    /**
     * {@link #loadWeights()}, the first layer reading only the columns of {@code firstLayerInputs} (null:
     * all): the inputs some sample of the minibatch has non-zero, and the bias.
     */
    private void loadWeights(boolean[] firstLayerInputs) {
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            layer.wt = l == 0 && firstLayerInputs != null ? layer.array.readWeightColumns(firstLayerInputs)
                    : layer.array.readWeightColumns();
        }
        parts.run(p -> {
            for (Layer layer : layers) {
                layer.transpose(p);
            }
        });
    }

    private void checkShape(Dataset data) {
        if (data.features() != widths[0] || data.classes() != widths[widths.length - 1]) {
            throw new IllegalArgumentException(data.name() + ": " + data.features() + " features and "
                    + data.classes() + " classes, the network expects " + widths[0] + " and "
                    + widths[widths.length - 1]);
        }
    }

    @Override
    public void close() {
        parts.close();
        for (Layer layer : layers) {
            layer.array.close();
        }
    }

    /** One shard's working memory: activations, gradients with respect to pre-activations, summed gradients. */
    private final class Shard {
        float[][][] act;     // [L+1] (S, N_l + 1): layer l's activations, last element 1 (the next bias input)
        float[][][] dz;      // [L+1] (S, N_l + 1): ∂loss/∂pre-activation of layer l (index 0 unused)
        final float[][][] grad;    // [L] (I, O): summed over the shard's samples, column-major like wt
        final boolean[][] touched; // [L] (I): rows of grad that hold this shard's data
        final Layer.Sparse scratch; // (max N_l) nonzeros of one backward gradient
        Layer.Sparse[][] inputs;    // [L] (S): nonzeros of each layer's input, kept from forward for the gradient
        Layer.Buckets[] buckets;    // [L]: the same regrouped by input
        int capacity;
        double loss;
        int correct;

        Shard() {
            grad = new float[layers.length][][];
            touched = new boolean[layers.length][];
            for (int l = 0; l < layers.length; l++) {
                grad[l] = new float[layers[l].in][layers[l].out];
                touched[l] = new boolean[layers[l].in];
            }
            scratch = new Layer.Sparse(Arrays.stream(widths).max().orElseThrow() + 1);
        }

        void ensureCapacity(int samples) {
            if (samples <= capacity) {
                return;
            }
            act = new float[widths.length][samples][];
            inputs = new Layer.Sparse[layers.length][samples];
            buckets = new Layer.Buckets[layers.length];
            for (int l = 0; l < layers.length; l++) {
                for (int b = 0; b < samples; b++) {
                    inputs[l][b] = new Layer.Sparse(layers[l].in);
                }
                buckets[l] = new Layer.Buckets(layers[l].in, samples);
            }
            dz = new float[widths.length][samples][];
            for (int l = 0; l < widths.length; l++) {
                for (int b = 0; b < samples; b++) {
                    act[l][b] = new float[widths[l] + 1];
                    dz[l][b] = new float[widths[l] + 1];
                }
            }
            capacity = samples;
        }

        /** Forward and backward for samples order[start .. start+samples) into grad; samples may be 0. */
        void train(Dataset data, int[] order, int start, int samples) {
            int last = layers.length;     // L
            int classes = widths[last];   // C
            loss = 0;
            correct = 0;
            for (int b = 0; b < samples; b++) {
                input(data, order[start + b], b);
            }
            forward(samples);
            for (int b = 0; b < samples; b++) {
                int label = data.labels()[order[start + b]];
                float[] logits = act[last][b];
                if (argmax(logits, classes) == label) {
                    correct++;
                }
                loss += SoftmaxCrossEntropy.forward(logits, classes, label);
                SoftmaxCrossEntropy.backward(logits, classes, label, dz[last][b]);
            }
            for (int l = last; l >= 2; l--) {
                layers[l - 1].backwardInput(dz[l], dz[l - 1], samples, scratch);
                for (int b = 0; b < samples; b++) {
                    activation.backward(dz[l - 1][b], act[l - 1][b], widths[l - 1]);
                }
            }
            for (int l = 1; l <= last; l++) {
                layers[l - 1].accumulateGradient(grad[l - 1], touched[l - 1], dz[l], samples, inputs[l - 1],
                        buckets[l - 1]);
            }
        }

        /** Scores samples [start, start+count) in chunks of the shard's capacity. */
        void evaluate(Dataset data, int start, int count) {
            int last = layers.length;
            int classes = widths[last];
            loss = 0;
            correct = 0;
            for (int from = start; from < start + count; from += capacity) {
                int samples = Math.min(capacity, start + count - from);
                for (int b = 0; b < samples; b++) {
                    input(data, from + b, b);
                }
                forward(samples);
                for (int b = 0; b < samples; b++) {
                    int label = data.labels()[from + b];
                    float[] logits = act[last][b];
                    if (argmax(logits, classes) == label) {
                        correct++;
                    }
                    loss += SoftmaxCrossEntropy.forward(logits, classes, label);
                }
            }
        }

        /** act[0][b] ← image n, then the bias input 1. */
        private void input(Dataset data, int n, int b) {
            int features = widths[0];
            float[] x = act[0][b];
            System.arraycopy(data.pixels(), n * features, x, 0, features);
            x[features] = 1f;
        }

        /** act[l] for l = 1..L from act[0]; act[L] holds the logits. */
        private void forward(int samples) {
            for (int l = 1; l < widths.length; l++) {
                layers[l - 1].forward(act[l - 1], act[l], samples, inputs[l - 1]);
                if (l < widths.length - 1) {
                    for (int b = 0; b < samples; b++) {
                        activation.forward(act[l][b], widths[l]);
                        act[l][b][widths[l]] = 1f;
                    }
                }
            }
        }
    }

    /** Index of the largest of {@code v[0..n)}, the first on ties. */
    static int argmax(float[] v, int n) {
        int best = 0;
        for (int k = 1; k < n; k++) {
            if (v[k] > v[best]) {
                best = k;
            }
        }
        return best;
    }
}
