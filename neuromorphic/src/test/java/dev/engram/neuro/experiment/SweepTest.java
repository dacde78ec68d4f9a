package dev.engram.neuro.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.neuro.pcm.FaultKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep breaks exactly the fraction of conductors it names, in every layer, at the epoch it names;
 * and a point's result depends only on its spec, not on the worker that ran it or on its neighbours.
 */
class SweepTest {

    private static final int[] WIDTHS = {24, 12, 10};

    private static RunSpec base(int epochs) {
        return new RunSpec(SynapseKind.PCM, "ibm2014", Protocol.FULL, WIDTHS, epochs, 10, 0.05f, 3, 1.0,
                FaultPlan.none(FaultKind.DEAD), 1, false, RunSpec.DEFAULT_SPIKING_STEPS);
    }

    /** Σ over layers of round(f · 2 · outputs · inputs): what injectFaults promises per array. */
    private static long expectedFaulty(double fraction) {
        long total = 0;
        for (int l = 1; l < WIDTHS.length; l++) {
            total += Math.round(fraction * 2 * WIDTHS[l] * (WIDTHS[l - 1] + 1));
        }
        return total;
    }

    @Test
    void shouldInjectTheRequestedFractionOfEveryLayersConductors(@TempDir Path dir) {
        int i = 0;
        for (FaultKind kind : List.of(FaultKind.DEAD, FaultKind.STUCK_ON, FaultKind.STUCK_OFF)) {
            for (double fraction : new double[] {0.1, 0.6}) {
                for (int afterEpoch : new int[] {0, 2}) {
                    RunSpec spec = base(2).withFaults(new FaultPlan(kind, fraction, afterEpoch));
                    RunResult r = Trainer.run(spec, Cli.SYNTHETIC, dir.resolve("p" + i++ + ".pcm"), false, m -> { });
                    assertEquals(2L * (12 * 25 + 10 * 13), r.conductors());
                    assertEquals(expectedFaulty(fraction), r.faultyConductors(), spec.toString());
                    for (RunResult.LayerStats layer : r.arrays()) {
                        assertEquals(Math.round(fraction * 2 * layer.outputs() * layer.inputs()),
                                layer.stats().faultyConductors(), layer.layer() + " of " + spec);
                    }
                }
            }
        }
    }

    @Test
    void shouldScoreTheBrokenNetworkWhenFaultsComeAfterTheLastEpoch(@TempDir Path dir) {
        RunSpec clean = base(2);
        RunSpec broken = clean.withFaults(new FaultPlan(FaultKind.STUCK_ON, 0.5, 2));
        RunResult a = Trainer.run(clean, Cli.SYNTHETIC, dir.resolve("a.pcm"), false, m -> { });
        RunResult b = Trainer.run(broken, Cli.SYNTHETIC, dir.resolve("b.pcm"), false, m -> { });
        assertEquals(a.epochs(), b.epochs().stream().map(e -> new EpochMetrics(e.epoch(), e.trainAccuracy(),
                e.testAccuracy(), a.epochs().get(e.epoch() - 1).seconds(), e.trainLoss(), e.testLoss())).toList(),
                "the same training up to the injection");
        assertTrue(b.testAccuracy() < a.testAccuracy(), "half the conductors stuck on after training must hurt: "
                + a.testAccuracy() + " -> " + b.testAccuracy());
    }

    @Test
    void shouldGiveEveryPointTheSameResultOnOneWorkerOrTwo() {
        SweepSpec spec = SweepSpec.faults(base(2), FaultKind.DEAD, new double[] {0, 0.2, 0.4}, 2, 11, 0, 2);
        List<RunSpec> points = spec.points();
        List<RunResult> two = Sweep.run(points, 2, Cli.SYNTHETIC, Recording.NONE);
        List<RunResult> one = Sweep.run(points.reversed(), 1, Cli.SYNTHETIC, Recording.NONE).reversed();
        for (int i = 0; i < points.size(); i++) {
            assertEquals(points.get(i), two.get(i).spec());
            assertEquals(one.get(i).spec(), two.get(i).spec());
            assertEquals(one.get(i).testAccuracy(), two.get(i).testAccuracy(), 0.0, points.get(i).toString());
            assertEquals(one.get(i).faultyConductors(), two.get(i).faultyConductors());
        }
    }

    @Test
    void shouldReportEveryEpochAndPointToTheListener() {
        SweepSpec spec = SweepSpec.faults(base(3), FaultKind.DEAD, new double[] {0, 0.3}, 1, 1, 0, 2);
        Recording listener = new Recording();
        Sweep.run(spec.points(), 2, Cli.SYNTHETIC, listener);
        assertEquals(2 * 3, listener.epochs);
        assertEquals(2, listener.points.size());
    }

    @Test
    void shouldSkipPointsAlreadyDone() {
        SweepSpec spec = SweepSpec.faults(base(1), FaultKind.DEAD, new double[] {0, 0.3}, 2, 1, 0, 2);
        SweepPoint done = new SweepPoint("dead", 0.3, 2, "pcm", "ibm2014", "full", 1, 0, 0.5, 0.5, 0.5, 0, 0, 1);
        List<RunSpec> todo = Sweep.remaining(spec, List.of(done));
        assertEquals(3, todo.size());
        assertTrue(todo.stream().noneMatch(r -> r.faults().fraction() == 0.3 && r.seed() == 2));
    }

    @Test
    void shouldRefuseAFaultEpochBeyondTheRun() {
        assertThrows(IllegalArgumentException.class,
                () -> SweepSpec.faults(base(2), FaultKind.DEAD, new double[] {0.1}, 1, 1, 3, 1));
        assertThrows(IllegalArgumentException.class,
                () -> SweepSpec.faults(base(2), FaultKind.DEAD, new double[] {0.1, 0.1}, 1, 1, 0, 1));
        assertThrows(IllegalArgumentException.class,
                () -> SweepSpec.faults(base(2), FaultKind.DEAD, new double[] {1.5}, 1, 1, 0, 1));
    }

    /** A thread-safe listener that counts. */
    static final class Recording implements Sweep.Listener {
        static final Sweep.Listener NONE = new Sweep.Listener() {
            @Override
            public void epochDone(RunSpec point, EpochMetrics epoch) {
            }

            @Override
            public void pointDone(RunResult result) {
            }
        };

        int epochs;
        final List<RunResult> points = new ArrayList<>();

        @Override
        public synchronized void epochDone(RunSpec point, EpochMetrics epoch) {
            epochs++;
        }

        @Override
        public synchronized void pointDone(RunResult result) {
            points.add(result);
        }
    }
}
