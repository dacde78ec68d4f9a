package dev.engram.bench.store;

import dev.engram.kv.Durability;
import dev.engram.kv.EngineKind;
import dev.engram.kv.KvCursor;
import dev.engram.kv.KvOptions;
import dev.engram.kv.KvStats;
import dev.engram.kv.KvStore;
import dev.engram.kv.LaneTails;
import dev.engram.kv.ValueReader;
import dev.engram.region.AccessMode;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Engram's {@link KvStore} as a {@link BenchStore}: {@code --durable} opens it with
 * {@link Durability#DURABLE} (a put is durable when it returns), otherwise {@link Durability#BUFFERED}
 * (acknowledged once in the shared mapping or the page cache: it survives the process, not the machine).
 *
 * <p>On the reuse of caller arrays: {@code KvStore} copies a key the first time it indexes it and keeps
 * the existing key object on later writes; values are copied into the log record. A get or scan step
 * copies the value in place ({@link KvStore#get(byte[], ValueReader)}) into an array reused by its
 * thread or scan, as the LMDB, RocksDB and Chronicle Map stores read into reused buffers; {@link #value}
 * returns a copy of its own.
 */
public final class EngramStore implements BenchStore {

    private final KvStore kv;
    private final boolean durable;
    private final ThreadLocal<ValueCopy> valueCopies = ThreadLocal.withInitial(ValueCopy::new);

    /** Copies a value read in place into one array, reused from read to read. One per thread or scan. */
    private static final class ValueCopy implements ValueReader<Integer> {
        private byte[] out = new byte[128];

        @Override
        public Integer read(ByteBuffer value) {
            int n = value.remaining();
            if (out.length < n) {
                out = new byte[n];
            }
            value.get(out, 0, n);
            return n;
        }
    }

    private EngramStore(KvStore kv, boolean durable) {
        this.kv = kv;
        this.durable = durable;
    }

    /**
     * Creates a new pool at {@code file}, {@code sizeBytes} large to begin with (it grows if needed;
     * 0 for the default size), its index sized for {@code expectedKeys} ({@link KvOptions#expectedKeys});
     * {@code asWritten} turns the background passes in key order off ({@link KvOptions#autoKeyOrder});
     * {@code laneTails} says when the lanes' tails are committed ({@link KvOptions#laneTails}).
     */
    static EngramStore create(Path file, EngineKind engine, AccessMode mode, boolean durable, long sizeBytes,
                              long expectedKeys, boolean asWritten, LaneTails laneTails) {
        KvOptions options = new KvOptions(file)
                .engine(engine)
                .mode(mode)
                .expectedKeys(expectedKeys)
                .autoKeyOrder(!asWritten)
                .laneTails(laneTails)
                .durability(durable ? Durability.DURABLE : Durability.BUFFERED);
        if (sizeBytes > 0) {
            options.size(sizeBytes);
        }
        return new EngramStore(KvStore.create(options), durable);
    }

    @Override
    public String name() {
        return "engram";
    }

    @Override
    public String engine() {
        return kv.engine().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String mode() {
        return kv.mode().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String durability() {
        return StoreKind.ENGRAM.durability(durable);
    }

    @Override
    public String laneTails() {
        return kv.laneTails().label();
    }

    @Override
    public String dax() {
        return kv.persistencePath().dax().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String persistence() {
        return kv.persistencePath().toString();
    }

    @Override
    public boolean ordered() {
        return kv.engine() == EngineKind.SORTED;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        kv.put(key, value);
    }

    @Override
    public void load(byte[] key, byte[] value) {
        kv.put(key, value, Durability.BUFFERED);
    }

    @Override
    public int get(byte[] key) {
        Integer length = kv.get(key, valueCopies.get());
        return length == null ? -1 : length;
    }

    @Override
    public byte[] value(byte[] key) {
        return kv.get(key);
    }

    @Override
    public boolean delete(byte[] key) {
        return kv.delete(key);
    }

    @Override
    public Scan scan(byte[] from, byte[] to) {
        KvCursor cursor = ordered() ? kv.scan(from, to) : kv.cursor();
        return new Scan() {
            private int length;
            private long keyBytesSeen;     // keeps the key copy in use
            /** Copies the value into one reused array, as the LMDB scan does: no array per step. */
            private final ValueCopy copyValue = new ValueCopy();

            @Override
            public boolean next() {
                if (!cursor.next()) {
                    return false;
                }
                keyBytesSeen += cursor.key().length;
                length = cursor.value(copyValue);
                return true;
            }

            @Override
            public int length() {
                return length;
            }

            @Override
            public void close() {
                cursor.close();
            }
        };
    }

    @Override
    public void sync() {
        kv.sync();
    }

    /**
     * {@link #sync}, then on the sorted engine a compaction in key order, as RocksDB's store gets a full
     * compaction: a long-running ordered store is compacted, and this is Engram's ordered compaction.
     */
    @Override
    public void settle() {
        sync();
        if (ordered()) {
            kv.compactInKeyOrder();
        }
    }

    @Override
    public long count() {
        return kv.count();
    }

    @Override
    public Map<String, Long> counters() {
        KvStats s = kv.stats();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("persists", s.persists());
        m.put("syscalls", s.region().syscalls());
        m.put("log_bytes_written", s.logBytesWritten());
        return m;
    }

    @Override
    public void close() {
        kv.close();
    }
}
