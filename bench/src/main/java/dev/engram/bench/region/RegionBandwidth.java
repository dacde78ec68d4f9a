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
 * Question: what bulk bandwidth does each access mode reach, block by block, sequentially and in random
 * order? Scores are blocks per second; bytes per second is the score times {@link #blockBytes}.
 *
 * <ul>
 *   <li>{@link #read}: one {@link Region#read} of a block into a heap array.</li>
 *   <li>{@link #writePersist}: one {@link Region#write} of a block from a heap array, then
 *       {@link Region#persist} of that block: durable write bandwidth, one persist per block.</li>
 * </ul>
 *
 * Both patterns visit every block of the working set once per pass (random is a seeded permutation),
 * so they touch the same bytes and differ only in order. On /tmp the file is in the page cache after
 * setup: reads measure the kernel path, not the disk (CRAWL makes no O_DIRECT reads).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RegionBandwidth {

    /** {@code MODE:DIRECTORY} of the region (see {@link RegionTarget}); /tmp is an ordinary ext4 file here. */
    @Param({"CRAWL:/dev/shm", "WALK:/dev/shm", "RUN:/dev/shm", "CRAWL:/tmp", "WALK:/tmp"})
    public String target;

    /** Block order: {@code sequential} (ascending addresses) or {@code random} (a seeded permutation). */
    @Param({"sequential", "random"})
    public String pattern;

    /** Bytes per read or write call: 4 KiB, a page and RUN's block. */
    @Param("4096")
    public int blockBytes;

    /** Bytes the blocks cover, after the 4 KiB header: 32 MiB, beyond L2, within a RUN fast tier. */
    @Param("33554432")
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
    private byte[] buffer;
    private long[] offsets;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        RegionTarget where = RegionTarget.parse(target);
        trial = new TrialDirectory(where.directory());
        region = where.create(trial, workingSetBytes, profile);
        buffer = new byte[blockBytes];
        for (int i = 0; i < buffer.length; i++) {
            buffer[i] = (byte) (i * 31 + 7);
        }
        String what = blockBytes + " B blocks";
        offsets = switch (pattern) {
            case "sequential" -> OffsetTables.sequentialBlocks(what, RegionHeader.LENGTH, workingSetBytes, blockBytes);
            case "random" -> OffsetTables.shuffledBlocks(what, RegionHeader.LENGTH, workingSetBytes, blockBytes);
            default -> throw new IllegalArgumentException("pattern '" + pattern + "': expected sequential or random");
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        System.out.println(RegionTarget.statsLine(region));
        long at = offsets[0];
        RegionTarget.printSyscallsPerCall(region, "read " + blockBytes + " B", 100,
                () -> region.read(at, buffer, 0, blockBytes));
        region.close();
        trial.close();
    }

    private long nextOffset() {
        int i = next;
        next = i + 1 == offsets.length ? 0 : i + 1;
        return offsets[i];
    }

    @Benchmark
    public byte[] read() {
        region.read(nextOffset(), buffer, 0, blockBytes);
        return buffer;
    }

    @Benchmark
    public void writePersist() {
        long offset = nextOffset();
        region.write(offset, buffer, 0, blockBytes);
        region.persist(offset, blockBytes);
    }
}
