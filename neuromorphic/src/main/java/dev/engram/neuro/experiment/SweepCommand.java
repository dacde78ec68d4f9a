package dev.engram.neuro.experiment;

import dev.engram.neuro.data.TrainTest;
import dev.engram.neuro.pcm.FaultKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code sweep}: test accuracy against the fraction of faulty conductors (or, with {@code --vary}, against
 * the batch size, the device's number of states or the time since programming), over several seeds.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains one network per value and seed, 2 at a time, and writes results.csv "
                + "(fault, fraction, seed, synapse, device, test_accuracy, ...), runs.csv (per epoch), "
                + "results.png|svg (mean ± std) and report.md into --out. Deterministic for its seeds. "
                + "Resumes: points already in OUT/results.csv (of the same sweep) are not run again. "
                + "By default it varies the fraction of faulty conductors; --vary batch|states|drift-seconds "
                + "--values ... varies another setting instead (faults then fixed by --fault and --fraction).",
                "Defaults (no options; 1 min 38 s measured on 2 shared cores): pcm synapses, ibm2014, ibm-5k, dead conductors "
                        + "at 0,0.1,0.2,0.3,0.4,0.6 before training, 2 seeds, 10 epochs, batch 10."})
final class SweepCommand implements Callable<Integer> {

    @ParentCommand
    private NeuroCli root;

    @Mixin
    NetworkOptions network;

    @Option(names = "--fault", paramLabel = "KIND", converter = NetworkOptions.FaultConverter.class,
            description = "dead, stuck-on or stuck-off; default dead")
    FaultKind fault = FaultKind.DEAD;

    @Option(names = "--vary", paramLabel = "V", converter = VariableConverter.class,
            description = "what varies: fraction (of faulty conductors; default), batch, states or drift-seconds")
    SweepVariable vary = SweepVariable.FRACTION;

    @Option(names = {"--fractions", "--values"}, paramLabel = "X", split = ",",
            description = "the values of the varied setting; fraction default 0,0.1,0.2,0.3,0.4,0.6; batch e.g. "
                    + "1,2,5,10,20,50; states e.g. 10,20,40,100,200; drift-seconds e.g. 0,60,3600,86400,2592000,31536000")
    double[] values;

    @Option(names = "--fraction", paramLabel = "F",
            description = "when another setting varies: the fraction of every layer's conductors broken; default 0")
    double fraction;

    @Option(names = "--seeds", paramLabel = "N", description = "seeds per fraction; default 2")
    int seeds = SweepSpec.DEFAULT_SEEDS;

    @Option(names = "--first-seed", paramLabel = "S", description = "seeds are S .. S+N-1; default 1")
    long firstSeed = RunSpec.DEFAULT_SEED;

    @Option(names = "--fault-epoch", paramLabel = "K",
            description = "0: faults before training (default); K: after epoch K; K = epochs: break the trained network")
    int faultEpoch;

    @Option(names = "--workers", paramLabel = "W", description = "networks trained at once, one thread each; default 2")
    int workers = SweepSpec.defaultWorkers();

    @Option(names = "--fresh", description = "discard the points of an earlier sweep in --out instead of resuming")
    boolean fresh;

    @Option(names = "--out", paramLabel = "DIR", description = "where the files go (created); default neuro-runs/sweep")
    Path out = Path.of("neuro-runs", "sweep");

    @Override
    public Integer call() {
        if (vary == SweepVariable.FRACTION && fraction != 0) {
            throw new IllegalArgumentException("--fraction is for sweeps of another setting; a fault sweep takes "
                    + "--fractions");
        }
        if (values == null && vary != SweepVariable.FRACTION) {
            throw new IllegalArgumentException("--vary " + vary + " needs --values");
        }
        RunSpec base = network.spec(SweepSpec.DEFAULT_EPOCHS, firstSeed, new FaultPlan(fault, fraction, faultEpoch), 1,
                false);
        SweepSpec spec = new SweepSpec(base, vary, values == null ? SweepSpec.DEFAULT_FRACTIONS : values, seeds,
                firstSeed, workers);
        SweepFiles.Previous previous = SweepFiles.previous(out, spec, fresh);
        TrainTest data = root.data.load(network.data, base.widths()[0]);
        SweepFiles.writeSpec(out, spec, root.commandLine, previous.wallSeconds());
        List<RunSpec> todo = Sweep.remaining(spec, previous.points());
        int total = spec.values().length * spec.seeds();
        root.out.println("sweep: " + spec);
        root.out.printf(Locale.ROOT, "  %d points, %d to run%s; results in %s%n", total, todo.size(),
                todo.size() < total ? " (" + (total - todo.size()) + " resumed from " + SweepFiles.RESULTS + ")" : "",
                out);
        List<SweepPoint> points = new ArrayList<>(previous.points());
        List<List<String>> epochRows = new ArrayList<>(previous.epochRows());
        long start = System.nanoTime();
        try (ProgressBar bar = new ProgressBar(root.err, root.terminal, "sweep", todo.size(), base.epochs())) {
            Sweep.run(todo, spec.workers(), data, new Sweep.Listener() {
                @Override
                public void epochDone(RunSpec point, EpochMetrics epoch) {
                    bar.epochDone();
                }

                @Override
                public void pointDone(RunResult r) {
                    SweepPoint p = SweepPoint.of(r, vary);
                    synchronized (points) {
                        points.add(p);
                        r.epochs().forEach(m -> epochRows.add(SweepFiles.epochRow(vary, r.spec(), m)));
                        SweepFiles.writeResults(out, points, epochRows);  // an interruption loses only running points
                    }
                    bar.runDone(String.format(Locale.ROOT, "%s seed %d: test %s (%.0f s)", label(p.x()), p.seed(),
                            RunFiles.percent(p.testAccuracy()), p.seconds()));
                }
            });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double wall = previous.wallSeconds() + (todo.isEmpty() ? 0 : seconds);
        SweepFiles.writeResults(out, points, epochRows);
        SweepFiles.writeSpec(out, spec, root.commandLine, wall);
        List<Path> files = SweepFiles.writeReport(out, spec, points, root.commandLine, wall);
        for (Summary s : Summary.of(points)) {
            root.out.printf(Locale.ROOT, "  %-22s test %6.2f ± %.2f %%  (%d seeds)%n", label(s.x()), 100 * s.mean(),
                    100 * s.std(), s.runs());
        }
        root.out.printf(Locale.ROOT, "swept in %s; wrote %s, %s, %s%n", ProgressBar.clock(seconds), SweepFiles.RESULTS,
                SweepFiles.RUNS, files.stream().map(f -> f.getFileName().toString()).toList());
        return NeuroCli.OK;
    }

    /** "dead 30 %", "batch 10", "states 40", "drift-seconds 3600". */
    private String label(double x) {
        return vary == SweepVariable.FRACTION ? fault + " " + SweepFiles.trim(100 * x) + " %"
                : vary + " " + SweepFiles.trim(x);
    }

    static final class VariableConverter implements picocli.CommandLine.ITypeConverter<SweepVariable> {
        @Override
        public SweepVariable convert(String value) {
            return SweepVariable.parse(value);
        }
    }
}
