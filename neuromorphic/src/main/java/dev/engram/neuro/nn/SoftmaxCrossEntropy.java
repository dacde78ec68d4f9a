package dev.engram.neuro.nn;

/**
 * The output layer's loss: softmax over the C logits, then cross-entropy against the label.
 * The gradient with respect to the logits is {@code p − onehot(label)}.
 */
public final class SoftmaxCrossEntropy {

    private SoftmaxCrossEntropy() {
    }

    /**
     * Replaces {@code logits[0..c)} by the softmax probabilities and returns {@code −log p[label]}.
     * Stable for any logits: the maximum is subtracted before exponentiating, and the loss is computed
     * from the log-sum-exp, not from a probability that may have underflowed to 0.
     */
    public static float forward(float[] logits, int c, int label) {
        float max = logits[0];
        for (int k = 1; k < c; k++) {
            max = Math.max(max, logits[k]);
        }
        double sum = 0;
        for (int k = 0; k < c; k++) {
            sum += Math.exp(logits[k] - max);
        }
        double logSum = Math.log(sum);
        float loss = (float) (logSum - (logits[label] - max));
        for (int k = 0; k < c; k++) {
            logits[k] = (float) Math.exp(logits[k] - max - logSum);
        }
        return loss;
    }

    /** {@code dLogits[0..c) ← p − onehot(label)}, where {@code p} holds the probabilities from {@link #forward}. */
    public static void backward(float[] p, int c, int label, float[] dLogits) {
        for (int k = 0; k < c; k++) {
            dLogits[k] = p[k];
        }
        dLogits[label] -= 1f;
    }
}
