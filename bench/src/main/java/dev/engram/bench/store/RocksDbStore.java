package dev.engram.bench.store;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteOptions;

import java.util.Map;

/**
 * RocksDB through rocksdbjni: a log-structured merge tree (memtable, write-ahead log, sorted tables).
 *
 * <ul>
 *   <li>fastest ({@code durability: none}): {@code WriteOptions.disableWAL}: a put is in the memtable
 *       only, lost if the process dies before the next flush;</li>
 *   <li>{@code --durable} ({@code power}): {@code WriteOptions.sync = true}: the put's WAL record is
 *       written and fsync'ed before the call returns.</li>
 * </ul>
 *
 * Tuned for point lookups on this data, the same in both settings: no compression (the values are
 * random bytes), a 256 MiB LRU block cache (it holds a million 116 B records), a 10-bit Bloom filter,
 * 64 MiB write buffers, two background jobs (the machine's two cores). The pre-fill writes with the WAL
 * off, then {@link #settle} flushes the memtable and compacts, so reads meet the tree in its steady state.
 * A delete first reads the key, because RocksDB's delete does not say whether the key existed; that
 * point read is part of a measured delete.
 */
final class RocksDbStore implements BenchStore {

    /** Block cache: enough for a million 16 B + 100 B records and their index and filter blocks. */
    static final long BLOCK_CACHE_BYTES = 256L << 20;
    /** Memtable size before a flush (RocksDB's default). */
    static final long WRITE_BUFFER_BYTES = 64L << 20;
    /** Bloom filter bits per key: about 1 % false positives. */
    static final double BLOOM_BITS_PER_KEY = 10;

    static {
        RocksDB.loadLibrary();
    }

    private final StoreSpec spec;
    private final RocksDB db;
    private final Options options;
    private final LRUCache cache;
    private final BloomFilter filter;
    private final WriteOptions writeOptions;
    private final WriteOptions loadOptions;
    private final ReadOptions readOptions;
    private final ThreadLocal<byte[]> valueBuffers;
    private final byte[] probe = new byte[0];

    private RocksDbStore(StoreSpec spec, RocksDB db, Options options, LRUCache cache, BloomFilter filter) {
        this.spec = spec;
        this.db = db;
        this.options = options;
        this.cache = cache;
        this.filter = filter;
        this.writeOptions = spec.durable() ? new WriteOptions().setSync(true) : new WriteOptions().setDisableWAL(true);
        this.loadOptions = new WriteOptions().setDisableWAL(true);
        this.readOptions = new ReadOptions();
        this.valueBuffers = ThreadLocal.withInitial(() -> new byte[spec.valueBytes()]);
    }

    static RocksDbStore create(StoreSpec spec) {
        LRUCache cache = new LRUCache(BLOCK_CACHE_BYTES);
        BloomFilter filter = new BloomFilter(BLOOM_BITS_PER_KEY);
        Options options = new Options()
                .setCreateIfMissing(true)
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setWriteBufferSize(WRITE_BUFFER_BYTES)
                .setMaxBackgroundJobs(2)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setFilterPolicy(filter));
        try {
            return new RocksDbStore(spec, RocksDB.open(options, spec.directory().toString()), options, cache, filter);
        } catch (RocksDBException e) {
            options.close();
            cache.close();
            filter.close();
            throw failure("open " + spec.directory(), e);
        }
    }

    private static IllegalStateException failure(String what, RocksDBException e) {
        return new IllegalStateException("rocksdb: " + what + ": " + e.getMessage(), e);
    }

    @Override
    public String name() {
        return StoreKind.ROCKSDB.id();
    }

    @Override
    public String engine() {
        return "lsm";
    }

    @Override
    public String mode() {
        return "none";
    }

    @Override
    public String durability() {
        return StoreKind.ROCKSDB.durability(spec.durable());
    }

    @Override
    public String dax() {
        return Media.dax(spec.directory());
    }

    @Override
    public String persistence() {
        return "RocksDB " + RocksDB.rocksdbVersion() + (spec.durable()
                ? ", WriteOptions.sync: each put's WAL record written and fsync'ed before returning"
                : ", WriteOptions.disableWAL: a put is in the memtable only (lost with the process until a flush)")
                + "; no compression, 256 MiB block cache, 10-bit Bloom filter";
    }

    @Override
    public boolean ordered() {
        return true;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        try {
            db.put(writeOptions, key, value);
        } catch (RocksDBException e) {
            throw failure("put", e);
        }
    }

    @Override
    public void load(byte[] key, byte[] value) {
        try {
            db.put(loadOptions, key, value);
        } catch (RocksDBException e) {
            throw failure("put (pre-fill)", e);
        }
    }

    @Override
    public int get(byte[] key) {
        byte[] buffer = valueBuffers.get();
        try {
            int n = db.get(readOptions, key, buffer);
            if (n > buffer.length) {                // larger than any value so far: read it whole
                buffer = new byte[n];
                valueBuffers.set(buffer);
                n = db.get(readOptions, key, buffer);
            }
            return n == RocksDB.NOT_FOUND ? -1 : n;
        } catch (RocksDBException e) {
            throw failure("get", e);
        }
    }

    @Override
    public byte[] value(byte[] key) {
        try {
            return db.get(readOptions, key);
        } catch (RocksDBException e) {
            throw failure("get", e);
        }
    }

    @Override
    public boolean delete(byte[] key) {
        try {
            boolean found = db.get(readOptions, key, probe) != RocksDB.NOT_FOUND;
            db.delete(writeOptions, key);
            return found;
        } catch (RocksDBException e) {
            throw failure("delete", e);
        }
    }

    @Override
    public Scan scan(byte[] from, byte[] to) {
        Slice upper = to == null ? null : new Slice(to);
        ReadOptions scanOptions = new ReadOptions();
        if (upper != null) {
            scanOptions.setIterateUpperBound(upper);
        }
        RocksIterator it = db.newIterator(scanOptions);
        return new Scan() {
            private boolean started;
            private int length;
            private long keyBytesSeen;     // keeps the key copy in use

            @Override
            public boolean next() {
                if (!started) {
                    started = true;
                    if (from == null) {
                        it.seekToFirst();
                    } else {
                        it.seek(from);
                    }
                } else {
                    it.next();
                }
                if (!it.isValid()) {
                    return false;
                }
                keyBytesSeen += it.key().length;
                length = it.value().length;
                return true;
            }

            @Override
            public int length() {
                return length;
            }

            @Override
            public void close() {
                it.close();
                scanOptions.close();
                if (upper != null) {
                    upper.close();
                }
            }
        };
    }

    /** Flushes the memtable to a sorted table: every write durable on return, with or without the WAL. */
    @Override
    public void sync() {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush);
        } catch (RocksDBException e) {
            throw failure("flush", e);
        }
    }

    /** {@link #sync}, then a full compaction, so reads after a pre-fill meet a settled tree. */
    @Override
    public void settle() {
        sync();
        try {
            db.compactRange();
        } catch (RocksDBException e) {
            throw failure("compact", e);
        }
    }

    /** Exact, by iterating every key (RocksDB keeps only an estimate); not measured. */
    @Override
    public long count() {
        long n = 0;
        try (RocksIterator it = db.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                n++;
            }
        }
        return n;
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    public void close() {
        db.close();
        writeOptions.close();
        loadOptions.close();
        readOptions.close();
        options.close();
        cache.close();
        filter.close();
    }
}
