package dev.engram.neuro.snn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.neuro.data.Dataset;
import dev.engram.neuro.data.MnistFixture;
import dev.engram.neuro.data.TrainTest;
import dev.engram.neuro.nn.Activation;
import dev.engram.neuro.nn.Evaluation;
import dev.engram.neuro.nn.FloatSynapseArray;
import dev.engram.neuro.nn.Mlp;
import dev.engram.neuro.nn.SynapseArray;
import dev.engram.neuro.nn.SyntheticData;
import dev.engram.neuro.nn.Training;
import dev.engram.neuro.nn.TrainingConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpikingNetworkTest {

    private static final int[] STEPS = {10, 25, 50, 100};

    private static List<SynapseArray> arrays(Mlp mlp) {
        List<SynapseArray> arrays = new ArrayList<>();
        for (int l = 0; l < mlp.layerCount(); l++) {
            arrays.add(mlp.array(l));
        }
        return arrays;
    }

    /** Synthetic data, no download: tolerance 2 points at T = 100 for every encoding. */
    @Test
    void shouldKeepTheAnnsAccuracyWithinTwoPointsAtOneHundredSteps() {
        TrainTest data = SyntheticData.blobs(21, 6, 8, 8, 3000, 1000, 0.45);
        long seed = 21;
        try (Mlp mlp = new Mlp(new int[] {64, 48, 24, 6}, Activation.RELU, FloatSynapseArray.factory(), 1)) {
            Training.run(mlp, data, new TrainingConfig(4, 10, 0.05f, seed, false), r -> { });
            Evaluation ann = mlp.evaluate(data.test());
            assertTrue(ann.accuracy() > 0.8, "the ANN must have learnt something: " + ann);
            SpikingNetwork snn = SpikingNetwork.convert(arrays(mlp), data.train(), 3000, 100);
            for (SpikingNetwork.InputEncoding encoding : SpikingNetwork.InputEncoding.values()) {
                SpikingResult r = snn.run(data.test(), encoding, SpikingNetwork.Reset.SUBTRACT, STEPS, seed, 1);
                System.out.printf("synthetic ANN %s | SNN %s (seed %d)%n", ann, r, seed);
                assertTrue(Math.abs(r.accuracyAt(100) - ann.accuracy()) <= 0.02, encoding + ": " + r + " vs ANN " + ann);
            }
        }
    }

    @Test
    void shouldScaleByTheLargestActivationOfEachLayer() {
        TrainTest data = SyntheticData.blobs(22, 3, 2, 3, 200, 10, 0.3);
        try (Mlp mlp = new Mlp(new int[] {6, 5, 3}, Activation.RELU, FloatSynapseArray.factory(), 1)) {
            Training.run(mlp, data, new TrainingConfig(2, 5, 0.1f, 22, false), r -> { });
            float[] w = mlp.array(0).readWeights(); // (5 × 7)
            double max = 0;
            for (int n = 0; n < 200; n++) {
                for (int o = 0; o < 5; o++) {
                    double z = w[o * 7 + 6];
                    for (int i = 0; i < 6; i++) {
                        z += (double) w[o * 7 + i] * data.train().pixels()[n * 6 + i];
                    }
                    max = Math.max(max, z);
                }
            }
            double[] lambda = SpikingNetwork.convert(arrays(mlp), data.train(), 200, 100).lambdas();
            assertEquals(3, lambda.length);
            assertEquals(1, lambda[0]);
            assertEquals(max, lambda[1], 1e-5 * max);
            double[] robust = SpikingNetwork.convert(arrays(mlp), data.train(), 200, 50).lambdas();
            assertTrue(robust[1] < lambda[1], "the median activation is below the maximum");
        }
    }

    @Test
    void shouldGiveTheSameCountsOnOneAndTwoThreadsForASeed() {
        TrainTest data = SyntheticData.blobs(23, 4, 4, 4, 400, 101, 0.4);
        try (Mlp mlp = new Mlp(new int[] {16, 12, 4}, Activation.RELU, FloatSynapseArray.factory(), 1)) {
            Training.run(mlp, data, new TrainingConfig(2, 10, 0.05f, 23, false), r -> { });
            SpikingNetwork snn = SpikingNetwork.convert(arrays(mlp), data.train(), 400, 100);
            SpikingResult one = snn.run(data.test(), SpikingNetwork.InputEncoding.POISSON, SpikingNetwork.Reset.ZERO, STEPS, 5, 1);
            SpikingResult two = snn.run(data.test(), SpikingNetwork.InputEncoding.POISSON, SpikingNetwork.Reset.ZERO, STEPS, 5, 2);
            assertArrayEquals(one.correct(), two.correct());
            assertArrayEquals(one.spikes(), two.spikes());
            SpikingResult other = snn.run(data.test(), SpikingNetwork.InputEncoding.POISSON, SpikingNetwork.Reset.ZERO, STEPS, 6, 1);
            assertTrue(other.spikes()[0] != one.spikes()[0], "another seed draws other input spikes");
        }
    }

    @Test
    void shouldRefuseToConvertANetworkThatIsNotReLU() {
        TrainTest data = SyntheticData.blobs(25, 2, 1, 2, 10, 4, 0.1);
        try (Mlp mlp = new Mlp(new int[] {2, 2}, Activation.TANH, FloatSynapseArray.factory(), 1)) {
            mlp.initialize(new java.util.SplittableRandom(1));
            assertThrows(IllegalArgumentException.class, () -> SpikingNetwork.convert(mlp, data.train(), 10, 100));
        }
    }

    @Test
    void shouldRejectCheckpointsOutOfOrder() {
        TrainTest data = SyntheticData.blobs(24, 2, 1, 2, 10, 4, 0.1);
        try (Mlp mlp = new Mlp(new int[] {2, 2}, Activation.RELU, FloatSynapseArray.factory(), 1)) {
            mlp.initialize(new java.util.SplittableRandom(1));
            SpikingNetwork snn = SpikingNetwork.convert(arrays(mlp), data.train(), 10, 100);
            assertThrows(IllegalArgumentException.class, () -> snn.run(data.test(),
                    SpikingNetwork.InputEncoding.RATE, SpikingNetwork.Reset.SUBTRACT, new int[] {50, 25}, 1, 1));
        }
    }

    /**
     * Real MNIST: a 528-100-10 ReLU network trained for 2 epochs on the IBM 5,000, converted, scored on the
     * first 2,000 test images. Tolerance: within 1 point of the ANN at T = 100 for rate and analog input.
     */
    @Test
    void shouldStayWithinOnePointOfTheAnnOnMnistAtOneHundredSteps() {
        TrainTest ibm = MnistFixture.mnist().ibmProtocol();
        Dataset test = ibm.test().first(2000);
        long seed = 3;
        try (Mlp mlp = new Mlp(new int[] {528, 100, 10}, Activation.RELU, FloatSynapseArray.factory(), 2)) {
            Training.run(mlp, ibm, new TrainingConfig(2, 10, 0.05f, seed, false), r -> { });
            Evaluation ann = mlp.evaluate(test);
            SpikingNetwork snn = SpikingNetwork.convert(mlp, ibm.train(), 5000, 100);
            for (SpikingNetwork.InputEncoding encoding : List.of(SpikingNetwork.InputEncoding.CURRENT,
                    SpikingNetwork.InputEncoding.RATE)) {
                SpikingResult r = snn.run(test, encoding, SpikingNetwork.Reset.SUBTRACT, STEPS, seed, 2);
                System.out.printf("MNIST ANN %s | SNN %s (seed %d)%n", ann, r, seed);
                assertTrue(ann.accuracy() - r.accuracyAt(100) <= 0.01, encoding + ": " + r + " vs ANN " + ann);
            }
        }
    }
}
