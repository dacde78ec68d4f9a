package dev.engram.bench.kv;

import dev.engram.kv.Durability;
import dev.engram.kv.EngineKind;
import dev.engram.kv.LaneTails;
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
 * Question: what does one point operation cost in Engram's key-value store, per engine, access mode and
 * value size: a get of a present key, a buffered put and a durable put over a present key (random keys
 * from a seeded table)? Run with {@code -t 2} for two threads (the store is shared; each thread walks the
 * table from its own position).
 *
 * <p>Compare with {@code dev.engram.bench.region.PersistFloor} (a durable put cannot beat a persist of
 * its record) and with the workload runner's {@code floors}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KvPointOps {

    /** Index engine: {@code HASH} or {@code SORTED}. */
    @Param({"HASH", "SORTED"})
    public EngineKind engine;

    /** Access mode: {@code WALK} (mapped, libpmem flushes on /dev/shm); {@code CRAWL} and {@code RUN} with -p. */
    @Param("WALK")
    public AccessMode mode;

    /** Bytes per value: 8 B to 4 KiB (100 B is the record; 1024 with -p). */
    @Param({"8", "100", "4096"})
    public int valueBytes;

    /**
     * When the lanes' tails are committed (K2c, {@code KvOptions.laneTails}; EVERY_PERSIST is the default);
     * {@code -p laneTails=EVERY_PERSIST,BACKGROUND,OFF} measures its cost in one run.
     */
    @Param("EVERY_PERSIST")
    public LaneTails laneTails;

    /** Keys pre-filled before measuring. */
    @Param("100000")
    public int keys;

    /** Where the pool lives. */
    @Param("/dev/shm")
    public String directory;

    KvFixture fixture;

    @Setup(Level.Trial)
    public void setUp() {
        // Room for the pre-fill and ~40 overwrites per key: the measured puts never wait for the pool to grow.
        fixture = new KvFixture(directory, engine, mode, keys, KvFixture.randomValue(valueBytes),
                KvFixture.poolBytes(keys, valueBytes, 40), o -> o.laneTails(laneTails));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    /** Each thread's key buffer and position in the random table. */
    @State(Scope.Thread)
    public static class Cursor {
        final byte[] key = new byte[KvFixture.KEY_BYTES];
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            next = (int) (Thread.currentThread().threadId() * 7919) & (KvFixture.TABLE - 1);
        }

        byte[] nextKey(KvFixture f) {
            KvFixture.key(key, f.randomIndices[next++ & (KvFixture.TABLE - 1)]);
            return key;
        }
    }

    @Benchmark
    public byte[] get(Cursor c) {
        return fixture.kv.get(c.nextKey(fixture));
    }

    @Benchmark
    public void putBuffered(Cursor c) {
        fixture.kv.put(c.nextKey(fixture), fixture.value, Durability.BUFFERED);
    }

    @Benchmark
    public void putDurable(Cursor c) {
        fixture.kv.put(c.nextKey(fixture), fixture.value, Durability.DURABLE);
    }
}
