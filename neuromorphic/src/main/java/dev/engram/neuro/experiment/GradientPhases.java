package dev.engram.neuro.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;

/**
 * The two phases of SGD in a run's {@code gradients.csv} (Shwartz-Ziv and Tishby 2017): a "drift" phase
 * in which the mean gradient dominates its fluctuation across minibatches, then a "diffusion" phase in
 * which the fluctuation dominates. Measured over windows of a few minibatches, the ratio of the two norms
 * has a floor of {@code 1 / sqrt(window)} for pure noise, so the drift phase is where the ratio stands
 * clearly above that floor.
 *
 * <p>The transition is defined here, for every layer, as the end of the first window from which the ratio
 * stays below {@link #FLOOR_FACTOR} times the floor for {@link #CONFIRMING_WINDOWS} windows in a row, where
 * the mean gradient has become no larger than noise would make it: a simple, stated rule, so that runs can
 * be compared by it (not a claim that the transition is sharp). The ratio can fall below the floor:
 * successive minibatch gradients of SGD partly cancel (the weights step back and forth), which makes
 * their mean smaller than that of independent draws.
 */
public final class GradientPhases {

    /** A window counts as noise-dominated below this multiple of the noise floor. */
    public static final double FLOOR_FACTOR = 1.0;
    /** Consecutive noise-dominated windows that confirm the transition. */
    public static final int CONFIRMING_WINDOWS = 5;

    private GradientPhases() {
    }

    /** One layer's windows: end positions in epochs and signal-to-noise ratios. */
    public record Series(String layer, double[] position, double[] snr, double floor) {

        /** The epoch position of the drift-to-diffusion transition (see the class comment), NaN if none. */
        public double transition() {
            int run = 0;
            for (int i = 0; i < snr.length; i++) {
                run = snr[i] < FLOOR_FACTOR * floor ? run + 1 : 0;
                if (run == CONFIRMING_WINDOWS) {
                    return position[i - CONFIRMING_WINDOWS + 1];
                }
            }
            return Double.NaN;
        }

        /** The largest ratio of the first {@code windows} windows (how strong the drift phase started). */
        public double peak(int windows) {
            double max = 0;
            for (int i = 0; i < Math.min(windows, snr.length); i++) {
                max = Math.max(max, snr[i]);
            }
            return max;
        }
    }

    /** A run's gradients.csv, one series per layer, layers in file order. */
    public record Curves(Path file, List<Series> series) {
    }

    /** Reads a {@code gradients.csv} written by {@link RunFiles}. */
    public static Curves read(Path file) {
        Csv.Table t = Csv.read(file);
        Map<String, List<double[]>> rows = new LinkedHashMap<>();
        Map<String, Double> floors = new LinkedHashMap<>();
        for (int r = 0; r < t.rows().size(); r++) {
            String layer = t.get(r, "layer");
            rows.computeIfAbsent(layer, k -> new ArrayList<>()).add(new double[] {t.number(r, "epoch_position"),
                    t.number(r, "snr")});
            floors.putIfAbsent(layer, t.number(r, "noise_floor"));
        }
        List<Series> out = new ArrayList<>();
        for (var e : rows.entrySet()) {
            double[] x = e.getValue().stream().mapToDouble(v -> v[0]).toArray();
            double[] y = e.getValue().stream().mapToDouble(v -> v[1]).toArray();
            out.add(new Series(e.getKey(), x, y, floors.get(e.getKey())));
        }
        return new Curves(file, out);
    }

    /** The ratio per layer against epochs (logarithmic), with the noise floor. */
    static XYChart chart(String title, List<Series> series) {
        XYChart chart = Charts.lineChart(title, "epoch (log)", "|mean gradient| / |std gradient|", series.size() + 1);
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = 0;
        double floor = Double.NaN;
        for (Series s : series) {
            Charts.curve(chart, s.layer() + ": drift ends at epoch " + format(s.transition()), s.position(),
                    positive(s.snr()), null).setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            xMin = Math.min(xMin, s.position()[0]);
            xMax = Math.max(xMax, s.position()[s.position().length - 1]);
            floor = s.floor();
        }
        if (Double.isFinite(xMin) && !Double.isNaN(floor)) {
            Charts.level(chart, "noise floor 1/sqrt(window): the transition's threshold", xMin, xMax, floor,
                    Charts.REFERENCE);
        }
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(0.0);
        return chart;
    }

    /** A ratio that is not a number (a layer with no gradient at all) is drawn at 0. */
    private static double[] positive(double[] v) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Double.isFinite(out[i]) ? out[i] : 0;
        }
        return out;
    }

    static String format(double epoch) {
        return Double.isNaN(epoch) ? "— (never)" : String.format(java.util.Locale.ROOT, "%.2f", epoch);
    }
}
