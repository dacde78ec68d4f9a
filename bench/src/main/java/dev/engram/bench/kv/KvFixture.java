package dev.engram.bench.kv;

import dev.engram.bench.WorkFiles;
import dev.engram.kv.Durability;
import dev.engram.kv.EngineKind;
import dev.engram.kv.KvOptions;
import dev.engram.kv.KvStore;
import dev.engram.region.AccessMode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

/**
 * One trial's key-value store, for the KV suites: a fresh pool in a fresh directory under {@code parent},
 * pre-filled with {@code keys} records (16 B keys: the index big-endian, then zeros, so index order is key
 * order; values of {@code valueBytes} seeded random bytes, or what the caller supplies), buffered then
 * synced, and a table of random key indices drawn from {@code SEED ^ 1} ({@link #SEED} printed), so no
 * random number is drawn in a measured method.
 * Deleted with everything in it at {@link #close()}.
 */
final class KvFixture implements AutoCloseable {

    /** Seed of every value and index table of the KV suites. */
    static final long SEED = 0x2026_1122L;
    /** Bytes per key. */
    static final int KEY_BYTES = 16;
    /** Random key indices per table: a power of two, so the next one is {@code i & (TABLE - 1)}. */
    static final int TABLE = 1 << 16;

    final Path directory;
    final KvStore kv;
    final int keys;
    final byte[] value;
    final int[] randomIndices;

    KvFixture(String parent, EngineKind engine, AccessMode mode, int keys, int valueBytes, long poolBytes) {
        this(parent, engine, mode, keys, randomValue(valueBytes), poolBytes, UnaryOperator.identity());
    }

    /**
     * @param values  the value of each key index (the same array may be returned for every index)
     * @param options extra options on top of the fixture's (e.g. compressed cold values)
     */
    KvFixture(String parent, EngineKind engine, AccessMode mode, int keys, IntFunction<byte[]> values, long poolBytes,
              UnaryOperator<KvOptions> options) {
        try {
            this.directory = Files.createTempDirectory(Path.of(parent), "engram-kv-jmh-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a trial directory under " + parent, e);
        }
        this.keys = keys;
        this.kv = KvStore.create(options.apply(new KvOptions(directory.resolve("pool")).engine(engine).mode(mode)
                .size(poolBytes).durability(Durability.BUFFERED)));
        this.value = values.apply(0);
        for (int i = 0; i < keys; i++) {
            kv.put(key(i), values.apply(i));
        }
        kv.sync();
        SplittableRandom random = new SplittableRandom(SEED ^ 1);
        this.randomIndices = new int[TABLE];
        for (int i = 0; i < TABLE; i++) {
            randomIndices[i] = random.nextInt(keys);
        }
        System.out.printf("%nKV trial: %,d keys of %d B, values of %d B, %s engine, %s mode, in %s; seed 0x%x; %s%n",
                keys, KEY_BYTES, value.length, engine, mode, directory, SEED, kv.persistencePath());
    }

    /** One value of {@code valueBytes} seeded random bytes, for every key. */
    static IntFunction<byte[]> randomValue(int valueBytes) {
        byte[] value = new byte[valueBytes];
        new SplittableRandom(SEED).nextBytes(value);
        return index -> value;
    }

    /** A new key of index {@code index}. */
    static byte[] key(long index) {
        return ByteBuffer.allocate(KEY_BYTES).putLong(0, index).array();
    }

    /** Writes the key of {@code index} into {@code key} (reused by a measured method: no allocation). */
    static void key(byte[] key, long index) {
        ByteBuffer.wrap(key).putLong(0, index);
    }

    /** Enough pool for {@code keys} records of {@code valueBytes} written {@code writesPerKey} times, plus room. */
    static long poolBytes(int keys, int valueBytes, int writesPerKey) {
        long record = (32L + KEY_BYTES + valueBytes + 7) & ~7L;
        return keys * record * writesPerKey + (64L << 20);
    }

    @Override
    public void close() {
        kv.close();
        WorkFiles.deleteTree(directory);
    }
}
