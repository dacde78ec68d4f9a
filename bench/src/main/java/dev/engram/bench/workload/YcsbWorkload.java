package dev.engram.bench.workload;

import dev.engram.bench.store.BenchStore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * YCSB's core workloads A-F (Cooper et al., SoCC 2010; the {@code workloads/workload[a-f]} files of
 * YCSB), over the runner's keys and values: one record per key, so YCSB's "update one field" is a put
 * of the whole value. Every store is pre-filled with every key first (the YCSB load phase), unmeasured.
 *
 * <table>
 *   <caption>operation mix and request distribution</caption>
 *   <tr><th>id</th><th>mix</th><th>keys</th></tr>
 *   <tr><td>ycsb-a</td><td>50 % read, 50 % update</td><td>zipfian</td></tr>
 *   <tr><td>ycsb-b</td><td>95 % read, 5 % update</td><td>zipfian</td></tr>
 *   <tr><td>ycsb-c</td><td>100 % read</td><td>zipfian</td></tr>
 *   <tr><td>ycsb-d</td><td>95 % read, 5 % insert</td><td>latest</td></tr>
 *   <tr><td>ycsb-e</td><td>95 % scan of 1-100 records (uniform), 5 % insert</td><td>zipfian scan starts; ordered stores only</td></tr>
 *   <tr><td>ycsb-f</td><td>50 % read, 50 % read-modify-write</td><td>zipfian</td></tr>
 * </table>
 *
 * <ul>
 *   <li><b>zipfian</b>: {@link Zipfian} with YCSB's constant {@link Zipfian#THETA} = 0.99 over the
 *       pre-filled keys; rank r is key {@code operationOrder[r]}, a seeded permutation, so the hot keys
 *       are scattered over the key space (YCSB's "scrambled zipfian", with a permutation instead of a
 *       hash so no two ranks share a key).</li>
 *   <li><b>latest</b>: the newest record is rank 0 of a zipfian over every record so far, in insertion
 *       order: the pre-fill's order, then this thread's own inserts. With T threads each thread favours
 *       its own newest inserts (a thread never reads a key another may not have written yet).</li>
 *   <li><b>inserts</b> write new keys {@code base + thread + T * j} (j-th insert of the thread), where
 *       {@code base} is the number of pre-filled keys plus the keys earlier workloads on the same store
 *       inserted: after every pre-filled key in key order, never colliding between threads or workloads.</li>
 * </ul>
 *
 * Each thread's operations (kind, key, scan length) are drawn before measurement into tables from its
 * own stream of the run's seed ({@code 32 + thread}), so the measured path draws no random number and
 * does no {@code Math.pow}. A read of a present key that misses, or a scan that finds nothing from a
 * present key, fails the run.
 */
enum YcsbWorkload implements Workload {

    A("50 % reads, 50 % updates, zipfian keys (store pre-filled)", 0.50, 0.50, 0, 0, 0, false),
    B("95 % reads, 5 % updates, zipfian keys (store pre-filled)", 0.95, 0.05, 0, 0, 0, false),
    C("100 % reads, zipfian keys (store pre-filled)", 1.00, 0, 0, 0, 0, false),
    D("95 % reads of the latest records, 5 % inserts (store pre-filled)", 0.95, 0, 0.05, 0, 0, true),
    E("95 % scans of 1-100 records from zipfian starts, 5 % inserts; ordered stores only (store pre-filled)",
            0, 0, 0.05, 0.95, 0, false),
    F("50 % reads, 50 % read-modify-writes (get, then put), zipfian keys (store pre-filled)", 0.50, 0, 0, 0, 0.50, false);

    /** YCSB's default {@code maxscanlength}; lengths are uniform in [1, this]. */
    static final int MAX_SCAN_LENGTH = 100;
    /** Stream of the run's seed that thread t's operation table is drawn from: this + t. */
    static final int STREAM = 32;

    static final byte READ = 0;
    static final byte UPDATE = 1;
    static final byte INSERT = 2;
    static final byte SCAN = 3;
    static final byte READ_MODIFY_WRITE = 4;
    /** Result field names of the operation counts, indexed by kind. */
    static final List<String> KIND_FIELDS = List.of("reads", "updates", "inserts", "scans", "read_modify_writes");

    private final String summary;
    private final double read;
    private final double update;
    private final double insert;
    private final double scan;
    private final double readModifyWrite;
    private final boolean latest;

    YcsbWorkload(String summary, double read, double update, double insert, double scan, double readModifyWrite,
                 boolean latest) {
        this.summary = summary;
        this.read = read;
        this.update = update;
        this.insert = insert;
        this.scan = scan;
        this.readModifyWrite = readModifyWrite;
        this.latest = latest;
    }

    @Override
    public String id() {
        return "ycsb-" + name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public boolean prefilled() {
        return true;
    }

    @Override
    public boolean writes() {
        return update + insert + readModifyWrite > 0;
    }

    /** Inserts take key indices beyond the pre-filled ones, of which the key space holds as many again. */
    @Override
    public long maxOperations(long keys) {
        return insert > 0 ? 10 * keys : Long.MAX_VALUE;
    }

    @Override
    public long maxLiveKeys(long keys, long operations, int threads) {
        return insert > 0 ? keys + (long) Math.ceil(operations * insert * 1.2) + 64L * threads : keys;
    }

    @Override
    public boolean needsOrderedStore() {
        return scan > 0;
    }

    /** "read 0.95, insert 0.05": the mix, for results. */
    String mix() {
        StringBuilder b = new StringBuilder();
        double[] p = {read, update, insert, scan, readModifyWrite};
        String[] names = {"read", "update", "insert", "scan", "read-modify-write"};
        for (int k = 0; k < p.length; k++) {
            if (p[k] > 0) {
                b.append(b.isEmpty() ? "" : ", ").append(names[k]).append(' ').append(p[k]);
            }
        }
        return b.toString();
    }

    /** "zipfian 0.99 (scrambled)" or "latest 0.99": the request distribution, for results. */
    String distribution() {
        return (latest ? "latest " : "zipfian ") + Zipfian.THETA + (latest ? "" : " (scrambled)");
    }

    @Override
    public Driver driver(StoreTrial t, int thread, long first, long count) {
        return new YcsbDriver(t, this, thread, count);
    }

    @Override
    public void annotate(Result r, List<Driver> drivers) {
        long[] kinds = new long[KIND_FIELDS.size()];
        for (Driver d : drivers) {
            long[] done = ((YcsbDriver) d).doneByKind;
            for (int k = 0; k < kinds.length; k++) {
                kinds[k] += done[k];
            }
        }
        r.put("ycsb_mix", mix()).put("request_distribution", distribution());
        for (int k = 0; k < kinds.length; k++) {
            r.put(KIND_FIELDS.get(k), kinds[k]);
        }
    }

    /** The kind of the draw {@code u} in [0, 1): cumulative proportions in the order read, update, insert, scan, rmw. */
    private byte kind(double u) {
        double c = read;
        if (u < c) {
            return READ;
        }
        c += update;
        if (u < c) {
            return UPDATE;
        }
        c += insert;
        if (u < c) {
            return INSERT;
        }
        c += scan;
        if (u < c) {
            return SCAN;
        }
        return READ_MODIFY_WRITE;
    }

    /** Little-endian 8-byte stamp of the key index at the start of each written value, so values differ. */
    private static final VarHandle STAMP = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * One thread's YCSB operations, drawn into tables at construction (before measurement): the kind,
     * the key index and, for scans, the length.
     */
    static final class YcsbDriver extends Driver {
        private final BenchStore store;
        private final KeySpace keys;
        private final byte[] key;
        private final byte[] value;
        private final byte[] kinds;
        private final int[] indices;
        private final byte[] scanLengths;
        final long[] doneByKind = new long[KIND_FIELDS.size()];
        private int position;
        private long expected;
        private long found;
        private long scanned;
        private long highestInsert = -1;

        YcsbDriver(StoreTrial t, YcsbWorkload w, int thread, long count) {
            if (count > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(w.id() + ": " + count + " operations per thread is more than a table holds");
            }
            this.store = t.store();
            this.keys = t.keys();
            this.key = keys.newBuffer();
            this.value = t.newValue();
            int n = (int) count;
            this.kinds = new byte[n];
            this.indices = new int[n];
            this.scanLengths = w.scan > 0 ? new byte[n] : null;
            draw(t, w, thread, n);
        }

        private void draw(StoreTrial t, YcsbWorkload w, int thread, int n) {
            SplittableRandom random = new SplittableRandom(KeyOrder.streamSeed(t.seed(), STREAM + thread));
            long keyCount = keys.keys();
            int threads = t.threads();
            long keyLimit = 2 * keyCount;                  // KeySpace holds keys and as many again
            long base = t.insertBase();
            int[] fill = w.latest ? t.fillOrder() : null;
            int[] scramble = w.latest ? null : t.operationOrder();
            Zipfian zipf = t.zipfian().copy();
            long inserts = 0;
            for (int i = 0; i < n; i++) {
                byte kind = w.kind(random.nextDouble());
                kinds[i] = kind;
                if (kind == INSERT) {
                    long index = base + thread + (long) threads * inserts;
                    if (index >= keyLimit || index > Integer.MAX_VALUE) {
                        throw new IllegalStateException(w.id() + ": insert " + inserts + " of thread " + thread
                                + " needs key index " + index + ", beyond the key space of " + keyLimit);
                    }
                    indices[i] = (int) index;
                    highestInsert = Math.max(highestInsert, index);
                    inserts++;
                    if (w.latest) {
                        zipf.grow(keyCount + inserts);
                    }
                    continue;
                }
                long rank = zipf.rank(random.nextDouble());
                if (w.latest) {
                    long p = keyCount + inserts - 1 - rank;   // insertion position: newest first
                    indices[i] = p < keyCount ? fill[(int) p] : (int) (base + thread + (long) threads * (p - keyCount));
                } else {
                    indices[i] = scramble[(int) rank];
                }
                if (kind == SCAN) {
                    scanLengths[i] = (byte) random.nextInt(1, MAX_SCAN_LENGTH + 1);
                }
            }
        }

        @Override
        void run(int n) {
            for (int i = 0; i < n; i++) {
                int p = position++;
                int index = indices[p];
                byte kind = kinds[p];
                doneByKind[kind]++;
                keys.present(key, index);
                switch (kind) {
                    case READ -> read();
                    case UPDATE, INSERT -> write(index);
                    case SCAN -> scan(index, scanLengths[p]);
                    default -> {
                        read();
                        write(index);
                    }
                }
            }
        }

        private void read() {
            expected++;
            if (store.get(key) >= 0) {
                found++;
            }
        }

        private void write(int index) {
            if (value.length >= 8) {
                STAMP.set(value, 0, (long) index);
            }
            store.put(key, value);
        }

        private void scan(int index, int length) {
            expected++;
            int seen = 0;
            try (BenchStore.Scan s = store.scan(keys.key(index), null)) {
                while (seen < length && s.next()) {
                    seen++;
                }
            }
            scanned += seen;
            if (seen > 0) {
                found++;
            }
        }

        @Override
        long found() {
            return found;
        }

        @Override
        long expectedFound() {
            return expected;
        }

        @Override
        long highestInsertIndex() {
            return highestInsert;
        }
    }
}
