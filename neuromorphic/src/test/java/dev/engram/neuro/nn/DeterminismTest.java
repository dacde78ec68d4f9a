package dev.engram.neuro.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.engram.neuro.data.TrainTest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A seed fixes every weight bit, on one thread and on two. */
class DeterminismTest {

    private static final TrainTest DATA = SyntheticData.blobs(7, 5, 6, 8, 700, 100, 0.25);
    private static final int[] WIDTHS = {48, 32, 16, 5};

    private static List<float[]> train(int threads, Activation activation, int minibatch, long seed) {
        try (Mlp mlp = new Mlp(WIDTHS, activation, FloatSynapseArray.factory(), threads)) {
            Training.run(mlp, DATA, new TrainingConfig(2, minibatch, 0.05f, seed, true), report -> { });
            return java.util.stream.IntStream.range(0, mlp.layerCount())
                    .mapToObj(l -> mlp.array(l).readWeights().clone()).toList();
        }
    }

    @ParameterizedTest(name = "{0}, minibatch {1}")
    @CsvSource({"RELU, 1", "RELU, 7", "RELU, 10", "TANH, 10", "SIGMOID, 64"})
    void shouldGiveBitIdenticalWeightsForTheSameSeedOnOneAndTwoThreads(Activation activation, int minibatch) {
        long seed = 42;
        List<float[]> first = train(1, activation, minibatch, seed);
        List<float[]> again = train(1, activation, minibatch, seed);
        List<float[]> twoThreads = train(2, activation, minibatch, seed);
        for (int l = 0; l < first.size(); l++) {
            assertArrayEquals(first.get(l), again.get(l), "layer " + l + ", same seed, one thread (seed " + seed + ")");
            assertArrayEquals(first.get(l), twoThreads.get(l), "layer " + l + ", one vs two threads (seed " + seed + ")");
        }
        List<float[]> otherSeed = train(1, activation, minibatch, seed + 1);
        assertFalse(Arrays.equals(first.get(0), otherSeed.get(0)), "another seed must give other weights");
    }

    @ParameterizedTest(name = "minibatch {0}")
    @CsvSource({"1", "2", "9"})
    void shouldGiveTheSameTelemetryOnOneAndTwoThreads(int minibatch) {
        try (Mlp one = new Mlp(WIDTHS, Activation.RELU, FloatSynapseArray.factory(), 1);
             Mlp two = new Mlp(WIDTHS, Activation.RELU, FloatSynapseArray.factory(), 2)) {
            TrainingConfig config = new TrainingConfig(1, minibatch, 0.05f, 3, true);
            List<EpochReport> a = Training.run(one, DATA, config, r -> { });
            List<EpochReport> b = Training.run(two, DATA, config, r -> { });
            assertEquals(a.get(0).layers(), b.get(0).layers());
            assertEquals(a.get(0).trainLoss(), b.get(0).trainLoss());
            assertEquals(a.get(0).test(), b.get(0).test());
        }
    }
}
