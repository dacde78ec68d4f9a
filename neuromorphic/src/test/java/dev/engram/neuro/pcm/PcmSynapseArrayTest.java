package dev.engram.neuro.pcm;

import dev.engram.device.DeviceProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The array's update, refresh, read and drift, as the class comment of {@link PcmSynapseArray} states them. */
class PcmSynapseArrayTest {

    private static final int OUTPUTS = 12;
    private static final int INPUTS = 15;
    private static final int WEIGHTS = OUTPUTS * INPUTS;

    private static float[] randomWeights(SplittableRandom random, double bound) {
        float[] w = new float[WEIGHTS];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextDouble(-bound, bound);
        }
        return w;
    }

    // ---------------------------------------------------------------- SET only

    @Test
    void shouldNeverLowerAConductanceInAnUpdate(@TempDir Path dir) {
        long seed = Seeds.seed("set only", 0x5E7L);
        SplittableRandom random = new SplittableRandom(seed);
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p.pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, new PcmArrayOptions().preset("aihwkit-pcm").seed(seed));
            a.initialize(randomWeights(random, 0.3));
            int loweredByRefresh = 0;
            for (int step = 0; step < 60; step++) {
                float[] before = a.conductancesMicroSiemens();
                a.update(randomWeights(random, 0.2));
                float[] after = a.conductancesMicroSiemens();
                for (int c = 0; c < before.length; c++) {
                    assertTrue(after[c] >= before[c], "conductor " + c + " fell from " + before[c] + " to " + after[c]
                            + " in update " + step + ", seed=" + seed);
                }
                a.endOfBatch();
                float[] refreshed = a.conductancesMicroSiemens();
                for (int c = 0; c < before.length; c++) {
                    loweredByRefresh += refreshed[c] < after[c] ? 1 : 0;
                }
            }
            assertTrue(loweredByRefresh > 0, "only the refresh's RESET lowers conductances, and it did");
            assertEquals(a.stats().resets() - 2L * WEIGHTS, 2 * a.stats().refreshedPairs(),
                    "two RESETs per refreshed pair besides the initial programming");
        }
    }

    @Test
    void shouldNeverLowerAConductanceWithoutRefresh(@TempDir Path dir) {
        long seed = Seeds.seed("no refresh", 0x5E8L);
        SplittableRandom random = new SplittableRandom(seed);
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p.pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, new PcmArrayOptions().preset("ibm2014")
                    .policy(UpdatePolicy.NO_REFRESH).seed(seed));
            a.initialize(randomWeights(random, 0.3));
            float[] previous = a.conductancesMicroSiemens();
            for (int step = 0; step < 80; step++) {
                a.update(randomWeights(random, 0.1));
                a.endOfBatch();
                float[] now = a.conductancesMicroSiemens();
                for (int c = 0; c < now.length; c++) {
                    assertTrue(now[c] >= previous[c], "conductor " + c + " fell, seed=" + seed);
                }
                previous = now;
            }
            assertEquals(0, a.stats().refreshedPairs());
        }
    }

    @Test
    void shouldTurnAWeightChangeIntoItsExpectedPulseCountByStochasticRounding(@TempDir Path dir) {
        long seed = Seeds.seed("stochastic rounding", 0x570L);
        // noiseless linear device, whole pulses: the mean pulse count of a change of 0.3 steps is 0.3
        PcmDeviceModel linear = PcmDeviceModel.IDEAL.withName("linear-whole")
                .withSet(new PcmDeviceModel.SetResponse(0.25, 0, 0, 0, 0, 0, 0, 0, 0.25, false));
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p.pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, new PcmArrayOptions().model(linear)
                    .policy(UpdatePolicy.NO_REFRESH).seed(seed));
            a.initialize(new float[WEIGHTS]);
            float perPulse = 0.25f * a.scale();
            float[] delta = new float[WEIGHTS];
            java.util.Arrays.fill(delta, 0.3f * perPulse);
            int steps = 200;
            for (int s = 0; s < steps; s++) {
                a.update(delta);
            }
            double meanPulses = a.stats().setPulses() / (double) (steps * WEIGHTS);
            assertEquals(0.3, meanPulses, 0.01, "seed=" + seed);
            float[] g = a.conductancesMicroSiemens();
            for (int c = 0; c < g.length; c += 2) {
                float pulses = g[c] / 0.25f;
                assertEquals(Math.round(pulses), pulses, 1e-3, "whole pulses only");
            }
        }
    }

    @Test
    void shouldLeaveANullColumnAloneAndDrawTheSameNoiseForTheOthers(@TempDir Path dir) {
        long seed = Seeds.seed("null column", 0x9C01L);
        float[][] delta = new float[INPUTS][OUTPUTS];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < INPUTS; i++) {
            for (int o = 0; o < OUTPUTS; o++) {
                delta[i][o] = i == 4 ? 0f : (float) random.nextDouble(-0.05, 0.05);
            }
        }
        float[][] withNull = delta.clone();
        withNull[4] = null;
        float[][] g = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p" + run + ".pcm"), DeviceProfile.NONE)) {
                PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, new PcmArrayOptions().preset("ibm2014").seed(seed));
                a.initialize(randomWeights(new SplittableRandom(seed), 0.3));
                for (int step = 0; step < 5; step++) {
                    a.updateWeightColumns(run == 0 ? delta : withNull);
                    a.endOfBatch();
                }
                g[run] = a.conductancesMicroSiemens();
            }
        }
        assertEquals(java.util.Arrays.toString(g[0]), java.util.Arrays.toString(g[1]),
                "a null column is a column of zeros, and the other columns' pulses do not depend on it");
    }

    // ---------------------------------------------------------------- refresh

    @Test
    void shouldKeepTheWeightExactlyWhileRestoringHeadroomOnANoiselessRefresh(@TempDir Path dir) {
        PcmDeviceModel quiet = PcmDeviceModel.IBM2014.withName("ibm2014-quiet")
                .withSet(new PcmDeviceModel.SetResponse(1.5, 0, 1.0, 0, 0, 0, 0, 0, 0.75, false))
                .withReset(new PcmDeviceModel.Reset(0.2, 0, 0))
                .withProgramming(new PcmDeviceModel.Programming(0, 0, 0))
                .withRange(new PcmDeviceModel.Range(0.1, 20, 0));
        checkRefresh(dir, quiet, 1e-6f, Seeds.seed("quiet refresh", 0x4EF1L));
    }

    @Test
    void shouldKeepTheWeightWithinProgrammingNoiseWhileRestoringHeadroom(@TempDir Path dir) {
        PcmDeviceModel m = PcmDeviceModel.IBM2014;
        // programming sigma 0.4 uS and two RESETs of sigma 0.05 uS (+0.05 d2d): 4 sigma of the difference
        double sigma = Math.sqrt(0.4 * 0.4 + 2 * (0.05 * 0.05 + 0.05 * 0.05));
        checkRefresh(dir, m, (float) (4.5 * sigma / 19.9), Seeds.seed("noisy refresh", 0x4EF2L));
    }

    /**
     * Drives every pair up on both sides for two batches, then lets the third batch's end refresh the
     * pairs past the thresholds (0.5, 0.2): their weight survives within {@code tolerance}, their smaller
     * conductor is back near the RESET level, their larger one is lower than before; the others are
     * untouched.
     */
    private static void checkRefresh(Path dir, PcmDeviceModel model, float tolerance, long seed) {
        UpdatePolicy policy = new UpdatePolicy(10, 0.5, 0.2, 3);
        SplittableRandom random = new SplittableRandom(seed);
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve(model.name() + ".pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, new PcmArrayOptions().model(model).policy(policy).seed(seed));
            a.initialize(new float[WEIGHTS]);
            float[] up = new float[WEIGHTS];
            float[] down = new float[WEIGHTS];
            for (int i = 0; i < WEIGHTS; i++) {
                up[i] = (float) random.nextDouble(0.05, 0.45);
                down[i] = -(float) random.nextDouble(0.05, 0.45);
            }
            a.update(up);
            a.endOfBatch();
            a.update(down);
            a.endOfBatch();
            a.update(new float[WEIGHTS]);
            float[] before = a.conductancesMicroSiemens();
            a.endOfBatch();                                    // batch 3: the refresh
            float[] after = a.conductancesMicroSiemens();
            float scale = a.scale();
            float upper = (float) (0.1 + 0.5 * 19.9);
            float lower = (float) (0.1 + 0.2 * 19.9);
            int refreshed = 0;
            for (int w = 0; w < WEIGHTS; w++) {
                float gp = before[2 * w];
                float gm = before[2 * w + 1];
                boolean due = Math.max(gp, gm) > upper && Math.min(gp, gm) > lower;
                if (!due) {
                    assertEquals(gp, after[2 * w], 0f, "untouched, seed=" + seed);
                    assertEquals(gm, after[2 * w + 1], 0f, "untouched, seed=" + seed);
                    continue;
                }
                refreshed++;
                float weightBefore = (gp - gm) * scale;
                float weightAfter = (after[2 * w] - after[2 * w + 1]) * scale;
                assertEquals(weightBefore, weightAfter, tolerance, model.name() + " weight " + w + ", seed=" + seed);
                assertTrue(Math.min(after[2 * w], after[2 * w + 1]) < 0.6f, "the smaller one is back near RESET");
                assertTrue(Math.max(after[2 * w], after[2 * w + 1]) < Math.max(gp, gm), "headroom restored");
            }
            System.out.println(model.name() + ": refreshed " + refreshed + " of " + WEIGHTS + " pairs");
            assertEquals(refreshed, a.stats().refreshedPairs());
            assertTrue(refreshed > WEIGHTS / 4, "most pairs were due, seed=" + seed);
        }
    }

    // ---------------------------------------------------------------- reads

    @Test
    void shouldReadWithTheModelsReadNoise(@TempDir Path dir) {
        long seed = Seeds.seed("read noise", 0x4EADL);
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p.pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, new PcmArrayOptions().preset("ibm2014").seed(seed));
            a.initialize(randomWeights(new SplittableRandom(seed), 0.5));
            float[] g = a.conductancesMicroSiemens();
            int reads = 2000;
            double sumSq = 0;
            double expectedSumSq = 0;
            for (int r = 0; r < reads; r++) {
                float[] w = a.readWeights();
                for (int o = 0; o < OUTPUTS; o++) {
                    for (int i = 0; i < INPUTS; i++) {
                        int k = i * OUTPUTS + o;
                        double exact = (g[2 * k] - g[2 * k + 1]) * a.scale();
                        double noise = w[o * INPUTS + i] - exact;
                        sumSq += noise * noise;
                        double sigma = 0.01 * Math.sqrt(g[2 * k] * g[2 * k] + g[2 * k + 1] * g[2 * k + 1]) * a.scale();
                        expectedSumSq += sigma * sigma;
                    }
                }
            }
            assertEquals(1.0, Math.sqrt(sumSq / expectedSumSq), 0.01, "read noise sigma, seed=" + seed);
        }
    }

    // ---------------------------------------------------------------- drift

    @Test
    void shouldDriftEachDeviceAsG0TimesTOverT0ToTheMinusItsOwnNu(@TempDir Path dir) {
        long seed = Seeds.seed("drift", 0xD81F7L);
        PcmDeviceModel noOneOverF = PcmDeviceModel.AIHWKIT_PCM.withName("aihwkit-no-1f")
                .withRead(new PcmDeviceModel.ReadNoise(0, 0, 0.65, 0.2, 250e-9));
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p.pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, new PcmArrayOptions().model(noOneOverF)
                    .weightRange(2.0).seed(seed));
            a.initialize(randomWeights(new SplittableRandom(seed), 1.5));
            float[] g0 = a.conductancesMicroSiemens();
            a.driftTo(10.0);
            assertEquals(java.util.Arrays.toString(g0), java.util.Arrays.toString(a.readConductancesMicroSiemens()),
                    "no drift before t0 = 20 s");
            double t = 20.0 * 1e4;
            a.driftTo(t);
            float[] gt = a.readConductancesMicroSiemens();
            double nuSum = 0;
            int nuCount = 0;
            for (int c = 0; c < g0.length; c++) {
                if (g0[c] < 1e-3f) {
                    continue;
                }
                double nu = -Math.log(gt[c] / (double) g0[c]) / Math.log(t / 20.0);
                assertTrue(nu >= 0 && nu < 0.1 + 6 * 0.045, "nu " + nu + " of conductor " + c);
                double z = (nu - noOneOverF.driftNuMean(g0[c])) / noOneOverF.driftNuStd(g0[c]);
                assertTrue(Math.abs(z) < 6 || nu < 1e-3, "nu " + nu + " is " + z + " sigma off at G0 " + g0[c]);
                if (g0[c] > 5) {
                    nuSum += nu;
                    nuCount++;
                }
            }
            assertTrue(nuCount > 20, "enough conductors in the upper range");
            assertEquals(0.049, nuSum / nuCount, 0.004, "mean nu in the upper range [NAND19], seed=" + seed);
            a.driftTo(t * 100);
            float[] later = a.readConductancesMicroSiemens();
            for (int c = 0; c < g0.length; c++) {
                assertTrue(later[c] <= gt[c], "drift only lowers G with time");
            }
            float[] weightsDrifted = a.readWeights().clone();
            a.update(new float[WEIGHTS]);
            assertEquals(0.0, a.inferenceSeconds(), "an update ends the drift view");
            assertFalse(java.util.Arrays.equals(weightsDrifted, a.readWeights()), "reads see the programmed G again");
        }
    }

    // ---------------------------------------------------------------- validation

    @Test
    void shouldRejectWeightsOutsideTheRangeAndChangesThatAreNotNumbers(@TempDir Path dir) {
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p.pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, new PcmArrayOptions().preset("ibm2014").weightRange(0.5));
            float[] w = new float[WEIGHTS];
            w[17] = 0.7f;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.initialize(w));
            assertTrue(e.getMessage().contains("[1,2]") && e.getMessage().contains("0.7")
                    && e.getMessage().contains("0.5"), e.getMessage());
            float[] d = new float[WEIGHTS];
            d[3] = Float.NaN;
            e = assertThrows(IllegalArgumentException.class, () -> a.update(d));
            assertTrue(e.getMessage().contains("NaN"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> a.update(new float[5]));
            assertTrue(e.getMessage().contains("expected 12 x 15 = 180"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new PcmArrayOptions().weightRange(-1).conclude());
            assertTrue(e.getMessage().contains("weightRange"), e.getMessage());
        }
    }
}
