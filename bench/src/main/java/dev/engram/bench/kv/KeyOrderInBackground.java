package dev.engram.bench.kv;

import dev.engram.bench.WorkFiles;
import dev.engram.bench.workload.BenchCli;
import dev.engram.kv.Durability;
import dev.engram.kv.EngineKind;
import dev.engram.kv.KvCursor;
import dev.engram.kv.KvOptions;
import dev.engram.kv.KvStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the sorted engine's background pass in key order ({@link KvOptions#autoKeyOrder}) does for an
 * ordered scan, and what it costs, in one JVM: two stores filled alike (16 B keys in a scattered order,
 * buffered, one sync), one with the policy off and one with it on.
 * <ol>
 *   <li>off: the fill's rate; full ordered scans of the log as written; the explicit {@link
 *       KvStore#compactInKeyOrder()} (log and skip list) and scans after it;</li>
 *   <li>on: the fill's rate (the policy must not slow a load); the time from the last write until the
 *       background pass has ended; random gets by one thread meanwhile, per 100 ms, before the pass
 *       starts and while it runs; scans after it.</li>
 * </ol>
 * Each scan reads every key and value once through a cursor; the median of {@code --scans} is printed.
 * Run it in several JVMs, alternating {@code --on-first}, and compare within each (the machine and the
 * JVM vary from run to run).
 */
@Command(name = "key-order", mixinStandardHelpOptions = true,
        description = "Scans of a randomly filled sorted store: as written, after the explicit pass, after the background pass.")
public final class KeyOrderInBackground implements Callable<Integer> {

    @Option(names = "--keys", description = "Keys in each store (k/M suffixes). Default: 1M.", converter = BenchCli.CountConverter.class)
    long keys = 1_000_000;

    @Option(names = "--value-size", description = "Bytes per value. Default: 100.")
    int valueBytes = 100;

    @Option(names = "--dir", description = "Where the pools are made (and deleted). Default: /dev/shm.")
    Path dir = Path.of("/dev/shm");

    @Option(names = "--scans", description = "Full scans per measurement (median printed). Default: 5.")
    int scans = 5;

    @Option(names = "--on-first", description = "Measure the store with the policy on first (the JIT warms up"
            + " on whichever comes first: alternate between runs).")
    boolean onFirst;

    public static void main(String[] args) {
        System.exit(new CommandLine(new KeyOrderInBackground()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory(dir, "engram-key-order-");
        try {
            if (onFirst) {
                withThePolicyOn(work);
                withThePolicyOff(work);
            } else {
                withThePolicyOff(work);
                withThePolicyOn(work);
            }
            return 0;
        } finally {
            WorkFiles.deleteTree(work);
        }
    }

    private void withThePolicyOff(Path work) throws Exception {
        try (KvStore kv = KvStore.create(options(work.resolve("off"), false))) {
            double fill = fill(kv);
            double asWritten = medianScan(kv);
            long t0 = System.nanoTime();
            kv.compactInKeyOrder();
            double explicitSeconds = (System.nanoTime() - t0) / 1e9;
            double explicit = medianScan(kv);
            System.out.printf(Locale.ROOT, "off: fill %.3f M puts/s; scan as written %.3f M keys/s; explicit pass"
                    + " %.2f s, then scan %.3f M keys/s%n", fill / 1e6, asWritten / 1e6, explicitSeconds, explicit / 1e6);
        }
    }

    private void withThePolicyOn(Path work) throws Exception {
        try (KvStore kv = KvStore.create(options(work.resolve("on"), true))) {
            double fill = fill(kv);
            long lastWrite = System.nanoTime();
            GetsMeanwhile gets = new GetsMeanwhile(kv);
            Thread reader = new Thread(gets, "gets");
            reader.start();
            long deadline = lastWrite + 300_000_000_000L;
            while (kv.stats().keyOrderPasses() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            double untilDone = (System.nanoTime() - lastWrite) / 1e9;
            gets.stop.set(true);
            reader.join();
            if (kv.stats().keyOrderPasses() == 0) {
                throw new IllegalStateException("no background pass within 300 s of the last write");
            }
            double background = medianScan(kv);
            System.out.printf(Locale.ROOT, "on: fill %.3f M puts/s; background pass done %.2f s after the last"
                    + " write; gets/s per 100 ms in the first 0.9 s (before it) median %.3f M, in the pass's last"
                    + " %.1f s median %.3f M min %.3f M; then scan %.3f M keys/s%n", fill / 1e6, untilDone,
                    gets.medianBefore() / 1e6, Math.max(0, untilDone - 1.1), gets.medianDuring(untilDone) / 1e6,
                    gets.minDuring(untilDone) / 1e6, background / 1e6);
        }
    }

    private KvOptions options(Path pool, boolean autoKeyOrder) {
        return new KvOptions(pool).engine(EngineKind.SORTED).durability(Durability.BUFFERED).expectedKeys(keys)
                .size(keys * (48 + valueBytes) + (64L << 20)).autoKeyOrder(autoKeyOrder);
    }

    /** Puts every key once in the scattered order and syncs; returns puts per second. */
    private double fill(KvStore kv) {
        byte[] value = new byte[valueBytes];
        long t0 = System.nanoTime();
        for (long i = 0; i < keys; i++) {
            kv.put(ReopenTime.key(i), value);
        }
        kv.sync();
        return keys / ((System.nanoTime() - t0) / 1e9);
    }

    /**
     * The median over {@code --scans} full ordered scans, keys per second; each must see every key. The
     * garbage before (a fill's, a replaced skip list) is collected first, unmeasured, as the bench runner
     * does after a pre-fill.
     */
    private double medianScan(KvStore kv) {
        System.gc();
        double[] rates = new double[scans];
        for (int s = 0; s < scans; s++) {
            long n = 0;
            long bytes = 0;
            long t0 = System.nanoTime();
            try (KvCursor c = kv.cursor()) {
                while (c.next()) {
                    bytes += c.value().length;
                    n++;
                }
            }
            rates[s] = n / ((System.nanoTime() - t0) / 1e9);
            if (n != keys || bytes != n * valueBytes) {
                throw new IllegalStateException("a scan saw " + n + " keys and " + bytes + " value bytes, expected " + keys);
            }
        }
        Arrays.sort(rates);
        return rates[scans / 2];
    }

    /** One thread's random gets, counted per 100 ms window from the last write on. */
    private final class GetsMeanwhile implements Runnable {
        private final KvStore kv;
        final AtomicBoolean stop = new AtomicBoolean();
        final long[] perWindow = new long[3000];
        final long start = System.nanoTime();

        GetsMeanwhile(KvStore kv) {
            this.kv = kv;
        }

        @Override
        public void run() {
            SplittableRandom random = new SplittableRandom(7);
            while (!stop.get()) {
                int window = (int) ((System.nanoTime() - start) / 100_000_000L);
                if (window >= perWindow.length) {
                    return;
                }
                for (int i = 0; i < 256; i++) {
                    if (kv.get(ReopenTime.key(random.nextLong(keys))) == null) {
                        throw new IllegalStateException("a key written by the fill is missing");
                    }
                }
                perWindow[window] += 256;
            }
        }

        /** Gets per second, median over the windows in the first 0.9 s (the pass waits for 1 s of quiet). */
        double medianBefore() {
            return medianRate(0, 9);
        }

        /** Gets per second, median over the windows from 1.1 s to the pass's end (it has started by then). */
        double medianDuring(double untilDone) {
            return medianRate(11, (int) (untilDone * 10) - 1);
        }

        double minDuring(double untilDone) {
            int to = (int) (untilDone * 10) - 1;
            return to <= 11 ? Double.NaN : Arrays.stream(perWindow, 11, to).min().orElse(0) * 10.0;
        }

        private double medianRate(int from, int to) {
            if (to <= from) {
                return Double.NaN;
            }
            long[] w = Arrays.copyOfRange(perWindow, from, to);
            Arrays.sort(w);
            return w[w.length / 2] * 10.0;
        }
    }
}
