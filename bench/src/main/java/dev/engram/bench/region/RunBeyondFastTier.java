package dev.engram.bench.region;

import dev.engram.region.AccessMode;
import dev.engram.region.Region;
import dev.engram.region.RegionHeader;
import dev.engram.region.RegionOptions;
import dev.engram.region.Regions;
import dev.engram.region.TieredRegion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Question: does a RUN region many times larger than its fast tier work, and what does a fast-tier miss
 * cost? Random 4 KiB reads, and random 4 KiB writes each persisted, over the whole region: at
 * {@code regionToFastTier = 10} about nine accesses in ten miss (promote the block from the capacity
 * file, evicting, and for writes destaging, another); at {@code 0.25} the region fits and nothing misses,
 * which is the baseline a miss is measured against.
 *
 * <p>The fast tier is always on /dev/shm (emulated pmem); the capacity file is on /dev/shm (a miss costs
 * the RUN machinery and system calls only) or on /tmp (ext4: destage pays a real fdatasync). The capacity
 * file is written in full in CRAWL before RUN opens it, so no read meets a hole and no write allocates.
 *
 * <p>After each iteration the console shows promotions, evictions and destages per operation. At trial
 * end the benchmark stamps 1024 blocks spread over the region, destages, closes, reopens the capacity file
 * alone in CRAWL and checks every stamp: evidence from the same run that data outlives eviction.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RunBeyondFastTier {

    private static final int BLOCK_BYTES = 4096;
    private static final int STAMPS = 1024;
    private static final long STAMP_MAGIC = 0x454E_4752_414D_0000L;   // "ENGRAM\0\0"

    /** Region data bytes divided by fast-tier bytes: 0.25 (all resident, the baseline) or 10 (mostly misses). */
    @Param({"0.25", "10"})
    public double regionToFastTier;

    /** Directory of the capacity file: /dev/shm (memory-backed) or /tmp (ext4 here). */
    @Param({"/dev/shm", "/tmp"})
    public String capacityDirectory;

    /** Directory of the fast tier: memory-backed, WALK's emulated pmem. */
    @Param("/dev/shm")
    public String fastTierDirectory;

    /** Size of the fast-tier file in bytes (about 1000 slots of 4 KiB after its header and directory). */
    @Param("4194304")
    public long fastTierBytes;

    private TrialDirectory capacityTrial;
    private TrialDirectory fastTrial;
    private RegionOptions runOptions;
    private Region region;
    private TieredRegion tiered;
    private final byte[] buffer = new byte[BLOCK_BYTES];
    private long[] offsets;
    private int next;
    private long ops;
    private TieredRegion.TierStats iterationStart;

    @Setup(Level.Trial)
    public void setUp() {
        capacityTrial = new TrialDirectory(capacityDirectory);
        fastTrial = new TrialDirectory(fastTierDirectory);
        long dataBytes = Math.max(BLOCK_BYTES, (long) (regionToFastTier * fastTierBytes) / BLOCK_BYTES * BLOCK_BYTES);
        long size = RegionHeader.LENGTH + dataBytes;
        Path capacity = capacityTrial.file("region");

        // Write the whole capacity file once through CRAWL (pwrite + one fdatasync): no holes, no allocation later.
        try (Region crawl = Regions.create(new RegionOptions(capacity).mode(AccessMode.CRAWL).size(size))) {
            RegionTarget.fill(crawl, RegionHeader.LENGTH, dataBytes);
            crawl.persist(RegionHeader.LENGTH, dataBytes);
        }
        runOptions = new RegionOptions(capacity).mode(AccessMode.RUN).fastTier(fastTrial.file("region.fast"))
                .fastTierSize(fastTierBytes).blockBytes(BLOCK_BYTES).backgroundDestage(true);
        region = Regions.open(runOptions);
        tiered = (TieredRegion) region;
        System.out.printf(Locale.ROOT, "region: %s; capacity in %s, fast tier in %s; %d data blocks over %d slots (%.2fx)%n",
                RegionTarget.describe(region), capacityTrial, fastTrial, dataBytes / BLOCK_BYTES,
                tiered.tierStats().slots(), (double) (dataBytes / BLOCK_BYTES) / tiered.tierStats().slots());
        for (int i = 0; i < buffer.length; i++) {
            buffer[i] = (byte) (i * 31 + 7);
        }
        offsets = OffsetTables.random("4 KiB blocks", 1 << 16, RegionHeader.LENGTH, dataBytes, BLOCK_BYTES, BLOCK_BYTES);
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        ops = 0;
        iterationStart = tiered.tierStats();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        TieredRegion.TierStats now = tiered.tierStats();
        double n = Math.max(1, ops);
        System.out.printf(Locale.ROOT, "%n  per op: %.3f promotions, %.3f evictions, %.3f destages (%d ops; %d dirty of %d slots)%n",
                (now.promotions() - iterationStart.promotions()) / n, (now.evictions() - iterationStart.evictions()) / n,
                (now.destages() - iterationStart.destages()) / n, ops, now.dirtyBlocks(), now.slots());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println(RegionTarget.statsLine(region));
        long blocks = (region.size() - RegionHeader.LENGTH) / BLOCK_BYTES;
        long stride = Math.max(1, blocks / STAMPS);
        for (long b = 0; b < blocks; b += stride) {
            long at = RegionHeader.LENGTH + b * BLOCK_BYTES;
            region.putLong(at, STAMP_MAGIC ^ b);
            region.persist(at, 8);
        }
        tiered.destage();
        boolean detached = !tiered.tierStats().attached();
        region.close();
        int checked = 0;
        try (Region crawl = Regions.open(new RegionOptions(runOptions.path()).mode(AccessMode.CRAWL))) {
            for (long b = 0; b < blocks; b += stride) {
                long got = crawl.getLong(RegionHeader.LENGTH + b * BLOCK_BYTES);
                if (got != (STAMP_MAGIC ^ b)) {
                    throw new IllegalStateException("block " + b + " of the capacity file holds 0x" + Long.toHexString(got)
                            + " after destage, expected its stamp 0x" + Long.toHexString(STAMP_MAGIC ^ b));
                }
                checked++;
            }
        }
        System.out.println("check: " + checked + " stamped blocks read back from the capacity file alone (CRAWL) after"
                + " destage; detached after destage: " + detached);
        capacityTrial.close();
        fastTrial.close();
    }

    private long nextOffset() {
        ops++;
        return offsets[next++ & (offsets.length - 1)];
    }

    @Benchmark
    public byte[] randomRead4k() {
        region.read(nextOffset(), buffer, 0, BLOCK_BYTES);
        return buffer;
    }

    @Benchmark
    public void randomWrite4kPersist() {
        long offset = nextOffset();
        region.write(offset, buffer, 0, BLOCK_BYTES);
        region.persist(offset, BLOCK_BYTES);
    }
}
