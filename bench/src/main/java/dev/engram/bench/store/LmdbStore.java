package dev.engram.bench.store;

import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * LMDB through lmdbjava: a copy-on-write B+tree in one memory-mapped file, one writer at a time, readers
 * on snapshots. Every put and delete is its own write transaction, committed before the call returns:
 *
 * <ul>
 *   <li>fastest ({@code durability: process}): {@code MDB_NOSYNC | MDB_WRITEMAP}: the commit writes the
 *       pages into the shared mapping and never syncs, so it survives the process, not power loss;</li>
 *   <li>{@code --durable} ({@code power}): default flags: the commit writes its pages with {@code pwrite}
 *       and {@code fdatasync}s the data file before it returns (LMDB's documented durable mode).</li>
 * </ul>
 *
 * Both add {@code MDB_NOTLS} so a thread may hold a scan's read transaction and a get's at once. Reads
 * reuse one read transaction per thread ({@code reset} after, {@code renew} before: no allocation, a fresh
 * snapshot each time), and copy the value out of the mapping into a per-thread array. lmdbjava's own
 * argument checks are switched off ({@value Env#DISABLE_CHECKS_PROP}), as in lmdbjava's benchmarks.
 *
 * <p>JDK 25 needs {@code --add-opens java.base/java.nio=ALL-UNNAMED --add-exports
 * java.base/sun.nio.ch=ALL-UNNAMED} (lmdbjava reads direct buffers' addresses).
 */
final class LmdbStore implements BenchStore {

    /** The largest record LMDB keeps on a leaf page (4 KiB pages): larger values go to overflow pages. */
    private static final int LEAF_RECORD_LIMIT = 2000;
    /** LMDB's page size on x86-64 Linux. */
    private static final int PAGE_BYTES = 4096;
    /** Per-record bytes LMDB adds on a leaf: the node header and the slot pointer. */
    private static final int NODE_OVERHEAD_BYTES = 16;
    /** The map holds this many times the records' bytes (see {@link #mapBytes}). */
    static final long MAP_FACTOR = 8;
    /** And this much more. */
    static final long MAP_SLACK_BYTES = 256L << 20;
    /** Puts the unmeasured pre-fill groups into one write transaction. */
    private static final int LOAD_BATCH = 50_000;

    static {
        System.setProperty(Env.DISABLE_CHECKS_PROP, "true");
    }

    private final StoreSpec spec;
    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> db;
    private final ThreadLocal<PerThread> perThread;
    private final Queue<PerThread> threads = new ConcurrentLinkedQueue<>();
    private Txn<ByteBuffer> loadTxn;
    private int loadedInTxn;

    private LmdbStore(StoreSpec spec, Env<ByteBuffer> env, Dbi<ByteBuffer> db) {
        this.spec = spec;
        this.env = env;
        this.db = db;
        this.perThread = ThreadLocal.withInitial(() -> {
            PerThread p = new PerThread(env, spec.keyBytes(), spec.valueBytes());
            threads.add(p);
            return p;
        });
    }

    static LmdbStore create(StoreSpec spec) {
        EnvFlags[] flags = spec.durable()
                ? new EnvFlags[]{EnvFlags.MDB_NOTLS}
                : new EnvFlags[]{EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSYNC, EnvFlags.MDB_WRITEMAP};
        Env<ByteBuffer> env = Env.create()
                .setMapSize(mapBytes(spec))
                .setMaxDbs(1)
                .setMaxReaders(512)
                .open(spec.directory().toFile(), flags);
        Dbi<ByteBuffer> db = env.openDbi("bench", DbiFlags.MDB_CREATE);
        return new LmdbStore(spec, env, db);
    }

    /**
     * The map must hold every live record plus the pages copy-on-write keeps until the next commit, and
     * cannot grow while transactions are open: {@value #MAP_FACTOR} times the records' leaf bytes (three
     * times was too little: a 100 k-key store ran out of map after a series of update workloads, since
     * freed pages are only reused once no snapshot can see them), three times the large values' overflow
     * pages, plus {@value #MAP_SLACK_BYTES} bytes. The file is sparse: only touched pages cost memory.
     */
    static long mapBytes(StoreSpec spec) {
        long record = spec.keyBytes() + spec.valueBytes() + NODE_OVERHEAD_BYTES;
        long perRecord = record <= LEAF_RECORD_LIMIT ? record
                : (spec.valueBytes() + NODE_OVERHEAD_BYTES + PAGE_BYTES - 1L) / PAGE_BYTES * PAGE_BYTES
                + spec.keyBytes() + NODE_OVERHEAD_BYTES;
        long largePages = (spec.largeValueBytes() + NODE_OVERHEAD_BYTES + PAGE_BYTES - 1L) / PAGE_BYTES;
        long bytes = MAP_FACTOR * spec.maxKeys() * perRecord + 3 * spec.largeValues() * largePages * PAGE_BYTES
                + MAP_SLACK_BYTES;
        return (bytes + PAGE_BYTES - 1) / PAGE_BYTES * PAGE_BYTES;
    }

    @Override
    public String name() {
        return StoreKind.LMDB.id();
    }

    @Override
    public String engine() {
        return "btree";
    }

    @Override
    public String mode() {
        return "none";
    }

    @Override
    public String durability() {
        return StoreKind.LMDB.durability(spec.durable());
    }

    @Override
    public String dax() {
        return Media.dax(spec.directory());
    }

    @Override
    public String persistence() {
        return spec.durable()
                ? "LMDB 0.9.33 (lmdbjava), MDB_NOTLS: one write transaction per put; its commit pwrites the pages "
                + "and fdatasyncs the data file before returning"
                : "LMDB 0.9.33 (lmdbjava), MDB_NOTLS|MDB_NOSYNC|MDB_WRITEMAP: one write transaction per put, "
                + "committed into the shared mapping, never synced (survives the process, not power loss)";
    }

    @Override
    public boolean ordered() {
        return true;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        PerThread p = perThread.get();
        ByteBuffer k = p.key(key);
        ByteBuffer v = p.value(value);
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            db.put(txn, k, v);
            txn.commit();
        }
    }

    @Override
    public void load(byte[] key, byte[] value) {
        PerThread p = perThread.get();
        if (loadTxn == null) {
            loadTxn = env.txnWrite();
        }
        db.put(loadTxn, p.key(key), p.value(value));
        if (++loadedInTxn == LOAD_BATCH) {
            commitLoad();
        }
    }

    private void commitLoad() {
        if (loadTxn != null) {
            loadTxn.commit();
            loadTxn.close();
            loadTxn = null;
            loadedInTxn = 0;
        }
    }

    @Override
    public int get(byte[] key) {
        PerThread p = perThread.get();
        ByteBuffer k = p.key(key);
        Txn<ByteBuffer> txn = p.read;
        txn.renew();
        try {
            ByteBuffer v = db.get(txn, k);
            if (v == null) {
                return -1;
            }
            int n = v.remaining();
            v.get(p.out(n), 0, n);
            return n;
        } finally {
            txn.reset();
        }
    }

    @Override
    public byte[] value(byte[] key) {
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            ByteBuffer v = db.get(txn, perThread.get().key(key));
            if (v == null) {
                return null;
            }
            byte[] copy = new byte[v.remaining()];
            v.get(copy);
            return copy;
        }
    }

    @Override
    public boolean delete(byte[] key) {
        ByteBuffer k = perThread.get().key(key);
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            boolean found = db.delete(txn, k);
            txn.commit();
            return found;
        }
    }

    @Override
    public Scan scan(byte[] from, byte[] to) {
        Txn<ByteBuffer> txn = env.txnRead();
        Cursor<ByteBuffer> cursor = db.openCursor(txn);
        ByteBuffer fromKey = from == null ? null : ByteBuffer.allocateDirect(from.length).put(from).flip();
        return new Scan() {
            private boolean started;
            private int length;
            private byte[] keyOut = new byte[spec.keyBytes()];
            private byte[] valueOut = new byte[spec.valueBytes()];

            @Override
            public boolean next() {
                boolean found;
                if (!started) {
                    started = true;
                    found = fromKey == null ? cursor.first() : cursor.get(fromKey, GetOp.MDB_SET_RANGE);
                } else {
                    found = cursor.next();
                }
                if (!found) {
                    return false;
                }
                ByteBuffer k = cursor.key();
                if (to != null && compareUnsigned(k, to) >= 0) {
                    return false;
                }
                int keyLength = k.remaining();
                if (keyOut.length < keyLength) {
                    keyOut = new byte[keyLength];
                }
                k.get(keyOut, 0, keyLength);
                ByteBuffer v = cursor.val();
                length = v.remaining();
                if (valueOut.length < length) {
                    valueOut = new byte[length];
                }
                v.get(valueOut, 0, length);
                return true;
            }

            @Override
            public int length() {
                return length;
            }

            @Override
            public void close() {
                cursor.close();
                txn.close();
            }
        };
    }

    /** Bytewise unsigned comparison of the buffer's remaining bytes with {@code b}, as LMDB orders keys. */
    static int compareUnsigned(ByteBuffer a, byte[] b) {
        int n = Math.min(a.remaining(), b.length);
        int base = a.position();
        for (int i = 0; i < n; i++) {
            int c = Integer.compare(a.get(base + i) & 0xFF, b[i] & 0xFF);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.remaining(), b.length);
    }

    @Override
    public void sync() {
        commitLoad();
        env.sync(true);
    }

    @Override
    public long count() {
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            return db.stat(txn).entries;
        }
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    public void close() {
        commitLoad();
        for (PerThread p : threads) {
            p.read.close();
        }
        db.close();
        env.close();
    }

    /** One thread's direct buffers (lmdbjava passes their addresses to LMDB), output array and read transaction. */
    private static final class PerThread {
        private ByteBuffer key;
        private ByteBuffer value;
        private byte[] out;
        final Txn<ByteBuffer> read;

        PerThread(Env<ByteBuffer> env, int keyBytes, int valueBytes) {
            this.key = ByteBuffer.allocateDirect(keyBytes);
            this.value = ByteBuffer.allocateDirect(Math.max(1, valueBytes));
            this.out = new byte[valueBytes];
            this.read = env.txnRead();
            this.read.reset();
        }

        ByteBuffer key(byte[] k) {
            if (key.capacity() < k.length) {
                key = ByteBuffer.allocateDirect(k.length);
            }
            ByteBuffer b = key.clear();
            b.put(k).flip();
            return b;
        }

        ByteBuffer value(byte[] v) {
            if (value.capacity() < v.length) {
                value = ByteBuffer.allocateDirect(v.length);
            }
            ByteBuffer b = value.clear();
            b.put(v).flip();
            return b;
        }

        byte[] out(int n) {
            if (out.length < n) {
                out = new byte[n];
            }
            return out;
        }
    }
}
