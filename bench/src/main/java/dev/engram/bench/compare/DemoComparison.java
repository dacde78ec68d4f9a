package dev.engram.bench.compare;

import dev.engram.bench.store.StoreKind;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.engram.bench.compare.Results.number;
import static dev.engram.bench.compare.Results.si;
import static dev.engram.bench.compare.Results.text;

/**
 * The demo's one-minute comparison: every store on {@value #KEYS} keys, each in a JVM of its own, at its
 * power-safe setting where it has one: random puts (durable on return), random gets, a full scan; then
 * one table. A taste, not a benchmark: {@code ./engram bench compare} is the measured comparison.
 */
public final class DemoComparison {

    /** Keys per store: small enough for the whole table in about a minute on two cores. */
    static final long KEYS = 50_000;
    /** Cap of each measured phase, seconds. */
    static final String SECONDS = "1";

    /** One row: the store's label, the exit code of its JVM and its results. */
    public record Row(String label, int exit, List<Map<String, Object>> results) {
    }

    private DemoComparison() {
    }

    /**
     * Runs the comparison with its scratch files in {@code dir} and prints the table to {@code out};
     * returns every row, so the caller can check that each store answered every read correctly (exit 0).
     */
    public static List<Row> run(Path dir, PrintStream out) {
        Path json = dir.resolve("demo-comparison.json");
        List<Row> rows = new ArrayList<>();
        List<String[]> configs = new ArrayList<>();
        for (StoreKind k : StoreKind.values()) {
            configs.add(new String[]{k.id(), k.id(), k.supports(dev.engram.kv.EngineKind.HASH) ? "hash" : "sorted"});
            if (k == StoreKind.ENGRAM || k == StoreKind.MAPDB) {
                configs.add(new String[]{k.id() + " sorted", k.id(), "sorted"});
            }
        }
        for (String[] c : configs) {
            StoreKind kind = StoreKind.byId(c[1]);
            List<String> args = new ArrayList<>(List.of("fillrandom,readrandom,readseq", "--one-store", "--store", c[1],
                    "--engine", c[2], "--dir", dir.toString(), "--keys", Long.toString(KEYS), "--warmup-keys", "10000",
                    "--duration", SECONDS, "--json", json.toString(), "--label", c[0], "--no-progress"));
            if (kind.hasPowerSafeSetting()) {
                args.add("--durable");
            }
            Path log = dir.resolve("demo-comparison-" + c[0].replace(' ', '-') + ".txt");
            int exit = ChildJvm.run(ChildJvm.command("dev.engram.bench.workload.BenchCli", args), log.toFile(), 300);
            rows.add(new Row(c[0], exit, Results.all(Results.read(json), "label", c[0])));
            if (exit != 0) {
                out.println("   " + c[0] + " failed (exit " + exit + "): " + lastLine(log));
            }
        }
        out.printf(Locale.ROOT, "   %-16s %-8s %13s %13s %13s  %s%n", "store", "engine", "put/s", "get/s", "scan/s",
                "what a put has survived when it returns");
        for (Row r : rows) {
            Map<String, Object> put = Results.find(r.results(), "workload", "fillrandom");
            Map<String, Object> get = Results.find(r.results(), "workload", "readrandom");
            Map<String, Object> scan = Results.find(r.results(), "workload", "readseq");
            boolean ordered = List.of("sorted", "btree", "lsm").contains(text(scan, "engine"));
            out.printf(Locale.ROOT, "   %-16s %-8s %13s %13s %13s  %s%n", r.label(), text(put, "engine"),
                    si(number(put, "ops_per_sec")), si(number(get, "ops_per_sec")),
                    si(number(scan, "ops_per_sec")) + (scan == null ? "" : ordered ? " (o)" : " (u)"),
                    explain(text(put, "durability")));
        }
        out.printf(Locale.ROOT, "   (%,d keys of 16 B, 100 B values, one thread, one JVM per store, phases of at most "
                + "%s s; (o) ordered scan, (u) unordered; a taste only: ./engram bench compare measures)%n", KEYS, SECONDS);
        return rows;
    }

    private static String explain(String durability) {
        return switch (durability) {
            case "power" -> "power loss (flushed or fsync'ed)";
            case "process" -> "a process crash, not power loss (no power-safe setting)";
            case "none" -> "nothing yet";
            default -> durability;
        };
    }

    private static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "(no output)" : lines.getLast();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log + ": " + e.getMessage(), e);
        }
    }
}
