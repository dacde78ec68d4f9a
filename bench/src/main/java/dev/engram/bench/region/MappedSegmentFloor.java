package dev.engram.bench.region;

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

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Question: what does an 8-byte load and an 8-byte store cost on a plain mapped {@link MemorySegment},
 * with no region in the way? This is the floor that {@link RegionLongAccess}'s WALK numbers are divided by.
 *
 * <p>The file is mapped with {@link FileChannel#map(FileChannel.MapMode, long, long, Arena)} into a shared
 * arena (the same kind of arena WALK uses), accessed with the layout WALK uses (little-endian, unaligned
 * allowed) at the offsets {@link RegionLongAccess} uses (the same seeded table, from {@link RegionHeader#LENGTH}
 * on), so the only difference left is the region itself: its bounds check against the current size and
 * the interface call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MappedSegmentFloor {

    /** WALK's layout for {@code getLong}/{@code putLong}. */
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Directory of the mapped file: memory-backed (tmpfs), as WALK's /dev/shm target, so no page is written back. */
    @Param("/dev/shm")
    public String directory;

    /** Bytes the random offsets spread over (after the 4 KiB header, as in the region benchmarks). */
    @Param("1048576")
    public long workingSetBytes;

    private TrialDirectory trial;
    private Arena arena;
    private MemorySegment mapping;
    private long[] offsets;
    private int mask;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        trial = new TrialDirectory(directory);
        arena = Arena.ofShared();
        long size = RegionHeader.LENGTH + workingSetBytes;
        try (FileChannel channel = FileChannel.open(trial.file("mapped"), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);   // extends the file
        }
        mapping.fill((byte) 1);   // fault every page in before measuring
        offsets = OffsetTables.random("8 B accesses", OffsetTables.SMALL_ACCESS_COUNT, RegionHeader.LENGTH,
                workingSetBytes, 8, 8);
        mask = OffsetTables.mask(offsets);
        System.out.println("mapping: FileChannel.map of " + size + " bytes in " + trial);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
        trial.close();
    }

    @Benchmark
    public long load() {
        return mapping.get(LONG, offsets[next++ & mask]);
    }

    @Benchmark
    public void store() {
        long offset = offsets[next++ & mask];
        mapping.set(LONG, offset, offset);
    }
}
