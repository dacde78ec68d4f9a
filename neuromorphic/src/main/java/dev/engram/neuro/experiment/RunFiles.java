package dev.engram.neuro.experiment;

import dev.engram.neuro.nn.LayerTelemetry;
import dev.engram.neuro.pcm.PcmArrayStats;
import dev.engram.neuro.snn.SpikingResult;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;

/**
 * The files of one training run, in its directory:
 * <pre>
 *   run.properties       the spec and the scores, key=value (what {@code report} reads)
 *   metrics.csv          epoch, train_accuracy, test_accuracy, seconds, train_loss, test_loss
 *   telemetry.csv        epoch, layer, weight_mean, weight_std, gradient_mean_norm, gradient_std_norm, snr, minibatches
 *   pcm.csv              per PCM layer: pulses, RESETs, refreshed pairs, faulty and worn-out conductors,
 *                        conductors the controller diagnosed, and its last self-test's misses and false alarms
 *   spiking.csv          steps, test_accuracy (spiking runs)
 *   accuracy.png|svg     train and test accuracy against epochs, with IBM's 82.9 % and the 90 % goal
 *   gradients.csv        per layer per window of minibatches: end_minibatch, epoch, epoch_position, layer,
 *                        gradient_mean_norm, gradient_std_norm, snr, noise_floor, minibatches
 *   gradients.png|svg    the windows' signal-to-noise ratio per layer against epochs (log), with the floor
 *   telemetry.png|svg    gradient signal-to-noise ratio per layer against epochs
 *   weights.png|svg      weight standard deviation per layer against epochs
 *   spiking.png|svg      spiking test accuracy against time steps (spiking runs)
 * </pre>
 * Accuracies are fractions in the CSV files and percentages in the plots.
 */
public final class RunFiles {

    public static final String PROPERTIES = "run.properties";
    public static final String METRICS = "metrics.csv";
    public static final String TELEMETRY = "telemetry.csv";
    public static final String PCM = "pcm.csv";
    public static final String SPIKING = "spiking.csv";
    public static final String GRADIENTS = "gradients.csv";
    public static final List<String> GRADIENT_COLUMNS = List.of("end_minibatch", "epoch", "epoch_position", "layer",
            "gradient_mean_norm", "gradient_std_norm", "snr", "noise_floor", "minibatches");

    /** The columns of {@code telemetry.csv}. */
    public static final List<String> TELEMETRY_COLUMNS = List.of("epoch", "layer", "weight_mean", "weight_std",
            "gradient_mean_norm", "gradient_std_norm", "snr", "minibatches");

    private RunFiles() {
    }

    /**
     * Writes every file of {@code result} into {@code dir}.
     *
     * @param command the command line that produced it, recorded in run.properties
     * @return the files written
     */
    public static List<Path> write(RunResult result, Path dir, String command) {
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        RunSpec spec = result.spec();
        Map<String, String> p = new LinkedHashMap<>(spec.describe());
        p.put("test_accuracy", Csv.fraction(result.testAccuracy()));
        p.put("ann_test_accuracy", Csv.fraction(result.annTestAccuracy()));
        p.put("train_accuracy", Csv.fraction(result.trainAccuracy()));
        p.put("best_test_accuracy", Csv.fraction(result.epochs().stream()
                .mapToDouble(EpochMetrics::testAccuracy).max().orElse(Double.NaN)));
        p.put("conductors", Long.toString(result.conductors()));
        p.put("faulty_conductors", Long.toString(result.faultyConductors()));
        p.put("seconds", Csv.seconds(result.seconds()));
        if (spec.synapse().usesDevice()) {
            p.put("device_model", spec.arrayOptions().model().toString());
            p.put("update_policy", spec.arrayOptions().policy().toString());
        }
        p.put("java", Runtime.version().toString());
        p.put("command", command);
        files.add(writeProperties(dir.resolve(PROPERTIES), p));

        Path metrics = dir.resolve(METRICS);
        Csv.write(metrics, EpochMetrics.COLUMNS, result.epochs().stream().map(EpochMetrics::cells).toList());
        files.add(metrics);
        files.addAll(accuracyChart(result, dir));

        if (!result.telemetry().isEmpty()) {
            Path telemetry = dir.resolve(TELEMETRY);
            Csv.write(telemetry, TELEMETRY_COLUMNS, result.telemetry().stream().map(t -> List.of(
                    Integer.toString(t.epoch()), t.layer(), Csv.number(t.weightMean()), Csv.number(t.weightStd()),
                    Csv.number(t.gradientMeanNorm()), Csv.number(t.gradientStdNorm()), Csv.number(t.signalToNoise()),
                    Long.toString(t.minibatches()))).toList());
            files.add(telemetry);
            files.addAll(telemetryCharts(result, dir));
        }
        if (!result.gradients().isEmpty()) {
            Path gradients = dir.resolve(GRADIENTS);
            Csv.write(gradients, GRADIENT_COLUMNS, result.gradients().stream().map(g -> List.of(
                    Long.toString(g.endMinibatch()), Integer.toString(g.epoch()),
                    Csv.number(g.epochPosition()), g.layer(), Csv.number(g.gradientMeanNorm()),
                    Csv.number(g.gradientStdNorm()), Csv.number(g.signalToNoise()), Csv.number(g.noiseFloor()),
                    Long.toString(g.minibatches()))).toList());
            files.add(gradients);
            files.addAll(Charts.save(GradientPhases.chart("Gradient signal-to-noise per window of "
                    + result.gradients().getFirst().minibatches() + " minibatches (" + label(spec) + ", "
                    + spec.activation().name().toLowerCase(java.util.Locale.ROOT) + ")",
                    GradientPhases.read(gradients).series()), dir, "gradients"));
        }
        if (!result.arrays().isEmpty()) {
            Path pcm = dir.resolve(PCM);
            Csv.write(pcm, List.of("layer", "outputs", "inputs", "set_pulses", "resets", "refreshed_pairs",
                    "faulty_conductors", "worn_out_conductors", "max_pulse_count", "diagnosed_conductors",
                    "self_test_missed", "self_test_false_alarms"), result.arrays().stream().map(a -> {
                        PcmArrayStats s = a.stats();
                        return List.of(a.layer(), Integer.toString(a.outputs()), Integer.toString(a.inputs()),
                                Long.toString(s.setPulses()), Long.toString(s.resets()), Long.toString(s.refreshedPairs()),
                                Integer.toString(s.faultyConductors()), Integer.toString(s.wornOutConductors()),
                                Long.toString(s.maxPulseCount()), Integer.toString(s.diagnosedConductors()),
                                a.selfTest().map(t -> Integer.toString(t.missed())).orElse(""),
                                a.selfTest().map(t -> Integer.toString(t.falseAlarms())).orElse(""));
                    }).toList());
            files.add(pcm);
        }
        if (result.spiking().isPresent()) {
            SpikingResult s = result.spiking().get();
            Path spiking = dir.resolve(SPIKING);
            List<List<String>> rows = new ArrayList<>();
            double[] x = new double[s.steps().length];
            double[] y = new double[x.length];
            for (int c = 0; c < s.steps().length; c++) {
                rows.add(List.of(Integer.toString(s.steps()[c]), Csv.fraction(s.accuracy(c))));
                x[c] = s.steps()[c];
                y[c] = 100 * s.accuracy(c);
            }
            Csv.write(spiking, List.of("steps", "test_accuracy"), rows);
            files.add(spiking);
            XYChart chart = Charts.lineChart("Spiking network: test accuracy against time steps", "time steps",
                    "test accuracy (%)");
            Charts.curve(chart, "integrate-and-fire, current input, reset by subtraction", x, y, null);
            Charts.level(chart, "the same weights as a ReLU network: " + percent(result.annTestAccuracy()),
                    x[0], x[x.length - 1], 100 * result.annTestAccuracy(), Charts.REFERENCE);
            files.addAll(Charts.save(chart, dir, "spiking"));
        }
        return files;
    }

    /**
     * After every epoch of a {@code train}: run.properties with the spec and {@code status=running}, and
     * metrics.csv with the epochs so far, so that {@code --resume} finds them after a stop or a crash.
     */
    static void writeProgress(RunSpec spec, List<EpochMetrics> epochs, Path dir, String command) {
        Map<String, String> p = new LinkedHashMap<>(spec.describe());
        p.put("status", "running");
        p.put("epochs_done", Integer.toString(epochs.size()));
        p.put("command", command);
        writeProperties(dir.resolve(PROPERTIES), p);
        Csv.write(dir.resolve(METRICS), EpochMetrics.COLUMNS, epochs.stream().map(EpochMetrics::cells).toList());
    }

    /**
     * What a stopped run in {@code dir} recorded, for {@code --resume}: its metrics, after checking that
     * its run.properties describe {@code spec} (every key but the epoch count) and that its pool exists.
     *
     * @throws ExperimentException naming the file and the first setting that differs
     */
    static Trainer.Done readDone(Path dir, RunSpec spec) {
        Path props = dir.resolve(PROPERTIES);
        Path pool = dir.resolve("synapses.pcm");
        if (!Files.isRegularFile(props) || !Files.isRegularFile(pool) || !Files.isRegularFile(dir.resolve(METRICS))) {
            throw new ExperimentException(dir, "nothing to resume: expected " + PROPERTIES + ", " + METRICS
                    + " and synapses.pcm of an earlier train --out " + dir);
        }
        Properties stored = readProperties(props);
        for (var e : spec.describe().entrySet()) {
            if (e.getKey().equals("epochs")) {
                continue;
            }
            String found = stored.getProperty(e.getKey());
            if (!e.getValue().equals(found)) {
                throw new ExperimentException(props, "holds another run: " + e.getKey() + " is " + found
                        + ", this run's is " + e.getValue() + "; resume with the same options");
            }
        }
        Csv.Table t = Csv.read(dir.resolve(METRICS));
        List<EpochMetrics> epochs = new ArrayList<>();
        for (int r = 0; r < t.rows().size(); r++) {
            epochs.add(new EpochMetrics((int) t.number(r, "epoch"), t.number(r, "train_accuracy"),
                    t.number(r, "test_accuracy"), t.number(r, "seconds"), t.number(r, "train_loss"),
                    t.number(r, "test_loss")));
        }
        return new Trainer.Done(epochs, List.of());
    }

    private static List<Path> accuracyChart(RunResult result, Path dir) {
        RunSpec spec = result.spec();
        List<EpochMetrics> epochs = result.epochs();
        double[] x = epochs.stream().mapToDouble(EpochMetrics::epoch).toArray();
        XYChart chart = Charts.lineChart("MNIST " + spec.protocol() + ", " + label(spec) + ", seed " + spec.seed(),
                "epoch", "accuracy (%)");
        if (x.length > 0) {
            Charts.curve(chart, "train (measured during the epoch)", x,
                    epochs.stream().mapToDouble(e -> 100 * e.trainAccuracy()).toArray(), null);
            Charts.curve(chart, "test", x, epochs.stream().mapToDouble(e -> 100 * e.testAccuracy()).toArray(), null);
            double first = Math.min(1, x[0]);
            double last = Math.max(x[x.length - 1], 2);
            Charts.level(chart, "IBM 2014 hardware, 82.9 % test (reported, Burr et al. 2015)", first, last,
                    100 * References.IBM2014_HARDWARE_TEST_ACCURACY, Charts.REFERENCE);
            Charts.level(chart, "goal: 90 %", first, last, 100 * References.ACCURACY_GOAL, Charts.TARGET);
            double low = epochs.stream().mapToDouble(e -> Math.min(e.trainAccuracy(), e.testAccuracy())).min()
                    .orElse(0.8);
            Charts.yRange(chart, Math.max(0, Math.floor(Math.min(100 * low, 80) / 5) * 5), 100);
        }
        return Charts.save(chart, dir, "accuracy");
    }

    private static List<Path> telemetryCharts(RunResult result, Path dir) {
        Map<String, List<LayerTelemetry>> byLayer = new TreeMap<>();
        for (LayerTelemetry t : result.telemetry()) {
            byLayer.computeIfAbsent(t.layer(), k -> new ArrayList<>()).add(t);
        }
        XYChart snr = Charts.lineChart("Gradient signal-to-noise ratio per layer (" + label(result.spec()) + ")",
                "epoch", "|mean gradient| / |std gradient|");
        XYChart weights = Charts.lineChart("Weight standard deviation per layer (" + label(result.spec()) + ")",
                "epoch", "weight std");
        boolean positive = true;
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (var e : byLayer.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(LayerTelemetry::epoch).toArray();
            double[] s = e.getValue().stream().mapToDouble(LayerTelemetry::signalToNoise).toArray();
            for (double v : s) {
                positive &= v > 0 && Double.isFinite(v);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            Charts.curve(snr, e.getKey(), x, s, null);
            Charts.curve(weights, e.getKey(), x, e.getValue().stream().mapToDouble(LayerTelemetry::weightStd).toArray(),
                    null);
        }
        snr.getStyler().setYAxisLogarithmic(positive && max > 10 * min); // XChart labels only whole decades
        List<Path> files = new ArrayList<>(Charts.save(snr, dir, "telemetry"));
        files.addAll(Charts.save(weights, dir, "weights"));
        return files;
    }

    /** "pcm ibm2014", "float", "spiking aihwkit-pcm". */
    static String label(RunSpec spec) {
        return spec.synapse().usesDevice() ? spec.synapse() + " " + spec.device() : spec.synapse().label();
    }

    static String percent(double fraction) {
        return String.format(java.util.Locale.ROOT, "%.2f %%", 100 * fraction);
    }

    /** Writes ordered key=value lines (no timestamp, unlike {@link Properties#store}). */
    static Path writeProperties(Path file, Map<String, String> values) {
        StringBuilder b = new StringBuilder();
        for (var e : values.entrySet()) {
            b.append(e.getKey()).append('=').append(escape(e.getValue())).append('\n');
        }
        try {
            Files.writeString(file, b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private static String escape(String value) {
        StringBuilder b = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Reads a properties file written by {@link #writeProperties}. */
    static Properties readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new ExperimentException(file, "cannot read: " + e.getMessage());
        }
        return p;
    }
}
