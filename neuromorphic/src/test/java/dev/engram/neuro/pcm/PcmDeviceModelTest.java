package dev.engram.neuro.pcm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device model against its equations and its sources: pulse response (mean step, shrinkage, states,
 * cycle-to-cycle σ), RESET, programming noise, drift, 1/f noise, and the stored parameter order.
 */
class PcmDeviceModelTest {

    private static final int TRIALS = 400_000;

    // ---------------------------------------------------------------- presets

    @Test
    void shouldParseThePresetsCaseInsensitivelyAndNameTheChoicesOtherwise() {
        assertEquals(PcmDeviceModel.IDEAL, PcmDeviceModel.parse("Ideal"));
        assertEquals(PcmDeviceModel.IBM2014, PcmDeviceModel.parse(" ibm2014 "));
        assertEquals(PcmDeviceModel.AIHWKIT_PCM, PcmDeviceModel.parse("AIHWKIT_PCM"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PcmDeviceModel.parse("rram"));
        assertTrue(e.getMessage().contains("'rram'") && e.getMessage().contains("aihwkit-pcm"), e.getMessage());
        for (PcmDeviceModel m : PcmDeviceModel.presets()) {
            System.out.println(m);
        }
    }

    @Test
    void shouldMapAihwkitsExpStepPcmDeviceToConductance() {
        PcmDeviceModel m = PcmDeviceModel.AIHWKIT_PCM;
        // dw_min 0.01 in weight units of w_max = 2 <-> 25 uS: 0.125 uS; y(w=0) = 1 + 27.235
        assertEquals(0.125, m.set().nominalStepMicroSiemens(), 1e-12);
        assertEquals(0.125 * 28.235, m.set().stepMicroSiemens(), 1e-9);
        float atZero = m.meanSetStep(0f, (float) m.set().stepMicroSiemens(), 25f);
        float atMax = m.meanSetStep(25f, (float) m.set().stepMicroSiemens(), 25f);
        assertEquals(3.529375, atZero, 1e-5);
        assertEquals(0.125 * (1 + 27.235 * Math.exp(-5)), atMax, 1e-5, "floor: dw_min * y(w_max)");
        // the table's interpolation error against the exact shape
        for (int k = 0; k <= 1000; k++) {
            float g = 25f * k / 1000;
            double exact = m.set().stepMicroSiemens() * m.stepShape(g / 25.0);
            assertEquals(exact, m.meanSetStep(g, (float) m.set().stepMicroSiemens(), 25f), 1e-4 * exact, "G = " + g);
        }
    }

    @Test
    void shouldKeepTheIdealDeviceLinearAndExact() {
        PcmDeviceModel m = PcmDeviceModel.IDEAL;
        float alpha = (float) m.set().stepMicroSiemens();
        for (float g = 0; g < 25; g += 1.7f) {
            assertEquals(alpha, m.meanSetStep(g, alpha, 25f), 0f, "G = " + g);
        }
        PcmRandom unused = new PcmRandom(1);
        assertEquals(0.5f + 3.25f * alpha, m.setPulses(0.5f, 3.25f, alpha, 25f, unused), 1e-6f);
        assertEquals(25f, m.setPulses(24.99f, 100f, alpha, 25f, unused), 0f, "clipped at Gmax");
        assertEquals(3893, m.distinguishableStates(), "1 + ceil(0.95 * 4096) pulses");
    }

    // ---------------------------------------------------------------- pulse statistics

    @Test
    void shouldStepByAlphaFromGminWithTheStatedCycleToCycleSigmaForIbm2014() {
        checkFirstPulseStatistics(PcmDeviceModel.IBM2014, Seeds.seed("ibm2014 first pulse", 0x1B32014L));
    }

    @Test
    void shouldStepByAlphaFromGminWithTheStatedCycleToCycleSigmaForAihwkitPcm() {
        checkFirstPulseStatistics(PcmDeviceModel.AIHWKIT_PCM, Seeds.seed("aihwkit first pulse", 0xA1A1L));
    }

    /**
     * One pulse from Gmin on a nominal device: the step is max(0, N(α, σ)) with σ = s_rel·α + s_abs, so its
     * mean and σ are those of a normal rectified at zero (closed form), within 1 %.
     */
    private static void checkFirstPulseStatistics(PcmDeviceModel m, long seed) {
        float gMin = (float) m.range().gMinMicroSiemens();
        float gMax = (float) m.range().gMaxMicroSiemens();
        float alpha = (float) m.set().stepMicroSiemens();
        double sigma = m.set().noiseRelative() * alpha + m.set().noiseMicroSiemens();
        PcmRandom random = new PcmRandom(seed);
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < TRIALS; i++) {
            double step = m.setPulse(gMin, alpha, gMax, random.nextGaussian()) - gMin;
            assertTrue(step >= 0, "SET never lowers G, seed=" + seed);
            sum += step;
            sumSq += step * step;
        }
        double mean = sum / TRIALS;
        double std = Math.sqrt(sumSq / TRIALS - mean * mean);
        System.out.printf("%s: first step mean %.4f uS (alpha %.4f, rectified %.4f), sigma %.4f (model %.4f, rectified %.4f)%n",
                m.name(), mean, alpha, rectifiedMean(alpha, sigma), std, sigma, rectifiedStd(alpha, sigma));
        assertEquals(rectifiedMean(alpha, sigma), mean, 0.01 * alpha, m.name() + " mean step, seed=" + seed);
        assertEquals(rectifiedStd(alpha, sigma), std, 0.01 * sigma, m.name() + " c2c sigma, seed=" + seed);
    }

    @Test
    void shouldShrinkTheStepTowardGmax() {
        long seed = Seeds.seed("shrinkage", 0x5A1AL);
        for (PcmDeviceModel m : new PcmDeviceModel[]{PcmDeviceModel.IBM2014, PcmDeviceModel.AIHWKIT_PCM}) {
            float gMin = (float) m.range().gMinMicroSiemens();
            float width = (float) m.range().widthMicroSiemens();
            float gMax = (float) m.range().gMaxMicroSiemens();
            float alpha = (float) m.set().stepMicroSiemens();
            double previous = Double.POSITIVE_INFINITY;
            for (double x : new double[]{0.0, 0.2, 0.4, 0.6, 0.8}) {
                float g = (float) (gMin + x * width);
                float mean = m.meanSetStep(g, alpha, gMax);
                assertEquals(alpha * m.stepShape(x), mean, 1e-4 * alpha, m.name() + " x=" + x);
                assertTrue(mean < previous, m.name() + ": the step at x=" + x + " is smaller than below it");
                previous = mean;
                // the noisy step's mean follows, as a normal rectified at zero
                double sigma = m.setNoiseSigma(g, mean);
                PcmRandom random = new PcmRandom(seed);
                double sum = 0;
                int n = 200_000;
                for (int i = 0; i < n; i++) {
                    sum += m.setPulse(g, alpha, gMax, random.nextGaussian()) - g;
                }
                // (at x = 0.8 aihwkit's sigma is 9x its mean step: 0.2 % of the steps would pass Gmax and are clipped)
                assertEquals(rectifiedMean(mean, sigma), sum / n, 0.02 * rectifiedMean(mean, sigma) + 1e-4,
                        m.name() + " noisy mean at x=" + x + ", seed=" + seed);
            }
        }
        // aihwkit: the step falls ~7x from x = 0.2 to x = 0.8
        PcmDeviceModel m = PcmDeviceModel.AIHWKIT_PCM;
        assertEquals((1 + 27.235 * Math.exp(-4)) / (1 + 27.235 * Math.exp(-1)), m.stepShape(0.8) / m.stepShape(0.2), 1e-12);
    }

    @Test
    void shouldCountDistinguishableStatesFromTheNoiselessResponse() {
        // ibm2014 is soft bounds: headroom shrinks by (1 - alpha/width) per pulse
        PcmDeviceModel ibm = PcmDeviceModel.IBM2014;
        double ratio = 1 - ibm.set().stepMicroSiemens() / ibm.range().widthMicroSiemens();
        int ibmPulses = (int) Math.ceil(Math.log(1 - PcmDeviceModel.STATES_RANGE_FRACTION) / Math.log(ratio));
        assertEquals(ibmPulses + 1, ibm.distinguishableStates(), "ibm2014");
        assertEquals(40, ibm.distinguishableStates());
        // aihwkit: iterate the exact shape in double precision
        PcmDeviceModel aih = PcmDeviceModel.AIHWKIT_PCM;
        double g = 0;
        int pulses = 0;
        while (g < 0.95 * 25) {
            g += aih.set().stepMicroSiemens() * aih.stepShape(g / 25);
            pulses++;
        }
        assertEquals(pulses + 1, aih.distinguishableStates(), 1, "aihwkit-pcm");
        System.out.println("states: ideal " + PcmDeviceModel.IDEAL.distinguishableStates() + ", ibm2014 "
                + ibm.distinguishableStates() + ", aihwkit-pcm " + aih.distinguishableStates());
    }

    @Test
    void shouldReachSaturationInAboutTheNoiselessPulseCountDespiteNoiseAndVariation() {
        long seed = Seeds.seed("noisy saturation", 0x5A7L);
        PcmDeviceModel m = PcmDeviceModel.IBM2014;
        int devices = 4000;
        float[] alpha = new float[devices];
        float[] gMax = new float[devices];
        float[] reset = new float[devices];
        float[] z = new float[devices];
        m.sampleDevices(seed, alpha, gMax, reset, z);
        PcmRandom random = new PcmRandom(seed + 1);
        float gMin = (float) m.range().gMinMicroSiemens();
        long total = 0;
        for (int d = 0; d < devices; d++) {
            float target = gMin + 0.95f * (gMax[d] - gMin);
            float g = gMin;
            int pulses = 0;
            while (g < target && pulses < 10_000) {
                g = m.setPulse(g, alpha[d], gMax[d], random.nextGaussian());
                pulses++;
            }
            total += pulses;
        }
        double mean = (double) total / devices;
        int noiseless = m.distinguishableStates() - 1;
        System.out.printf("ibm2014: %.1f pulses to 95%% with noise and d2d, %d noiseless%n", mean, noiseless);
        assertEquals(noiseless, mean, 0.15 * noiseless, "seed=" + seed);
    }

    // ---------------------------------------------------------------- variation, RESET, programming

    @Test
    void shouldDrawDeviceToDeviceVariationWithTheStatedSpread() {
        long seed = Seeds.seed("d2d", 0xD2DL);
        PcmDeviceModel m = PcmDeviceModel.AIHWKIT_PCM.withReset(new PcmDeviceModel.Reset(1.0, 0.2, 0.1));
        int n = 200_000;
        float[] alpha = new float[n];
        float[] gMax = new float[n];
        float[] reset = new float[n];
        float[] z = new float[n];
        m.sampleDevices(seed, alpha, gMax, reset, z);
        assertEquals(m.set().stepMicroSiemens(), mean(alpha), 0.005 * m.set().stepMicroSiemens(), "alpha, seed=" + seed);
        assertEquals(0.2 * m.set().stepMicroSiemens(), std(alpha), 0.01 * m.set().stepMicroSiemens(), "alpha d2d");
        assertEquals(25.0, mean(gMax), 0.02, "Gmax");
        assertEquals(2.5, std(gMax), 0.03, "Gmax d2d 10 %");
        assertEquals(1.0, mean(reset), 0.003, "RESET level");
        assertEquals(0.2, std(reset), 0.003, "RESET d2d");
        assertEquals(0.0, mean(z), 0.01, "drift normals");
        float[] again = new float[n];
        m.sampleDevices(seed, again, new float[n], new float[n], new float[n]);
        assertArrayEquals(alpha, again, "the same seed gives the same devices");
        // one device's RESETs scatter around its level by the cycle-to-cycle sigma
        PcmRandom random = new PcmRandom(seed);
        float[] resets = new float[n];
        for (int i = 0; i < n; i++) {
            resets[i] = m.resetValue(1.0f, random.nextGaussian());
        }
        assertEquals(1.0, mean(resets), 0.002, "RESET c2c mean");
        assertEquals(0.1, std(resets), 0.002, "RESET c2c sigma");
    }

    @Test
    void shouldProgramWithNandakumarsPolynomialSigma() {
        PcmDeviceModel m = PcmDeviceModel.AIHWKIT_PCM;
        assertEquals(0.26348, m.programmingSigma(0f), 1e-6);
        assertEquals(0.26348 + 1.9650 * 0.5 - 1.1731 * 0.25, m.programmingSigma(12.5f), 1e-6);
        assertEquals(0.26348 + 1.9650 - 1.1731, m.programmingSigma(25f), 1e-6);
        long seed = Seeds.seed("programming", 0x9E06L);
        PcmRandom random = new PcmRandom(seed);
        float[] g = new float[200_000];
        for (int i = 0; i < g.length; i++) {
            g[i] = m.programmedValue(12.5f, 30f, random.nextGaussian());
        }
        assertEquals(12.5, mean(g), 0.01, "seed=" + seed);
        assertEquals(m.programmingSigma(12.5f), std(g), 0.01, "seed=" + seed);
        assertEquals(0f, m.programmedValue(0.01f, 25f, -3f), 0f, "clamped at Gmin");
    }

    // ---------------------------------------------------------------- drift and 1/f noise

    @Test
    void shouldDriftAsG0TimesTOverT0ToTheMinusNu() {
        PcmDeviceModel m = PcmDeviceModel.AIHWKIT_PCM;
        assertEquals(10.0, m.drifted(10.0, 0.05, 20.0), 0, "no drift at t0");
        assertEquals(10.0, m.drifted(10.0, 0.05, 1.0), 0, "no drift before t0");
        for (double t : new double[]{60, 3600, 86400, 3.15e7}) {
            assertEquals(10.0 * Math.pow(t / 20.0, -0.05), m.drifted(10.0, 0.05, t), 1e-12, "t = " + t);
        }
        // state-dependent nu [NAND19]: clamped at 0.049 in the upper range, larger for low conductance
        assertEquals(0.049, m.driftNuMean(12.5), 1e-12);
        assertEquals(-0.0155 * Math.log(0.01) + 0.0244, m.driftNuMean(0.25), 1e-12);
        assertEquals(0.1, m.driftNuMean(1e-6), 1e-12, "capped at 0.1");
        assertEquals(0.008, m.driftNuStd(12.5), 1e-12);
        assertEquals(Math.abs(0.049 + 0.008 * 1.5), m.driftNu(12.5, 1.5), 1e-12);
        assertEquals(0.0, PcmDeviceModel.IDEAL.driftNu(12.5, 1.5), 0, "the ideal device does not drift");
    }

    @Test
    void shouldComputeTheAccumulatedOneOverFNoiseOfNandakumar() {
        PcmDeviceModel m = PcmDeviceModel.AIHWKIT_PCM;
        double q = 0.0088 / Math.pow(0.5, 0.65);
        double expected = 12.5 * q * Math.sqrt(Math.log((20 + 250e-9) / (2 * 250e-9)));
        assertEquals(expected, m.oneOverFSigma(12.5, 12.5, 20), 1e-12);
        assertEquals(0.722, m.oneOverFSigma(12.5, 12.5, 20), 1e-3);
        assertEquals(0.2 * 0.001 * Math.sqrt(Math.log((20 + 250e-9) / (2 * 250e-9))),
                m.oneOverFSigma(1e-9, 0.001, 20), 1e-12, "q capped at 0.2 for tiny conductances");
        assertEquals(0, m.oneOverFSigma(12.5, 12.5, 0), 0);
    }

    // ---------------------------------------------------------------- stored form, validation

    @Test
    void shouldRoundTripTheParametersInTheStoredOrder() {
        for (PcmDeviceModel m : PcmDeviceModel.presets()) {
            double[] p = m.parameters();
            assertEquals(PcmDeviceModel.PARAMETER_COUNT, p.length);
            assertEquals(m, PcmDeviceModel.fromParameters(m.name(), p));
        }
        double[] p = PcmDeviceModel.IBM2014.parameters();
        // the order is the on-media format: pin it
        assertEquals(0.1, p[0]);
        assertEquals(20.0, p[1]);
        assertEquals(1.5, p[3]);
        assertEquals(1.0, p[5]);
        assertEquals(0.75, p[11]);
        assertEquals(0.0, p[12]);
        assertEquals(0.2, p[13]);
        assertEquals(0.4, p[16]);
        assertEquals(0.01, p[19]);
        assertEquals(20.0, p[24]);
        assertEquals(1e8, p[33]);
        assertEquals(1.0, PcmDeviceModel.IDEAL.parameters()[12], "fractional pulses");
        assertEquals(PcmDeviceModel.UNLIMITED_ENDURANCE,
                PcmDeviceModel.fromParameters("ideal", PcmDeviceModel.IDEAL.parameters()).enduranceCycles());
    }

    @Test
    void shouldRejectParametersOutOfRangeNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PcmDeviceModel.SetResponse(-1, 0, 0, 0, 0, 0, 0, 0, 1, false));
        assertTrue(e.getMessage().contains("set.stepMicroSiemens") && e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new PcmDeviceModel.Range(5, 5, 0));
        assertTrue(e.getMessage().contains("gMaxMicroSiemens"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> PcmDeviceModel.IBM2014.withReset(new PcmDeviceModel.Reset(30, 0, 0)));
        assertTrue(e.getMessage().contains("reset.levelMicroSiemens"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PcmDeviceModel.IBM2014.programmedValue(Float.NaN, 20f, 0f));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    static double rectifiedMean(double mu, double sigma) {
        double a = mu / sigma;
        return mu * phi(a) + sigma * density(a);
    }

    static double rectifiedStd(double mu, double sigma) {
        double a = mu / sigma;
        double second = (mu * mu + sigma * sigma) * phi(a) + mu * sigma * density(a);
        double mean = rectifiedMean(mu, sigma);
        return Math.sqrt(second - mean * mean);
    }

    private static double density(double x) {
        return Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    }

    /** Φ by Abramowitz &amp; Stegun 26.2.17 (error below 7.5e-8). */
    private static double phi(double x) {
        if (x < 0) {
            return 1 - phi(-x);
        }
        double t = 1 / (1 + 0.2316419 * x);
        double poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
        return 1 - density(x) * poly;
    }

    static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    static double std(float[] values) {
        double m = mean(values);
        double sum = 0;
        for (float v : values) {
            sum += (v - m) * (v - m);
        }
        return Math.sqrt(sum / values.length);
    }
}
