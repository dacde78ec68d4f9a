package dev.engram.bench.compare;

import dev.engram.bench.store.StoreKind;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static dev.engram.bench.compare.Results.nanos;
import static dev.engram.bench.compare.Results.number;
import static dev.engram.bench.compare.Results.si;
import static dev.engram.bench.compare.Results.text;

/**
 * The results README of a comparison: machine, JVM, commands, then one table per question. Power-safe
 * results (durability {@code power}) are only ever put beside power-safe results; the other tables
 * name each row's durability. Every Engram row shows its fraction of its floor (its ops/s divided by the
 * floor's, measured in the same run, on the same directory), and in brackets the inverse: how many floor
 * operations one Engram operation costs.
 *
 * <p>Floors: a durable put in WALK or RUN against {@code floor-pmem-persist}, in CRAWL against
 * {@code floor-fdatasync}; a buffered put against {@code floor-mapped-store}; a get against
 * {@code floor-mapped-read}; a scan step against {@code floor-mapped-scan}; a YCSB mix against the
 * mix of those floors its operations would cost (reads, writes at the store's durability, a scan as one
 * random read plus 49.5 sequential ones, its mean length of 1-100 less one).
 */
final class CompareReport {

    /** The issue's targets. */
    static final double PUT_TARGET = 10;
    static final double PUT_FLOOR_ISSUE_TARGET = 5;
    static final double GET_TARGET = 1.5;
    static final double SCAN_TARGET = 1.0;
    static final double FLOOR_TARGET = 0.2;
    static final double MINUTES_TARGET = 20;
    /** Mean records of a YCSB E scan beyond its first: uniform 1..100 has mean 50.5. */
    static final double SCAN_FOLLOWERS = 49.5;

    private static final Set<String> ORDERED_ENGINES = Set.of("sorted", "btree", "lsm");

    private final ComparePlan plan;
    private final List<Map<String, Object>> results;
    private final StringBuilder md = new StringBuilder();
    private final List<String> engramFractions = new ArrayList<>();

    private CompareReport(ComparePlan plan, List<Map<String, Object>> results) {
        this.plan = plan;
        this.results = results;
    }

    static void write(Path file, ComparePlan plan, List<CompareCli.StepOutcome> outcomes,
                      List<Map<String, Object>> results, List<String> plots, Host before, Host after,
                      double totalSeconds) {
        CompareReport r = new CompareReport(plan, results);
        r.render(outcomes, plots, before, after, totalSeconds);
        try {
            Files.writeString(file, r.md.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    private void render(List<CompareCli.StepOutcome> outcomes, List<String> plots, Host before, Host after,
                        double totalSeconds) {
        line("# Engram and its peers" + (plan.quick() ? " (quick comparison)" : "") + ", "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS));
        line("");
        line("Written by `./engram bench compare" + (plan.quick() ? " --quick" : "") + "` (`dev.engram.bench.compare`). "
                + String.format(Locale.ROOT, "%,d keys of 16 B, values of 100 B, one thread; every measured phase "
                + "capped at %s s. The whole comparison took **%.1f minutes**.", plan.keys(), plan.seconds(),
                totalSeconds / 60));
        line("");
        line("**Read first.**");
        line("");
        line("- `durability` says what a put has survived when it returns: `power` (power loss: fsync, fdatasync "
                + "or a cache-line flush + fence), `process` (a crash of the process: the data is in a shared mapping "
                + "or the page cache), `none` (not even that: it is in the process's memory). Power-safe rows are only "
                + "compared with power-safe rows. On a memory-backed directory (tmpfs, `dax: emulated`) nothing "
                + "survives power loss: `power` names the protocol, which would survive on a persistent medium.");
        line("- `dax` is the medium of the directory: `emulated` (tmpfs: Engram's WALK uses libpmem flushes there), "
                + "`real` (MAP_SYNC succeeded: a DAX mount), `none` (page cache). Peers report the directory's "
                + "label; they never use MAP_SYNC or cache-line flushes.");
        line("- Each step is its own JVM (one store per JVM). Fills run on a fresh store each; the other workloads "
                + "of a step share one pre-filled store (`--one-store`, as db_bench and YCSB run), reads first "
                + "(`store_history` in each result lists what ran before).");
        line("- The machine is shared: load average " + before.loadAverage() + " at the start, "
                + after.loadAverage() + " at the end. `on CPU` is the measuring thread's CPU time over wall "
                + "time: below ~0.9 the thread was descheduled and ops/s understates the store; `ops per CPU-s` "
                + "divides the operations by the CPU time the thread got, which descheduling does not move (it "
                + "still counts time the store's own background threads took from it). The targets are judged "
                + "on ops/s, as the issue states them, with the per-CPU-second ratio beside.");
        line("");
        line("## Machine, JVM, stores");
        line("");
        line("| | |");
        line("|---|---|");
        line("| CPU | " + before.cpu() + " |");
        line("| memory | " + before.memory() + " |");
        line("| kernel | " + before.kernel() + " |");
        line("| source | " + before.source() + " (the class path was copied at the start, so every step ran the same build) |");
        line("| file systems | " + before.fileSystems() + " |");
        line("| pmem | " + before.libpmem() + " |");
        line("| JVM | " + before.jvm() + "; each step's flags: the launcher's (`--enable-native-access`, `-Xss4m`) "
                + "and the peers' (`--add-opens`/`--add-exports`, `-Dchronicle.analytics.disable=true`), default G1 |");
        line("| peers | LMDB 0.9.33 via lmdbjava 0.9.3; RocksDB via rocksdbjni 11.8.1; Chronicle Map 2026.1; MapDB 3.1.0; "
                + "H2 MVStore 2.4.240 |");
        line("");
        line("Each store's settings, as its results' `persistence` field states them:");
        line("");
        for (StoreKind k : plan.stores()) {
            for (String durable : List.of("process", "none", "power")) {
                Map<String, Object> r = Results.find(results, "store", k.id(), "durability", durable);
                if (r != null) {
                    line("- `" + k.id() + "` (" + durable + "): " + text(r, "persistence"));
                }
            }
        }
        line("");
        renderCommands(outcomes);
        line("## Results");
        line("");
        powerSafePut();
        fastPut();
        randomGet();
        scans();
        ycsb();
        others();
        ext4();
        floorsTable();
        targets(totalSeconds);
        if (!plots.isEmpty()) {
            line("## Plots");
            line("");
            for (String p : plots) {
                line("![" + p + "](plots/" + p + ")");
            }
            line("");
        }
        line("## Files");
        line("");
        line("- `results.json`: every result, one JSON object per line (fields: bench/README.md#result-fields).");
        line("- `console/STEP.txt`: each step's JVM output (the store's persistence line, the summary table).");
        line("- `plots/`: the PNG charts above (log scale).");
    }

    private void renderCommands(List<CompareCli.StepOutcome> outcomes) {
        line("## Commands");
        line("");
        line("```sh");
        line("./engram bench compare" + (plan.quick() ? " --quick" : ""));
        line("```");
        line("");
        line("ran these steps, each `./engram bench ARGS` in a JVM of its own (JSON to `results.json`):");
        line("");
        line("| step | s | status | arguments |");
        line("|---|---:|---|---|");
        for (CompareCli.StepOutcome o : outcomes) {
            List<String> args = new ArrayList<>(o.step().args());
            int json = args.indexOf("--json");
            if (json >= 0) {
                args.subList(json, json + 2).clear();
            }
            line(String.format(Locale.ROOT, "| %s | %.1f | %s | `%s` |", o.step().id(), o.seconds(),
                    o.exit() == 0 ? "ok" : o.exit() == -1 ? "**timed out**" : "**failed, exit " + o.exit() + "**",
                    String.join(" ", args)));
        }
        line("");
    }

    // ------------------------------------------------------------------------------------------ tables

    private boolean inMainDir(Map<String, Object> r) {
        return text(r, "dir").equals(plan.dir().toString());
    }

    private List<Map<String, Object>> rows(String workload, String durabilityOrNull, boolean mainDir) {
        List<Map<String, Object>> rows = new ArrayList<>(Results.all(results, "workload", workload));
        rows.removeIf(r -> mainDir != inMainDir(r));
        if (durabilityOrNull != null) {
            rows.removeIf(r -> !durabilityOrNull.equals(text(r, "durability")));
        }
        rows.sort(Comparator.comparing((Map<String, Object> r) -> !"engram".equals(text(r, "store")))
                .thenComparing(r -> -number(r, "ops_per_sec")));
        return rows;
    }

    /** A result of {@code --as-written}: the pre-filled store was not settled (no compaction in key order). */
    static boolean asWritten(Map<String, Object> r) {
        return Boolean.FALSE.equals(r.get("settled"));
    }

    /** The engine, and how the run differed from the store's default: as written, lane tails in the background. */
    private static String engineLabel(Map<String, Object> r) {
        return text(r, "engine") + (asWritten(r) ? " (as written)" : "") + (backgroundTails(r) ? " (tails in background)" : "");
    }

    /**
     * An Engram result with its lanes' tails committed in the background ({@code --lane-tails background}):
     * as power-safe, shown apart from the default's.
     */
    static boolean backgroundTails(Map<String, Object> r) {
        return "background".equals(text(r, "lane_tails"));
    }

    private static boolean isEngram(Map<String, Object> r) {
        return "engram".equals(text(r, "store"));
    }

    private static double onCpu(Map<String, Object> r) {
        return number(r, "cpu_workers_s") / number(r, "seconds") / number(r, "threads");
    }

    private static double best(List<Map<String, Object>> rows) {
        return rows.stream().filter(r -> !isEngram(r)).mapToDouble(r -> number(r, "ops_per_sec")).max().orElse(Double.NaN);
    }

    /** The best peer's operations per CPU-second (the peer may differ from the best by ops/s). */
    private static double bestPerCpu(List<Map<String, Object>> rows) {
        return rows.stream().filter(r -> !isEngram(r)).mapToDouble(CompareReport::perCpuSecond).max().orElse(Double.NaN);
    }

    private static String bestName(List<Map<String, Object>> rows) {
        return rows.stream().filter(r -> !isEngram(r)).max(Comparator.comparingDouble(r -> number(r, "ops_per_sec")))
                .map(r -> text(r, "store") + " " + text(r, "engine")).orElse("-");
    }

    /** The floor result an Engram result is judged against, or null. */
    private Map<String, Object> floorOf(Map<String, Object> r) {
        String label = inMainDir(r) ? "floors" : "floors-ext4";
        String workload = text(r, "workload");
        String floor = switch (workload) {
            case "fillrandom", "fillseq", "overwrite", "deleterandom" -> "power".equals(text(r, "durability"))
                    ? ("crawl".equals(text(r, "mode")) || !inMainDir(r) ? "floor-fdatasync" : "floor-pmem-persist")
                    : "floor-mapped-store";
            case "readrandom", "readmissing", "readwhilewriting" -> "floor-mapped-read";
            case "readseq" -> "floor-mapped-scan";
            default -> null;
        };
        return floor == null ? null : Results.find(results, "label", label, "store", floor);
    }

    /** ops/s of the floor mix a YCSB result's operations would cost, or NaN. */
    private double ycsbFloor(Map<String, Object> r) {
        String label = inMainDir(r) ? "floors" : "floors-ext4";
        double read = number(Results.find(results, "label", label, "store", "floor-mapped-read"), "ops_per_sec");
        double scan = number(Results.find(results, "label", label, "store", "floor-mapped-scan"), "ops_per_sec");
        String writeFloor = "power".equals(text(r, "durability")) ? "floor-pmem-persist" : "floor-mapped-store";
        double write = number(Results.find(results, "label", label, "store", writeFloor), "ops_per_sec");
        double ops = number(r, "ops");
        double nanos = number(r, "reads") * 1e9 / read
                + (number(r, "updates") + number(r, "inserts")) * 1e9 / write
                + number(r, "scans") * (1e9 / read + SCAN_FOLLOWERS * 1e9 / scan)
                + number(r, "read_modify_writes") * (1e9 / read + 1e9 / write);
        return ops / nanos * 1e9;
    }

    /** "0.069 (14.6x)": the fraction of the floor, and its inverse; records it for the targets. */
    private String ofFloor(Map<String, Object> r, double floorOps, String floorName) {
        if (!isEngram(r) || Double.isNaN(floorOps)) {
            return "";
        }
        double fraction = number(r, "ops_per_sec") / floorOps;
        String cell = String.format(Locale.ROOT, "%.3f (%.1fx) `%s`", fraction, 1 / fraction, floorName);
        engramFractions.add(String.format(Locale.ROOT, "%s %s %s %s %s: %.3f", text(r, "workload"), engineLabel(r),
                text(r, "mode"), text(r, "durability"), inMainDir(r) ? plan.dir() : text(r, "dir"), fraction)
                + (fraction >= FLOOR_TARGET ? "" : " **(more than 5x its floor)**"));
        return cell;
    }

    private String floorCell(Map<String, Object> r) {
        Map<String, Object> f = floorOf(r);
        if (f == null) {
            return "";
        }
        return ofFloor(r, number(f, "ops_per_sec"), text(f, "store"));
    }

    private static final String HEAD = "| store | engine | mode | durability | dax | ops/s | p50 ns | p99 ns | ops | on CPU | ops per CPU-s |";
    private static final String RULE = "|---|---|---|---|---|---:|---:|---:|---:|---:|---:|";

    private static String cells(Map<String, Object> r) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | **%s** | %s | %s | %s | %.2f | %s |", text(r, "store"),
                engineLabel(r), text(r, "mode"), text(r, "durability"),
                text(r, "dax"), si(number(r, "ops_per_sec")),
                nanos(number(r, "p50_ns")), nanos(number(r, "p99_ns")), si(number(r, "ops")), onCpu(r),
                si(perCpuSecond(r)));
    }

    /** Operations per CPU-second of the measuring threads: the figure that descheduling does not move. */
    private static double perCpuSecond(Map<String, Object> r) {
        return number(r, "ops") / number(r, "cpu_workers_s");
    }

    private void table(String title, String note, List<Map<String, Object>> rows, String vsColumn) {
        line("### " + title);
        line("");
        if (note != null) {
            line(note);
            line("");
        }
        if (rows.isEmpty()) {
            line("(no results)");
            line("");
            return;
        }
        double best = best(rows);
        line(HEAD + " " + vsColumn + " | Engram: of its floor |");
        line(RULE + "---:|---|");
        for (Map<String, Object> r : rows) {
            line(cells(r) + String.format(Locale.ROOT, " %.2f |", number(r, "ops_per_sec") / best) + " "
                    + floorCell(r) + " |");
        }
        line("");
        line("Best peer: " + bestName(rows) + ", " + si(best) + " ops/s.");
        line("");
    }

    private void powerSafePut() {
        List<Map<String, Object>> rows = rows("fillrandom", "power", true);
        String chronicle = plan.stores().contains(StoreKind.CHRONICLE)
                ? " Chronicle Map has no power-safe setting (it never syncs its mapped file) and is absent." : "";
        table("Power-safe put (`fillrandom --durable`), " + plan.dir(),
                "Every put durable when it returns, into an empty store." + chronicle, rows, "vs best power-safe peer");
    }

    private void fastPut() {
        List<Map<String, Object>> rows = rows("fillrandom", null, true);
        rows.removeIf(r -> "power".equals(text(r, "durability")));
        table("Put at each store's fastest setting (`fillrandom`), " + plan.dir(),
                "Not power-safe: compare with the `durability` column in view (`process` survives a crash of the "
                        + "process, `none` does not).", rows, "vs best peer");
    }

    private void randomGet() {
        table("Random get (`readrandom`), " + plan.dir(), "Every key present; the store pre-filled, then read in a "
                + "seeded random order.", rows("readrandom", null, true), "vs best peer");
    }

    private void scans() {
        List<Map<String, Object>> ordered = new ArrayList<>(rows("readseq", null, true));
        List<Map<String, Object>> unordered = new ArrayList<>(ordered);
        ordered.removeIf(r -> !ORDERED_ENGINES.contains(text(r, "engine")));
        unordered.removeIf(r -> ORDERED_ENGINES.contains(text(r, "engine")));
        table("Ordered scan (`readseq` on ordered engines), " + plan.dir(), "Every key and value through one cursor, "
                + "in key order.", ordered, "vs best peer");
        table("Unordered scan (`readseq` on hash engines), " + plan.dir(), "Every key and value, in the table's own "
                + "order: not comparable with ordered scans.", unordered, "vs best peer");
    }

    private void ycsb() {
        line("### YCSB A-F, " + plan.dir());
        line("");
        line("Zipfian keys (theta 0.99, scrambled; D: latest), one pre-filled store per step, run in the order C, B, "
                + "A, F, D, E. ops/s; for Engram, in brackets, the fraction of the floor mix the same operations would "
                + "cost. Each store at its fastest setting (durability in the row).");
        line("");
        List<String> names = List.of("ycsb-a", "ycsb-b", "ycsb-c", "ycsb-d", "ycsb-e", "ycsb-f");
        line("| store | engine | durability | A (50 % update) | B (5 % update) | C (read) | D (latest) | E (scan) | F (rmw) |");
        line("|---|---|---|---:|---:|---:|---:|---:|---:|");
        List<String> seen = new ArrayList<>();
        for (Map<String, Object> r : Results.all(results, "workload", "ycsb-c")) {
            seen.add(text(r, "label"));
        }
        for (Map<String, Object> r : Results.all(results, "workload", "ycsb-e")) {
            if (!seen.contains(text(r, "label"))) {
                seen.add(text(r, "label"));
            }
        }
        boolean any = false;
        for (String label : seen) {
            Map<String, Object> first = Results.find(results, "label", label);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s | %s |", text(first, "store"),
                    text(first, "engine"), text(first, "durability")));
            for (String w : names) {
                Map<String, Object> r = Results.find(results, "label", label, "workload", w);
                if (r == null) {
                    row.append(" |");
                    continue;
                }
                row.append(' ').append(si(number(r, "ops_per_sec")));
                if (isEngram(r)) {
                    double floor = ycsbFloor(r);
                    if (!Double.isNaN(floor)) {
                        double fraction = number(r, "ops_per_sec") / floor;
                        row.append(String.format(Locale.ROOT, " (%.2f)", fraction));
                        ofFloor(r, floor, "floor mix");
                    }
                }
                row.append(" |");
            }
            line(row.toString());
            any = true;
        }
        if (!any) {
            line("| (no results) | | | | | | | | |");
        }
        line("");
    }

    private void others() {
        List<String> names = List.of("fillseq", "overwrite", "readmissing", "readwhilewriting", "deleterandom");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String n : names) {
            rows.addAll(rows(n, null, true));
        }
        if (rows.isEmpty()) {
            return;
        }
        line("### Other db_bench workloads, " + plan.dir());
        line("");
        line("`readwhilewriting`: the readers' rate, with the writer's in brackets. `deleterandom` on RocksDB includes "
                + "a get per delete (RocksDB's delete does not say whether the key existed).");
        line("");
        line("| workload " + HEAD + " Engram: of its floor |");
        line("|---" + RULE + "---|");
        for (Map<String, Object> r : rows) {
            String cells = cells(r);
            if (!Double.isNaN(number(r, "writer_ops_per_sec"))) {
                cells = cells.replace("**" + si(number(r, "ops_per_sec")) + "**", "**" + si(number(r, "ops_per_sec"))
                        + "** (" + si(number(r, "writer_ops_per_sec")) + ")");
            }
            line("| " + text(r, "workload") + " " + cells + " " + floorCell(r) + " |");
        }
        line("");
    }

    private void ext4() {
        if (plan.ext4Dir() == null) {
            return;
        }
        List<Map<String, Object>> rows = rows("fillrandom", "power", false);
        Map<String, Object> f = Results.find(results, "label", "floors-ext4", "store", "floor-fdatasync");
        table("Power-safe put on ext4 (" + plan.ext4Dir() + ")", String.format(Locale.ROOT, "%,d keys; every put "
                        + "fsync'ed, msync'ed or fdatasync'ed. `floor-fdatasync` there: %s ops/s (a 128 B pwrite + "
                        + "fdatasync). Engram CRAWL and WALK (msync) are judged against it.", plan.ext4Keys(),
                si(number(f, "ops_per_sec"))), rows, "vs best power-safe peer");
    }

    private void floorsTable() {
        line("### Floors");
        line("");
        line("What the machine charges with no store, same harness (`./engram bench floors`): see bench/README.md#floors.");
        line("");
        line("| floor | dir | dax | ops/s | p50 ns | p99 ns | on CPU | ops per CPU-s |");
        line("|---|---|---|---:|---:|---:|---:|---:|");
        for (Map<String, Object> r : Results.all(results, "workload", "floors")) {
            line(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %.2f | %s |", text(r, "store"), text(r, "dir"),
                    text(r, "dax"), si(number(r, "ops_per_sec")), nanos(number(r, "p50_ns")), nanos(number(r, "p99_ns")),
                    onCpu(r), si(perCpuSecond(r))));
        }
        line("");
    }

    private void targets(double totalSeconds) {
        line("### The issue's targets, in this run");
        line("");
        line("| target | measured | |");
        line("|---|---|---|");
        List<Map<String, Object>> put = rows("fillrandom", "power", true);
        putTarget(put, false, String.format(Locale.ROOT, "Engram WALK power-safe put >= %.0fx the best power-safe "
                + "peer (KV issue floor: %.0fx)", PUT_TARGET, PUT_FLOOR_ISSUE_TARGET), "%s vs %s (%s)");
        putTarget(put, true, "the same with the lane tails committed in the background (`LaneTails.BACKGROUND`, as "
                + "power-safe)", "%s vs %s");
        List<Map<String, Object>> get = rows("readrandom", null, true);
        Map<String, Object> engramGet = get.stream().filter(CompareReport::isEngram).findFirst().orElse(null);
        if (engramGet != null) {
            double ratio = number(engramGet, "ops_per_sec") / best(get);
            line(String.format(Locale.ROOT, "| Engram random get >= %.1fx the best peer | %s (%s) vs %s (%s): **%.2fx** "
                            + "(per CPU-s: %.2fx) | %s |", GET_TARGET, si(number(engramGet, "ops_per_sec")),
                    text(engramGet, "engine"), si(best(get)), bestName(get), ratio,
                    perCpuSecond(engramGet) / bestPerCpu(get), verdict(ratio >= GET_TARGET, null)));
        }
        List<Map<String, Object>> scan = rows("readseq", null, true);
        scan.removeIf(r -> !ORDERED_ENGINES.contains(text(r, "engine")));
        Map<String, Object> engramScan = scan.stream().filter(r -> isEngram(r) && !asWritten(r)).findFirst().orElse(null);
        Map<String, Object> unsettled = scan.stream().filter(r -> isEngram(r) && asWritten(r)).findFirst().orElse(null);
        if (engramScan != null) {
            double ratio = number(engramScan, "ops_per_sec") / best(scan);
            String written = unsettled == null ? "" : String.format(Locale.ROOT, "; as written (no compaction in key "
                    + "order) %s: %.2fx", si(number(unsettled, "ops_per_sec")), number(unsettled, "ops_per_sec") / best(scan));
            line(String.format(Locale.ROOT, "| Engram sorted scan >= the best peer's ordered scan | %s vs %s (%s): "
                            + "**%.2fx** (per CPU-s: %.2fx)%s | %s |", si(number(engramScan, "ops_per_sec")), si(best(scan)),
                    bestName(scan), ratio, perCpuSecond(engramScan) / bestPerCpu(scan), written,
                    verdict(ratio >= SCAN_TARGET, null)));
        }
        line("| DL epoch read >= 5x one-file-per-sample | not part of this comparison: `./engram bench dl` | - |");
        long within = engramFractions.stream().filter(s -> !s.contains("more than 5x")).count();
        line(String.format(Locale.ROOT, "| Every Engram row within 5x of its floor (fraction >= %.1f) | %d of %d rows "
                + "(list below) | %s |", FLOOR_TARGET, within, engramFractions.size(),
                verdict(within == engramFractions.size() && within > 0, null)));
        double minutes = totalSeconds / 60;
        line(String.format(Locale.ROOT, "| The default comparison in <= %.0f minutes | %.1f minutes%s | %s |",
                MINUTES_TARGET, minutes, plan.quick() ? " (this was --quick)" : "",
                plan.quick() ? "not judged (quick)" : verdict(minutes <= MINUTES_TARGET, null)));
        line("");
        line("Engram rows and their fraction of their floor:");
        line("");
        for (String s : engramFractions) {
            line("- " + s);
        }
        line("");
    }

    /**
     * The power-safe put target's line for Engram's WALK hash row, the default's or ({@code background})
     * the one with its lane tails in the background; none when the run has no such row. {@code versus}
     * formats the row's and the best peer's rates (and the peer's name, if it has a third field).
     */
    private void putTarget(List<Map<String, Object>> put, boolean background, String target, String versus) {
        Map<String, Object> row = put.stream().filter(r -> isEngram(r) && "walk".equals(text(r, "mode"))
                && "hash".equals(text(r, "engine")) && backgroundTails(r) == background).findFirst().orElse(null);
        if (row == null) {
            return;
        }
        double bestPut = best(put);
        double ratio = number(row, "ops_per_sec") / bestPut;
        line(String.format(Locale.ROOT, "| %s | %s: **%.2fx** (per CPU-s: %.2fx) | %s |", target,
                String.format(Locale.ROOT, versus, si(number(row, "ops_per_sec")), si(bestPut), bestName(put)), ratio,
                perCpuSecond(row) / bestPerCpu(put),
                verdict(ratio >= PUT_TARGET, ratio >= PUT_FLOOR_ISSUE_TARGET ? "met the KV floor of 5x only" : null)));
    }

    private static String verdict(boolean met, String partial) {
        return met ? "met" : partial != null ? "missed (" + partial + ")" : "**missed**";
    }
}
