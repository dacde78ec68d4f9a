package dev.engram.neuro.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.knowm.xchart.XYChart;

/**
 * Assembles finished training runs and sweeps into one report: learning curves on one set of axes
 * with IBM's reported 82.9 % and the 90 % goal, fault curves on another with IBM's tolerancing summaries
 * as labelled references, and a {@code report.md} that states each target and whether it was met.
 *
 * <pre>
 *   learning.png|svg   test accuracy against epochs, every training run
 *   faults.png|svg     test accuracy against the faulty fraction, every sweep curve
 *   report.md          the tables and the verdicts
 * </pre>
 */
public final class Report {

    public static final String REPORT = "report.md";

    private Report() {
    }

    /** A training run read back from its directory. */
    record TrainRun(Path dir, Properties properties, List<EpochMetrics> epochs) {
        String get(String key) {
            String v = properties.getProperty(key);
            if (v == null) {
                throw new ExperimentException(dir.resolve(RunFiles.PROPERTIES), "no '" + key + "'");
            }
            return v;
        }

        double number(String key) {
            try {
                return Double.parseDouble(get(key));
            } catch (NumberFormatException e) {
                throw new ExperimentException(dir.resolve(RunFiles.PROPERTIES), key + ": found '" + get(key)
                        + "', expected a number");
            }
        }

        String label() {
            String synapse = get("synapse");
            return dir.getFileName() + ": " + synapse + (synapse.equals("float") ? "" : " " + get("device")) + ", "
                    + get("protocol") + ", seed " + get("seed");
        }
    }

    /** A sweep read back from its directory. */
    record SweepRun(Path dir, Properties properties, List<SweepPoint> points) {
    }

    /** What {@code dir} holds: a training run, a sweep, or neither (an error naming what was looked for). */
    static Object read(Path dir) {
        if (Files.isRegularFile(dir.resolve(RunFiles.PROPERTIES)) && Files.isRegularFile(dir.resolve(RunFiles.METRICS))) {
            Csv.Table t = Csv.read(dir.resolve(RunFiles.METRICS));
            List<EpochMetrics> epochs = new ArrayList<>();
            for (int r = 0; r < t.rows().size(); r++) {
                epochs.add(new EpochMetrics((int) t.number(r, "epoch"), t.number(r, "train_accuracy"),
                        t.number(r, "test_accuracy"), t.number(r, "seconds"), t.number(r, "train_loss"),
                        t.number(r, "test_loss")));
            }
            return new TrainRun(dir, RunFiles.readProperties(dir.resolve(RunFiles.PROPERTIES)), epochs);
        }
        if (Files.isRegularFile(dir.resolve(SweepFiles.RESULTS))) {
            Csv.Table t = Csv.read(dir.resolve(SweepFiles.RESULTS));
            List<SweepPoint> points = new ArrayList<>();
            for (int r = 0; r < t.rows().size(); r++) {
                points.add(SweepPoint.of(t, r));
            }
            Path props = dir.resolve(SweepFiles.PROPERTIES);
            return new SweepRun(dir, Files.isRegularFile(props) ? RunFiles.readProperties(props) : new Properties(),
                    points);
        }
        throw new ExperimentException(dir, "neither a training run (" + RunFiles.PROPERTIES + " and " + RunFiles.METRICS
                + ") nor a sweep (" + SweepFiles.RESULTS + ")");
    }

    /**
     * Reads every input directory and writes the report into {@code out}.
     *
     * @return the files written
     */
    public static List<Path> write(List<Path> inputs, Path out, String command) {
        List<TrainRun> runs = new ArrayList<>();
        List<SweepRun> sweeps = new ArrayList<>();
        for (Path dir : inputs) {
            switch (read(dir)) {
                case TrainRun r -> runs.add(r);
                case SweepRun s -> sweeps.add(s);
                default -> throw new IllegalStateException();
            }
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out, e);
        }
        List<Path> files = new ArrayList<>();
        StringBuilder md = new StringBuilder("# Neuromorphic experiments: report\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        md.append("Reference figures are IBM's (G. W. Burr et al., IEDM 2014 / IEEE TED 62(11):3498, 2015): 82.9 % "
                + "test accuracy on the 2014 hardware (528-250-125-10 network, 5,000 training images); the "
                + "tolerancing simulations' summary that the network stays good with ~30 % dead conductors or "
                + "~20 % stuck devices. They are drawn as references, not as measured curves.\n\n");
        if (!runs.isEmpty()) {
            files.addAll(Charts.save(learningChart(runs), out, "learning"));
            md.append("## Training runs\n\n");
            md.append("| run | synapses | device | protocol | epochs | batch | lr | weight range | seed | faults | "
                    + "final test | best test | vs 82.9 % (IBM 2014) | vs 90 % (goal) |\n");
            md.append("|---|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|---|---|\n");
            for (TrainRun r : runs) {
                double test = r.number("test_accuracy");
                boolean device = !r.get("synapse").equals(SynapseKind.FLOAT.label());
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f %% | "
                                + "%.2f %% | %s | %s |%n", link(out, r.dir()), r.get("synapse"),
                        device ? r.get("device") : "—", r.get("protocol"), r.get("epochs"), r.get("batch"),
                        r.get("learning_rate"), device ? r.get("weight_range") : "—", r.get("seed"), faults(r), 100 * test,
                        100 * r.number("best_test_accuracy"), verdict(test, References.REPRODUCTION_TARGET),
                        verdict(test, References.ACCURACY_GOAL)));
            }
            md.append("\n![test accuracy against epochs](learning.png)\n\n");
        }
        if (!sweeps.isEmpty()) {
            List<SweepPoint> all = new ArrayList<>();
            sweeps.forEach(s -> all.addAll(s.points()));
            List<Summary> summaries = Summary.of(all);
            List<Summary> faultCurves = summaries.stream().filter(s -> s.variable() == SweepVariable.FRACTION).toList();
            if (!faultCurves.isEmpty()) {
                files.addAll(Charts.save(SweepFiles.faultChart("Test accuracy against faulty conductors", faultCurves),
                        out, "faults"));
                md.append("## Fault sweeps\n\n");
                md.append("From ").append(links(out, sweeps, SweepVariable.FRACTION))
                        .append(". ± is the sample standard deviation over seeds.\n\n");
                md.append(SweepFiles.summaryTable(faultCurves));
                md.append(SweepFiles.verdicts(faultCurves)).append('\n');
                md.append("![test accuracy against faulty conductors](faults.png)\n\n");
            }
            for (SweepVariable v : SweepVariable.values()) {
                List<Summary> curves = summaries.stream().filter(s -> s.variable() == v).toList();
                if (v == SweepVariable.FRACTION || curves.isEmpty()) {
                    continue;
                }
                String name = v.label();
                files.addAll(Charts.save(SweepFiles.chart("Test accuracy against " + v.axisTitle().replaceAll(" \\(.*", ""),
                        v, curves), out, name));
                md.append("## Sweeps of ").append(name).append("\n\n");
                md.append("From ").append(links(out, sweeps, v)).append(". ± is the sample standard deviation over "
                        + "seeds; IBM's 82.9 % (no faults) is drawn for reference.\n\n");
                md.append(SweepFiles.summaryTable(curves));
                md.append("![test accuracy against ").append(name).append("](").append(name).append(".png)\n\n");
            }
        }
        List<TrainRun> withGradients = runs.stream().filter(r -> Files.isRegularFile(r.dir().resolve(RunFiles.GRADIENTS)))
                .toList();
        if (!withGradients.isEmpty()) {
            md.append(gradientSection(withGradients, out, files));
        }
        Path report = out.resolve(REPORT);
        try {
            Files.writeString(report, md, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + report, e);
        }
        files.add(report);
        return files;
    }

    /** Markdown links to the sweeps of {@code sweeps} that vary {@code v}. */
    private static String links(Path out, List<SweepRun> sweeps, SweepVariable v) {
        StringBuilder b = new StringBuilder();
        for (SweepRun s : sweeps) {
            if (s.points().stream().anyMatch(p -> p.variable() == v)) {
                b.append(b.isEmpty() ? "" : ", ").append(link(out, s.dir()));
            }
        }
        return b.toString();
    }

    /**
     * The gradient phases of every run with a gradients.csv: per layer one chart with every run's ratio,
     * and a table of where each run's drift phase ends ({@link GradientPhases}).
     */
    private static String gradientSection(List<TrainRun> runs, Path out, List<Path> files) {
        StringBuilder md = new StringBuilder("## Gradient signal-to-noise phases\n\n");
        md.append("Per layer, the ratio of the norm of the mean minibatch gradient to the norm of its standard "
                + "deviation, over windows of ").append(Trainer.GRADIENT_WINDOW_MINIBATCHES).append(" minibatches "
                + "(Shwartz-Ziv and Tishby 2017). Pure noise gives 1/sqrt(window); the drift phase is where the "
                + "ratio stands above it. Transition: the first window from which the ratio stays below "
                + GradientPhases.FLOOR_FACTOR + " times the floor (the ratio noise alone gives) for " + GradientPhases.CONFIRMING_WINDOWS
                + " windows (epochs; — when it never does).\n\n");
        Map<String, List<GradientPhases.Series>> byLayer = new java.util.TreeMap<>();
        Map<String, Map<String, GradientPhases.Series>> table = new LinkedHashMap<>();
        for (TrainRun r : runs) {
            String label = r.dir().getFileName() + " (" + r.get("synapse") + (r.get("synapse").equals("float") ? ""
                    : " " + r.get("device")) + ", " + r.properties().getProperty("activation", "relu") + ")";
            String shortLabel = r.dir().getFileName().toString();    // XChart cuts long legend entries
            for (GradientPhases.Series s : GradientPhases.read(r.dir().resolve(RunFiles.GRADIENTS)).series()) {
                byLayer.computeIfAbsent(s.layer(), k -> new ArrayList<>()).add(new GradientPhases.Series(shortLabel,
                        s.position(), s.snr(), s.floor()));
                table.computeIfAbsent(label, k -> new LinkedHashMap<>()).put(s.layer(), s);
            }
        }
        List<String> layers = new ArrayList<>(byLayer.keySet());
        md.append("| run |");
        layers.forEach(l -> md.append(" ").append(l).append(": drift ends at epoch | ").append(l)
                .append(": peak ratio, first 5 windows |"));
        md.append("\n|---|");
        layers.forEach(l -> md.append("---:|---:|"));
        md.append('\n');
        for (var row : table.entrySet()) {
            md.append("| ").append(row.getKey()).append(" |");
            for (String l : layers) {
                GradientPhases.Series s = row.getValue().get(l);
                md.append(s == null ? " | |" : String.format(Locale.ROOT, " %s | %.2f |",
                        GradientPhases.format(s.transition()), s.peak(5)));
            }
            md.append('\n');
        }
        md.append('\n');
        for (var e : byLayer.entrySet()) {
            String name = "gradients-" + e.getKey();
            files.addAll(Charts.save(GradientPhases.chart("Gradient signal-to-noise, layer " + e.getKey(), e.getValue()),
                    out, name));
            md.append("![gradient phases of ").append(e.getKey()).append("](").append(name).append(".png)\n\n");
        }
        return md.toString();
    }

    private static XYChart learningChart(List<TrainRun> runs) {
        XYChart chart = Charts.lineChart("MNIST test accuracy during training", "epoch", "test accuracy (%)",
                runs.size() + 2);
        double xMax = 2;
        double yMin = 100 * References.IBM2014_HARDWARE_TEST_ACCURACY;
        for (TrainRun r : runs) {
            double[] x = r.epochs().stream().mapToDouble(EpochMetrics::epoch).toArray();
            double[] y = r.epochs().stream().mapToDouble(e -> 100 * e.testAccuracy()).toArray();
            if (x.length == 0) {
                continue;
            }
            Charts.curve(chart, r.label() + " (measured)", x, y, null);
            xMax = Math.max(xMax, x[x.length - 1]);
            for (double v : y) {
                yMin = Math.min(yMin, v);
            }
        }
        Charts.level(chart, "IBM 2014 hardware, 82.9 % test (reported, Burr et al. 2015)", 1, xMax,
                100 * References.IBM2014_HARDWARE_TEST_ACCURACY, Charts.REFERENCE);
        Charts.level(chart, "goal: 90 %", 1, xMax, 100 * References.ACCURACY_GOAL, Charts.TARGET);
        Charts.yRange(chart, Math.max(0, Math.floor((yMin - 2) / 5) * 5), 100);
        return chart;
    }

    private static String faults(TrainRun r) {
        double fraction = r.number("fraction");
        if (fraction == 0) {
            return "none";
        }
        String epoch = r.get("fault_epoch");
        return SweepFiles.trim(100 * fraction) + " % " + r.get("fault") + (epoch.equals("0") ? "" : " after epoch " + epoch);
    }

    private static String verdict(double accuracy, double target) {
        return String.format(Locale.ROOT, "%s (%+.2f points)", accuracy >= target ? "met" : "not met",
                100 * (accuracy - target));
    }

    /** A Markdown link to {@code dir}, relative to {@code from} when possible. */
    private static String link(Path from, Path dir) {
        String text = dir.getFileName().toString();
        try {
            Path relative = from.toAbsolutePath().normalize().relativize(dir.toAbsolutePath().normalize());
            return "[" + text + "](" + relative.toString().replace('\\', '/') + "/)";
        } catch (IllegalArgumentException e) {
            return "`" + dir + "`";
        }
    }
}
