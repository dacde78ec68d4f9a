package dev.engram.bench.compare;

import dev.engram.bench.store.StoreKind;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The standard comparison: which runner invocations {@code bench compare} makes, each in a JVM of its own
 * and labelled with its step id (the {@code label} field of its results), so the report can find them.
 *
 * <ol>
 *   <li>{@code floors}: the floors in the main directory; {@code floors-ext4}: again on the ext4 directory.</li>
 *   <li>Per store: {@code STORE-durable}: {@code fillrandom --durable} (the power-safe setting; Chronicle Map
 *       has none); {@code STORE-fast}: the fastest setting, fills on fresh stores, then the read, YCSB and
 *       other db_bench workloads on one pre-filled store ({@code --one-store}), reads first;
 *       {@code STORE-sorted}: Engram's and MapDB's ordered engines, for ordered scans and YCSB E.</li>
 *   <li>Engram's other modes: RUN (fast tier + capacity file) and CRAWL (system calls), durable puts.</li>
 *   <li>{@code ext4-*}: power-safe puts on an ordinary disk file system, against {@code floor-fdatasync} there.</li>
 * </ol>
 *
 * The default measures 1 M keys (16 B keys, 100 B values, one thread) with every measured phase capped at
 * 6 s (warm-ups at 2 s); {@code --quick} 100 k keys, 2 s, fewer workloads.
 *
 * @param quick       the short plan
 * @param dir         the main directory (default /dev/shm)
 * @param ext4Dir     the ordinary-disk directory, or null to skip those steps
 * @param keys        keys per store
 * @param seconds     cap of every measured phase (and warm-up)
 * @param warmupKeys  keys of each JVM's warm-up trial
 * @param floorSeconds measured seconds per floor
 * @param ext4Keys    keys of the ext4 power-safe puts (each costs an fsync)
 * @param stores      the stores to compare
 */
record ComparePlan(boolean quick, Path dir, Path ext4Dir, long keys, double seconds, long warmupKeys,
                   double floorSeconds, long ext4Keys, List<StoreKind> stores) {

    /** One runner invocation: its id (also its results' label), what it is for, and the runner's arguments. */
    record Step(String id, String purpose, List<String> args) {
    }

    static ComparePlan standard(boolean quick, Path dir, Path ext4Dir, List<StoreKind> stores) {
        return quick
                ? new ComparePlan(true, dir, null, 100_000, 2, 20_000, 0.5, 0, stores)
                : new ComparePlan(false, dir, ext4Dir, 1_000_000, 6, 100_000, 2, 10_000, stores);
    }

    ComparePlan withKeys(long keys) {
        return new ComparePlan(quick, dir, ext4Dir, keys, seconds, Math.min(warmupKeys, keys), floorSeconds,
                Math.min(ext4Keys, keys), stores);
    }

    ComparePlan withSeconds(double seconds) {
        return new ComparePlan(quick, dir, ext4Dir, keys, seconds, warmupKeys, floorSeconds, ext4Keys, stores);
    }

    /** The fast-setting workloads of one store, in order: fills first (each on a fresh store), then one store. */
    List<String> fastWorkloads(StoreKind store) {
        boolean ordered = !store.supports(dev.engram.kv.EngineKind.HASH);
        List<String> w = new ArrayList<>();
        if (quick) {
            w.addAll(List.of("fillrandom", "readrandom", "readseq", "ycsb-c", "ycsb-a"));
            return w;
        }
        w.addAll(List.of("fillseq", "fillrandom", "readrandom", "readseq", "readmissing", "ycsb-c", "ycsb-b", "ycsb-a",
                "ycsb-f", "overwrite", "readwhilewriting", "ycsb-d"));
        if (ordered) {
            w.add("ycsb-e");
        }
        w.add("deleterandom");
        return w;
    }

    /** Every step, in the order they run. */
    List<Step> steps(Path json) {
        List<Step> steps = new ArrayList<>();
        steps.add(new Step("floors", "the floors in " + dir, args("floors", dir, keys, json, "floors",
                "--duration", num(floorSeconds))));
        for (StoreKind store : stores) {
            String s = store.id();
            if (store.hasPowerSafeSetting()) {
                steps.add(new Step(s + "-durable", s + ": put at its power-safe setting",
                        storeArgs("fillrandom", store, dir, keys, json, s + "-durable", "--durable")));
            }
            steps.add(new Step(s + "-fast", s + ": the workloads at its fastest setting",
                    storeArgs(String.join(",", fastWorkloads(store)), store, dir, keys, json, s + "-fast", "--one-store")));
            if (store.supports(dev.engram.kv.EngineKind.HASH) && store.supports(dev.engram.kv.EngineKind.SORTED)) {
                String workloads = quick ? (store == StoreKind.ENGRAM ? "readrandom,readseq" : "readseq")
                        : "readrandom,readseq,ycsb-e";
                steps.add(new Step(s + "-sorted", s + ": the ordered engine",
                        storeArgs(workloads, store, dir, keys, json, s + "-sorted", "--engine", "sorted", "--one-store")));
            }
        }
        if (!quick && stores.contains(StoreKind.ENGRAM)) {
            steps.add(new Step("engram-sorted-as-written", "engram: ordered scan of the store as the random fill left it",
                    storeArgs("readseq", StoreKind.ENGRAM, dir, keys, json, "engram-sorted-as-written", "--engine",
                            "sorted", "--one-store", "--as-written")));
            steps.add(new Step("engram-durable-background-tails", "engram: power-safe put, lane tails in the background",
                    storeArgs("fillrandom", StoreKind.ENGRAM, dir, keys, json, "engram-durable-background-tails",
                            "--durable", "--lane-tails", "background")));
            steps.add(new Step("engram-sorted-durable", "engram: power-safe put, ordered engine",
                    storeArgs("fillrandom", StoreKind.ENGRAM, dir, keys, json, "engram-sorted-durable",
                            "--engine", "sorted", "--durable")));
            steps.add(new Step("engram-run-durable", "engram RUN (fast tier + capacity file): power-safe put",
                    storeArgs("fillrandom", StoreKind.ENGRAM, dir, keys, json, "engram-run-durable", "--mode", "run",
                            "--durable")));
            steps.add(new Step("engram-run-fast", "engram RUN: buffered put and random get",
                    storeArgs("fillrandom,readrandom", StoreKind.ENGRAM, dir, keys, json, "engram-run-fast", "--mode",
                            "run", "--one-store")));
            // The same key count as every other row here: with the ext4 count (10 k) the measured phase
            // lasted ~65 ms, inside the JIT's warm-up (at most 10 k warm-up keys), and the row measured a
            // cold JVM (126-133 k/s against 154-174 k/s with 1 M keys, the same hour).
            steps.add(new Step("engram-crawl-durable", "engram CRAWL (pwrite + fdatasync): power-safe put",
                    storeArgs("fillrandom", StoreKind.ENGRAM, dir, keys, json, "engram-crawl-durable",
                            "--mode", "crawl", "--durable")));
        }
        if (ext4Dir != null) {
            steps.add(new Step("floors-ext4", "the floors in " + ext4Dir, args("floors", ext4Dir, ext4Keys, json,
                    "floors-ext4", "--duration", num(floorSeconds))));
            for (StoreKind store : stores) {
                if (!store.hasPowerSafeSetting()) {
                    continue;
                }
                if (store == StoreKind.ENGRAM) {
                    steps.add(new Step("ext4-engram-crawl-durable", "engram CRAWL on ext4: power-safe put",
                            storeArgs("fillrandom", store, ext4Dir, ext4Keys, json, "ext4-engram-crawl-durable",
                                    "--mode", "crawl", "--durable")));
                    steps.add(new Step("ext4-engram-walk-durable", "engram WALK on ext4 (msync): power-safe put",
                            storeArgs("fillrandom", store, ext4Dir, ext4Keys, json, "ext4-engram-walk-durable",
                                    "--durable")));
                } else {
                    steps.add(new Step("ext4-" + store.id() + "-durable", store.id() + " on ext4: power-safe put",
                            storeArgs("fillrandom", store, ext4Dir, ext4Keys, json, "ext4-" + store.id() + "-durable",
                                    "--durable")));
                }
            }
        }
        return steps;
    }

    private List<String> storeArgs(String workloads, StoreKind store, Path where, long keyCount, Path json, String label,
                                   String... extra) {
        List<String> a = args(workloads, where, keyCount, json, label, extra);
        a.addAll(List.of("--store", store.id(), "--duration", num(seconds),
                "--warmup-keys", Long.toString(Math.min(warmupKeys, keyCount))));
        return a;
    }

    private static List<String> args(String workloads, Path where, long keyCount, Path json, String label,
                                     String... extra) {
        List<String> a = new ArrayList<>(List.of(workloads, "--dir", where.toString(), "--keys", Long.toString(keyCount),
                "--key-size", "16", "--value-size", "100", "--threads", "1", "--json", json.toString(),
                "--label", label, "--no-progress"));
        a.addAll(List.of(extra));
        return a;
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
