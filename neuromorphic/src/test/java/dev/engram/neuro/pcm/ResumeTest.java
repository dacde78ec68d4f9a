package dev.engram.neuro.pcm;

import dev.engram.device.DeviceProfile;
import dev.engram.device.DeviceRegion;
import dev.engram.powerfail.CrashPoints;
import dev.engram.powerfail.Enumeration;
import dev.engram.powerfail.PowerFailSimulator;
import dev.engram.region.Region;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training stops and resumes exactly: N batches, close (or crash), reopen, M batches gives bit for bit
 * what N + M uninterrupted batches give; and every crash image of a commit reopens as one committed
 * batch, never a mixture.
 */
class ResumeTest {

    private static final String[] NAMES = {"fc1", "fc2"};
    private static final int[][] SHAPES = {{7, 5}, {3, 7}};

    /** Noisy everything, refreshes every 4 batches, a low endurance so that wear-out happens too. */
    private static PcmArrayOptions options(long seed) {
        return new PcmArrayOptions()
                .model(PcmDeviceModel.IBM2014.withName("ibm2014-e40").withEnduranceCycles(40))
                .policy(UpdatePolicy.IBM2014.withRefreshPeriodBatches(4).withRefreshThresholds(0.5, 0.05))
                .seed(seed);
    }

    /**
     * One batch of a toy network: read every layer, derive each layer's change from what it read (so any
     * divergence in a read shows in every later batch), update, end the batch. Returns the reads.
     */
    private static List<float[][]> batch(List<PcmSynapseArray> arrays, long seed, int step) {
        List<float[][]> reads = new ArrayList<>();
        for (int k = 0; k < arrays.size(); k++) {
            PcmSynapseArray a = arrays.get(k);
            float[][] read = a.readWeightColumns();
            float[][] copy = new float[read.length][];
            PcmRandom noise = new PcmRandom(PcmRandom.derive(seed, a.name(), 1000 + step));
            float[][] delta = new float[a.inputs()][a.outputs()];
            for (int i = 0; i < a.inputs(); i++) {
                copy[i] = read[i].clone();
                for (int o = 0; o < a.outputs(); o++) {
                    float target = ((i + o + step / 7) % 3 - 1) * 0.3f;
                    delta[i][o] = 0.2f * (target - read[i][o]) + 0.02f * noise.nextGaussian();
                }
            }
            reads.add(copy);
            a.updateWeightColumns(delta);
        }
        for (PcmSynapseArray a : arrays) {
            a.endOfBatch();
        }
        return reads;
    }

    private static List<PcmSynapseArray> layers(PcmSynapsePool pool, long seed) {
        List<PcmSynapseArray> arrays = new ArrayList<>();
        for (int k = 0; k < NAMES.length; k++) {
            PcmSynapseArray a = pool.array(NAMES[k], SHAPES[k][0], SHAPES[k][1], options(seed));
            if (!a.initialized()) {
                float[] w = new float[a.outputs() * a.inputs()];
                PcmRandom r = new PcmRandom(seed + k);
                for (int i = 0; i < w.length; i++) {
                    w[i] = 0.2f * r.nextGaussian();
                }
                a.initialize(w);
            }
            arrays.add(a);
        }
        return arrays;
    }

    /** The uninterrupted run: the reads of every batch and the final state. */
    private record Run(List<List<float[][]>> reads, List<float[]> conductances, List<int[]> counts,
                       List<PcmArrayStats> stats) {
    }

    private static Run uninterrupted(Path file, long seed, int batches) {
        try (PcmSynapsePool pool = PcmSynapsePool.create(file, DeviceProfile.NONE)) {
            List<PcmSynapseArray> arrays = layers(pool, seed);
            List<List<float[][]>> reads = new ArrayList<>();
            for (int step = 0; step < batches; step++) {
                reads.add(batch(arrays, seed, step));
            }
            return new Run(reads, arrays.stream().map(PcmSynapseArray::conductancesMicroSiemens).toList(),
                    arrays.stream().map(PcmSynapseArray::pulseCounts).toList(),
                    arrays.stream().map(PcmSynapseArray::stats).toList());
        }
    }

    private static void assertSameState(Run expected, List<PcmSynapseArray> arrays, String message) {
        for (int k = 0; k < arrays.size(); k++) {
            PcmSynapseArray a = arrays.get(k);
            assertArrayEquals(expected.conductances().get(k), a.conductancesMicroSiemens(), message + " " + a.name());
            assertArrayEquals(expected.counts().get(k), a.pulseCounts(), message + " " + a.name());
            assertEquals(expected.stats().get(k), a.stats(), message + " " + a.name());
        }
    }

    @Test
    void shouldContinueBitForBitAfterACloseAndReopen(@TempDir Path dir) {
        long seed = Seeds.seed("resume", 0x4E5L);
        int n = 30;
        int m = 25;
        Run reference = uninterrupted(dir.resolve("reference.pcm"), seed, n + m);
        assertTrue(reference.stats().getFirst().refreshedPairs() > 0, "the run refreshes");
        assertTrue(reference.stats().getFirst().wornOutConductors() > 0, "the run wears conductors out");
        Path file = dir.resolve("resumed.pcm");
        try (PcmSynapsePool pool = PcmSynapsePool.create(file, DeviceProfile.NONE)) {
            List<PcmSynapseArray> arrays = layers(pool, seed);
            for (int step = 0; step < n; step++) {
                batch(arrays, seed, step);
            }
        }
        try (PcmSynapsePool pool = PcmSynapsePool.open(file, DeviceProfile.NONE)) {
            List<PcmSynapseArray> arrays = layers(pool, seed);
            for (PcmSynapseArray a : arrays) {
                assertEquals(n, a.committedBatches(), "resumes at the last commit");
            }
            for (int step = n; step < n + m; step++) {
                List<float[][]> reads = batch(arrays, seed, step);
                for (int k = 0; k < reads.size(); k++) {
                    assertArrayEquals(reference.reads().get(step).get(k), reads.get(k),
                            "batch " + step + " read of " + NAMES[k] + ", seed=" + seed);
                }
            }
            assertSameState(reference, arrays, "after " + (n + m) + " batches, seed=" + seed);
        }
    }

    @Test
    void shouldResumeFromTheLastCommitAfterACrashBetweenCommits(@TempDir Path dir) {
        long seed = Seeds.seed("crash between commits", 0x4E6L);
        int total = 45;
        Run reference = uninterrupted(dir.resolve("reference.pcm"), seed, total);
        Path file = dir.resolve("crashed.pcm");
        try (PcmSynapsePool pool = PcmSynapsePool.create(file, DeviceProfile.NONE)) {
            pool.commitPeriodBatches(5);
            List<PcmSynapseArray> arrays = layers(pool, seed);
            pool.commit();
            for (int step = 0; step < 23; step++) {
                batch(arrays, seed, step);
            }
            // the process dies here: batches 21 to 23 were never committed
        }
        try (PcmSynapsePool pool = PcmSynapsePool.open(file, DeviceProfile.NONE)) {
            List<PcmSynapseArray> arrays = layers(pool, seed);
            long resumeAt = arrays.getFirst().committedBatches();
            assertEquals(20, resumeAt);
            for (int step = (int) resumeAt; step < total; step++) {
                List<float[][]> reads = batch(arrays, seed, step);
                for (int k = 0; k < reads.size(); k++) {
                    assertArrayEquals(reference.reads().get(step).get(k), reads.get(k),
                            "batch " + step + " of " + NAMES[k] + ", seed=" + seed);
                }
            }
            assertSameState(reference, arrays, "seed=" + seed);
        }
    }

    @Test
    void shouldReopenEveryCrashImageOfACommitAsOneCommittedBatch() {
        long seed = Seeds.seed("crash images", 0xC4A5L);
        PowerFailSimulator sim = new PowerFailSimulator(seed);
        Region memory = sim.memoryDevice("pmem", 64 * 1024);
        // endurance 6: conductors wear out within the three batches, so that crashes between a commit and
        // the injection of its wear-outs are among the images
        PcmArrayOptions options = new PcmArrayOptions()
                .model(PcmDeviceModel.IBM2014.withName("ibm2014-e6").withEnduranceCycles(6))
                .policy(UpdatePolicy.IBM2014.withRefreshPeriodBatches(2).withRefreshThresholds(0.2, 0.01))
                .seed(seed);
        List<float[]> conductancesAt = new ArrayList<>();
        List<int[]> countsAt = new ArrayList<>();
        List<PcmArrayStats> statsAt = new ArrayList<>();
        List<Long> randomAt = new ArrayList<>();
        PcmSynapsePool pool = PcmSynapsePool.over(DeviceRegion.builder(memory, DeviceProfile.NONE).calibrate(false).build(), null);
        PcmSynapseArray a = pool.array("fc", 3, 2, options);
        a.initialize(new float[]{0.1f, -0.2f, 0.3f, 0.0f, -0.05f, 0.25f});
        pool.commit();
        int batches = 3;
        for (int b = 0; b <= batches; b++) {
            if (b > 0) {
                try (var _ = sim.operation("batch")) {
                    batch(List.of(a), seed, b);                     // ends with the commit of batch b
                }
            }
            conductancesAt.add(a.conductancesMicroSiemens());
            countsAt.add(a.pulseCounts());
            statsAt.add(a.stats());
            a.readWeights();                                       // one draw of the read stream, to compare
            randomAt.add((long) Float.floatToRawIntBits(a.readWeights()[0]));
        }
        assertTrue(a.stats().wornOutConductors() > 0, "conductors wore out, seed=" + seed);
        long[] outcomes = new long[batches + 1];
        List<String> problems = new ArrayList<>();
        long images = sim.forEachImage(CrashPoints.withinOperations("batch"), Enumeration.DEFAULT, image -> {
            PowerFailSimulator after = image.materialize();
            DeviceRegion device = DeviceRegion.builder(after.device("pmem"), DeviceProfile.NONE).calibrate(false).build();
            try (PcmSynapsePool reopened = PcmSynapsePool.over(device, null)) {
                PcmSynapseArray r = reopened.find("fc").orElseThrow();
                int b = (int) r.committedBatches();
                outcomes[b]++;
                if (!Arrays.equals(conductancesAt.get(b), r.conductancesMicroSiemens())
                        || !Arrays.equals(countsAt.get(b), r.pulseCounts())
                        || !statsAt.get(b).equals(r.stats())) {
                    problems.add("batch " + b + " state differs: " + image);
                }
            } catch (RuntimeException e) {
                problems.add(e + ": " + image);
            }
        });
        System.out.println("crash images: " + images + ", reopened at batch 0..3: " + Arrays.toString(outcomes));
        assertEquals(List.of(), problems, "seed=" + seed);
        assertTrue(outcomes[0] > 0 && outcomes[batches] > 0, "both sides of a commit reached");
        assertTrue(images > 100, images + " images");
        pool.close();
    }
}
