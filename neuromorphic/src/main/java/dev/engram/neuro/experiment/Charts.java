package dev.engram.neuro.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The experiments' plots, through XChart: one look for all of them, every chart saved twice, as a PNG
 * (small enough to commit) and as an SVG. Headless: {@code java.awt.headless} is set to true before
 * XChart touches AWT, so plotting works on a machine without a display.
 */
public final class Charts {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    public static final int WIDTH_PIXELS = 900;
    public static final int HEIGHT_PIXELS = 560;

    /** Grey for reported (not measured) reference figures. */
    static final Color REFERENCE = new Color(0x55, 0x55, 0x55);
    /** Dark red for targets. */
    static final Color TARGET = new Color(0xB0, 0x30, 0x30);

    private static final BasicStroke THIN_DASH = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
            10f, new float[] {6f, 4f}, 0f);

    private Charts() {
    }

    /** An empty line chart with the house style: white, grid, legend outside at the bottom. */
    public static XYChart lineChart(String title, String xTitle, String yTitle) {
        return lineChart(title, xTitle, yTitle, 0);
    }

    /**
     * {@link #lineChart(String, String, String)} made taller for a legend of {@code legendEntries} lines,
     * so that the plot keeps its size however many series the legend (below the plot) lists.
     */
    public static XYChart lineChart(String title, String xTitle, String yTitle, int legendEntries) {
        int height = Math.max(HEIGHT_PIXELS, 470 + 22 * legendEntries);
        XYChart chart = new XYChartBuilder().width(WIDTH_PIXELS).height(height).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        var styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(Color.GRAY);
        styler.setPlotGridLinesColor(new Color(0xDD, 0xDD, 0xDD));
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendBorderColor(Color.WHITE);
        styler.setLegendLayout(Styler.LegendLayout.Vertical);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setMarkerSize(6);
        styler.setErrorBarsColorSeriesColor(true);
        styler.setAntiAlias(true);
        return chart;
    }

    /** A measured curve: solid line with markers; {@code errors} may be null. */
    public static XYSeries curve(XYChart chart, String name, double[] x, double[] y, double[] errors) {
        XYSeries s = errors == null ? chart.addSeries(name, x, y) : chart.addSeries(name, x, y, errors);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        return s;
    }

    /** A reported or target level: a dashed horizontal line from {@code x0} to {@code x1}, no markers. */
    public static XYSeries level(XYChart chart, String name, double x0, double x1, double y, Color color) {
        XYSeries s = chart.addSeries(name, new double[] {x0, x1}, new double[] {y, y});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(THIN_DASH);
        s.setLineColor(color);
        return s;
    }

    /** A reference at one abscissa: a dashed vertical line from {@code y0} to {@code y1}, no markers. */
    public static XYSeries vertical(XYChart chart, String name, double x, double y0, double y1, Color color) {
        XYSeries s = chart.addSeries(name, new double[] {x, x}, new double[] {y0, y1});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(THIN_DASH);
        s.setLineColor(color);
        return s;
    }

    /** Isolated points (no line), e.g. annotated reference points. */
    public static XYSeries points(XYChart chart, String name, double[] x, double[] y, Color color) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setLineStyle(SeriesLines.NONE);
        s.setMarker(SeriesMarkers.DIAMOND);
        s.setMarkerColor(color);
        return s;
    }

    /** Fixes the y axis to [min, max]. */
    public static void yRange(XYChart chart, double min, double max) {
        chart.getStyler().setYAxisMin(min);
        chart.getStyler().setYAxisMax(max);
    }

    /**
     * Writes {@code dir/baseName.png} and {@code dir/baseName.svg}.
     *
     * @return the two files
     */
    public static List<Path> save(XYChart chart, Path dir, String baseName) {
        Path png = dir.resolve(baseName + ".png");
        Path svg = dir.resolve(baseName + ".svg");
        try {
            Files.createDirectories(dir);
            try (OutputStream out = Files.newOutputStream(png)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
            try (OutputStream out = Files.newOutputStream(svg)) {
                VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + " / " + svg, e);
        }
        return List.of(png, svg);
    }
}
