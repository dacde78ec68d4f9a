package dev.engram.neuro.pcm;

import dev.engram.device.DeviceProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault-aware controller: its self-test finds broken conductors from reads alone, its diagnosis
 * survives a restart, a pruned pair holds a zero weight, and a one-sided pair follows changes of both
 * signs where the plain controller loses one of them.
 */
class FaultHandlingTest {

    private static final int OUTPUTS = 20;
    private static final int INPUTS = 30;
    private static final int WEIGHTS = OUTPUTS * INPUTS;
    private static final int CONDUCTORS = 2 * WEIGHTS;

    private static PcmArrayOptions options(String preset, FaultHandling handling, long seed) {
        PcmArrayOptions o = new PcmArrayOptions().preset(preset).weightRange(0.5).seed(seed);
        return o.policy(o.policy().withFaultHandling(handling));
    }

    private static float[] uniform(SplittableRandom random, double bound) {
        float[] w = new float[WEIGHTS];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextDouble(-bound, bound);
        }
        return w;
    }

    // ---------------------------------------------------------------- self-test

    @Test
    void shouldDiagnoseEveryStuckConductorOfEachKindAndFewHealthyOnes(@TempDir Path dir) {
        long seed = Seeds.seed("self-test", 0x5E1FL);
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p.pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, options("ibm2014", FaultHandling.PRUNE, seed));
            a.injectFaults(FaultKind.DEAD, 0.2, seed);
            a.injectFaults(FaultKind.STUCK_OFF, 0.1, seed + 1);
            a.injectFaults(FaultKind.STUCK_ON, 0.1, seed + 2);
            SelfTestResult r = a.selfTest();
            System.out.println("ibm2014: " + r);
            assertEquals(CONDUCTORS, r.conductors());
            assertEquals(a.stats().faultyConductors(), r.faulty());
            assertEquals(0, r.missed(), "every stuck conductor is found, seed=" + seed);
            assertTrue(r.falseAlarms() <= CONDUCTORS / 100, "at most 1 % of healthy ones (the weakest devices): "
                    + r.falseAlarms() + ", seed=" + seed);
            byte[] diagnosis = a.diagnosis();
            for (ConductorFault f : a.faults()) {
                byte expected = f.kind() == FaultKind.STUCK_ON ? PoolLayout.DIAGNOSIS_STUCK_HIGH
                        : PoolLayout.DIAGNOSIS_STUCK_LOW;
                assertEquals(expected, diagnosis[f.conductor()], f.toString());
            }
            assertEquals(r.diagnosed(), a.stats().diagnosedConductors());
            assertEquals(r.stuckHigh(), a.faults().stream().filter(f -> f.kind() == FaultKind.STUCK_ON).count(),
                    "stuck-on ones read high after a RESET, and only they");
            assertTrue(r.cycles() >= 2L * (CONDUCTORS - r.faulty()), "a RESET, pulses and a RESET per healthy conductor");
        }
    }

    @Test
    void shouldFindNothingWrongOnANoiselessIdealDevice(@TempDir Path dir) {
        long seed = Seeds.seed("self-test ideal", 0x1DEAL);
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p.pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, options("ideal", FaultHandling.ONE_SIDED, seed));
            SelfTestResult clean = a.selfTest();
            assertEquals(0, clean.diagnosed(), clean.toString());
            a.injectFaults(FaultKind.DEAD, 0.3, seed);
            SelfTestResult broken = a.selfTest();
            assertEquals(Math.round(0.3 * CONDUCTORS), broken.stuckLow());
            assertEquals(0, broken.missed() + broken.falseAlarms(), broken.toString());
        }
    }

    @Test
    void shouldKeepTheDiagnosisAndTheHandlingAcrossARestart(@TempDir Path dir) {
        long seed = Seeds.seed("diagnosis restart", 0xD1A6L);
        Path file = dir.resolve("p.pcm");
        byte[] before;
        try (PcmSynapsePool pool = PcmSynapsePool.create(file, DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, options("ibm2014", FaultHandling.ONE_SIDED, seed));
            a.injectFaults(FaultKind.STUCK_ON, 0.25, seed);
            a.selfTest();
            a.initialize(uniform(new SplittableRandom(seed), 0.2));
            a.commit();
            before = a.diagnosis();
        }
        try (PcmSynapsePool pool = PcmSynapsePool.open(file, DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.find("fc").orElseThrow();
            assertEquals(FaultHandling.ONE_SIDED, a.policy().faultHandling());
            assertArrayEquals(before, a.diagnosis());
            int diagnosed = 0;
            for (byte b : before) {
                diagnosed += b != 0 ? 1 : 0;
            }
            assertTrue(diagnosed >= Math.round(0.25 * CONDUCTORS), "every stuck-on one, and a weak device or two");
            assertEquals(diagnosed, a.stats().diagnosedConductors());
        }
    }

    // ---------------------------------------------------------------- handling

    @Test
    void shouldHoldPrunedPairsAtAZeroWeightWhateverTheUpdates(@TempDir Path dir) {
        long seed = Seeds.seed("prune", 0x9C0EL);
        SplittableRandom random = new SplittableRandom(seed);
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p.pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, options("ibm2014", FaultHandling.PRUNE, seed));
            a.injectFaults(FaultKind.DEAD, 0.2, seed);
            a.injectFaults(FaultKind.STUCK_ON, 0.1, seed + 1);
            a.selfTest();
            a.initialize(uniform(random, 0.3));
            byte[] d = a.diagnosis();
            float[] g0 = a.conductancesMicroSiemens();
            for (int step = 0; step < 30; step++) {
                a.update(uniform(random, 0.05));
                a.endOfBatch();
            }
            float[] g = a.conductancesMicroSiemens();
            int pruned = 0;
            for (int w = 0; w < WEIGHTS; w++) {
                if ((d[2 * w] | d[2 * w + 1]) == 0 || (d[2 * w] != 0 && d[2 * w + 1] != 0)) {
                    continue;
                }
                pruned++;
                assertEquals(g0[2 * w], g[2 * w], 0f, "a pruned pair takes no pulses, seed=" + seed);
                assertEquals(g0[2 * w + 1], g[2 * w + 1], 0f, "a pruned pair takes no pulses, seed=" + seed);
                float weight = (g[2 * w] - g[2 * w + 1]) * a.scale();
                // dead partner: the healthy one RESET (~0.2 uS); stuck-on partner: the healthy one programmed to
                // 20 uS within programming noise, or to its own Gmax when that is lower
                boolean stuckOn = d[2 * w] == PoolLayout.DIAGNOSIS_STUCK_HIGH || d[2 * w + 1] == PoolLayout.DIAGNOSIS_STUCK_HIGH;
                float bound = stuckOn ? 0.5f * 0.4f : 0.3f * a.scale() * 2;
                if (stuckOn) {
                    continue;                       // a device whose own Gmax is below 20 uS cannot reach it
                }
                assertEquals(0f, weight, bound, "pair " + w + " next to a dead conductor is ~0, seed=" + seed);
            }
            assertTrue(pruned > WEIGHTS / 5, "enough pairs had one broken conductor: " + pruned);
        }
    }

    /**
     * Pairs whose G− is dead: a negative change is lost on the plain controller (the weight can only
     * grow) but lowers G+ on the one-sided one, so after equal pushes up and down the one-sided weights
     * come back near where they started and the plain ones end far above.
     */
    @Test
    void shouldMoveAOneSidedPairDownWhereThePlainControllerCannot(@TempDir Path dir) {
        long seed = Seeds.seed("one-sided", 0x051DL);
        double[] drift = new double[2];
        FaultHandling[] handlings = {FaultHandling.OFF, FaultHandling.ONE_SIDED};
        for (int h = 0; h < 2; h++) {
            SplittableRandom random = new SplittableRandom(seed);
            try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p" + h + ".pcm"), DeviceProfile.NONE)) {
                PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, options("ibm2014", handlings[h], seed));
                a.injectFaults(FaultKind.DEAD, 0.3, seed);
                if (handlings[h] != FaultHandling.OFF) {
                    a.selfTest();
                }
                float[] start = new float[WEIGHTS];
                java.util.Arrays.fill(start, 0.2f);
                a.initialize(start);
                byte[] dead = new byte[CONDUCTORS];
                for (ConductorFault f : a.faults()) {
                    dead[f.conductor()] = 1;
                }
                float[] up = new float[WEIGHTS];
                float[] down = new float[WEIGHTS];
                for (int step = 0; step < 40; step++) {
                    for (int k = 0; k < WEIGHTS; k++) {
                        float d = (float) random.nextDouble(0, 0.02);
                        up[k] = d;
                        down[k] = -d;
                    }
                    a.update(step % 2 == 0 ? up : down);
                    a.endOfBatch();
                }
                float[] g = a.conductancesMicroSiemens();
                double sum = 0;
                int n = 0;
                for (int c = 0; c < CONDUCTORS; c += 2) {
                    if (dead[c] == 0 && dead[c + 1] == 1) {         // healthy G+, dead G-
                        sum += (g[c] - g[c + 1]) * a.scale() - 0.2;
                        n++;
                    }
                }
                assertTrue(n > 50, "pairs with a dead G-: " + n);
                drift[h] = sum / n;
            }
        }
        System.out.printf("mean weight change of pairs with a dead G-: plain %+.4f, one-sided %+.4f (seed=%d)%n",
                drift[0], drift[1], seed);
        assertTrue(drift[0] > 0.1, "the plain controller ratchets up: " + drift[0]);
        assertTrue(Math.abs(drift[1]) < 0.05, "the one-sided controller follows both signs: " + drift[1]);
    }

    /**
     * A maintenance self-test of a programmed array: the healthy pairs get their weights back (within
     * ibm2014's programming noise); a pair that broke since it was programmed reads as its healthy
     * conductor against a broken one, not as the weight it held, and starts again from zero.
     */
    @Test
    void shouldReprogramHealthyPairsAndRestartNewlyBrokenOnesFromZeroInMaintenance(@TempDir Path dir) {
        long seed = Seeds.seed("maintenance", 0x3A17L);
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p.pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, options("ibm2014", FaultHandling.ONE_SIDED, seed));
            float[] weights = uniform(new SplittableRandom(seed), 0.3);
            a.initialize(weights);
            float[] before = a.readWeights().clone();
            a.injectFaults(FaultKind.DEAD, 0.2, seed);
            a.selfTest();
            float[] after = a.readWeights().clone();
            byte[] d = a.diagnosis();
            // programming sigma 0.4 uS on one conductor plus two RESETs: 5 sigma in weight units
            float tolerance = (float) (5 * 0.45 * a.scale());
            int restarted = 0;
            for (int o = 0; o < OUTPUTS; o++) {
                for (int i = 0; i < INPUTS; i++) {
                    int k = o * INPUTS + i;
                    int w = i * OUTPUTS + o;
                    if ((d[2 * w] | d[2 * w + 1]) == 0) {
                        assertEquals(before[k], after[k], tolerance, "healthy pair " + w + ", seed=" + seed);
                    } else {
                        restarted++;
                        assertEquals(0f, after[k], 0.02f, "newly broken pair " + w + " restarts from ~0, seed=" + seed);
                    }
                }
            }
            assertTrue(restarted > WEIGHTS / 4, "pairs with a dead conductor: " + restarted);
        }
    }

    // ---------------------------------------------------------------- the model's inverse step, states

    @Test
    void shouldUndoNoiselessSetPulsesOfTheNominalDevice() {
        for (PcmDeviceModel m : PcmDeviceModel.presets()) {
            float alpha = (float) m.set().stepMicroSiemens();
            float gMax = (float) m.range().gMaxMicroSiemens();
            float start = (float) (m.range().gMinMicroSiemens() + 0.2 * m.range().widthMicroSiemens());
            float g = start;
            for (int k = 0; k < 7; k++) {
                g += m.meanSetStep(g, alpha, gMax);
            }
            assertEquals(start, m.undoSetPulses(g, 7), 1e-3 * m.range().widthMicroSiemens(), m.name());
            assertEquals((float) m.range().gMinMicroSiemens(), m.undoSetPulses(start, 1e6f), 0f, m.name() + ": floor");
        }
    }

    @Test
    void shouldScaleTheStepToTheRequestedNumberOfStates() {
        for (int states : new int[] {10, 20, 100, 400}) {
            PcmDeviceModel m = PcmDeviceModel.IBM2014.withStates(states);
            assertEquals(states, m.distinguishableStates(), m.toString());
            assertEquals("ibm2014-" + states + "states", m.name());
            assertEquals(m.set().stepMicroSiemens() / PcmDeviceModel.IBM2014.set().stepMicroSiemens(),
                    m.set().nominalStepMicroSiemens() / PcmDeviceModel.IBM2014.set().nominalStepMicroSiemens(), 1e-9,
                    "the controller's nominal step scales with the device's");
        }
        assertEquals(PcmDeviceModel.IBM2014, PcmDeviceModel.IBM2014.withStates(40), "already 40");
        assertNotEquals(PcmDeviceModel.IDEAL, PcmDeviceModel.IDEAL.withStates(256));
        assertEquals(256, PcmDeviceModel.IDEAL.withStates(256).distinguishableStates());
    }
}
