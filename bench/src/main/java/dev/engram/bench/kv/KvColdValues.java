package dev.engram.bench.kv;

import dev.engram.kv.CompactionReport;
import dev.engram.kv.EngineKind;
import dev.engram.kv.KvStats;
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

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Question: what do LZ4-compressed cold values ({@code KvOptions.compressColdValues}) save in log space,
 * and what do they cost a random get? Each trial fills the store with JSON-like documents (compressible,
 * as logs and records are), overwrites the even keys (hot) and compacts, so the cleaner moves every odd
 * key (cold): compressed when {@code compress} is true, as written otherwise. The same layout either
 * way; only the stored form differs. The setup prints the log and live bytes after the compaction (the
 * space half of the answer); the benchmark is a get of a random cold key.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KvColdValues {

    /** Whether the pool stores the values its cleaner moves compressed. */
    @Param({"false", "true"})
    public boolean compress;

    /** Access mode: {@code RUN} (the mode compression is meant for) and {@code WALK}. */
    @Param({"RUN", "WALK"})
    public AccessMode mode;

    /** Bytes per value (a document of that length). */
    @Param({"256", "1024"})
    public int valueBytes;

    /** Keys. */
    @Param("100000")
    public int keys;

    /** Where the pool lives (RUN's fast tier beside it). */
    @Param("/dev/shm")
    public String directory;

    KvFixture fixture;
    final byte[] key = new byte[KvFixture.KEY_BYTES];
    int next;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new KvFixture(directory, EngineKind.HASH, mode, keys, i -> document(i, 0, valueBytes),
                KvFixture.poolBytes(keys, valueBytes, 4), o -> o.compressColdValues(compress).autoCompact(false));
        KvStats filled = fixture.kv.stats();
        for (int i = 0; i < keys; i += 2) {
            fixture.kv.put(KvFixture.key(i), document(i, 1, valueBytes));   // even keys hot: half the fill dead
        }
        fixture.kv.sync();
        CompactionReport r = fixture.kv.compact(0.999);                    // moves the odd (cold) keys
        KvStats s = fixture.kv.stats();
        System.out.printf("cold values: compress=%s mode=%s value=%d B: log %,d B after the fill; after overwriting"
                        + " the even keys and compacting: %,d records moved, %,d compressed, log %,d B, live %,d B%n",
                compress, mode, valueBytes, filled.logBytes(), r.recordsCopied(), r.valuesCompressed(), s.logBytes(),
                s.liveBytes());
    }

    /** A JSON-like document of {@code length} bytes for key {@code index}, version {@code version}: seeded. */
    static byte[] document(int index, int version, int length) {
        SplittableRandom random = new SplittableRandom(KvFixture.SEED ^ ((long) index << 8) ^ version);
        StringBuilder s = new StringBuilder(length + 80);
        while (s.length() < length) {
            s.append("{\"sensor\":").append(index).append(",\"version\":").append(version).append(",\"reading\":")
                    .append(random.nextInt(100_000)).append(",\"unit\":\"mV\",\"status\":\"ok\"}\n");
        }
        return s.substring(0, length).getBytes(StandardCharsets.US_ASCII);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    /** A get of a random cold (odd) key: a value the cleaner moved. */
    @Benchmark
    public byte[] getCold() {
        KvFixture.key(key, fixture.randomIndices[next++ & (KvFixture.TABLE - 1)] | 1);
        return fixture.kv.get(key);
    }
}
