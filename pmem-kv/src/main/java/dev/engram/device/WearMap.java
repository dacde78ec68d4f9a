package dev.engram.device;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * A snapshot of how many media writes each line of a {@link DeviceRegion} took, and which lines are
 * dead, with its two exports: a CSV table and a heat-map PNG.
 *
 * <p>Line {@code i} covers bytes {@code [i * lineBytes, (i + 1) * lineBytes)}. What counts as one media
 * write is set out in {@link DeviceRegion} ("Wear").
 */
public final class WearMap {

    /** Heat maps taller than this aggregate several lines per pixel (the hottest wins). */
    public static final int MAX_HEATMAP_HEIGHT = 8192;
    /** The largest accepted heat-map width in pixels. */
    public static final int MAX_HEATMAP_WIDTH = 16384;
    /** The colour of a dead line in the heat map: blue, outside the black-red-yellow-white scale. */
    public static final int DEAD_LINE_RGB = 0x2060FF;

    private final int lineBytes;
    private final long[] writes;
    private final BitSet dead;

    WearMap(int lineBytes, long[] writes, BitSet dead) {
        this.lineBytes = lineBytes;
        this.writes = writes;
        this.dead = dead;
    }

    public int lineBytes() {
        return lineBytes;
    }

    public int lineCount() {
        return writes.length;
    }

    /** Media writes line {@code line} took. */
    public long writes(int line) {
        return writes[line];
    }

    /** Media writes taken by the line that holds byte {@code offset}. */
    public long writesAt(long offset) {
        return writes[Math.toIntExact(offset / lineBytes)];
    }

    public boolean isDead(int line) {
        return dead.get(line);
    }

    public long totalWrites() {
        long sum = 0;
        for (long w : writes) {
            sum += w;
        }
        return sum;
    }

    public long maxWrites() {
        long max = 0;
        for (long w : writes) {
            max = Math.max(max, w);
        }
        return max;
    }

    /** A copy of the per-line counts. */
    public long[] toArray() {
        return writes.clone();
    }

    /**
     * Writes {@code line_index,offset,writes} with a header row, one row per line in offset order,
     * replacing {@code file}.
     */
    public void writeCsv(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            out.write("line_index,offset,writes\n");
            StringBuilder row = new StringBuilder(48);
            for (int i = 0; i < writes.length; i++) {
                row.setLength(0);
                row.append(i).append(',').append((long) i * lineBytes).append(',').append(writes[i]).append('\n');
                out.append(row);
            }
        }
    }

    /**
     * Writes a heat map of the lines as a PNG, replacing {@code file}: {@code width} pixels per row in
     * offset order, left to right then top to bottom, one pixel per line (or per group of lines when the
     * image would be taller than {@link #MAX_HEATMAP_HEIGHT}; a group shows its hottest line). Colour is
     * the line's writes on a logarithmic scale up to the hottest line: black (never written) through
     * red and yellow to white; dead lines are {@link #DEAD_LINE_RGB}; pixels past the last line are black.
     *
     * @return the number of lines each pixel stands for
     */
    public int writeHeatmapPng(Path file, int width) throws IOException {
        if (width < 1 || width > MAX_HEATMAP_WIDTH) {
            throw new IllegalArgumentException("heat map width is " + width + ", expected 1 to " + MAX_HEATMAP_WIDTH);
        }
        int lines = Math.max(1, writes.length);
        long perPixelLong = Math.max(1, ceilDiv(lines, (long) width * MAX_HEATMAP_HEIGHT));
        int linesPerPixel = (int) perPixelLong;
        int pixels = (int) ceilDiv(lines, linesPerPixel);
        int height = (int) ceilDiv(pixels, width);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        double logMax = Math.log1p(maxWrites());
        for (int p = 0; p < pixels; p++) {
            int first = p * linesPerPixel;
            int last = Math.min(writes.length, first + linesPerPixel);
            long hottest = 0;
            boolean anyDead = false;
            for (int i = first; i < last; i++) {
                hottest = Math.max(hottest, writes[i]);
                anyDead |= dead.get(i);
            }
            int rgb = anyDead ? DEAD_LINE_RGB : heat(logMax == 0 ? 0 : Math.log1p(hottest) / logMax);
            image.setRGB(p % width, p / width, rgb);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK's ImageIO");
        }
        return linesPerPixel;
    }

    /** Black (0) to red to yellow to white (1). */
    static int heat(double t) {
        int r = channel(3 * t);
        int g = channel(3 * t - 1);
        int b = channel(3 * t - 2);
        return (r << 16) | (g << 8) | b;
    }

    private static int channel(double x) {
        return (int) Math.round(255 * Math.max(0, Math.min(1, x)));
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
