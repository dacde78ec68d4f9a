package dev.engram.neuro.pcm;

import dev.engram.device.DeviceProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ideal device is the float network in conductance clothing: a PCM array of it and a plain float
 * array, given the same initial weights and the same updates, read the same weights within float
 * rounding — through refreshes, and through both the row-major and the column API.
 */
class IdealDeviceTest {

    /**
     * Stated tolerance, in weight units for a weight range of 1: the PCM array rounds once per update in
     * µS (ulp of 25 µS is 1.9e-6 µS, 7.6e-8 in weight) and the float array once in weight; a few
     * hundred steps of both stay below 1e-5.
     */
    private static final float TOLERANCE = 1e-5f;

    /** The trusted oracle: {@code w += delta}, nothing else. */
    private static final class FloatReference {
        final float[] w;

        FloatReference(float[] initial) {
            w = initial.clone();
        }

        void update(float[] delta) {
            for (int i = 0; i < w.length; i++) {
                w[i] += delta[i];
            }
        }
    }

    @Test
    void shouldReproduceTheFloatArrayWithinFloatRounding(@TempDir Path dir) {
        long seed = Seeds.seed("ideal vs float", 0x1DEA1L);
        int outputs = 17;
        int inputs = 23;
        int n = outputs * inputs;
        SplittableRandom random = new SplittableRandom(seed);
        float[] initial = new float[n];
        for (int i = 0; i < n; i++) {
            initial[i] = (float) (random.nextDouble(-0.3, 0.3));
        }
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("ideal.pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray pcm = pool.array("fc", outputs, inputs, new PcmArrayOptions().preset("ideal").seed(seed));
            FloatReference reference = new FloatReference(initial);
            pcm.initialize(initial);
            assertClose(reference.w, pcm.readWeights(), "after initialize, seed=" + seed);
            float worst = 0;
            for (int step = 0; step < 400; step++) {
                float[] delta = new float[n];
                for (int i = 0; i < n; i++) {
                    if (random.nextDouble() < 0.3) {
                        continue;                      // the zeros a ReLU layer's gradient is full of
                    }
                    float d = (float) random.nextDouble(-0.02, 0.02);
                    if (Math.abs(reference.w[i] + d) > 0.6) {
                        d = -d;                        // stay inside the range the refresh can keep
                    }
                    delta[i] = d;
                }
                if (step % 2 == 0) {
                    pcm.update(delta);
                } else {
                    pcm.updateWeightColumns(columns(delta, outputs, inputs));
                }
                reference.update(delta);
                pcm.endOfBatch();
                float[] read = pcm.readWeights();
                worst = Math.max(worst, assertClose(reference.w, read, "step " + step + ", seed=" + seed));
                float[][] byColumn = pcm.readWeightColumns();
                for (int o = 0; o < outputs; o++) {
                    for (int i = 0; i < inputs; i++) {
                        assertEquals(read[o * inputs + i], byColumn[i][o], 0f, "the column read is the transposed row read");
                    }
                }
            }
            PcmArrayStats stats = pcm.stats();
            System.out.println("ideal vs float: worst |difference| " + worst + " over 400 steps; " + stats);
            assertTrue(stats.refreshedPairs() > 0, "the run went through refreshes, and they kept the weights exact");
            assertEquals(400, stats.batches());
        }
    }

    private static float[][] columns(float[] rowMajor, int outputs, int inputs) {
        float[][] columns = new float[inputs][outputs];
        for (int o = 0; o < outputs; o++) {
            for (int i = 0; i < inputs; i++) {
                columns[i][o] = rowMajor[o * inputs + i];
            }
        }
        return columns;
    }

    private static float assertClose(float[] expected, float[] actual, String message) {
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            float diff = Math.abs(expected[i] - actual[i]);
            worst = Math.max(worst, diff);
            assertTrue(diff <= TOLERANCE, message + ": weight " + i + " is " + actual[i] + ", float says "
                    + expected[i]);
        }
        return worst;
    }
}
