package dev.engram.bench.kv;

import dev.engram.kv.Durability;
import dev.engram.kv.EngineKind;
import dev.engram.kv.WriteBatch;
import dev.engram.region.AccessMode;
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
 * Question: what does an atomic, durable {@link WriteBatch} of N puts cost, and so what does batching
 * save per put against N single durable puts ({@code KvPointOps.putDurable})? The score is per batch;
 * divide by {@code batchSize} for the cost per put. Keys are random present ones from the seeded table.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KvBatch {

    /** Puts per batch. */
    @Param({"1", "16", "256"})
    public int batchSize;

    /** Bytes per value. */
    @Param("100")
    public int valueBytes;

    /** Keys pre-filled. */
    @Param("100000")
    public int keys;

    /** Index engine. */
    @Param("HASH")
    public EngineKind engine;

    /** Access mode. */
    @Param("WALK")
    public AccessMode mode;

    /** Where the pool lives. */
    @Param("/dev/shm")
    public String directory;

    private KvFixture fixture;
    private byte[][] batchKeys;
    private final WriteBatch batch = new WriteBatch();
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new KvFixture(directory, engine, mode, keys, valueBytes, KvFixture.poolBytes(keys, valueBytes, 60));
        batchKeys = new byte[KvFixture.TABLE][];
        for (int i = 0; i < KvFixture.TABLE; i++) {
            batchKeys[i] = KvFixture.key(fixture.randomIndices[i]);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    public void writeBatchDurable() {
        batch.clear();
        for (int i = 0; i < batchSize; i++) {
            batch.put(batchKeys[next++ & (KvFixture.TABLE - 1)], fixture.value);
        }
        fixture.kv.write(batch, Durability.DURABLE);
    }
}
