package dev.engram.bench.workload;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The table printed on stdout after the last result: one row per result, fixed-width columns. */
final class SummaryTable {

    private static final String[] HEADINGS = {"workload", "store", "engine", "mode", "thr", "durability", "dax",
            "ops", "ops/s", "p50 ns", "p99 ns", "p99.9 ns", "found"};
    private static final String ROW = "%-16s %-19s %-6s %-5s %3s %-10s %-8s %10s %9s %8s %8s %9s %9s%n";

    private SummaryTable() {
    }

    static void print(List<Result> results, PrintStream out) {
        out.printf(Locale.ROOT, ROW, (Object[]) HEADINGS);
        for (Result r : results) {
            out.printf(Locale.ROOT, ROW, r.text("workload"), r.text("store"), r.text("engine"), r.text("mode"),
                    r.text("threads"), r.text("durability"), r.text("dax"), r.text("ops"),
                    si(r.number("ops_per_sec")), r.text("p50_ns"), r.text("p99_ns"), r.text("p999_ns"),
                    r.get("found") == null ? "" : r.text("found"));
        }
    }

    /** 1234567 as "1.23 M": three significant digits and an SI prefix. */
    static String si(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "-";
        }
        double a = Math.abs(value);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.3g G", value / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.3g M", value / 1e6);
        }
        if (a >= 1e3) {
            return String.format(Locale.ROOT, "%.3g k", value / 1e3);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }
}
