package dev.engram.bench.workload;

import dev.engram.bench.WorkFiles;
import dev.engram.pmem.Pmem;
import dev.engram.pmem.PmemMapping;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * {@code floors}: what the machine itself charges for the work a key-value operation cannot avoid,
 * measured in the same JVM, with the same threads, harness and sampling as the store workloads, on files
 * in the same {@code --dir}. Each result divides a store's: a store cannot beat its floor.
 *
 * <ul>
 *   <li>{@code floor-mapped-read}: a dependent random 128 B read from a mapping into a heap buffer (the
 *       next offset is in the bytes just read, so reads cannot overlap): the floor of a get, which reads
 *       its record from the log the same way.</li>
 *   <li>{@code floor-mapped-scan}: sequential 128 B reads from the mapping into a heap buffer: readseq's.</li>
 *   <li>{@code floor-mapped-store}: a 128 B copy from a heap buffer into the mapping at the next sequential
 *       offset, nothing persisted: a buffered put's.</li>
 *   <li>{@code floor-pmem-persist}: the same store, then {@link Pmem#persist} of it (pmem_flush of its
 *       two cache lines + pmem_drain): a durable put's in WALK.</li>
 *   <li>{@code floor-fdatasync}: a 128 B {@code pwrite} from a direct buffer at the next sequential offset
 *       of a file written in full beforehand, then {@code fdatasync} ({@code FileChannel.force(false)}):
 *       a durable put's in CRAWL.</li>
 * </ul>
 *
 * The mapping is made by {@code pmem_map_file} in {@code --dir} ({@code /dev/shm}: a memory-backed file,
 * emulated pmem), {@code keys x 128} bytes, so the reads spread over about as much memory as the store's
 * log of the same keys; every page is touched before measuring. Thread t works in its own
 * {@code 1/threads} of the mapping and on its own fdatasync file. Each floor runs 0.5 s unmeasured, then
 * for {@code --duration} seconds (2 s by default), or {@code --ops} operations if given.
 */
final class Floors {

    /** Bytes per floor operation: 16 B key + 100 B value rounded up to two cache lines. */
    static final int RECORD_BYTES = 128;
    /** Size of each thread's fdatasync file, written in full before measuring. */
    static final long SYNC_FILE_BYTES = 16L << 20;
    /** Measured seconds per floor when {@code --duration} is not given. */
    static final double DEFAULT_SECONDS = 2.0;
    /** Unmeasured seconds per floor before measuring, so the loop is compiled. */
    static final double WARMUP_SECONDS = 0.5;

    private static final VarHandle LITTLE_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** The floors, in the order they run (the reads first, before the stores overwrite the pointer chain). */
    enum Floor {
        MAPPED_READ("floor-mapped-read", "none"),
        MAPPED_SCAN("floor-mapped-scan", "none"),
        MAPPED_STORE("floor-mapped-store", "process"),
        PMEM_PERSIST("floor-pmem-persist", "power"),
        FDATASYNC("floor-fdatasync", "power");

        final String store;
        final String durability;

        Floor(String store, String durability) {
            this.store = store;
            this.durability = durability;
        }
    }

    private Floors() {
    }

    static List<Result> run(RunConfig config, Progress progress, long timerNanos, PrintStream log) {
        int threads = config.threads();
        long slotsPerThread = Math.max(1, config.keys() / threads);
        long mappingBytes = slotsPerThread * threads * RECORD_BYTES;
        double seconds = config.durationSeconds() > 0 ? config.durationSeconds() : DEFAULT_SECONDS;
        long measureOps = config.operations() > 0 ? config.operations() : Phase.UNBOUNDED;
        List<Result> results = new ArrayList<>();
        Path directory = StoreTrial.createDirectory(config.dir());
        String fs = StoreTrial.fileSystemType(config.dir());
        try {
            boolean pmem = Pmem.availability().available();
            if (!pmem) {
                log.println("floors: the mapping floors need libpmem, which is unavailable: "
                        + Pmem.availability().reason() + "; measuring floor-fdatasync only");
            }
            PmemMapping mapping = pmem ? Pmem.map(directory.resolve("floor-map"), mappingBytes,
                    EnumSet.of(Pmem.MapOption.CREATE, Pmem.MapOption.EXCLUSIVE),
                    PosixFilePermissions.fromString("rw-------")) : null;
            List<FileChannel> channels = new ArrayList<>();
            try {
                String mappingDax = mapping == null ? "none" : mappingDax(mapping, fs);
                if (mapping != null) {
                    MemorySegment segment = mapping.segment();
                    segment.fill((byte) 1);                     // fault every page in before measuring
                    linkChains(segment, threads, slotsPerThread, config.seed());
                    log.printf("floors: %d-byte pmem_map_file mapping in %s (%s), pmem_is_pmem=%s, dax=%s%n",
                            mappingBytes, directory, fs, mapping.isPmem(), mappingDax);
                }
                for (int t = 0; t < threads; t++) {
                    channels.add(preparedFile(directory.resolve("floor-sync-" + t)));
                }
                log.printf("floors: %d fdatasync file(s) of %d bytes, written and fsync'ed, in %s (%s)%n", threads,
                        SYNC_FILE_BYTES, directory, fs);
                for (Floor floor : Floor.values()) {
                    if (floor != Floor.FDATASYNC && mapping == null) {
                        continue;
                    }
                    IntFunction<Driver> driverOf = t -> driver(floor, mapping, channels.get(t), t, slotsPerThread);
                    Phase.run("floors " + floor.store + " (warm-up)", Phase.WARMUP, driverOf,
                            Phase.shares(Phase.UNBOUNDED, threads), (long) (WARMUP_SECONDS * 1e9), config.sampleEvery(),
                            config.seed(), null, progress);
                    Phase.Outcome o = Phase.run("floors " + floor.store, Phase.MEASURED, driverOf,
                            Phase.shares(measureOps, threads), (long) (seconds * 1e9), config.sampleEvery(),
                            config.seed(), null, progress);
                    boolean sync = floor == Floor.FDATASYNC;
                    Result r = new Result()
                            .put("workload", RunConfig.FLOORS)
                            .put("store", floor.store)
                            .put("engine", "none")
                            .put("mode", "none")
                            .put("threads", threads)
                            .put("keys", sync ? threads * (SYNC_FILE_BYTES / RECORD_BYTES) : threads * slotsPerThread)
                            .put("key_size", 0)
                            .put("value_size", RECORD_BYTES)
                            .put("durability", floor.durability)
                            .put("ops_per_sec", o.opsPerSecond())
                            .put("p50_ns", o.latency().percentile(0.50))
                            .put("p99_ns", o.latency().percentile(0.99))
                            .put("dax", sync ? "none" : mappingDax)
                            .put("run", 1)
                            .put("ops", o.operations())
                            .put("seconds", o.seconds())
                            .put("p90_ns", o.latency().percentile(0.90))
                            .put("p999_ns", o.latency().percentile(0.999))
                            .put("max_ns", o.latency().maxNanos())
                            .put("mean_ns", o.latency().meanNanos())
                            .put("samples", o.latency().count())
                            .put("sample_every", config.sampleEvery())
                            .put("timer_ns", timerNanos)
                            .put("cpu_workers_s", o.workerCpuSeconds())
                            .put("cpu_process_s", o.processCpuSeconds());
                    StoreTrial.describeHost(r, config.dir(), config.seed(), describe(floor, mapping));
                    results.add(r);
                }
            } finally {
                for (FileChannel c : channels) {
                    c.close();
                }
                if (mapping != null) {
                    mapping.close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("floors in " + directory + ": " + e.getMessage(), e);
        } finally {
            if (!config.keep()) {
                WorkFiles.deleteTree(directory);
            }
        }
        return results;
    }

    private static String mappingDax(PmemMapping mapping, String fs) {
        boolean forced = "1".equals(System.getenv("PMEM_IS_PMEM_FORCE"));
        if (mapping.isPmem() && !forced) {
            return "real";
        }
        return forced || "tmpfs".equals(fs) || "ramfs".equals(fs) ? "emulated" : "none";
    }

    private static String describe(Floor floor, PmemMapping mapping) {
        return switch (floor) {
            case MAPPED_READ -> "dependent random 128 B copy from a pmem_map_file mapping into a heap buffer";
            case MAPPED_SCAN -> "sequential 128 B copy from a pmem_map_file mapping into a heap buffer";
            case MAPPED_STORE -> "sequential 128 B copy from a heap buffer into a pmem_map_file mapping, no persist";
            case PMEM_PERSIST -> "sequential 128 B copy into a pmem_map_file mapping + pmem_persist (flush + drain)"
                    + ", pmem_is_pmem=" + mapping.isPmem();
            case FDATASYNC -> "128 B pwrite at the next offset of a pre-written file + fdatasync (force(false))";
        };
    }

    /** Thread {@code t}'s driver of {@code floor}, over its own slots of the mapping or its own file. */
    private static Driver driver(Floor floor, PmemMapping mapping, FileChannel channel, int t, long slots) {
        long base = t * slots * RECORD_BYTES;
        return switch (floor) {
            case MAPPED_READ -> new MappedRead(mapping.segment(), base);
            case MAPPED_SCAN -> new MappedScan(mapping.segment(), base, slots);
            case MAPPED_STORE -> new MappedStore(mapping.segment(), base, slots);
            case PMEM_PERSIST -> new PmemPersist(mapping.segment(), base, slots);
            case FDATASYNC -> new Fdatasync(channel);
        };
    }

    /**
     * Links each thread's slots into one random cycle (Sattolo's algorithm, seeded): the first 8 bytes of
     * a slot hold the byte offset of the next slot, little-endian.
     */
    private static void linkChains(MemorySegment segment, int threads, long slots, long seed) {
        for (int t = 0; t < threads; t++) {
            int[] order = new int[(int) slots];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            SplittableRandom random = new SplittableRandom(KeyOrder.streamSeed(seed, 64 + t));
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i);                  // j < i: one cycle through every slot
                int x = order[i];
                order[i] = order[j];
                order[j] = x;
            }
            long base = t * slots * RECORD_BYTES;
            for (int i = 0; i < order.length; i++) {
                long from = base + (long) order[i] * RECORD_BYTES;
                long to = base + (long) order[(i + 1) % order.length] * RECORD_BYTES;
                segment.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), from, to);
            }
        }
    }

    /** A file of {@link #SYNC_FILE_BYTES} written in full and fsync'ed, so later writes change no extent. */
    private static FileChannel preparedFile(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        for (long at = 0; at < SYNC_FILE_BYTES; at += zeros.capacity()) {
            zeros.clear();
            while (zeros.hasRemaining()) {
                channel.write(zeros, at + zeros.position());
            }
        }
        channel.force(true);
        return channel;
    }

    private static final class MappedRead extends Driver {
        private final MemorySegment segment;
        private final byte[] buffer = new byte[RECORD_BYTES];
        private long at;

        MappedRead(MemorySegment segment, long start) {
            this.segment = segment;
            this.at = start;
        }

        @Override
        void run(int n) {
            for (int i = 0; i < n; i++) {
                MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, at, buffer, 0, RECORD_BYTES);
                at = (long) LITTLE_ENDIAN_LONG.get(buffer, 0);       // the next read depends on this one
            }
        }
    }

    private static final class MappedScan extends Driver {
        private final MemorySegment segment;
        private final byte[] buffer = new byte[RECORD_BYTES];
        private final long base;
        private final long end;
        private long at;

        MappedScan(MemorySegment segment, long base, long slots) {
            this.segment = segment;
            this.base = base;
            this.end = base + slots * RECORD_BYTES;
            this.at = base;
        }

        @Override
        void run(int n) {
            for (int i = 0; i < n; i++) {
                MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, at, buffer, 0, RECORD_BYTES);
                at += RECORD_BYTES;
                if (at == end) {
                    at = base;
                }
            }
        }
    }

    private static final class MappedStore extends Driver {
        private final MemorySegment segment;
        private final byte[] record = new byte[RECORD_BYTES];
        private final long base;
        private final long end;
        private long at;

        MappedStore(MemorySegment segment, long base, long slots) {
            this.segment = segment;
            this.base = base;
            this.end = base + slots * RECORD_BYTES;
            this.at = base;
        }

        @Override
        void run(int n) {
            for (int i = 0; i < n; i++) {
                LITTLE_ENDIAN_LONG.set(record, 0, at);
                MemorySegment.copy(record, 0, segment, ValueLayout.JAVA_BYTE, at, RECORD_BYTES);
                at += RECORD_BYTES;
                if (at == end) {
                    at = base;
                }
            }
        }
    }

    private static final class PmemPersist extends Driver {
        private final MemorySegment segment;
        private final byte[] record = new byte[RECORD_BYTES];
        private final long base;
        private final long end;
        private long at;

        PmemPersist(MemorySegment segment, long base, long slots) {
            this.segment = segment;
            this.base = base;
            this.end = base + slots * RECORD_BYTES;
            this.at = base;
        }

        @Override
        void run(int n) {
            for (int i = 0; i < n; i++) {
                LITTLE_ENDIAN_LONG.set(record, 0, at);
                MemorySegment.copy(record, 0, segment, ValueLayout.JAVA_BYTE, at, RECORD_BYTES);
                Pmem.persist(segment, at, RECORD_BYTES);            // flush two lines + drain
                at += RECORD_BYTES;
                if (at == end) {
                    at = base;
                }
            }
        }
    }

    private static final class Fdatasync extends Driver {
        private final FileChannel channel;
        private final ByteBuffer record = ByteBuffer.allocateDirect(RECORD_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        private long at;

        Fdatasync(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        void run(int n) {
            try {
                for (int i = 0; i < n; i++) {
                    record.clear();
                    record.putLong(0, at);
                    channel.write(record, at);      // one pwrite from a direct buffer: no copy in the JDK
                    channel.force(false);           // fdatasync
                    at += RECORD_BYTES;
                    if (at == SYNC_FILE_BYTES) {
                        at = 0;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("floor-fdatasync: " + e.getMessage(), e);
            }
        }
    }
}
