package dev.engram.bench.region;

import dev.engram.region.Region;
import dev.engram.region.RegionHeader;
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
 * Question: what does an 8-byte {@link Region#getLong} / {@link Region#putLong} cost in each access mode?
 * Offsets are random 8-byte-aligned positions in a fixed working set (the table {@link MappedSegmentFloor}
 * uses), so WALK divided by that floor is the price of the region layer itself.
 *
 * <p>No persist here: a plain store is only made visible. CRAWL pays one {@code pread}/{@code pwrite}
 * per call; the teardown prints the system-call count per call from the region's own counters.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RegionLongAccess {

    /**
     * {@code MODE:DIRECTORY} of the region (see {@link RegionTarget}). All on /dev/shm: without a persist
     * the file system only changes CRAWL's page-cache path, which {@link RegionBandwidth} covers.
     */
    @Param({"CRAWL:/dev/shm", "WALK:/dev/shm", "RUN:/dev/shm"})
    public String target;

    /** Bytes the random offsets spread over, after the 4 KiB header; RUN's fast tier holds all of it. */
    @Param("1048576")
    public long workingSetBytes;

    /**
     * Device emulation ({@link RegionTarget#create}): {@code none} measures the region itself; dram, nvdimm-n,
     * optane-pcm or ssd wrap it in a {@code DeviceRegion} of that preset, which adds the preset's latency
     * (less the host's own, measured at setup) and caps its bandwidth.
     */
    @Param("none")
    public String profile;

    private TrialDirectory trial;
    private Region region;
    private long[] offsets;
    private int mask;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        RegionTarget where = RegionTarget.parse(target);
        trial = new TrialDirectory(where.directory());
        region = where.create(trial, workingSetBytes, profile);
        offsets = OffsetTables.random("8 B accesses", OffsetTables.SMALL_ACCESS_COUNT, RegionHeader.LENGTH,
                workingSetBytes, 8, 8);
        mask = OffsetTables.mask(offsets);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println(RegionTarget.statsLine(region));
        long at = offsets[0];
        RegionTarget.printSyscallsPerCall(region, "getLong", 1000, () -> region.getLong(at));
        RegionTarget.printSyscallsPerCall(region, "putLong", 1000, () -> region.putLong(at, at));
        region.close();
        trial.close();
    }

    @Benchmark
    public long getLong() {
        return region.getLong(offsets[next++ & mask]);
    }

    @Benchmark
    public void putLong() {
        long offset = offsets[next++ & mask];
        region.putLong(offset, offset);
    }
}
