package dev.engram.neuro.experiment;

import dev.engram.neuro.data.Mnist;
import dev.engram.neuro.data.TrainTest;
import dev.engram.neuro.pcm.FaultHandling;
import dev.engram.neuro.pcm.FaultKind;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The demo's short fault experiment: the IBM network on ibm2014 PCM synapses, MNIST's IBM protocol, 10
 * epochs, seed 1 (the sweeps' settings, so its points are theirs for seed 1), broken by 30 % dead
 * conductors and by 20 % stuck-on devices, each with the plain controller and with the fault-aware one
 * ({@link FaultHandling#PRUNE}), next to the fault-free runs: eight training runs, two at a time, about
 * 40 s on two idle cores (5 epochs took 18 s), a few minutes on busy ones. It writes four small sweeps
 * (CSV, PNG/SVG, report.md each) and one report of all of them with IBM's reported figures:
 * <pre>
 *   OUT/dead, OUT/dead-prune, OUT/stuck-on, OUT/stuck-on-prune   sweep directories
 *   OUT/report/report.md, faults.png|svg                         the four curves on one set of axes
 * </pre>
 * Deterministic: the same accuracies on every run (seconds aside). MNIST must be in the cache
 * ({@code ./engram neuro fetch-data}); without it a {@link dev.engram.neuro.data.DataException} says so.
 *
 * <p>Call it from the demo as {@code DemoFaultExperiment.run(outDir, System.out)}.
 */
public final class DemoFaultExperiment {

    /** Epochs of every run: the sweeps' 10, so the demo's points are the sweeps' points for its seed. */
    public static final int EPOCHS = 10;
    /** The one seed. */
    public static final long SEED = 1;

    private DemoFaultExperiment() {
    }

    /**
     * Runs the experiment on MNIST from the cache ({@link Mnist#defaultCacheDir()}) and writes its files
     * into {@code outDir}, printing progress and a summary to {@code out}.
     *
     * @return the report's path ({@code outDir/report/report.md})
     * @throws dev.engram.neuro.data.DataException if MNIST is missing or corrupt
     */
    public static Path run(Path outDir, PrintStream out) {
        TrainTest mnist = NeuroCli.MNIST.load(Mnist.defaultCacheDir(), dev.engram.neuro.nn.Mlp.IBM_WIDTHS[0]);
        // The synapse pools log every array they create at INFO; the demo prints its own lines instead.
        java.util.logging.Logger neuroLog = java.util.logging.Logger.getLogger("dev.engram.neuro");
        java.util.logging.Level before = neuroLog.getLevel();
        neuroLog.setLevel(java.util.logging.Level.WARNING);
        try {
            return run(outDir, out, mnist, Protocol.IBM_5K, RunSpec.defaults().widths(), RunSpec.DEFAULT_WEIGHT_RANGE,
                    EPOCHS);
        } finally {
            neuroLog.setLevel(before);
        }
    }

    /** The same on any data (tests: a synthetic problem and a small network). */
    static Path run(Path outDir, PrintStream out, TrainTest data, Protocol protocol, int[] widths, double weightRange,
                    int epochs) {
        RunSpec base = new RunSpec(SynapseKind.PCM, RunSpec.DEFAULT_DEVICE, protocol, widths, epochs,
                RunSpec.DEFAULT_MINIBATCH, RunSpec.DEFAULT_LEARNING_RATE, SEED, weightRange,
                FaultPlan.none(FaultKind.DEAD), 1, false, RunSpec.DEFAULT_SPIKING_STEPS);
        record Curve(String name, FaultKind kind, double fraction, FaultHandling handling) {
        }
        List<Curve> curves = List.of(new Curve("dead", FaultKind.DEAD, 0.3, FaultHandling.OFF),
                new Curve("dead-prune", FaultKind.DEAD, 0.3, FaultHandling.PRUNE),
                new Curve("stuck-on", FaultKind.STUCK_ON, 0.2, FaultHandling.OFF),
                new Curve("stuck-on-prune", FaultKind.STUCK_ON, 0.2, FaultHandling.PRUNE));
        out.printf(Locale.ROOT, "fault experiment: %s, ibm2014 PCM synapses, %s protocol, %d epochs, seed %d; "
                + "30 %% dead and 20 %% stuck-on conductors, plain and fault-aware (prune) controller%n",
                RunSpec.join(widths).replace(';', '-'), protocol, epochs, SEED);
        long start = System.nanoTime();
        List<Path> dirs = new ArrayList<>();
        for (Curve c : curves) {
            RunSpec curveBase = base.withTuning(DeviceTuning.NONE.withFaultHandling(c.handling()));
            SweepSpec spec = SweepSpec.faults(curveBase, c.kind(), new double[] {0, c.fraction()}, 1, SEED, 0,
                    SweepSpec.defaultWorkers());
            Path dir = outDir.resolve(c.name());
            String command = "DemoFaultExperiment: " + c.name() + " " + spec;
            List<SweepPoint> points = new ArrayList<>();
            List<List<String>> epochRows = new ArrayList<>();
            long t = System.nanoTime();
            for (RunResult r : Sweep.run(spec.points(), spec.workers(), data, Recording.NONE)) {
                points.add(SweepPoint.of(r, SweepVariable.FRACTION));
                r.epochs().forEach(m -> epochRows.add(SweepFiles.epochRow(SweepVariable.FRACTION, r.spec(), m)));
            }
            double seconds = (System.nanoTime() - t) / 1e9;
            SweepFiles.writeResults(dir, points, epochRows);
            SweepFiles.writeSpec(dir, spec, command, seconds);
            SweepFiles.writeReport(dir, spec, points, command, seconds);
            List<Summary> s = Summary.of(points);
            out.printf(Locale.ROOT, "  %-15s 0 %%: %6.2f %%   %s %%: %6.2f %%   (%+.2f points, %.0f s)%n", c.name(),
                    100 * s.get(0).mean(), SweepFiles.trim(100 * c.fraction()), 100 * s.get(1).mean(),
                    100 * (s.get(1).mean() - s.get(0).mean()), seconds);
            dirs.add(dir);
        }
        Path reportDir = outDir.resolve("report");
        Report.write(dirs, reportDir, "DemoFaultExperiment.run(" + outDir + ")");
        out.printf(Locale.ROOT, "  done in %s; report %s%n", ProgressBar.clock((System.nanoTime() - start) / 1e9),
                reportDir.resolve(Report.REPORT));
        return reportDir.resolve(Report.REPORT);
    }

    /** A listener that ignores progress. */
    private static final class Recording {
        static final Sweep.Listener NONE = new Sweep.Listener() {
            @Override
            public void epochDone(RunSpec point, EpochMetrics epoch) {
            }

            @Override
            public void pointDone(RunResult result) {
            }
        };
    }
}
