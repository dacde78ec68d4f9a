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
 * Question: what does it cost to make one small record durable, {@link Region#write} then
 * {@link Region#persist}, in each access mode and on each kind of file system? 64 B is one cache line
 * (the unit libpmem flushes); 256 B is four, and an Optane XPLine. Records sit at random offsets aligned
 * to their own size, so a record never straddles a line it does not need.
 *
 * <p>Compare with {@link PersistFloor}: WALK on /dev/shm against {@code store64PmemPersist} (same work,
 * no region) and {@code pmemPersist64} (the bare flush + fence); CRAWL on /tmp against
 * {@code pwrite64Fdatasync}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RegionWritePersist {

    /**
     * {@code MODE:DIRECTORY} of the region (see {@link RegionTarget}): every mode on /dev/shm (WALK takes
     * libpmem flush + drain there, CRAWL an fdatasync that tmpfs answers at once), and CRAWL and WALK on
     * /tmp, an ordinary ext4 file here (CRAWL: fdatasync to the disk; WALK: msync of the page).
     */
    @Param({"CRAWL:/dev/shm", "WALK:/dev/shm", "RUN:/dev/shm", "CRAWL:/tmp", "WALK:/tmp"})
    public String target;

    /** Bytes per record: 64 (one cache line) or 256 (four lines, one Optane XPLine). */
    @Param({"64", "256"})
    public int recordBytes;

    /** Bytes the record offsets spread over, after the 4 KiB header; RUN's fast tier holds all of it. */
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
    private byte[] record;
    private long[] offsets;
    private int mask;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        RegionTarget where = RegionTarget.parse(target);
        trial = new TrialDirectory(where.directory());
        region = where.create(trial, workingSetBytes, profile);
        record = new byte[recordBytes];
        for (int i = 0; i < record.length; i++) {
            record[i] = (byte) (i * 31 + 7);
        }
        offsets = OffsetTables.random(recordBytes + " B records", OffsetTables.SMALL_ACCESS_COUNT,
                RegionHeader.LENGTH, workingSetBytes, recordBytes, recordBytes);
        mask = OffsetTables.mask(offsets);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println(RegionTarget.statsLine(region));
        long at = offsets[0];
        RegionTarget.printSyscallsPerCall(region, "write", 1000, () -> region.write(at, record, 0, recordBytes));
        RegionTarget.printSyscallsPerCall(region, "persist", 1000, () -> region.persist(at, recordBytes));
        region.close();
        trial.close();
    }

    @Benchmark
    public void writePersist() {
        long offset = offsets[next++ & mask];
        region.write(offset, record, 0, recordBytes);
        region.persist(offset, recordBytes);
    }
}
