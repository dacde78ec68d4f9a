package dev.engram.bench.region;

import dev.engram.pmem.Pmem;
import dev.engram.region.AccessMode;
import dev.engram.region.Region;
import dev.engram.region.RegionHeader;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntToLongFunction;

/**
 * Question: the small-access ratios (WALK 8 B against a raw segment; RUN resident 8, 64, 256 B
 * reads against WALK), RUN's 8 B store against WALK's, and WALK's 64 B write + persist against the bare
 * copy + by-address {@code pmem_persist}, measured so that a shared, busy machine cannot decide them. JMH measures one
 * benchmark after another, seconds or minutes apart; on two cores shared with other builds the load
 * changes in between by as much as the ratio being measured. Here both sides of a ratio run in the
 * same JVM in alternating slices of {@code sliceOps} operations (about a millisecond each), every
 * round in a rotated order, and the ratio is taken <em>per round</em>: a slice disturbed by a neighbour
 * spoils one round's ratio, not the answer. Printed: each side's median ns/op and, per ratio, the
 * median of the per-round ratios with its quartiles.
 *
 * <p>Same work per operation as the JMH classes ({@link MappedSegmentFloor}, {@link RegionLongAccess},
 * {@link RunResidentReads}): the same seeded offset tables, an index field incremented per operation,
 * the result consumed (summed), one volatile read per operation as JMH's loop makes. The persist sides
 * ({@link RegionWritePersist}'s work and {@link PersistFloor#store64PmemPersistAddress}'s, the floor on
 * the raw mapping here) run {@link #PERSIST_SLICE_DIVISOR} times fewer operations per slice, about as
 * long a slice as the others. Regions are made by {@link RegionTarget#create}, as in JMH. Each side
 * has its own loop method, so every call site sees one receiver class; and the raw floor is a plain
 * native segment over its own mapping (not {@code FileChannel.map}'s mapped-segment class), so that
 * every memory access in this JVM goes through one kind of segment and no shared access code sees a
 * second kind, which would slow every side down.
 *
 * <p>Run: {@code java -cp <bench classpath> dev.engram.bench.region.InterleavedPairs [rounds] [sliceOps]}
 * (defaults 400 and 100000); about a minute. Not a JMH benchmark: no forks, no blackholes, so it answers
 * ratios, not absolute costs.
 */
public final class InterleavedPairs {

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long WORKING_SET_BYTES = 1 << 20;
    /** A persist costs ~50x an 8 B access here: its sides run this many times fewer operations per slice. */
    static final int PERSIST_SLICE_DIVISOR = 40;

    private final MemorySegment raw;
    private final Region walk;
    private final Region run;
    private final long[] offsets8;
    private final long[] offsets64;
    private final long[] offsets256;
    private final int mask;
    private final byte[] buffer = new byte[4096];
    private final byte[] record = new byte[64];
    private int next;
    /**
     * Read once per operation, as JMH's measurement loop reads its volatile {@code isDone} once per
     * call: without it the JIT would hoist WALK's and the floor's loads out of a tight loop (and keep
     * {@link #next} in a register), which RUN's acquire loads forbid, and the loops would no longer be
     * doing what the JMH benchmarks measure.
     */
    private volatile int opaque;

    private InterleavedPairs(MemorySegment raw, Region walk, Region run) {
        this.raw = raw;
        this.walk = walk;
        this.run = run;
        int n = OffsetTables.SMALL_ACCESS_COUNT;
        long base = RegionHeader.LENGTH;
        this.offsets8 = OffsetTables.random("8 B accesses", n, base, WORKING_SET_BYTES, 8, 8);
        this.offsets64 = OffsetTables.random("64 B reads", n, base, WORKING_SET_BYTES, 64, 64);
        this.offsets256 = OffsetTables.random("256 B reads", n, base, WORKING_SET_BYTES, 256, 256);
        this.mask = OffsetTables.mask(offsets8);
    }

    // One method per side: each call site sees one receiver class.

    private long rawLoad(int ops) {
        long sum = 0;
        for (int i = 0; i < ops; i++) {
            sum += opaque + raw.get(LONG, offsets8[next++ & mask]);
        }
        return sum;
    }

    private long rawStore(int ops) {
        for (int i = 0; i < ops; i++) {
            long offset = offsets8[next++ & mask] + opaque;
            raw.set(LONG, offset, offset);
        }
        return next;
    }

    private long walkLoad(int ops) {
        long sum = 0;
        for (int i = 0; i < ops; i++) {
            sum += opaque + walk.getLong(offsets8[next++ & mask]);
        }
        return sum;
    }

    private long walkStore(int ops) {
        for (int i = 0; i < ops; i++) {
            long offset = offsets8[next++ & mask] + opaque;
            walk.putLong(offset, offset);
        }
        return next;
    }

    private long runStore(int ops) {
        for (int i = 0; i < ops; i++) {
            long offset = offsets8[next++ & mask] + opaque;
            run.putLong(offset, offset);
        }
        return next;
    }

    /** {@link PersistFloor#store64PmemPersistAddress}: copy 64 B into the mapping, persist by address. */
    private long rawWritePersist64(int ops) {
        long base = raw.address();
        for (int i = 0; i < ops; i++) {
            long offset = offsets64[next++ & mask] + opaque;
            MemorySegment.copy(record, 0, raw, ValueLayout.JAVA_BYTE, offset, 64);
            Pmem.persistAddress(base + offset, 64);
        }
        return next;
    }

    /** {@link RegionWritePersist#writePersist} with 64 B records on WALK. */
    private long walkWritePersist64(int ops) {
        for (int i = 0; i < ops; i++) {
            long offset = offsets64[next++ & mask] + opaque;
            walk.write(offset, record, 0, 64);
            walk.persist(offset, 64);
        }
        return next;
    }

    private long runLoad(int ops) {
        long sum = 0;
        for (int i = 0; i < ops; i++) {
            sum += opaque + run.getLong(offsets8[next++ & mask]);
        }
        return sum;
    }

    private long walkRead64(int ops) {
        long sum = 0;
        for (int i = 0; i < ops; i++) {
            walk.read(offsets64[next++ & mask], buffer, 0, 64);
            sum += opaque + buffer[i & 63];
        }
        return sum;
    }

    private long runRead64(int ops) {
        long sum = 0;
        for (int i = 0; i < ops; i++) {
            run.read(offsets64[next++ & mask], buffer, 0, 64);
            sum += opaque + buffer[i & 63];
        }
        return sum;
    }

    private long walkRead256(int ops) {
        long sum = 0;
        for (int i = 0; i < ops; i++) {
            walk.read(offsets256[next++ & mask], buffer, 0, 256);
            sum += opaque + buffer[i & 255];
        }
        return sum;
    }

    private long runRead256(int ops) {
        long sum = 0;
        for (int i = 0; i < ops; i++) {
            run.read(offsets256[next++ & mask], buffer, 0, 256);
            sum += opaque + buffer[i & 255];
        }
        return sum;
    }

    private record Side(String name, IntToLongFunction loop, int sliceDivisor) {
        Side(String name, IntToLongFunction loop) {
            this(name, loop, 1);
        }
    }

    /** {@code target} NaN: no target in the issue, measured for the record. */
    private record Ratio(String name, int numerator, int denominator, double target) {
    }

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int sliceOps = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        TrialDirectory trial = new TrialDirectory("/dev/shm");
        TrialDirectory walkTrial = new TrialDirectory("/dev/shm");
        TrialDirectory runTrial = new TrialDirectory("/dev/shm");
        try (Arena arena = Arena.ofShared()) {
            long size = RegionHeader.LENGTH + WORKING_SET_BYTES;
            MemorySegment mapped;
            try (FileChannel channel = FileChannel.open(trial.file("raw"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                mapped = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            }
            MemorySegment raw = MemorySegment.ofAddress(mapped.address()).reinterpret(size, arena, null);
            raw.fill((byte) 1);
            Region walk = RegionTarget.parse("WALK:/dev/shm").create(walkTrial, WORKING_SET_BYTES, RegionTarget.NO_PROFILE);
            Region run = RegionTarget.parse("RUN:/dev/shm").create(runTrial, WORKING_SET_BYTES, RegionTarget.NO_PROFILE);
            if (walk.mode() != AccessMode.WALK || run.mode() != AccessMode.RUN) {
                throw new IllegalStateException("expected a WALK and a RUN region, got " + walk + ", " + run);
            }
            try {
                new InterleavedPairs(raw, walk, run).measure(rounds, sliceOps);
            } finally {
                walk.close();
                run.close();
            }
        } finally {
            trial.close();
            walkTrial.close();
            runTrial.close();
        }
    }

    private void measure(int rounds, int sliceOps) {
        Side[] sides = {
                new Side("raw segment load", this::rawLoad), new Side("WALK getLong", this::walkLoad),
                new Side("raw segment store", this::rawStore), new Side("WALK putLong", this::walkStore),
                new Side("RUN getLong", this::runLoad),
                new Side("WALK read 64 B", this::walkRead64), new Side("RUN read 64 B", this::runRead64),
                new Side("WALK read 256 B", this::walkRead256), new Side("RUN read 256 B", this::runRead256),
                new Side("RUN putLong", this::runStore),
                new Side("copy 64 B + persist", this::rawWritePersist64, PERSIST_SLICE_DIVISOR),
                new Side("WALK write+persist 64", this::walkWritePersist64, PERSIST_SLICE_DIVISOR)};
        Ratio[] ratios = {
                new Ratio("WALK 8 B load / raw segment load", 1, 0, 1.5),
                new Ratio("WALK 8 B store / raw segment store", 3, 2, 1.5),
                new Ratio("RUN resident 8 B read / WALK", 4, 1, 1.5),
                new Ratio("RUN resident 64 B read / WALK", 6, 5, 1.5),
                new Ratio("RUN resident 256 B read / WALK", 8, 7, 1.5),
                new Ratio("RUN 8 B store / WALK", 9, 3, Double.NaN),
                new Ratio("WALK 64 B write+persist / copy+persist", 11, 10, 1.3)};
        long sink = 0;
        for (int warm = 0; warm < 40; warm++) {             // well past C2 for every loop
            for (Side side : sides) {
                sink += side.loop().applyAsLong(sliceOps / side.sliceDivisor());
            }
        }
        double[][] nanosPerOp = new double[sides.length][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < sides.length; k++) {
                int s = (k + round) % sides.length;         // rotated: no side always follows the same one
                int ops = sliceOps / sides[s].sliceDivisor();
                long t0 = System.nanoTime();
                sink += sides[s].loop().applyAsLong(ops);
                nanosPerOp[s][round] = (System.nanoTime() - t0) / (double) ops;
            }
        }
        System.out.printf(Locale.ROOT, "%d rounds of %d operations per side, rotated; sink %d%n", rounds, sliceOps, sink);
        for (int s = 0; s < sides.length; s++) {
            double[] q = quartiles(nanosPerOp[s]);
            System.out.printf(Locale.ROOT, "side  %-20s median %6.2f ns/op (p25 %.2f, p75 %.2f)%n", sides[s].name(), q[1], q[0], q[2]);
        }
        for (Ratio r : ratios) {
            double[] perRound = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                perRound[round] = nanosPerOp[r.numerator()][round] / nanosPerOp[r.denominator()][round];
            }
            double[] q = quartiles(perRound);
            String verdict = Double.isNaN(r.target()) ? "no target"
                    : String.format(Locale.ROOT, "target %.1fx: %s", r.target(), q[1] <= r.target() ? "met" : "missed");
            System.out.printf(Locale.ROOT, "ratio %-40s median %.2fx (p25 %.2fx, p75 %.2fx)  %s%n",
                    r.name(), q[1], q[0], q[2], verdict);
        }
    }

    private static double[] quartiles(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return new double[]{sorted[n / 4], sorted[n / 2], sorted[(3 * n) / 4]};
    }
}
