package dev.engram.bench.kv;

import dev.engram.bench.WorkFiles;
import dev.engram.bench.workload.BenchCli;
import dev.engram.bench.workload.LatencyHistogram;
import dev.engram.kv.Durability;
import dev.engram.kv.EngineKind;
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

/**
 * Question: what does the sorted engine's background pass in key order ({@link KvOptions#autoKeyOrder})
 * cost a writer that never stops? Under a steady stream of overwrites the store is never quiet, so a
 * pass starts each time users have written {@code 4x} the live log (the cleaner's busy rule) and runs
 * while the writer writes; the pass holds one key's stripe lock at a time, so a put waits while a key of
 * its stripe is copied.
 *
 * <p>In one JVM, two stores filled alike ({@code --keys} 16 B keys in a scattered order, one sync), one
 * with the policy off and one with it on; then one thread overwrites random keys for {@code --seconds},
 * timing every put. Printed per store: puts per second, the latency percentiles, the passes that ran,
 * and the put rate per 100 ms window (median and slowest), so the windows a pass shared show. Run it in
 * several JVMs, alternating {@code --on-first}, and compare within each.
 */
@Command(name = "overwrites-beside-key-order", mixinStandardHelpOptions = true,
        description = "One thread's overwrites on a sorted store with the background pass in key order off and on.")
public final class OverwritesBesideKeyOrder implements Callable<Integer> {

    @Option(names = "--keys", description = "Keys in each store (k/M suffixes). Default: 200k.", converter = BenchCli.CountConverter.class)
    long keys = 200_000;

    @Option(names = "--value-size", description = "Bytes per value. Default: 100.")
    int valueBytes = 100;

    @Option(names = "--seconds", description = "Seconds of overwrites per store. Default: 30.")
    int seconds = 30;

    @Option(names = "--durable", description = "Every put durable when it returns (default: buffered).")
    boolean durable;

    @Option(names = "--dir", description = "Where the pools are made (and deleted). Default: /dev/shm.")
    Path dir = Path.of("/dev/shm");

    @Option(names = "--on-first", description = "Measure the store with the policy on first (alternate between runs).")
    boolean onFirst;

    public static void main(String[] args) {
        System.exit(new CommandLine(new OverwritesBesideKeyOrder()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory(dir, "engram-overwrites-");
        try {
            for (boolean on : onFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                measure(work.resolve(on ? "on" : "off"), on);
            }
            return 0;
        } finally {
            WorkFiles.deleteTree(work);
        }
    }

    private void measure(Path pool, boolean autoKeyOrder) {
        KvOptions options = new KvOptions(pool).engine(EngineKind.SORTED).expectedKeys(keys)
                .durability(durable ? Durability.DURABLE : Durability.BUFFERED)
                .size(keys * (48 + valueBytes) + (64L << 20)).autoKeyOrder(autoKeyOrder);
        try (KvStore kv = KvStore.create(options)) {
            byte[] value = new byte[valueBytes];
            for (long i = 0; i < keys; i++) {
                kv.put(ReopenTime.key(i), value);
            }
            kv.sync();
            System.gc();
            long passesBefore = kv.stats().keyOrderPasses();

            LatencyHistogram latency = new LatencyHistogram();
            long[] perWindow = new long[seconds * 10 + 1];
            SplittableRandom random = new SplittableRandom(11);
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            long now = start;
            long puts = 0;
            while (now < end) {
                for (int i = 0; i < 64; i++) {
                    byte[] key = ReopenTime.key(random.nextLong(keys));
                    value[i % valueBytes]++;                // a changed value each time
                    long t0 = System.nanoTime();
                    kv.put(key, value);
                    long t1 = System.nanoTime();
                    latency.record(t1 - t0);
                    now = t1;
                }
                puts += 64;
                perWindow[(int) Math.min(perWindow.length - 1, (now - start) / 100_000_000L)] += 64;
            }
            kv.sync();
            double elapsed = (now - start) / 1e9;
            long passes = kv.stats().keyOrderPasses() - passesBefore;
            long[] windows = Arrays.copyOf(perWindow, perWindow.length - 1);
            Arrays.sort(windows);
            System.out.printf(Locale.ROOT, "%s: %d keys, %s puts, %.1f s: %.3f M puts/s; p50 %d ns, p99 %d ns,"
                            + " p99.9 %d ns, p99.99 %d ns, max %.2f ms; passes in key order %d; puts/s per 100 ms"
                            + " median %.3f M, slowest %.3f M%n",
                    autoKeyOrder ? "on" : "off", keys, durable ? "durable" : "buffered", elapsed, puts / elapsed / 1e6,
                    latency.percentile(0.5), latency.percentile(0.99), latency.percentile(0.999),
                    latency.percentile(0.9999), latency.maxNanos() / 1e6, passes,
                    windows[windows.length / 2] * 10 / 1e6, windows[0] * 10 / 1e6);
            if (autoKeyOrder == (passes == 0)) {
                System.out.println("  note: " + passes + " passes with the policy " + (autoKeyOrder ? "on" : "off"));
            }
        }
    }
}
