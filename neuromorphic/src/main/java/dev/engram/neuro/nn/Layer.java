package dev.engram.neuro.nn;

import java.util.Arrays;

/**
 * One fully connected layer as the passes see it: its synapse array, the weights of this minibatch's
 * read, and the change it asks for. Shapes use the legend of {@link Mlp}: I inputs including the bias
 * (last, fed 1), O outputs, S samples of a shard.
 *
 * <p>Layout: the passes work by column, one Java array per input ({@code wt[i][o]} = weight from input i
 * to output o), as {@link SynapseArray#readWeightColumns()} gives them. The forward pass sums
 * {@code x[i] · wt[i]} over the nonzero inputs and the gradient adds {@code x[i] · dz} to column i, so the
 * zero pixels of an image (about 75 % of the crop) and the inactive ReLUs cost nothing. Only the input
 * gradient wants one array per output, {@link #w}, a transpose made for the layers that need it (not the
 * first).
 *
 * <p>Why one array per row and not views into one allocation: HotSpot's C2 vectorises
 * {@code y[k] += a * x[k]} over two distinct arrays at the same index, but not
 * {@code y[o + k] += a * x[p + k]}, because it cannot prove that the two ranges do not overlap; the
 * offset form runs about four times slower. Every hot loop here runs over whole arrays (see
 * {@link #sumOfScaled}).
 */
final class Layer {

    private static final int TILE = 32;

    final String name;
    final int in;   // I = fan-in + 1 (bias column last)
    final int out;  // O
    final SynapseArray array;
    /** False for the first layer: the gradient with respect to the network's input is never needed. */
    final boolean needsInputGradient;

    float[][] wt;          // (I, O) this minibatch's read, by column; owned by the array, never written here
    final float[][] w;     // (O, I) its transpose, for the input gradient; null in the first layer

    GradientStatistics statistics; // (I, O) moments over the epoch; null unless telemetry is on
    GradientStatistics windowStatistics; // (I, O) moments over a window of minibatches; null unless windows are on
    final float[][] delta;         // (I) the minibatch's change by column: shard 0's gradient columns, null if zero

    Layer(String name, SynapseArray array, boolean needsInputGradient) {
        this.name = name;
        this.array = array;
        this.in = array.inputs();
        this.out = array.outputs();
        this.needsInputGradient = needsInputGradient;
        this.w = needsInputGradient ? new float[out][in] : null;
        this.delta = new float[in][];
    }

    /** The nonzero entries of one vector: {@code value[j]} at {@code index[j]}, j &lt; count, index ascending. */
    static final class Sparse {
        final float[] value;
        final int[] index;
        int count;

        Sparse(int capacity) {
            value = new float[capacity];
            index = new int[capacity];
        }

        /** Gathers the nonzeros of {@code x[0..n)}, branch-free: which pixels are zero is unpredictable. */
        void gather(float[] x, int n) {
            int c = 0;
            for (int i = 0; i < n; i++) {
                float v = x[i];
                value[c] = v;
                index[c] = i;
                c += v != 0f ? 1 : 0;
            }
            count = c;
        }
    }

    /**
     * A shard's inputs regrouped by input: bucket i lists, in sample order, the samples whose input i is
     * nonzero ({@code sample[i·stride + k]}) and that input's value ({@code value[i·stride + k]}),
     * k &lt; {@code count[i]}. Built from the forward pass's {@link Sparse} inputs, so the gradient visits
     * only nonzero (input, sample) pairs.
     */
    static final class Buckets {
        final int stride;     // S: the shard's capacity
        final int[] count;    // (I)
        final float[] value;  // (I·S)
        final int[] sample;   // (I·S)

        Buckets(int inputs, int stride) {
            this.stride = stride;
            count = new int[inputs];
            value = new float[inputs * stride];
            sample = new int[inputs * stride];
        }
    }

    /**
     * Part {@code part} (of 2) of the transpose of {@link #wt} into {@link #w}: rows [p·O/2, (p+1)·O/2),
     * so the two parts write disjoint memory. No-op for the first layer.
     */
    void transpose(int part) {
        if (w == null) {
            return;
        }
        int o0 = part * out / 2;
        int o1 = (part + 1) * out / 2;
        for (int ob = o0; ob < o1; ob += TILE) { // tiled so a 32×32 block of reads and writes stays in L1
            int oe = Math.min(o1, ob + TILE);
            for (int ib = 0; ib < in; ib += TILE) {
                int ie = Math.min(in, ib + TILE);
                for (int o = ob; o < oe; o++) {
                    float[] r = w[o];
                    for (int i = ib; i < ie; i++) {
                        r[i] = wt[i][o];
                    }
                }
            }
        }
    }

    /**
     * {@code y[b][0..O) ← Σ_i x[b][i] · wt[i]} over the nonzero inputs, i ascending.
     *
     * @param x      (S, I) inputs, {@code x[b][I-1] = 1} so the bias column is added
     * @param y      (S, ≥ O) pre-activations out
     * @param inputs (S) out: the nonzeros of each x[b], kept for {@link #accumulateGradient}
     */
    void forward(float[][] x, float[][] y, int samples, Sparse[] inputs) {
        for (int b = 0; b < samples; b++) {
            Sparse nz = inputs[b];
            nz.gather(x[b], in);
            sumOfScaled(y[b], wt, nz.value, nz.index, 0, nz.count, out);
        }
    }

    /**
     * {@code dx[b][0..I-1) ← Σ_o dz[b][o] · w[o]}, bias column left out: the gradient with respect to the
     * inputs.
     *
     * @param dz (S, O) gradients with respect to this layer's pre-activations
     * @param dx (S, ≥ I-1) out
     */
    void backwardInput(float[][] dz, float[][] dx, int samples, Sparse scratch) {
        for (int b = 0; b < samples; b++) {
            scratch.gather(dz[b], out);
            sumOfScaled(dx[b], w, scratch.value, scratch.index, 0, scratch.count, in - 1);
        }
    }

    /**
     * {@code grad[i] ← Σ_b x[b][i] · dz[b]} over the shard's samples in order b = 0..samples-1, skipping
     * zero inputs. A column no sample touches gets {@code touched[i] = false} and is not written: it reads
     * as zero, which saves clearing it.
     *
     * @param grad    (I, O) this shard's summed gradient, by column like wt
     * @param touched (I) whether grad[i] holds this shard's data
     * @param dz      (S, O) gradients with respect to the pre-activations
     * @param inputs  (S) the nonzeros of the layer's inputs, from {@link #forward}
     */
    void accumulateGradient(float[][] grad, boolean[] touched, float[][] dz, int samples, Sparse[] inputs,
                            Buckets buckets) {
        int[] count = buckets.count;
        int stride = buckets.stride;
        Arrays.fill(count, 0, in, 0);
        for (int b = 0; b < samples; b++) {
            Sparse nz = inputs[b];
            for (int j = 0; j < nz.count; j++) {
                int i = nz.index[j];
                int slot = i * stride + count[i]++;
                buckets.value[slot] = nz.value[j];
                buckets.sample[slot] = b;
            }
        }
        for (int i = 0; i < in; i++) {
            int c = count[i];
            touched[i] = c > 0;
            if (c > 0) {
                sumOfScaled(grad[i], dz, buckets.value, buckets.sample, i * stride, c, out);
            }
        }
    }

    /**
     * Part {@code part} (of 2) of {@code grad0 ← scale · (grad0 + grad1)}, in place, columns
     * [p·I/2, (p+1)·I/2): afterwards grad0 is the minibatch's requested change, by column. In place because
     * a separate delta matrix would push the first layer's working set (weights, two shard gradients)
     * out of a 2 MiB L2. The two shards are always added in this order, whatever ran them, which keeps one
     * and two threads identical. Feeds the minibatch's mean gradient {@code (grad0 + grad1) · invBatch} to
     * the statistics when they are on. {@code delta[i]} is set to grad0's column i, or to null where
     * neither shard touched the column: no change there (see {@link SynapseArray#updateWeightColumns}).
     */
    void combine(int part, float[][] grad0, boolean[] touched0, float[][] grad1, boolean[] touched1,
                 float scale, double invBatch, float[][] delta) {
        for (int i = part * in / 2, end = (part + 1) * in / 2; i < end; i++) {
            float[] d = grad0[i];
            float[] b = grad1[i];
            if (!touched0[i] && !touched1[i]) {
                delta[i] = null;    // a zero column changes nothing, and adds nothing to the statistics either
                continue;
            }
            delta[i] = d;
            if (statistics != null) {
                if (touched0[i] && touched1[i]) {
                    for (int k = 0; k < out; k++) {
                        d[k] = d[k] + b[k];
                    }
                } else if (touched1[i]) {
                    System.arraycopy(b, 0, d, 0, out);
                }
                statistics.add(i, d, invBatch);
                if (windowStatistics != null) {
                    windowStatistics.add(i, d, invBatch);
                }
                for (int k = 0; k < out; k++) {
                    d[k] *= scale;
                }
            } else if (touched0[i] && touched1[i]) { // the same two roundings as above, in one pass
                for (int k = 0; k < out; k++) {
                    d[k] = (d[k] + b[k]) * scale;
                }
            } else if (touched0[i]) {
                for (int k = 0; k < out; k++) {
                    d[k] *= scale;
                }
            } else {
                for (int k = 0; k < out; k++) {
                    d[k] = b[k] * scale;
                }
            }
        }
    }

    /**
     * {@code y[0..n) ← Σ_j scale[j] · vectors[index[j]]} for j in [from, from + count), summed left to right
     * in j order: the result equals adding the terms one at a time into zero, bit for bit, whatever the
     * grouping below. Up to eight terms per pass over y (an eighth of the loads and stores of y, and of
     * the loop overheads, of the one-term-per-pass form), and the last one to three terms in one pass:
     * the gradient's sums have one to five terms (a shard's samples whose input is not zero), so a
     * pass per term would dominate them. Java never fuses {@code a * b + c}, so every grouping performs
     * the same roundings.
     */
    static void sumOfScaled(float[] y, float[][] vectors, float[] scale, int[] index, int from, int count, int n) {
        int j = from;
        int end = from + count;
        if (count >= 8) {
            float a0 = scale[j], a1 = scale[j + 1], a2 = scale[j + 2], a3 = scale[j + 3];
            float a4 = scale[j + 4], a5 = scale[j + 5], a6 = scale[j + 6], a7 = scale[j + 7];
            float[] v0 = vectors[index[j]], v1 = vectors[index[j + 1]], v2 = vectors[index[j + 2]], v3 = vectors[index[j + 3]];
            float[] v4 = vectors[index[j + 4]], v5 = vectors[index[j + 5]], v6 = vectors[index[j + 6]], v7 = vectors[index[j + 7]];
            for (int k = 0; k < n; k++) {
                y[k] = a0 * v0[k] + a1 * v1[k] + a2 * v2[k] + a3 * v3[k] + a4 * v4[k] + a5 * v5[k] + a6 * v6[k]
                        + a7 * v7[k];
            }
            j += 8;
        } else if (count >= 4) {
            float a0 = scale[j], a1 = scale[j + 1], a2 = scale[j + 2], a3 = scale[j + 3];
            float[] v0 = vectors[index[j]], v1 = vectors[index[j + 1]], v2 = vectors[index[j + 2]], v3 = vectors[index[j + 3]];
            for (int k = 0; k < n; k++) {
                y[k] = a0 * v0[k] + a1 * v1[k] + a2 * v2[k] + a3 * v3[k];
            }
            j += 4;
        } else if (count == 3) {
            float a0 = scale[j], a1 = scale[j + 1], a2 = scale[j + 2];
            float[] v0 = vectors[index[j]], v1 = vectors[index[j + 1]], v2 = vectors[index[j + 2]];
            for (int k = 0; k < n; k++) {
                y[k] = a0 * v0[k] + a1 * v1[k] + a2 * v2[k];
            }
            return;
        } else if (count == 2) {
            float a0 = scale[j], a1 = scale[j + 1];
            float[] v0 = vectors[index[j]], v1 = vectors[index[j + 1]];
            for (int k = 0; k < n; k++) {
                y[k] = a0 * v0[k] + a1 * v1[k];
            }
            return;
        } else if (count == 1) {
            float a0 = scale[j];
            float[] v0 = vectors[index[j]];
            for (int k = 0; k < n; k++) {
                y[k] = a0 * v0[k];
            }
            return;
        } else {
            Arrays.fill(y, 0, n, 0f);
            return;
        }
        for (; j + 8 <= end; j += 8) {
            float a0 = scale[j], a1 = scale[j + 1], a2 = scale[j + 2], a3 = scale[j + 3];
            float a4 = scale[j + 4], a5 = scale[j + 5], a6 = scale[j + 6], a7 = scale[j + 7];
            float[] v0 = vectors[index[j]], v1 = vectors[index[j + 1]], v2 = vectors[index[j + 2]], v3 = vectors[index[j + 3]];
            float[] v4 = vectors[index[j + 4]], v5 = vectors[index[j + 5]], v6 = vectors[index[j + 6]], v7 = vectors[index[j + 7]];
            for (int k = 0; k < n; k++) {
                y[k] = y[k] + a0 * v0[k] + a1 * v1[k] + a2 * v2[k] + a3 * v3[k] + a4 * v4[k] + a5 * v5[k]
                        + a6 * v6[k] + a7 * v7[k];
            }
        }
        if (j + 4 <= end) {
            float a0 = scale[j], a1 = scale[j + 1], a2 = scale[j + 2], a3 = scale[j + 3];
            float[] v0 = vectors[index[j]], v1 = vectors[index[j + 1]], v2 = vectors[index[j + 2]], v3 = vectors[index[j + 3]];
            for (int k = 0; k < n; k++) {
                y[k] = y[k] + a0 * v0[k] + a1 * v1[k] + a2 * v2[k] + a3 * v3[k];
            }
            j += 4;
        }
        switch (end - j) {
            case 3 -> {
                float a0 = scale[j], a1 = scale[j + 1], a2 = scale[j + 2];
                float[] v0 = vectors[index[j]], v1 = vectors[index[j + 1]], v2 = vectors[index[j + 2]];
                for (int k = 0; k < n; k++) {
                    y[k] = y[k] + a0 * v0[k] + a1 * v1[k] + a2 * v2[k];
                }
            }
            case 2 -> {
                float a0 = scale[j], a1 = scale[j + 1];
                float[] v0 = vectors[index[j]], v1 = vectors[index[j + 1]];
                for (int k = 0; k < n; k++) {
                    y[k] = y[k] + a0 * v0[k] + a1 * v1[k];
                }
            }
            case 1 -> {
                float a0 = scale[j];
                float[] v0 = vectors[index[j]];
                for (int k = 0; k < n; k++) {
                    y[k] += a0 * v0[k];
                }
            }
            default -> {
            }
        }
    }
}
