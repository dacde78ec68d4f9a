package dev.engram.neuro.pcm;

import dev.engram.device.DeviceProfile;
import dev.engram.device.DeviceRegion;
import dev.engram.device.MediaFault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults per conductor are the region's media faults: exactly round(f·N) conductors, stuck on both
 * slots' cells, ignoring updates and refreshes, read at their stuck value, surviving a restart; wear-out
 * and faults injected straight into the region end the same way.
 */
class FaultInjectionTest {

    private static final int OUTPUTS = 20;
    private static final int INPUTS = 30;
    private static final int WEIGHTS = OUTPUTS * INPUTS;
    private static final int CONDUCTORS = 2 * WEIGHTS;

    private static float[] random(SplittableRandom random, double bound) {
        float[] w = new float[WEIGHTS];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextDouble(-bound, bound);
        }
        return w;
    }

    private static float cellConductance(DeviceRegion device, long cellOffset) {
        return Float.intBitsToFloat(device.getInt(cellOffset));
    }

    @Test
    void shouldStickExactlyTheRoundedFractionOfConductorsOfEachKind(@TempDir Path dir) {
        long seed = Seeds.seed("fault fraction", 0xFA17L);
        SplittableRandom random = new SplittableRandom(seed);
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p.pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, new PcmArrayOptions().preset("aihwkit-pcm")
                    .weightRange(2).seed(seed));
            a.initialize(random(random, 1.0));
            DeviceRegion device = pool.device();
            // 1200 conductors: 30 % is 360, 12.5 % is 150; a second draw may hit a faulty one again
            List<ConductorFault> dead = a.injectFaults(FaultKind.DEAD, 0.30, seed);
            assertEquals(Math.round(0.30 * CONDUCTORS), dead.size(), "seed=" + seed);
            assertEquals(2 * dead.size(), device.faults().size(), "one cell fault per slot, seed=" + seed);
            List<ConductorFault> on = a.injectFaults(FaultKind.STUCK_ON, 0.125, seed + 1);
            assertEquals(150, on.size());
            Set<Integer> distinct = new HashSet<>();
            for (ConductorFault f : dead) {
                distinct.add(f.conductor());
            }
            assertEquals(dead.size(), distinct.size(), "distinct conductors");
            Set<Integer> onSet = new HashSet<>();
            for (ConductorFault f : on) {
                onSet.add(f.conductor());
            }
            float[] g = a.conductancesMicroSiemens();
            for (ConductorFault f : dead) {
                if (onSet.contains(f.conductor())) {
                    continue;                                       // the newer fault wins, as in the region
                }
                assertEquals(0f, g[f.conductor()], 0f, f.toString());
                assertEquals(0f, cellConductance(device, a.cellOffset(0, f.conductor())), 0f, "slot 0 " + f);
                assertEquals(0f, cellConductance(device, a.cellOffset(1, f.conductor())), 0f, "slot 1 " + f);
            }
            for (ConductorFault f : on) {
                assertEquals(FaultKind.STUCK_ON, f.kind());
                assertEquals(25f, g[f.conductor()], 0f, f.toString());
                assertEquals(25f, cellConductance(device, f.cellOffset()), 0f, f.toString());
                int w = f.conductor() >>> 1;
                assertEquals(w % OUTPUTS, f.row());
                assertEquals(w / OUTPUTS, f.column());
            }
            assertEquals(a.faults().size(), a.stats().faultyConductors());
            assertTrue(a.stats().faultyConductors() <= 360 + 150 && a.stats().faultyConductors() > 360);
        }
    }

    @Test
    void shouldCoverNoneAtZeroAndAllAtOne(@TempDir Path dir) {
        long seed = Seeds.seed("fault extremes", 0xFA18L);
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p.pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, new PcmArrayOptions().preset("ibm2014").seed(seed));
            a.initialize(random(new SplittableRandom(seed), 0.5));
            assertEquals(0, a.injectFaults(FaultKind.DEAD, 0.0, seed).size());
            assertEquals(CONDUCTORS, a.injectFaults(FaultKind.STUCK_OFF, 1.0, seed).size());
            for (float g : a.conductancesMicroSiemens()) {
                assertEquals(0.1f, g, 0f, "every conductor at Gmin");
            }
            for (float w : a.readWeights()) {
                assertEquals(0f, w, 1e-3f, "equal pairs read (almost, with read noise) zero");
            }
            a.update(random(new SplittableRandom(seed), 0.5));
            a.endOfBatch();
            for (float g : a.conductancesMicroSiemens()) {
                assertEquals(0.1f, g, 0f, "still at Gmin");
            }
            assertThrows(IllegalArgumentException.class, () -> a.injectFaults(FaultKind.DEAD, 1.5, seed));
            assertThrows(IllegalArgumentException.class, () -> a.injectFaults(FaultKind.WORN_OUT, 0.1, seed));
        }
    }

    @Test
    void shouldIgnoreUpdatesAndRefreshesOnStuckConductorsAndReadTheirStuckValue(@TempDir Path dir) {
        long seed = Seeds.seed("stuck ignore updates", 0xFA19L);
        SplittableRandom random = new SplittableRandom(seed);
        PcmDeviceModel quietReads = PcmDeviceModel.AIHWKIT_PCM;   // no read noise while training
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p.pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, new PcmArrayOptions().model(quietReads)
                    .policy(UpdatePolicy.AIHWKIT_PCM).weightRange(2).seed(seed));
            a.initialize(random(random, 1.0));
            List<ConductorFault> on = a.injectFaults(FaultKind.STUCK_ON, 0.2, seed);
            List<ConductorFault> dead = a.injectFaults(FaultKind.DEAD, 0.1, seed + 7);
            Set<Integer> stuck = new HashSet<>();
            on.forEach(f -> stuck.add(f.conductor()));
            dead.forEach(f -> stuck.add(f.conductor()));
            float[] atInjection = a.conductancesMicroSiemens();
            for (int step = 0; step < 50; step++) {
                a.update(random(random, 0.5));
                a.endOfBatch();
            }
            assertTrue(a.stats().refreshedPairs() > 0, "refreshes ran around the stuck conductors");
            float[] g = a.conductancesMicroSiemens();
            for (int c : stuck) {
                assertEquals(atInjection[c], g[c], 0f, "stuck conductor " + c + ", seed=" + seed);
            }
            float[][] columns = a.readWeightColumns();
            for (int c : stuck) {
                int w = c >>> 1;
                float expected = (g[w * 2] - g[w * 2 + 1]) * a.scale();
                assertEquals(expected, columns[w / OUTPUTS][w % OUTPUTS], 0f, "a read sees the stuck value");
            }
            // the region agrees with the working copy, cell for cell, after a commit
            a.commit();
            int slot = (int) (pool.commitSequence() & 1);
            for (int c = 0; c < CONDUCTORS; c++) {
                assertEquals(g[c], cellConductance(pool.device(), a.cellOffset(slot, c)), 0f, "cell " + c);
            }
        }
    }

    @Test
    void shouldKeepInjectedFaultsAcrossARestart(@TempDir Path dir) {
        long seed = Seeds.seed("faults restart", 0xFA1AL);
        Path file = dir.resolve("p.pcm");
        PcmArrayOptions options = new PcmArrayOptions().preset("ibm2014").seed(seed);
        List<ConductorFault> before;
        float[] conductances;
        try (PcmSynapsePool pool = PcmSynapsePool.create(file, DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, options);
            SplittableRandom random = new SplittableRandom(seed);
            a.initialize(random(random, 0.5));
            for (int step = 0; step < 5; step++) {                  // "at a chosen epoch"
                a.update(random(random, 0.1));
                a.endOfBatch();
            }
            a.injectFaults(FaultKind.DEAD, 0.1, seed);
            a.injectFaults(FaultKind.STUCK_ON, 0.05, seed + 1);
            a.commit();
            before = a.faults();
            conductances = a.conductancesMicroSiemens();
        }
        try (PcmSynapsePool pool = PcmSynapsePool.open(file, DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, options);
            assertEquals(before, a.faults(), "same conductors, kinds and stuck values");
            assertEquals(2 * before.size(), pool.device().faults().size(), "re-injected into the new region object");
            assertEquals(java.util.Arrays.toString(conductances), java.util.Arrays.toString(a.conductancesMicroSiemens()));
            float[] delta = new float[WEIGHTS];
            java.util.Arrays.fill(delta, 0.3f);
            a.update(delta);
            float[] g = a.conductancesMicroSiemens();
            for (ConductorFault f : before) {
                assertEquals(f.stuckMicroSiemens(), g[f.conductor()], 0f, f.toString());
            }
        }
    }

    @Test
    void shouldWearConductorsOutAtTheirEnduranceAndKeepThemDead(@TempDir Path dir) {
        long seed = Seeds.seed("wear-out", 0xE4DL);
        Path file = dir.resolve("p.pcm");
        PcmArrayOptions options = new PcmArrayOptions().model(PcmDeviceModel.IBM2014.withName("ibm2014-40")
                .withEnduranceCycles(40)).policy(UpdatePolicy.NO_REFRESH.withMaxPulsesPerUpdate(10)).seed(seed);
        List<ConductorFault> worn;
        try (PcmSynapsePool pool = PcmSynapsePool.create(file, DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, options);
            a.initialize(new float[WEIGHTS]);                       // one RESET each
            float[] up = new float[WEIGHTS];
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < WEIGHTS; i++) {
                up[i] = (float) random.nextDouble(0.0, 0.5);        // 0 to 13 pulses asked, at most 10 given
            }
            int faultsBefore = pool.device().faults().size();
            for (int step = 0; step < 5; step++) {
                a.update(up);
                a.endOfBatch();                                      // commits: the wear-outs go into the region
            }
            PcmArrayStats stats = a.stats();
            assertTrue(stats.wornOutConductors() > 0, "seed=" + seed);
            assertEquals(40, stats.maxPulseCount(), "the last pulse lands, then the counter stops");
            worn = a.faults();
            assertEquals(stats.wornOutConductors(), worn.size());
            int[] counts = a.pulseCounts();
            for (ConductorFault f : worn) {
                assertEquals(FaultKind.WORN_OUT, f.kind());
                assertEquals(0f, f.stuckMicroSiemens(), 0f, "worn out is dead");
                assertEquals(40, counts[f.conductor()]);
                assertEquals(0f, cellConductance(pool.device(), a.cellOffset(0, f.conductor())), 0f);
                assertEquals(0f, cellConductance(pool.device(), a.cellOffset(1, f.conductor())), 0f);
            }
            assertEquals(faultsBefore + 2 * worn.size(), pool.device().faults().size(), "a region fault per slot");
            for (int c = 0; c < counts.length; c++) {
                assertTrue(counts[c] <= 40, "conductor " + c);
            }
        }
        try (PcmSynapsePool pool = PcmSynapsePool.open(file, DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, options);
            assertEquals(worn, a.faults(), "still worn out after a restart");
            assertEquals(worn.size(), a.stats().wornOutConductors());
        }
    }

    @Test
    void shouldAdoptFaultsInjectedStraightIntoTheRegion(@TempDir Path dir) {
        long seed = Seeds.seed("adopt", 0xAD09L);
        Path file = dir.resolve("p.pcm");
        PcmArrayOptions options = new PcmArrayOptions().preset("ibm2014").seed(seed);
        int conductor = 77;
        try (PcmSynapsePool pool = PcmSynapsePool.create(file, DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, options);
            a.initialize(random(new SplittableRandom(seed), 0.5));
            a.commit();
            DeviceRegion device = pool.device();
            int slot = (int) (pool.commitSequence() & 1);
            // a conductance field stuck at 7 uS, as a test of the key-value store would stick a field
            device.injectStuckBits(a.cellOffset(slot, conductor), PoolLayout.CONDUCTANCE_FIELD_MASK,
                    Float.floatToRawIntBits(7f));
            assertEquals(1, pool.adoptDeviceFaults());
            assertEquals(7f, a.conductancesMicroSiemens()[conductor], 0f);
            assertEquals(FaultKind.MEDIA, a.faults().getFirst().kind());
            // a dead line: 256 bytes, 32 conductors, adopted after the next commit
            long line = a.cellOffset(slot, 256) & ~255L;
            MediaFault deadLine = device.injectDeadLine(line);
            float[] delta = new float[WEIGHTS];
            java.util.Arrays.fill(delta, 0.2f);
            a.update(delta);
            a.endOfBatch();
            assertEquals(1 + 32, a.faults().size(), deadLine.toString());
            a.update(delta);
            float[] g = a.conductancesMicroSiemens();
            assertEquals(7f, g[conductor], 0f, "stuck at what the region holds");
            a.commit();
        }
        try (PcmSynapsePool pool = PcmSynapsePool.open(file, DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", OUTPUTS, INPUTS, options);
            assertEquals(33, a.faults().size(), "recorded in the fault table, re-injected at open");
            assertEquals(7f, a.conductancesMicroSiemens()[conductor], 0f);
        }
    }
}
