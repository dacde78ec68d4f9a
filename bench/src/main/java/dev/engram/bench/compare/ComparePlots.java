package dev.engram.bench.compare;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.engram.bench.compare.Results.number;
import static dev.engram.bench.compare.Results.text;

/**
 * The comparison's charts (XChart, PNG, headless): one bar chart per table of the README, ops/s on a
 * log scale (the stores span three orders of magnitude), each bar named store, engine and durability,
 * and the floor of the question as a grey bar where there is one. Missing values are null (XChart skips
 * them; a zero cannot sit on a log axis).
 */
final class ComparePlots {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final int WIDTH_PIXELS = 1000;
    private static final int HEIGHT_PIXELS = 560;
    private static final Color ENGRAM = new Color(0x1F, 0x5F, 0xA8);
    private static final Color PEER = new Color(0xE0, 0x8A, 0x1E);
    private static final Color FLOOR = new Color(0x88, 0x88, 0x88);
    private static final Set<String> ORDERED_ENGINES = Set.of("sorted", "btree", "lsm");

    private ComparePlots() {
    }

    /** Writes every chart that has data into {@code dir}; returns their file names. */
    static List<String> write(Path dir, List<Map<String, Object>> results, ComparePlan plan) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        List<String> written = new ArrayList<>();
        String main = plan.dir().toString();
        bars(dir, "power-safe-put.png", "Power-safe put (fillrandom --durable), " + main, written,
                select(results, "fillrandom", main, true, null), floor(results, "floors", "floor-pmem-persist"));
        bars(dir, "fastest-put.png", "Put at each store's fastest setting (fillrandom), " + main, written,
                select(results, "fillrandom", main, false, null), floor(results, "floors", "floor-mapped-store"));
        bars(dir, "random-get.png", "Random get (readrandom), " + main, written,
                select(results, "readrandom", main, null, null), floor(results, "floors", "floor-mapped-read"));
        bars(dir, "ordered-scan.png", "Ordered scan (readseq), " + main, written,
                select(results, "readseq", main, null, true), floor(results, "floors", "floor-mapped-scan"));
        if (plan.ext4Dir() != null) {
            bars(dir, "power-safe-put-ext4.png", "Power-safe put on ext4 (" + plan.ext4Dir() + ")", written,
                    select(results, "fillrandom", plan.ext4Dir().toString(), true, null),
                    floor(results, "floors-ext4", "floor-fdatasync"));
        }
        ycsb(dir, results, main, written);
        return written;
    }

    private static Map<String, Object> floor(List<Map<String, Object>> results, String label, String store) {
        return Results.find(results, "label", label, "store", store);
    }

    /** Results of one workload in one directory: power-safe only (true), never (false) or any (null). */
    private static List<Map<String, Object>> select(List<Map<String, Object>> results, String workload, String dir,
                                                    Boolean power, Boolean ordered) {
        List<Map<String, Object>> rows = new ArrayList<>(Results.all(results, "workload", workload, "dir", dir));
        if (power != null) {
            rows.removeIf(r -> power != "power".equals(text(r, "durability")));
        }
        if (ordered != null) {
            rows.removeIf(r -> ordered != ORDERED_ENGINES.contains(text(r, "engine")));
        }
        return rows;
    }

    private static String name(Map<String, Object> r) {
        String mode = text(r, "mode");
        return text(r, "store") + " " + text(r, "engine") + ("none".equals(mode) ? "" : " " + mode) + " ("
                + text(r, "durability") + (CompareReport.asWritten(r) ? ", as written" : "")
                + (CompareReport.backgroundTails(r) ? ", tails in background" : "") + ")";
    }

    private static CategoryChart chart(String title) {
        return chart(title, HEIGHT_PIXELS);
    }

    private static CategoryChart chart(String title, int height) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH_PIXELS).height(height).title(title)
                .yAxisTitle("operations per second (log scale)").build();
        var s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xDD, 0xDD, 0xDD));
        s.setYAxisLogarithmic(true);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setLegendBorderColor(Color.WHITE);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setXAxisLabelRotation(20);
        s.setOverlapped(true);
        s.setAntiAlias(true);
        return chart;
    }

    private static void bars(Path dir, String file, String title, List<String> written, List<Map<String, Object>> rows,
                             Map<String, Object> floor) {
        if (rows.isEmpty()) {
            return;
        }
        CategoryChart chart = chart(title);
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        List<Integer> colour = new ArrayList<>();            // 0 Engram, 1 peer, 2 floor
        for (Map<String, Object> r : rows) {
            names.add(name(r));
            values.add(number(r, "ops_per_sec"));
            colour.add("engram".equals(text(r, "store")) ? 0 : 1);
        }
        if (floor != null) {
            names.add(text(floor, "store"));
            values.add(number(floor, "ops_per_sec"));
            colour.add(2);
        }
        // Every series must cover every bar, and a log axis holds no zero: pad with the axis minimum, which
        // draws as no bar at all.
        double pad = axisMinimum(values);
        chart.getStyler().setYAxisMin(pad);
        String[] series = {"Engram", "peers", "floor (no store)"};
        Color[] colours = {ENGRAM, PEER, FLOOR};
        for (int c = 0; c < series.length; c++) {
            List<Double> ys = new ArrayList<>();
            boolean any = false;
            for (int i = 0; i < names.size(); i++) {
                boolean mine = colour.get(i) == c;
                any |= mine;
                ys.add(mine ? values.get(i) : pad);
            }
            if (any) {
                chart.addSeries(series[c], names, ys).setFillColor(colours[c]);
            }
        }
        save(chart, dir, file, written);
    }

    /** The power of ten at or below the smallest value: the log axis's bottom. */
    private static double axisMinimum(List<Double> values) {
        double min = values.stream().filter(v -> v != null && v > 0 && !Double.isNaN(v)).mapToDouble(Double::doubleValue).min().orElse(1);
        return Math.pow(10, Math.floor(Math.log10(min)));
    }

    private static void ycsb(Path dir, List<Map<String, Object>> results, String main, List<String> written) {
        List<String> workloads = List.of("ycsb-a", "ycsb-b", "ycsb-c", "ycsb-d", "ycsb-e", "ycsb-f");
        List<String> labels = new ArrayList<>();
        for (Map<String, Object> r : results) {
            if (text(r, "workload").startsWith("ycsb-") && main.equals(text(r, "dir")) && !labels.contains(text(r, "label"))) {
                labels.add(text(r, "label"));
            }
        }
        if (labels.isEmpty()) {
            return;
        }
        // A legend line per store, below the plot, so the plot keeps its size however many stores there are.
        CategoryChart chart = chart("YCSB A-F (zipfian 0.99), each store at its fastest setting, " + main,
                HEIGHT_PIXELS + 22 * labels.size());
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setXAxisLabelRotation(0);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        List<String> seriesNames = new ArrayList<>();
        List<List<Double>> seriesOps = new ArrayList<>();
        List<Double> all = new ArrayList<>();
        for (String label : labels) {
            List<Double> ops = new ArrayList<>();
            Map<String, Object> first = null;
            for (String w : workloads) {
                Map<String, Object> r = Results.find(results, "label", label, "workload", w);
                first = first == null ? r : first;
                ops.add(r == null ? Double.NaN : number(r, "ops_per_sec"));
            }
            all.addAll(ops);
            seriesNames.add(name(first));
            seriesOps.add(ops);
        }
        double pad = axisMinimum(all);                 // a workload a store did not run: no bar
        chart.getStyler().setYAxisMin(pad);
        for (int i = 0; i < seriesNames.size(); i++) {
            chart.addSeries(seriesNames.get(i), workloads, seriesOps.get(i).stream().map(v -> v.isNaN() ? pad : v).toList());
        }
        save(chart, dir, "ycsb.png", written);
    }

    private static void save(CategoryChart chart, Path dir, String file, List<String> written) {
        try {
            BitmapEncoder.saveBitmap(chart, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
            written.add(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(file) + ": " + e.getMessage(), e);
        }
    }
}
