package dev.engram.neuro.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GradientStatisticsTest {

    @Test
    void shouldGiveTheNormsOfThePerWeightMeanAndStdAcrossMinibatches() {
        GradientStatistics s = new GradientStatistics(1, 2);
        s.add(0, new float[] {2f, 4f}, 0.5); // summed over a minibatch of 2: mean gradient (1, 2)
        s.endMinibatch();
        s.add(0, new float[] {6f, 4f}, 0.5); // (3, 2)
        s.endMinibatch();
        assertEquals(2, s.minibatches());
        double[] norms = s.takeNorms();
        assertEquals(Math.sqrt(8), norms[0], 1e-12); // mean (2, 2)
        assertEquals(1, norms[1], 1e-12);            // std (1, 0)
        assertEquals(0, s.minibatches());
        s.add(0, new float[] {1f, 1f}, 1);
        s.endMinibatch();
        assertEquals(0, s.takeNorms()[1], 1e-12);    // reset: one minibatch has no spread
    }
}
