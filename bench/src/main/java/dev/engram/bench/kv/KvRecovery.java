package dev.engram.bench.kv;

import dev.engram.kv.EngineKind;
import dev.engram.kv.KvOptions;
import dev.engram.kv.KvStore;
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
 * Question: how long does reopening a pool of N keys take (recovery: the log scanned, every record's
 * checksum verified, the index rebuilt), per engine? Each measured invocation opens the closed pool and
 * closes it again; single-shot time, milliseconds. The pool is written once per trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class KvRecovery {

    /** Keys in the pool. */
    @Param({"100000", "1000000"})
    public int keys;

    /** Index engine rebuilt at open. */
    @Param({"HASH", "SORTED"})
    public EngineKind engine;

    /** Bytes per value. */
    @Param("100")
    public int valueBytes;

    /** Mode the pool is reopened in. */
    @Param("WALK")
    public AccessMode mode;

    /** Where the pool lives. */
    @Param("/dev/shm")
    public String directory;

    private KvFixture fixture;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new KvFixture(directory, engine, mode, keys, valueBytes, KvFixture.poolBytes(keys, valueBytes, 2));
        fixture.kv.close();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    public long reopen() {
        try (KvStore kv = KvStore.open(new KvOptions(fixture.directory.resolve("pool")).mode(mode))) {
            long n = kv.count();
            if (n != keys) {
                throw new IllegalStateException("recovered " + n + " keys, expected " + keys);
            }
            return n;
        }
    }
}
