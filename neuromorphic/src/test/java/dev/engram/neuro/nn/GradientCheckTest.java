package dev.engram.neuro.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.neuro.data.TrainTest;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The float network's backpropagated gradient against central finite differences of the loss computed by
 * the double-precision {@link ReferenceNetwork}, for every weight and bias of a 6-5-4-3 network.
 * Tolerance: |analytic − numeric| ≤ 1e-4 + 1e-3 · |numeric| (float sums of a few dozen terms; the
 * numeric gradient with h = 1e-6 in double is good to about 1e-9).
 */
class GradientCheckTest {

    private static final long SEED = 20240601L;
    private static final double H = 1e-6;

    @ParameterizedTest
    @EnumSource(Activation.class)
    void shouldMatchFiniteDifferencesOfADoublePrecisionOracle(Activation activation) {
        TrainTest data = SyntheticData.blobs(SEED, 3, 2, 3, 40, 10, 0.3);
        int[] order = new int[data.train().size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        try (Mlp mlp = new Mlp(new int[] {6, 5, 4, 3}, activation, FloatSynapseArray.factory(), 1)) {
            mlp.initialize(new SplittableRandom(SEED));
            for (int step = 0; step < 4; step++) { // move the biases off their initial zeros
                mlp.trainStep(data.train(), order, 10 + 5 * step, 5, 0.2f);
            }
            int[] batch = {0, 1, 2, 3, 4}; // 5 samples: shards of 3 and 2
            double floatLoss = mlp.gradient(data.train(), order, 0, batch.length);

            ReferenceNetwork oracle = new ReferenceNetwork(mlp);
            double loss = oracle.loss(data.train(), batch);
            assertEquals(loss, floatLoss, 1e-5 * Math.max(1, Math.abs(loss)), "loss");
            if (activation == Activation.RELU) {
                assertTrue(oracle.smallestPreActivation > 1e-4,
                        "a pre-activation sits at a ReLU kink: " + oracle.smallestPreActivation);
            }
            int checked = 0;
            double worst = 0;
            for (int l = 0; l < mlp.layerCount(); l++) {
                float[] analytic = mlp.summedGradient(l);
                double[] w = oracle.weights[l];
                assertEquals(w.length, analytic.length);
                for (int k = 0; k < w.length; k++) {
                    double saved = w[k];
                    w[k] = saved + H;
                    double plus = oracle.loss(data.train(), batch);
                    w[k] = saved - H;
                    double minus = oracle.loss(data.train(), batch);
                    w[k] = saved;
                    double numeric = (plus - minus) / (2 * H);
                    double error = Math.abs(analytic[k] - numeric);
                    worst = Math.max(worst, error / (1e-4 + 1e-3 * Math.abs(numeric)));
                    assertTrue(error <= 1e-4 + 1e-3 * Math.abs(numeric), activation + " layer " + l + " weight " + k
                            + ": analytic " + analytic[k] + ", numeric " + numeric);
                    checked++;
                }
            }
            assertEquals(5 * 7 + 4 * 6 + 3 * 5, checked);
            System.out.printf("gradient check %s (seed %d): %d weights, worst error %.3f of tolerance%n",
                    activation, SEED, checked, worst);
        }
    }
}
