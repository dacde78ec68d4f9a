package dev.engram.bench.region;

import dev.engram.region.Region;
import dev.engram.region.RegionHeader;
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

import java.util.concurrent.TimeUnit;

/**
 * Question: does RUN serve reads of data resident in its fast tier as fast as WALK serves them from its
 * mapping? Same sizes, same seeded offsets, both on /dev/shm; RUN's fast tier holds the whole working
 * set (filled at setup), so every read is a hit: the difference is RUN's lookup (block to slot), its
 * optimistic slot lock and the call into the fast tier's WALK region.
 *
 * <p>Sizes: 8 B ({@link Region#getLong}), 64 B, 256 B and 4 KiB ({@link Region#read} into a heap array),
 * each at random offsets aligned to its size. The teardown prints RUN's promotions, which stay at the
 * number made by the fill when every read hit.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RunResidentReads {

    /** {@code MODE:DIRECTORY} (see {@link RegionTarget}): WALK, the reference, and RUN with a resident working set. */
    @Param({"WALK:/dev/shm", "RUN:/dev/shm"})
    public String target;

    /** Bytes the random offsets spread over, after the 4 KiB header; RUN's fast tier holds all of it. */
    @Param("1048576")
    public long workingSetBytes;

    private TrialDirectory trial;
    private Region region;
    private long promotionsAfterFill;
    private final byte[] buffer = new byte[4096];
    private long[] offsets8;
    private long[] offsets64;
    private long[] offsets256;
    private long[] offsets4096;
    private int mask;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        RegionTarget where = RegionTarget.parse(target);
        trial = new TrialDirectory(where.directory());
        region = where.create(trial, workingSetBytes, RegionTarget.NO_PROFILE);
        promotionsAfterFill = promotions();
        int n = OffsetTables.SMALL_ACCESS_COUNT;
        long base = RegionHeader.LENGTH;
        offsets8 = OffsetTables.random("8 B reads", n, base, workingSetBytes, 8, 8);
        offsets64 = OffsetTables.random("64 B reads", n, base, workingSetBytes, 64, 64);
        offsets256 = OffsetTables.random("256 B reads", n, base, workingSetBytes, 256, 256);
        offsets4096 = OffsetTables.random("4096 B reads", n, base, workingSetBytes, 4096, 4096);
        mask = OffsetTables.mask(offsets8);
    }

    private long promotions() {
        return region instanceof TieredRegion tiered ? tiered.tierStats().promotions() : 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println(RegionTarget.statsLine(region));
        if (region instanceof TieredRegion) {
            System.out.println("promotions during measurement: " + (promotions() - promotionsAfterFill)
                    + " (0 means every read hit the fast tier)");
        }
        region.close();
        trial.close();
    }

    @Benchmark
    public long getLong() {
        return region.getLong(offsets8[next++ & mask]);
    }

    @Benchmark
    public byte[] read64() {
        region.read(offsets64[next++ & mask], buffer, 0, 64);
        return buffer;
    }

    @Benchmark
    public byte[] read256() {
        region.read(offsets256[next++ & mask], buffer, 0, 256);
        return buffer;
    }

    @Benchmark
    public byte[] read4096() {
        region.read(offsets4096[next++ & mask], buffer, 0, 4096);
        return buffer;
    }
}
