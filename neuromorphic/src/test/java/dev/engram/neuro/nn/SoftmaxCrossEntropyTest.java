package dev.engram.neuro.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Softmax and cross-entropy against double-precision formulas; tolerance 1e-6 (float rounding). */
class SoftmaxCrossEntropyTest {

    private static double[] softmax(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
            sum += Math.exp(v - max);
        }
        double[] p = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            p[k] = Math.exp(z[k] - max) / sum;
        }
        return p;
    }

    @Test
    void shouldGiveProbabilitiesThatSumToOneAndTheLossMinusLogOfTheLabelsProbability() {
        float[] logits = {1.5f, -0.25f, 3f, 0f};
        double[] expected = softmax(new double[] {1.5, -0.25, 3, 0});
        float loss = SoftmaxCrossEntropy.forward(logits, 4, 2);
        double sum = 0;
        for (int k = 0; k < 4; k++) {
            assertEquals(expected[k], logits[k], 1e-6);
            sum += logits[k];
        }
        assertEquals(1, sum, 1e-6);
        assertEquals(-Math.log(expected[2]), loss, 1e-6);
    }

    @Test
    void shouldStayFiniteForHugeLogits() {
        float[] logits = {1000f, 0f, -1000f};
        float loss = SoftmaxCrossEntropy.forward(logits, 3, 2);
        assertEquals(2000f, loss, 1e-3f); // −log p = log-sum-exp − z_label, never log(0)
        assertEquals(1f, logits[0], 1e-6f);
        assertEquals(0f, logits[2]);
    }

    @Test
    void shouldGiveProbabilitiesMinusOneHotAsTheLogitGradient() {
        float[] logits = {0.3f, -1.1f, 2.2f};
        float[] copy = logits.clone();
        SoftmaxCrossEntropy.forward(logits, 3, 0);
        float[] gradient = new float[3];
        SoftmaxCrossEntropy.backward(logits, 3, 0, gradient);
        // Central differences of the double loss, h = 1e-5.
        for (int k = 0; k < 3; k++) {
            double[] plus = {copy[0], copy[1], copy[2]};
            double[] minus = plus.clone();
            plus[k] += 1e-5;
            minus[k] -= 1e-5;
            double numeric = (-Math.log(softmax(plus)[0]) + Math.log(softmax(minus)[0])) / 2e-5;
            assertEquals(numeric, gradient[k], 1e-6, "logit " + k);
        }
        assertTrue(gradient[0] < 0 && gradient[1] > 0 && gradient[2] > 0);
    }

    @Test
    void shouldUseOnlyTheFirstCEntries() {
        float[] logits = {0f, 0f, 99f};
        float loss = SoftmaxCrossEntropy.forward(logits, 2, 1);
        assertEquals(Math.log(2), loss, 1e-6);
        assertEquals(99f, logits[2]);
    }
}
