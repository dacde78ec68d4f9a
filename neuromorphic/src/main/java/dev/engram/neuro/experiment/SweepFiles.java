package dev.engram.neuro.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.knowm.xchart.XYChart;

/**
 * The files of a sweep, in its directory:
 * <pre>
 *   sweep.properties   the sweep (what a resumed sweep must match) and the command
 *   results.csv        one row per point: fault, fraction, seed, synapse, device, protocol, epochs,
 *                      fault_epoch, test_accuracy, ann_test_accuracy, train_accuracy, faulty_conductors,
 *                      conductors, faulty_fraction, seconds
 *                      (then varied, fault_handling, batch, states, drift_seconds)
 *   runs.csv           one row per point per epoch: fault, fraction, value (of the varied setting), seed,
 *                      epoch, train_accuracy, test_accuracy, seconds
 *   results.png|svg    mean test accuracy against the varied value, error bars ± one standard deviation
 *                      over the seeds; fault sweeps with IBM's reported figures as references
 *   report.md          mean ± std per point, the change from the fault-free point, the targets
 * </pre>
 * results.csv and runs.csv are rewritten after every finished point, so an interrupted sweep resumes
 * from them.
 */
public final class SweepFiles {

    public static final String PROPERTIES = "sweep.properties";
    public static final String RESULTS = "results.csv";
    public static final String RUNS = "runs.csv";
    public static final String REPORT = "report.md";
    public static final List<String> RUNS_COLUMNS = List.of("fault", "fraction", "value", "seed", "epoch",
            "train_accuracy", "test_accuracy", "seconds");

    private SweepFiles() {
    }

    /**
     * What a directory already holds of a sweep: its finished points, their epochs, and the wall-clock
     * seconds the sweep has taken so far (over every invocation).
     */
    public record Previous(List<SweepPoint> points, List<List<String>> epochRows, double wallSeconds) {
        public static final Previous NONE = new Previous(List.of(), List.of(), 0);
    }

    /**
     * The finished points of {@code spec} in {@code dir}, for resuming. Nothing when the directory holds
     * no sweep (or {@code fresh} asks to start over).
     *
     * @throws ExperimentException if the directory holds a different sweep
     */
    public static Previous previous(Path dir, SweepSpec spec, boolean fresh) {
        Path props = dir.resolve(PROPERTIES);
        if (fresh || !Files.isRegularFile(props) || !Files.isRegularFile(dir.resolve(RESULTS))) {
            return Previous.NONE;
        }
        Properties stored = RunFiles.readProperties(props);
        for (var e : spec.describe().entrySet()) {
            String found = stored.getProperty(e.getKey());
            if (!e.getValue().equals(found)) {
                throw new ExperimentException(props, "holds a different sweep: " + e.getKey() + " is " + found
                        + ", this sweep's is " + e.getValue() + "; choose another --out, or pass --fresh to replace it");
            }
        }
        Csv.Table t = Csv.read(dir.resolve(RESULTS));
        List<SweepPoint> points = new ArrayList<>();
        for (int r = 0; r < t.rows().size(); r++) {
            points.add(SweepPoint.of(t, r));
        }
        List<List<String>> epochs = new ArrayList<>();
        if (Files.isRegularFile(dir.resolve(RUNS))) {
            Csv.Table runs = Csv.read(dir.resolve(RUNS));
            if (!runs.header().equals(RUNS_COLUMNS)) {
                throw new ExperimentException(runs.file(), "header " + runs.header() + ", expected " + RUNS_COLUMNS);
            }
            epochs.addAll(runs.rows());
        }
        double wall = 0;
        try {
            wall = Double.parseDouble(stored.getProperty("wall_seconds", "0"));
        } catch (NumberFormatException e) {
            throw new ExperimentException(props, "wall_seconds: found '" + stored.getProperty("wall_seconds")
                    + "', expected a number");
        }
        return new Previous(points, epochs, wall);
    }

    /** Writes sweep.properties: the sweep, the command, and the wall-clock seconds spent on it so far. */
    public static void writeSpec(Path dir, SweepSpec spec, String command, double wallSeconds) {
        mkdirs(dir);
        Map<String, String> m = new LinkedHashMap<>(spec.describe());
        m.put("workers", Integer.toString(spec.workers()));
        m.put("wall_seconds", Csv.seconds(wallSeconds));
        m.put("command", command);
        RunFiles.writeProperties(dir.resolve(PROPERTIES), m);
    }

    /** Rewrites results.csv (sorted by curve, fraction, seed) and runs.csv. */
    public static void writeResults(Path dir, List<SweepPoint> points, List<List<String>> epochRows) {
        mkdirs(dir);
        List<SweepPoint> sorted = new ArrayList<>(points);
        sorted.sort(Sweep.ORDER);
        Csv.write(dir.resolve(RESULTS), SweepPoint.COLUMNS, sorted.stream().map(SweepPoint::cells).toList());
        List<List<String>> rows = new ArrayList<>(epochRows);
        rows.sort((a, b) -> {
            int c = Double.compare(Double.parseDouble(a.get(2)), Double.parseDouble(b.get(2)));
            c = c != 0 ? c : Long.compare(Long.parseLong(a.get(3)), Long.parseLong(b.get(3)));
            return c != 0 ? c : Integer.compare(Integer.parseInt(a.get(4)), Integer.parseInt(b.get(4)));
        });
        Csv.write(dir.resolve(RUNS), RUNS_COLUMNS, rows);
    }

    /** One runs.csv row. */
    static List<String> epochRow(SweepVariable variable, RunSpec point, EpochMetrics m) {
        return List.of(point.faults().kind().label(), Double.toString(point.faults().fraction()),
                Double.toString(variable.valueOf(point)), Long.toString(point.seed()), Integer.toString(m.epoch()),
                Csv.fraction(m.trainAccuracy()), Csv.fraction(m.testAccuracy()), Csv.seconds(m.seconds()));
    }

    /** Writes results.png/svg and report.md; returns the files. */
    public static List<Path> writeReport(Path dir, SweepSpec spec, List<SweepPoint> points, String command,
                                         double wallSeconds) {
        List<Summary> summaries = Summary.of(points);
        SweepVariable v = spec.variable();
        boolean faultSweep = v == SweepVariable.FRACTION;
        XYChart chart = faultSweep ? faultChart("Test accuracy against faulty conductors", summaries)
                : chart("Test accuracy against " + v.axisTitle().replaceAll(" \\(.*", ""), v, summaries);
        List<Path> files = new ArrayList<>(Charts.save(chart, dir, "results"));
        StringBuilder md = new StringBuilder();
        RunSpec base = spec.base();
        FaultPlan faults = base.faults();
        md.append(faultSweep ? "# Fault sweep: " + spec.fault() + " conductors, " : "# Sweep of " + v.label() + ", ")
                .append(RunFiles.label(base)).append(", ").append(base.protocol()).append(" protocol\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        String faultText = faultSweep || faults.any()
                ? (faultSweep ? "" : trim(100 * faults.fraction()) + " % " + faults.kind() + " conductors ")
                        + (faults.afterEpoch() == 0 ? "injected before training (before the initial weights are programmed)"
                        : "injected after epoch " + faults.afterEpoch())
                : "none";
        md.append(String.format(Locale.ROOT, "%d points (%d values of %s × %d seeds, seeds %d..%d), %d epochs each, "
                        + "batch %s, learning rate %s, weight range %s, network %s, faults %s, fault handling %s%s. "
                        + "Wall time %s on %d worker(s).%n%n", points.size(), spec.values().length, v.label(),
                spec.seeds(), spec.firstSeed(), spec.firstSeed() + spec.seeds() - 1, base.epochs(),
                v == SweepVariable.BATCH ? "varied" : Integer.toString(base.minibatch()), base.learningRate(),
                base.weightRange(), RunSpec.join(base.widths()).replace(';', '-'), faultText,
                base.tuning().faultHandling(), base.tuning().driftSeconds() > 0 && v != SweepVariable.DRIFT_SECONDS
                        ? String.format(Locale.ROOT, ", read %.4g s after programming", base.tuning().driftSeconds()) : "",
                ProgressBar.clock(wallSeconds), spec.workers()));
        md.append("Accuracy is the MNIST test accuracy (10,000 images) after the last epoch");
        if (v == SweepVariable.DRIFT_SECONDS) {
            md.append(", read the given time after programming (drift and 1/f noise; the training itself reads "
                    + "at once)");
        }
        if (base.synapse() == SynapseKind.SPIKING) {
            md.append(" of the converted spiking network at ").append(base.spikingSteps()[base.spikingSteps().length - 1])
                    .append(" time steps");
        }
        md.append("; ± is the sample standard deviation over the seeds (n − 1; 0 for one seed).\n\n");
        md.append(summaryTable(summaries));
        if (faultSweep) {
            md.append('\n').append(verdicts(summaries)).append('\n');
        }
        md.append("![test accuracy against ").append(v.label()).append("](results.png)\n");
        Path report = dir.resolve(REPORT);
        try {
            Files.writeString(report, md, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + report, e);
        }
        files.add(report);
        return files;
    }

    /** The Markdown table of {@code summaries}, one section per curve. */
    static String summaryTable(List<Summary> summaries) {
        StringBuilder md = new StringBuilder();
        Set<String> curves = new LinkedHashSet<>();
        summaries.forEach(s -> curves.add(s.curve()));
        for (String curve : curves) {
            List<Summary> rows = summaries.stream().filter(s -> s.curve().equals(curve)).toList();
            SweepVariable v = rows.getFirst().variable();
            boolean faultSweep = v == SweepVariable.FRACTION;
            md.append("**").append(curve).append("**\n\n");
            md.append(faultSweep ? "| faulty conductors | runs | test accuracy (mean ± std) | min | max | change from 0 % |\n"
                    : "| " + v.label() + " | runs | test accuracy (mean ± std) | min | max | change from the first |\n");
            md.append("|---:|---:|---:|---:|---:|---:|\n");
            double reference = faultSweep
                    ? rows.stream().filter(s -> s.x() == 0).mapToDouble(Summary::mean).findFirst().orElse(Double.NaN)
                    : rows.getFirst().mean();
            for (Summary s : rows) {
                boolean isReference = faultSweep ? s.x() == 0 : s == rows.getFirst();
                md.append(String.format(Locale.ROOT, "| %s%s | %d | %.2f ± %.2f %% | %.2f %% | %.2f %% | %s |%n",
                        trim(v.display(s.x())), faultSweep ? " %" : "", s.runs(), 100 * s.mean(), 100 * s.std(),
                        100 * s.min(), 100 * s.max(), isReference || Double.isNaN(reference) ? "—"
                                : String.format(Locale.ROOT, "%+.2f points", 100 * (s.mean() - reference))));
            }
            md.append('\n');
        }
        return md.toString();
    }

    /** Each curve against IBM's tolerancing summary for its fault kind and the 5-point target. */
    static String verdicts(List<Summary> summaries) {
        StringBuilder md = new StringBuilder();
        Set<String> curves = new LinkedHashSet<>();
        summaries.forEach(s -> curves.add(s.curve()));
        for (String curve : curves) {
            List<Summary> rows = summaries.stream().filter(s -> s.curve().equals(curve)).toList();
            String fault = rows.getFirst().fault();
            double tolerated = References.toleratedFraction(fault);
            if (rows.getFirst().variable() != SweepVariable.FRACTION) {
                continue;
            }
            if (Double.isNaN(tolerated)) {
                continue;
            }
            double drop = Summary.drop(rows, tolerated);
            md.append("- ").append(curve).append(": IBM's tolerancing summary says the network is still good at ~")
                    .append(trim(100 * tolerated)).append(" % ").append(fault.equals("dead") ? "dead conductors"
                            : "stuck devices").append(" (a coverage summary, not a measured curve). ");
            if (Double.isNaN(drop)) {
                md.append("This sweep lacks the 0 % or the ").append(trim(100 * tolerated))
                        .append(" % point, so the 5-point target is not assessed.\n");
            } else {
                md.append(String.format(Locale.ROOT, "Measured: %.2f points lost at %s %% — %s the target of "
                                + "at most %.0f points.%n", 100 * drop, trim(100 * tolerated),
                        drop <= References.FAULT_TOLERANCE_DROP ? "**within**" : "**outside**",
                        100 * References.FAULT_TOLERANCE_DROP));
            }
        }
        return md.toString();
    }

    /**
     * Test accuracy (%) against the faulty fraction (%): one numbered curve per {@link Summary#curve} with
     * error bars (± one standard deviation over the seeds), each curve's 5-point target at IBM's
     * tolerated fraction for its fault kind as a point with the same number, IBM's 82.9 %, and IBM's
     * tolerated fractions as vertical references. Legend labels stay short: XChart cuts long ones.
     */
    static XYChart faultChart(String title, List<Summary> all) {
        List<Summary> summaries = all.stream().filter(s -> s.variable() == SweepVariable.FRACTION).toList();
        Set<String> curves = new LinkedHashSet<>();
        summaries.forEach(s -> curves.add(s.curve()));
        Set<String> faults = new LinkedHashSet<>();
        summaries.forEach(s -> faults.add(s.fault()));
        Set<Double> tolerances = new LinkedHashSet<>();
        faults.forEach(f -> tolerances.add(References.toleratedFraction(f)));
        tolerances.remove(Double.NaN);
        long withTarget = curves.stream().filter(c -> summaries.stream().anyMatch(s -> s.curve().equals(c)
                && s.fraction() == 0 && !Double.isNaN(References.toleratedFraction(s.fault())))).count();
        XYChart chart = Charts.lineChart(title, "faulty conductors (% of all conductors)",
                "test accuracy (%), mean ± std over seeds", curves.size() + (int) withTarget + 1 + tolerances.size());
        double xMax = 0;
        double yMin = 100 * References.IBM2014_HARDWARE_TEST_ACCURACY;
        List<double[]> targets = new ArrayList<>();                      // {number, x, y}
        int number = 0;
        for (String curve : curves) {
            number++;
            List<Summary> rows = summaries.stream().filter(s -> s.curve().equals(curve)).toList();
            double[] x = rows.stream().mapToDouble(s -> 100 * s.fraction()).toArray();
            double[] y = rows.stream().mapToDouble(s -> 100 * s.mean()).toArray();
            double[] e = rows.stream().mapToDouble(s -> 100 * s.std()).toArray();
            Charts.curve(chart, "[" + number + "] " + shortLabel(curve), x, y, e);
            for (int i = 0; i < x.length; i++) {
                xMax = Math.max(xMax, x[i]);
                yMin = Math.min(yMin, y[i] - e[i]);
            }
            double tolerated = References.toleratedFraction(rows.getFirst().fault());
            int n = number;
            rows.stream().filter(s -> s.fraction() == 0).findFirst().ifPresent(s -> {
                if (!Double.isNaN(tolerated)) {
                    targets.add(new double[] {n, 100 * tolerated, 100 * (s.mean() - References.FAULT_TOLERANCE_DROP)});
                }
            });
        }
        xMax = Math.max(xMax, 100 * References.IBM_TOLERATED_DEAD_FRACTION);
        double yLow = Math.max(0, Math.floor((yMin - 5) / 10) * 10);
        for (double[] t : targets) {
            Charts.points(chart, "[" + (int) t[0] + "] target: 5 points below its 0 % point", new double[] {t[1]},
                    new double[] {t[2]}, Charts.TARGET);
        }
        Charts.level(chart, "IBM 2014 hardware: 82.9 %, no faults (reported)", 0, xMax,
                100 * References.IBM2014_HARDWARE_TEST_ACCURACY, Charts.REFERENCE);
        Set<Double> drawn = new java.util.HashSet<>();
        for (String fault : faults) {
            double tolerated = References.toleratedFraction(fault);
            if (Double.isNaN(tolerated) || !drawn.add(tolerated)) {
                continue;
            }
            String what = tolerated == References.IBM_TOLERATED_DEAD_FRACTION ? "dead" : "stuck";
            Charts.vertical(chart, "IBM: still good at ~" + trim(100 * tolerated) + " % " + what
                    + " (coverage summary)", 100 * tolerated, yLow, 100, Charts.REFERENCE);
        }
        Charts.yRange(chart, yLow, 100);
        return chart;
    }

    /**
     * Test accuracy (%) against the varied value of a sweep that is not a fault sweep: one numbered curve
     * per {@link Summary#curve} with error bars, IBM's 82.9 % as a reference. Logarithmic x for drift
     * times (0 is drawn at 1 s) and for batch sizes and states spanning more than a decade.
     */
    static XYChart chart(String title, SweepVariable variable, List<Summary> summaries) {
        List<Summary> rows = summaries.stream().filter(s -> s.variable() == variable).toList();
        Set<String> curves = new LinkedHashSet<>();
        rows.forEach(s -> curves.add(s.curve()));
        XYChart chart = Charts.lineChart(title, variable == SweepVariable.DRIFT_SECONDS
                ? variable.axisTitle() + "; 0 drawn at 1 s" : variable.axisTitle(),
                "test accuracy (%), mean ± std over seeds", curves.size() + 1);
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = 0;
        double yMin = 100 * References.IBM2014_HARDWARE_TEST_ACCURACY;
        int number = 0;
        for (String curve : curves) {
            number++;
            List<Summary> c = rows.stream().filter(s -> s.curve().equals(curve)).toList();
            double[] x = c.stream().mapToDouble(s -> variable == SweepVariable.DRIFT_SECONDS ? Math.max(1, s.x())
                    : variable.display(s.x())).toArray();
            double[] y = c.stream().mapToDouble(s -> 100 * s.mean()).toArray();
            double[] e = c.stream().mapToDouble(s -> 100 * s.std()).toArray();
            Charts.curve(chart, "[" + number + "] " + shortLabel(curve), x, y, e);
            for (int i = 0; i < x.length; i++) {
                xMin = Math.min(xMin, x[i]);
                xMax = Math.max(xMax, x[i]);
                yMin = Math.min(yMin, y[i] - e[i]);
            }
        }
        if (xMin > 0 && (variable == SweepVariable.DRIFT_SECONDS || xMax / xMin > 10)) {
            chart.getStyler().setXAxisLogarithmic(true);
        }
        if (Double.isFinite(xMin)) {
            Charts.level(chart, "IBM 2014 hardware: 82.9 %, no faults (reported)", xMin, xMax,
                    100 * References.IBM2014_HARDWARE_TEST_ACCURACY, Charts.REFERENCE);
        }
        Charts.yRange(chart, Math.max(0, Math.floor((yMin - 5) / 10) * 10), 100);
        return chart;
    }

    /** "dead · pcm ibm2014 · ibm-5k · 10 epochs" → "dead, pcm ibm2014, ibm-5k, 10 ep". */
    static String shortLabel(String curve) {
        return curve.replace(" · ", ", ").replace("faults after epoch", "faults after ep").replace(" epochs", " ep");
    }

    /** 30.0 → "30", 12.5 → "12.5". */
    static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
