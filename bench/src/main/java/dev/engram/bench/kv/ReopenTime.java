package dev.engram.bench.kv;

import dev.engram.bench.WorkFiles;
import dev.engram.bench.compare.ChildJvm;
import dev.engram.bench.workload.BenchCli;
import dev.engram.kv.Durability;
import dev.engram.kv.EngineKind;
import dev.engram.kv.KvOptions;
import dev.engram.kv.KvStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * How long reopening a pool takes, at any key count: after a clean close (the index checkpoint) and
 * after a crash (no checkpoint: the whole log is scanned, as after a power failure). Fills a fresh pool
 * once (16 B keys in a scattered order, buffered, one sync), then opens it {@code --rounds} times each
 * way in this JVM and prints each open's wall time, the collector's pauses during it, and the store's own
 * {@code RecoveryReport} (whose {@code millis} is the index's rebuild alone).
 * The crash case deletes the checkpoint file before each open, which is exactly what a crash leaves:
 * a checkpoint is written only at a clean close. With {@code --fresh-jvm} each open runs in a new JVM
 * with this one's flags, as a restarted application's would: its heap has not grown yet.
 */
@Command(name = "reopen", mixinStandardHelpOptions = true,
        description = "Time reopening a pool of N keys: from the index checkpoint (clean close) and by scanning the log (crash).")
public final class ReopenTime implements Callable<Integer> {

    @Option(names = "--keys", description = "Keys in the pool (k/M suffixes). Default: 1M.", converter = BenchCli.CountConverter.class)
    long keys = 1_000_000;

    @Option(names = "--engine", description = "hash or sorted. Default: hash.")
    String engine = "hash";

    @Option(names = "--value-size", description = "Bytes per value. Default: 100.")
    int valueBytes = 100;

    @Option(names = "--dir", description = "Where the pool is made (and deleted). Default: /dev/shm.")
    Path dir = Path.of("/dev/shm");

    @Option(names = "--rounds", description = "Opens of each kind. Default: 3.")
    int rounds = 3;

    @Option(names = "--fresh-jvm", description = "Open in a new JVM each time, as a restarted application does "
            + "(its heap not yet grown), instead of in the JVM that filled the pool.")
    boolean freshJvm;

    /** The child of --fresh-jvm: opens this pool once, as after a clean close (or a crash with --crashed). */
    @Option(names = "--open-only", hidden = true)
    Path openOnly;

    @Option(names = "--crashed", hidden = true)
    boolean crashed;

    /**
     * Fills a pool at this path, closes it (writing its checkpoint) and exits: a pool kept for A/B runs of
     * {@code --open-only} (an open closes the store again and rewrites both files, so such a run restores
     * them from a copy before each open).
     */
    @Option(names = "--fill-only", hidden = true)
    Path fillOnly;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReopenTime()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        if (openOnly != null) {
            open(openOnly, (crashed ? "crash (log scan)" : "clean close (checkpoint)") + ", fresh JVM", !crashed);
            return 0;
        }
        if (fillOnly != null) {
            fill(fillOnly);
            return 0;
        }
        Path work = Files.createTempDirectory(dir, "engram-reopen-");
        Path pool = work.resolve("pool");
        try {
            fill(pool);
            for (int r = 0; r < rounds; r++) {
                if (freshJvm) {
                    openInAFreshJvm(pool, false);
                } else {
                    open(pool, "clean close (checkpoint)", true);
                }
            }
            for (int r = 0; r < rounds; r++) {
                Files.deleteIfExists(Path.of(pool + ".index"));
                if (freshJvm) {
                    openInAFreshJvm(pool, true);
                } else {
                    open(pool, "crash (log scan)", false);
                }
            }
            return 0;
        } finally {
            WorkFiles.deleteTree(work);
        }
    }

    /** Creates the pool of {@code --keys} keys, fills it in one buffered pass, syncs and closes it. */
    private void fill(Path pool) {
        EngineKind kind = EngineKind.valueOf(engine.toUpperCase(Locale.ROOT));
        long started = System.nanoTime();
        try (KvStore kv = KvStore.create(new KvOptions(pool).engine(kind).durability(Durability.BUFFERED)
                .size(keys * (48 + valueBytes) + (64L << 20)))) {
            byte[] value = new byte[valueBytes];
            for (long i = 0; i < keys; i++) {
                kv.put(key(i), value);
            }
            kv.sync();
        }
        System.out.printf(Locale.ROOT, "filled %,d keys (%s engine) and closed in %.2f s: %s%n", keys, engine,
                (System.nanoTime() - started) / 1e9, pool);
    }

    /** Runs the open in a child JVM with this one's flags and class path; its line goes to this output. */
    private void openInAFreshJvm(Path pool, boolean afterCrash) throws IOException {
        List<String> args = new ArrayList<>(List.of("--open-only", pool.toString(), "--keys", Long.toString(keys)));
        if (afterCrash) {
            args.add("--crashed");
        }
        Process p = new ProcessBuilder(ChildJvm.command(ReopenTime.class.getName(), args)).inheritIO().start();
        try {
            int exit = p.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("the child JVM's open exited with " + exit);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the child JVM opened the pool", e);
        }
    }

    private void open(Path pool, String after, boolean checkpointAtClose) {
        long gcBefore = gcMillis();
        long started = System.nanoTime();
        KvStore kv = KvStore.open(new KvOptions(pool).indexCheckpoint(checkpointAtClose));
        double seconds = (System.nanoTime() - started) / 1e9;
        long gc = gcMillis() - gcBefore;
        if (kv.count() != keys) {
            throw new IllegalStateException("reopened " + kv.count() + " keys, expected " + keys);
        }
        System.out.printf(Locale.ROOT, "open after %-36s %6.2f s  (GC pauses %.2f s)   %s%n", after + ":", seconds, gc / 1e3,
                kv.recovery());
        kv.close();
    }

    /**
     * Milliseconds of collector pauses so far (G1's young and old collections; its concurrent cycles run
     * beside the open and are left out): how much of an open's wall time copying the index's entries and
     * growing the heap took.
     */
    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!gc.getName().contains("Concurrent")) {
                total += Math.max(0, gc.getCollectionTime());
            }
        }
        return total;
    }

    /** Key i: 8 zero bytes, then i scrambled (so the log's order is not the keys' order). */
    static byte[] key(long i) {
        byte[] k = new byte[16];
        long x = i * 0x9E3779B97F4A7C15L;
        for (int b = 0; b < 8; b++) {
            k[8 + b] = (byte) (x >>> (8 * b));
        }
        return k;
    }
}
