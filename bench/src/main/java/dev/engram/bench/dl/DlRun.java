package dev.engram.bench.dl;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One run of the deep-learning I/O workload against one {@link Samples}: what training does to storage.
 *
 * <ol>
 *   <li><b>ingest</b>: the 70,000 MNIST records, in index order, with the cheapest write, then sealed
 *       (durable and settled); timed as a whole.</li>
 *   <li><b>verify</b>: one epoch reading every sample as a copy, compared byte for byte with the source
 *       (any difference fails the run); unmeasured, it also warms the JIT up, and one more unmeasured
 *       epoch warms the measured read path.</li>
 *   <li><b>epochs</b>: {@code epochs} full passes, each in a fresh seeded random order (a permutation of
 *       the 70,000 indices from stream {@code 100 + epoch} of the seed), reading every sample whole; every
 *       {@code checkpointEvery} samples a checkpoint of {@code checkpointMb} MiB is written, durable on
 *       return, and the previous one deleted. Read time and checkpoint time are clocked apart: the
 *       epoch's read rate excludes the checkpoints (and the deletes, which are not timed at all).</li>
 *   <li><b>checkpoint sweep</b>: {@code repeats} checkpoints of each size in {@code sweepMb}, each
 *       written, timed, then deleted.</li>
 * </ol>
 *
 * One read in {@value #SAMPLE_EVERY} is timed with two {@code System.nanoTime} calls for the latency
 * percentiles. The checkpoint's bytes are seeded random (incompressible, like trained weights).
 */
final class DlRun {

    /** One read in this many is timed. */
    static final int SAMPLE_EVERY = 16;
    /** Stream of the seed the epoch orders come from: this + epoch (0 and 1 are the unmeasured epochs). */
    static final int ORDER_STREAM = 100;

    /**
     * What to run.
     *
     * @param epochs          measured epochs
     * @param checkpointMb    MiB of each in-epoch checkpoint (0: none)
     * @param checkpointEvery samples between two in-epoch checkpoints
     * @param sweepMb         checkpoint sizes of the sweep, in MiB
     * @param repeats         checkpoints per sweep size
     * @param seed            seed of every order and of the checkpoint bytes
     */
    record Settings(int epochs, int checkpointMb, int checkpointEvery, List<Integer> sweepMb, int repeats, long seed) {
    }

    private DlRun() {
    }

    /** Runs everything; returns the results (one {@code dl-epoch}, then one {@code dl-checkpoint} per sweep size). */
    static List<Map<String, Object>> run(MnistRecords data, Samples samples, Path dir, Settings s, PrintStream log) {
        int n = MnistRecords.RECORDS;
        byte[] record = new byte[MnistRecords.RECORD_BYTES];
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            data.copyRecord(i, record);
            samples.ingest(i, record);
        }
        samples.sealIngest();
        double ingestSeconds = (System.nanoTime() - t0) / 1e9;
        log.printf(Locale.ROOT, "%s %s %s: ingested %,d records in %.2f s%n", samples.store(), samples.engine(),
                samples.mode(), n, ingestSeconds);

        verify(data, samples, permutation(n, s.seed(), ORDER_STREAM));
        long warm = 0;
        for (int index : permutation(n, s.seed(), ORDER_STREAM + 1)) {
            warm += samples.read(index);
        }
        if (warm != (long) n * MnistRecords.RECORD_BYTES) {
            throw new IllegalStateException("warm-up epoch read " + warm + " bytes, expected " + (long) n * MnistRecords.RECORD_BYTES);
        }

        int largest = Math.max(s.checkpointMb(), s.sweepMb().stream().mapToInt(Integer::intValue).max().orElse(0));
        byte[] blob = new byte[largest << 20];
        new SplittableRandom(s.seed()).nextBytes(blob);
        long checkpointId = 1;
        long live = -1;

        double[] readSeconds = new double[s.epochs()];
        double[] totalSeconds = new double[s.epochs()];
        double[] cpuOnRead = new double[s.epochs()];
        List<Double> checkpointMillis = new ArrayList<>();
        long[] latencies = new long[s.epochs() * (n / SAMPLE_EVERY + 1)];
        int sampled = 0;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int e = 0; e < s.epochs(); e++) {
            int[] order = permutation(n, s.seed(), ORDER_STREAM + 2 + e);
            long checkpointNanos = 0;
            long bytes = 0;
            long cpu0 = threads.getCurrentThreadCpuTime();
            long checkpointCpu = 0;
            long begin = System.nanoTime();
            for (int k = 0; k < n; k++) {
                if ((k & (SAMPLE_EVERY - 1)) == 0) {
                    long a = System.nanoTime();
                    bytes += samples.read(order[k]);
                    latencies[sampled++] = System.nanoTime() - a;
                } else {
                    bytes += samples.read(order[k]);
                }
                if (s.checkpointMb() > 0 && (k + 1) % s.checkpointEvery() == 0) {
                    long c0 = System.nanoTime();
                    long cc0 = threads.getCurrentThreadCpuTime();
                    samples.writeCheckpoint(checkpointId, blob, s.checkpointMb() << 20);
                    long c1 = System.nanoTime();
                    checkpointMillis.add((c1 - c0) / 1e6);
                    if (live >= 0) {
                        samples.deleteCheckpoint(live);
                    }
                    live = checkpointId++;
                    long c2 = System.nanoTime();
                    checkpointNanos += c2 - c0;                 // the write and the (untimed) delete
                    checkpointCpu += threads.getCurrentThreadCpuTime() - cc0;
                }
            }
            long end = System.nanoTime();
            if (bytes != (long) n * MnistRecords.RECORD_BYTES) {
                throw new IllegalStateException("epoch " + (e + 1) + " read " + bytes + " bytes, expected "
                        + (long) n * MnistRecords.RECORD_BYTES);
            }
            totalSeconds[e] = (end - begin) / 1e9;
            readSeconds[e] = (end - begin - checkpointNanos) / 1e9;
            cpuOnRead[e] = (threads.getCurrentThreadCpuTime() - cpu0 - checkpointCpu) / 1e9 / readSeconds[e];
            log.printf(Locale.ROOT, "  epoch %d: %.3f s reading (%,.0f samples/s, on CPU %.2f), %.3f s with checkpoints%n",
                    e + 1, readSeconds[e], n / readSeconds[e], cpuOnRead[e], totalSeconds[e]);
        }
        if (live >= 0) {
            samples.deleteCheckpoint(live);
        }
        long[] lat = Arrays.copyOf(latencies, sampled);
        Arrays.sort(lat);

        List<Map<String, Object>> results = new ArrayList<>();
        Map<String, Object> epoch = base("dl-epoch", samples, dir, s);
        double medianRead = median(readSeconds);
        epoch.put("ops_per_sec", n / medianRead);
        epoch.put("p50_ns", lat.length == 0 ? null : lat[lat.length / 2]);
        epoch.put("p99_ns", lat.length == 0 ? null : lat[(int) Math.min(lat.length - 1, Math.ceil(lat.length * 0.99) - 1)]);
        epoch.put("dax", samples.dax());
        epoch.put("records", n);
        epoch.put("record_bytes", MnistRecords.RECORD_BYTES);
        epoch.put("epochs", s.epochs());
        epoch.put("epoch_read_seconds", medianRead);
        epoch.put("epoch_read_seconds_all", Arrays.toString(readSeconds));
        epoch.put("mb_per_sec", (double) n * MnistRecords.RECORD_BYTES / medianRead / 1e6);
        epoch.put("epoch_seconds_with_checkpoints", median(totalSeconds));
        epoch.put("on_cpu", median(cpuOnRead));
        epoch.put("checkpoint_mb", s.checkpointMb());
        epoch.put("checkpoints_per_epoch", s.checkpointMb() > 0 ? n / s.checkpointEvery() : 0);
        epoch.put("checkpoint_ms", checkpointMillis.isEmpty() ? null
                : median(checkpointMillis.stream().mapToDouble(Double::doubleValue).toArray()));
        epoch.put("ingest_seconds", ingestSeconds);
        results.add(epoch);

        for (int mb : s.sweepMb()) {
            double[] ms = new double[s.repeats()];
            for (int r = 0; r < s.repeats(); r++) {
                long c0 = System.nanoTime();
                samples.writeCheckpoint(checkpointId, blob, mb << 20);
                ms[r] = (System.nanoTime() - c0) / 1e6;
                samples.deleteCheckpoint(checkpointId++);
            }
            double median = median(ms);
            Map<String, Object> c = base("dl-checkpoint", samples, dir, s);
            c.put("ops_per_sec", 1000 / median);
            c.put("p50_ns", (long) (median * 1e6));
            c.put("p99_ns", (long) (Arrays.stream(ms).max().orElse(median) * 1e6));
            c.put("dax", samples.dax());
            c.put("checkpoint_mb", mb);
            c.put("checkpoint_ms", median);
            c.put("checkpoint_ms_all", Arrays.toString(ms));
            c.put("mb_per_sec", mb * 1.048576 / (median / 1000));
            results.add(c);
            log.printf(Locale.ROOT, "  checkpoint %d MiB: %.2f ms median of %d (%.0f MB/s), durable (%s) on return%n",
                    mb, median, s.repeats(), mb * 1.048576 / (median / 1000), samples.checkpointDurability());
        }
        return results;
    }

    /** Reads every sample as a copy in {@code order} and compares it with the source; fails on any difference. */
    private static void verify(MnistRecords data, Samples samples, int[] order) {
        long sum = 0;
        for (int index : order) {
            byte[] v = samples.readCopy(index);
            if (!data.matches(index, v)) {
                throw new IllegalStateException(samples.store() + ": sample " + index + " read back "
                        + (v == null ? "absent" : v.length + " bytes that differ from") + " the MNIST record");
            }
            sum += MnistRecords.crc(v, 0);
        }
        if (sum != data.checksum()) {
            throw new IllegalStateException(samples.store() + ": the verification epoch's checksum " + sum
                    + " differs from the data's " + data.checksum());
        }
    }

    private static Map<String, Object> base(String workload, Samples samples, Path dir, Settings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workload", workload);
        m.put("store", samples.store());
        m.put("engine", samples.engine());
        m.put("mode", samples.mode());
        m.put("threads", 1);
        m.put("keys", MnistRecords.RECORDS);
        m.put("key_size", samples instanceof FileSamples ? 0 : StoreSamples.KEY_BYTES);
        m.put("value_size", MnistRecords.RECORD_BYTES);
        m.put("durability", samples.checkpointDurability());
        m.put("ops_per_sec", null);
        m.put("p50_ns", null);
        m.put("p99_ns", null);
        m.put("dax", null);
        m.put("seed", String.format("0x%x", s.seed()));
        m.put("dir", dir.toString());
        m.put("fs", fileSystem(dir));
        m.put("persistence", samples.persistence());
        m.put("jvm", Runtime.version().toString());
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return m;
    }

    private static String fileSystem(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** A seeded permutation of {@code [0, n)} (Fisher-Yates) from stream {@code stream} of {@code seed}. */
    static int[] permutation(int n, long seed, int stream) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed + 0x9E37_79B9_7F4A_7C15L * stream);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
