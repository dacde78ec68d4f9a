package dev.engram.neuro.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The experiments' CSV files: a header line, then one line per row, comma-separated, UTF-8, '\n' line
 * ends, no quoting (no cell the experiments write holds a comma, a quote or a line break; {@link #write}
 * refuses one that does). Numbers are written with {@link Locale#ROOT}, accuracies as fractions.
 */
public final class Csv {

    private Csv() {
    }

    /** A CSV file read back: its header and its rows, each as long as the header. */
    public record Table(Path file, List<String> header, List<List<String>> rows) {

        /** The index of column {@code name}. */
        public int column(String name) {
            int c = header.indexOf(name);
            if (c < 0) {
                throw new ExperimentException(file, "no column '" + name + "': the header is " + header);
            }
            return c;
        }

        /** Cell {@code name} of row {@code r}. */
        public String get(int r, String name) {
            return rows.get(r).get(column(name));
        }

        /** Cell {@code name} of row {@code r} as a number. */
        public double number(int r, String name) {
            String cell = get(r, name);
            try {
                return Double.parseDouble(cell);
            } catch (NumberFormatException e) {
                throw new ExperimentException(file, "line " + (r + 2) + ", column '" + name + "': found '" + cell
                        + "', expected a number");
            }
        }
    }

    /** Writes {@code header} and {@code rows} to {@code file}, replacing it. */
    public static void write(Path file, List<String> header, List<List<String>> rows) {
        StringBuilder b = new StringBuilder();
        line(b, file, header, header.size());
        for (List<String> row : rows) {
            line(b, file, row, header.size());
        }
        try {
            Files.writeString(file, b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void line(StringBuilder b, Path file, List<String> cells, int width) {
        if (cells.size() != width) {
            throw new IllegalArgumentException(file + ": a row of " + cells.size() + " cells " + cells
                    + ", the header has " + width);
        }
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            if (cell.indexOf(',') >= 0 || cell.indexOf('"') >= 0 || cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0) {
                throw new IllegalArgumentException(file + ": cell '" + cell + "' holds a comma, quote or line break");
            }
            b.append(c == 0 ? "" : ",").append(cell);
        }
        b.append('\n');
    }

    /** Reads {@code file}; every row must have as many cells as the header. */
    public static Table read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ExperimentException(file, "cannot read: " + e.getMessage());
        }
        if (lines.isEmpty()) {
            throw new ExperimentException(file, "empty: expected a header line");
        }
        List<String> header = List.of(lines.getFirst().split(",", -1));
        List<List<String>> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isEmpty()) {
                continue;
            }
            List<String> row = List.of(lines.get(i).split(",", -1));
            if (row.size() != header.size()) {
                throw new ExperimentException(file, "line " + (i + 1) + ": found " + row.size() + " cells, expected "
                        + header.size() + " (the header's)");
            }
            rows.add(row);
        }
        return new Table(file, header, rows);
    }

    /** An accuracy (0..1) with six decimals: 0.829000. */
    static String fraction(double value) {
        return String.format(Locale.ROOT, "%.6f", value);
    }

    /** Seconds with three decimals. */
    static String seconds(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    /** Any other number, shortest exact form; NaN as "NaN". */
    static String number(double value) {
        return Double.isNaN(value) ? "NaN" : Double.toString(value);
    }
}
