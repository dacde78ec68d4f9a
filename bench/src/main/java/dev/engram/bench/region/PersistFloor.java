package dev.engram.bench.region;

import dev.engram.pmem.Pmem;
import dev.engram.pmem.PmemMapping;
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
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

/**
 * Question: what is the least that making 64 bytes durable can cost on this machine, per mechanism, with
 * no region in the way? These are the floors that {@link RegionWritePersist}'s numbers are divided by.
 *
 * <ul>
 *   <li>{@link #pmemPersist64}: a bare {@code pmem_persist} of one 64 B line through the {@link Pmem}
 *       facade's segment API (a critical downcall: CLWB/CLFLUSHOPT + SFENCE), no store before it. The
 *       linker acquires and releases the mapping's shared arena around the call.</li>
 *   <li>{@link #pmemPersistAddress64}: the same downcall by raw address ({@link Pmem#persistAddress}):
 *       no arena acquired. Since WALK persists this way, this is the floor WALK is held to; the segment
 *       floor above stays for comparison with earlier runs.</li>
 *   <li>{@link #store64PmemPersist} / {@link #store64PmemPersistAddress}: copy a 64 B record from the heap
 *       into the mapping, then {@code pmem_persist} it: exactly the work of WALK's {@code write} +
 *       {@code persist}, minus the region.</li>
 *   <li>{@link #pwrite64Fdatasync}: one 64 B {@code pwrite} from a direct buffer and one
 *       {@code fdatasync} ({@link FileChannel#force(boolean) force(false)}) on an ordinary file: CRAWL's
 *       floor on that file system.</li>
 * </ul>
 *
 * The libpmem mapping is made with {@code pmem_map_file} on a memory-backed file and
 * {@code PMEM_IS_PMEM_FORCE} unset: libpmem reports it is not pmem, but flush + drain work on any
 * mapping, and that is the path WALK takes on a memory-backed file.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PersistFloor {

    private static final int RECORD_BYTES = 64;

    /** Directory of the {@code pmem_map_file} mapping: memory-backed (tmpfs), WALK's emulated-pmem case. */
    @Param("/dev/shm")
    public String pmemDirectory;

    /** Directory of the fdatasync file: an ordinary disk file system (ext4 here), CRAWL's case. */
    @Param("/tmp")
    public String syncDirectory;

    /** Bytes the 64-byte-aligned random offsets spread over (after a 4 KiB header, as in the region benchmarks). */
    @Param("1048576")
    public long workingSetBytes;

    private TrialDirectory pmemTrial;
    private TrialDirectory syncTrial;
    private PmemMapping pmemMapping;
    private MemorySegment segment;
    /** {@code segment.address()}: for the by-address floors. */
    private long base;
    private FileChannel channel;
    private ByteBuffer direct;
    private final byte[] record = new byte[RECORD_BYTES];
    private long[] offsets;
    private int mask;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (!Pmem.availability().available()) {
            throw new IllegalStateException("libpmem is unavailable: " + Pmem.availability().reason());
        }
        if (System.getenv("PMEM_IS_PMEM_FORCE") != null) {
            System.out.println("warning: PMEM_IS_PMEM_FORCE is set; this floor is meant to run without it");
        }
        long size = RegionHeader.LENGTH + workingSetBytes;
        for (int i = 0; i < record.length; i++) {
            record[i] = (byte) (i * 31 + 7);
        }

        pmemTrial = new TrialDirectory(pmemDirectory);
        pmemMapping = Pmem.map(pmemTrial.file("pmem"), size, EnumSet.of(Pmem.MapOption.CREATE, Pmem.MapOption.EXCLUSIVE),
                PosixFilePermissions.fromString("rw-------"));
        segment = pmemMapping.segment();
        base = segment.address();
        segment.fill((byte) 1);   // fault every page in before measuring
        System.out.println("pmem mapping: pmem_map_file of " + size + " bytes in " + pmemTrial + ", pmem_is_pmem="
                + pmemMapping.isPmem() + ", libpmem " + Pmem.availability().version());

        syncTrial = new TrialDirectory(syncDirectory);
        channel = FileChannel.open(syncTrial.file("sync"), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        ByteBuffer zeros = ByteBuffer.allocateDirect(64 << 10);
        for (long at = 0; at < size; at += zeros.capacity()) {   // allocate every block: no extent changes later
            zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
            while (zeros.hasRemaining()) {
                channel.write(zeros, at + zeros.position());
            }
        }
        channel.force(true);
        direct = ByteBuffer.allocateDirect(RECORD_BYTES);
        direct.put(record).clear();
        System.out.println("fdatasync file: " + size + " bytes, written and fsync'ed, in " + syncTrial);

        offsets = OffsetTables.random("64 B records", OffsetTables.SMALL_ACCESS_COUNT, RegionHeader.LENGTH,
                workingSetBytes, RECORD_BYTES, RECORD_BYTES);
        mask = OffsetTables.mask(offsets);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        pmemMapping.close();
        channel.close();
        pmemTrial.close();
        syncTrial.close();
    }

    @Benchmark
    public void pmemPersist64() {
        Pmem.persist(segment, offsets[next++ & mask], RECORD_BYTES);
    }

    @Benchmark
    public void store64PmemPersist() {
        long offset = offsets[next++ & mask];
        MemorySegment.copy(record, 0, segment, ValueLayout.JAVA_BYTE, offset, RECORD_BYTES);
        Pmem.persist(segment, offset, RECORD_BYTES);
    }

    /**
     * The bare downcall: {@code pmem_persist} by raw address ({@link Pmem#persistAddress}), with no segment
     * in the call and so no arena acquired and released around it. The floor WALK's persist is held to.
     */
    @Benchmark
    public void pmemPersistAddress64() {
        Pmem.persistAddress(base + offsets[next++ & mask], RECORD_BYTES);
    }

    /** The same work as a WALK 64 B write + persist, with no region: a copy, then {@link #pmemPersistAddress64}. */
    @Benchmark
    public void store64PmemPersistAddress() {
        long offset = offsets[next++ & mask];
        MemorySegment.copy(record, 0, segment, ValueLayout.JAVA_BYTE, offset, RECORD_BYTES);
        Pmem.persistAddress(base + offset, RECORD_BYTES);
    }

    @Benchmark
    public void pwrite64Fdatasync() throws IOException {
        long offset = offsets[next++ & mask];
        direct.clear();
        channel.write(direct, offset);   // 64 B from a direct buffer: one pwrite, no copy in the JDK
        channel.force(false);            // fdatasync
    }
}
