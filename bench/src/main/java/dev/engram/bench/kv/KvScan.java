package dev.engram.bench.kv;

import dev.engram.kv.EngineKind;
import dev.engram.kv.KvCursor;
import dev.engram.region.AccessMode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * Question: what does one step of an ordered scan cost on the sorted engine, per value size, and what
 * does opening a cursor cost? {@code scan100}: open a cursor at a random present key and read the next
 * {@value #STEPS} keys and values (YCSB E's mean scan is ~50); the score is per step, opening included.
 * {@code open}: open a cursor at a random key, read one entry, close.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KvScan {

    /** Entries read per cursor in {@link #scan100}. */
    static final int STEPS = 100;

    /** Bytes per value. */
    @Param({"8", "100", "4096"})
    public int valueBytes;

    /** Keys pre-filled; the sorted engine's skip list holds them all. */
    @Param("100000")
    public int keys;

    /** Access mode of the pool. */
    @Param("WALK")
    public AccessMode mode;

    /** Where the pool lives. */
    @Param("/dev/shm")
    public String directory;

    private KvFixture fixture;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new KvFixture(directory, EngineKind.SORTED, mode, keys, valueBytes, KvFixture.poolBytes(keys, valueBytes, 2));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    private byte[] randomStart() {
        int index = fixture.randomIndices[next++ & (KvFixture.TABLE - 1)];
        return KvFixture.key(Math.min(index, fixture.keys - STEPS));
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public void scan100(Blackhole bh) {
        try (KvCursor c = fixture.kv.scan(randomStart(), null)) {
            for (int i = 0; i < STEPS && c.next(); i++) {
                bh.consume(c.key());
                bh.consume(c.value());
            }
        }
    }

    @Benchmark
    public void open(Blackhole bh) {
        try (KvCursor c = fixture.kv.scan(randomStart(), null)) {
            if (c.next()) {
                bh.consume(c.value());
            }
        }
    }
}
