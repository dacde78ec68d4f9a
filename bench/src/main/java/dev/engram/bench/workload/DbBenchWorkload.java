package dev.engram.bench.workload;

import dev.engram.bench.store.BenchStore;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The workloads of LevelDB/RocksDB's db_bench that the issue asks for, with the same names and meanings.
 * With T threads, the measured operations are split into T contiguous shares of one stream (so a fill
 * still writes every key exactly once); each thread reads its share of a seeded key order
 * ({@link KeyOrder}) from a table.
 */
enum DbBenchWorkload implements Workload {

    /** Every key once, in key order, into an empty store. */
    FILLSEQ("write every key once in key order into an empty store", false, true) {
        @Override
        public Driver driver(StoreTrial t, int thread, long first, long count) {
            return new PutDriver(t, null, first);
        }
    },
    /** Every key once, in a seeded random order, into an empty store. */
    FILLRANDOM("write every key once in a seeded random order into an empty store", false, true) {
        @Override
        public Driver driver(StoreTrial t, int thread, long first, long count) {
            return new PutDriver(t, t.fillOrder(), first);
        }
    },
    /** Random puts of keys that are all present. */
    OVERWRITE("put over existing keys in a seeded random order (store pre-filled)", true, true) {
        @Override
        public Driver driver(StoreTrial t, int thread, long first, long count) {
            return new PutDriver(t, t.operationOrder(), first);
        }
    },
    /** Random gets of keys that are all present. */
    READRANDOM("get existing keys in a seeded random order (store pre-filled)", true, false) {
        @Override
        public Driver driver(StoreTrial t, int thread, long first, long count) {
            return new GetDriver(t, t.operationOrder(), first, false);
        }
    },
    /** A scan: every key and value, through one cursor per thread. */
    READSEQ("read every key and value through a cursor: in key order on the sorted engine, each thread its "
            + "own key range; unordered on hash (store pre-filled)", true, false) {
        @Override
        public Driver driver(StoreTrial t, int thread, long first, long count) {
            return new ScanDriver(t, thread);
        }

        @Override
        public long maxOperations(long keys) {
            return keys;
        }

        /**
         * The measured pass is the first over a new cursor, and on the JVM stores it lasts about 0.1 s at
         * 1 M keys. A warm-up of one pass leaves a new cursor's first step and the wrap to a new scan
         * unprofiled (the first runs before profiling starts, the second never), so the JIT compiled the
         * warmed scan without them and threw that code away at the measured pass's first step (an
         * "unstable_if" deoptimization seen in KvCursor.next and the driver's loop), so the measured pass
         * began in slower code. Three passes in the warm-up take both paths in profiled code. (The sorted
         * scan's spread from JVM to JVM has another, larger cause: docs/benchmarks.md, fifth run.)
         */
        @Override
        public int warmupPasses() {
            return 3;
        }
    },
    /** Random gets of keys that were never written. */
    READMISSING("get keys that were never written, in a seeded random order (store pre-filled)", true, false) {
        @Override
        public Driver driver(StoreTrial t, int thread, long first, long count) {
            return new GetDriver(t, t.operationOrder(), first, true);
        }
    },
    /** Random deletes of keys that are all present, each once. */
    DELETERANDOM("delete every key once in a seeded random order (store pre-filled)", true, true) {
        @Override
        public Driver driver(StoreTrial t, int thread, long first, long count) {
            return new DeleteDriver(t, t.operationOrder(), first);
        }

        @Override
        public long maxOperations(long keys) {
            return keys;
        }
    },
    /** Random gets by T threads while one more thread overwrites random keys; the readers are measured. */
    READWHILEWRITING("T threads get random keys while one extra thread overwrites random keys; the readers "
            + "are measured, the writer's rate is reported (store pre-filled)", true, true) {
        @Override
        public Driver driver(StoreTrial t, int thread, long first, long count) {
            return new GetDriver(t, t.operationOrder(), first, false);
        }

        @Override
        public Driver background(StoreTrial t) {
            return new PutDriver(t, t.backgroundOrder(), 0);
        }

        @Override
        public boolean hasBackgroundWriter() {
            return true;
        }
    };

    private final String summary;
    private final boolean prefilled;
    private final boolean writes;

    DbBenchWorkload(String summary, boolean prefilled, boolean writes) {
        this.summary = summary;
        this.prefilled = prefilled;
        this.writes = writes;
    }

    @Override
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public boolean prefilled() {
        return prefilled;
    }

    @Override
    public boolean writes() {
        return writes;
    }

    @Override
    public long maxOperations(long keys) {
        return prefilled ? Long.MAX_VALUE : keys;     // a fill writes each key at most once
    }

    @Override
    public abstract Driver driver(StoreTrial t, int thread, long first, long count);

    /** Little-endian 8-byte stamp of the key index at the start of each value, so values differ. */
    private static final VarHandle STAMP = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Where a thread is in the key stream: position {@code p} of the stream is key {@code order[p mod keys]}
     * (or {@code p mod keys} when {@code order} is null, in key order).
     */
    private abstract static class KeyStream extends Driver {
        final BenchStore store;
        final KeySpace keys;
        final byte[] key;
        private final int[] order;
        private final int keyCount;
        private int position;

        KeyStream(StoreTrial t, int[] order, long first) {
            this.store = t.store();
            this.keys = t.keys();
            this.key = keys.newBuffer();
            this.order = order;
            this.keyCount = (int) keys.keys();
            this.position = (int) (first % keyCount);
        }

        /** The next key index of the stream. */
        final int nextIndex() {
            int p = position;
            position = p + 1 == keyCount ? 0 : p + 1;
            return order == null ? p : order[p];
        }
    }

    /** put(key, value) with the store's durability; the value is the trial's, stamped with the key index. */
    static final class PutDriver extends KeyStream {
        private final byte[] value;

        PutDriver(StoreTrial t, int[] order, long first) {
            super(t, order, first);
            this.value = t.newValue();
        }

        @Override
        void run(int n) {
            for (int i = 0; i < n; i++) {
                int index = nextIndex();
                keys.present(key, index);
                if (value.length >= 8) {
                    STAMP.set(value, 0, (long) index);
                }
                store.put(key, value);
            }
        }
    }

    /** get(key) of present keys, or of missing ones; counts the keys found. */
    static final class GetDriver extends KeyStream {
        private final boolean missing;
        private long found;
        private long valueBytes;

        GetDriver(StoreTrial t, int[] order, long first, boolean missing) {
            super(t, order, first);
            this.missing = missing;
        }

        @Override
        void run(int n) {
            for (int i = 0; i < n; i++) {
                int index = nextIndex();
                if (missing) {
                    keys.missing(key, index);
                } else {
                    keys.present(key, index);
                }
                int length = store.get(key);
                if (length >= 0) {
                    found++;
                    valueBytes += length;
                }
            }
        }

        @Override
        long found() {
            return found;
        }
    }

    /** delete(key); counts the keys that were present. */
    static final class DeleteDriver extends KeyStream {
        private long found;

        DeleteDriver(StoreTrial t, int[] order, long first) {
            super(t, order, first);
        }

        @Override
        void run(int n) {
            for (int i = 0; i < n; i++) {
                keys.present(key, nextIndex());
                if (store.delete(key)) {
                    found++;
                }
            }
        }

        @Override
        long found() {
            return found;
        }
    }

    /**
     * next() on a cursor, reading key and value. On an ordered store thread t of T scans key indices
     * {@code [t * keys / T, (t + 1) * keys / T)}; on an unordered one every thread walks the whole store
     * from its start. A cursor that reaches its end is reopened (only when asked for more operations than
     * its range holds). The cursor is opened by the first operation, so opening it is measured.
     */
    static final class ScanDriver extends Driver {
        private final BenchStore store;
        private final byte[] from;
        private final byte[] to;
        private BenchStore.Scan scan;
        private long found;
        private long valueBytes;

        ScanDriver(StoreTrial t, int thread) {
            this.store = t.store();
            long keys = t.keys().keys();
            long lo = thread * keys / t.threads();
            long hi = (thread + 1) * keys / t.threads();
            boolean ordered = store.ordered();
            this.from = ordered && lo > 0 ? t.keys().key(lo) : null;
            this.to = ordered && hi < keys ? t.keys().key(hi) : null;
        }

        @Override
        void begin() {
            scan = store.scan(from, to);
        }

        @Override
        void run(int n) {
            for (int i = 0; i < n; i++) {
                if (!scan.next()) {
                    scan.close();
                    scan = store.scan(from, to);
                    if (!scan.next()) {
                        throw new IllegalStateException("readseq: the store holds no key in this thread's range");
                    }
                }
                found++;
                valueBytes += scan.length();
            }
        }

        @Override
        long found() {
            return found;
        }

        @Override
        void finish() {
            if (scan != null) {
                scan.close();
            }
        }
    }
}
