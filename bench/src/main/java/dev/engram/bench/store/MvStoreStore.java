package dev.engram.bench.store;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * H2's MVStore: a copy-on-write B-tree whose changes are written as chunks to one file at each commit.
 *
 * <ul>
 *   <li>fastest ({@code durability: none}): MVStore's default, auto-commit: a background thread commits
 *       about once a second (and a writer commits when ~1 MiB of changes are unsaved); a put in between
 *       lives in memory only;</li>
 *   <li>{@code --durable} ({@code power}): auto-commit disabled and its buffer set to 0 (otherwise MVStore
 *       still commits on its own every ~19 MiB), then {@code commit()} and {@code sync()} (an fsync of the
 *       file) after every put and delete.</li>
 * </ul>
 *
 * Keys and values are {@code byte[]} in {@link UnsignedBytes}, a data type that orders keys as unsigned
 * bytes like every other store (MVStore's generic object type would serialise class tags too). A get
 * returns the map's own array, so it is copied into a per-thread array, as a user keeping it would.
 */
final class MvStoreStore implements BenchStore {

    private final StoreSpec spec;
    private final MVStore store;
    private final MVMap<byte[], byte[]> map;
    private final ThreadLocal<byte[]> valueBuffers;

    private MvStoreStore(StoreSpec spec, MVStore store, MVMap<byte[], byte[]> map) {
        this.spec = spec;
        this.store = store;
        this.map = map;
        this.valueBuffers = ThreadLocal.withInitial(() -> new byte[spec.valueBytes()]);
    }

    static MvStoreStore create(StoreSpec spec) {
        MVStore.Builder builder = new MVStore.Builder().fileName(spec.directory().resolve("mvstore.db").toString());
        if (spec.durable()) {
            builder = builder.autoCommitDisabled().autoCommitBufferSize(0);
        }
        MVStore store = builder.open();
        MVMap<byte[], byte[]> map = store.openMap("bench",
                new MVMap.Builder<byte[], byte[]>().keyType(UnsignedBytes.INSTANCE).valueType(UnsignedBytes.INSTANCE));
        return new MvStoreStore(spec, store, map);
    }

    @Override
    public String name() {
        return StoreKind.MVSTORE.id();
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
        return StoreKind.MVSTORE.durability(spec.durable());
    }

    @Override
    public String dax() {
        return Media.dax(spec.directory());
    }

    @Override
    public String persistence() {
        return "H2 MVStore 2.4.240" + (spec.durable()
                ? ", auto-commit off (buffer 0): commit() + sync() (fsync) after every put"
                : ", auto-commit (background commit about once a second): a put lives in memory until then");
    }

    @Override
    public boolean ordered() {
        return true;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        map.put(key.clone(), value.clone());     // the map keeps the arrays it is given
        if (spec.durable()) {
            store.commit();
            store.sync();
        }
    }

    @Override
    public void load(byte[] key, byte[] value) {
        map.put(key.clone(), value.clone());
    }

    @Override
    public int get(byte[] key) {
        byte[] value = map.get(key);
        if (value == null) {
            return -1;
        }
        byte[] buffer = valueBuffers.get();
        if (buffer.length < value.length) {
            buffer = new byte[value.length];
            valueBuffers.set(buffer);
        }
        System.arraycopy(value, 0, buffer, 0, value.length);
        return value.length;
    }

    @Override
    public byte[] value(byte[] key) {
        byte[] value = map.get(key);
        return value == null ? null : value.clone();
    }

    @Override
    public boolean delete(byte[] key) {
        boolean found = map.remove(key) != null;
        if (spec.durable()) {
            store.commit();
            store.sync();
        }
        return found;
    }

    @Override
    public Scan scan(byte[] from, byte[] to) {
        Cursor<byte[], byte[]> cursor = map.cursor(from == null ? null : from.clone());
        return new Scan() {
            private int length;
            private byte[] keyOut = new byte[spec.keyBytes()];
            private byte[] valueOut = new byte[spec.valueBytes()];

            @Override
            public boolean next() {
                if (!cursor.hasNext()) {
                    return false;
                }
                byte[] key = cursor.next();
                if (to != null && Arrays.compareUnsigned(key, to) >= 0) {
                    return false;
                }
                byte[] value = cursor.getValue();
                if (keyOut.length < key.length) {
                    keyOut = new byte[key.length];
                }
                System.arraycopy(key, 0, keyOut, 0, key.length);
                if (valueOut.length < value.length) {
                    valueOut = new byte[value.length];
                }
                System.arraycopy(value, 0, valueOut, 0, value.length);
                length = value.length;
                return true;
            }

            @Override
            public int length() {
                return length;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void sync() {
        store.commit();
        store.sync();
    }

    @Override
    public long count() {
        return map.sizeAsLong();
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    public void close() {
        store.close();
    }

    /**
     * {@code byte[]} keys and values for MVStore: a variable-length size then the bytes; keys compare as
     * unsigned bytes, shorter first on a common prefix (the order of every other store here).
     */
    static final class UnsignedBytes extends BasicDataType<byte[]> {

        static final UnsignedBytes INSTANCE = new UnsignedBytes();
        /** MVStore's estimate of an array's heap cost: its bytes plus the array header and a reference. */
        private static final int ARRAY_OVERHEAD_BYTES = 24;

        @Override
        public int getMemory(byte[] value) {
            return value.length + ARRAY_OVERHEAD_BYTES;
        }

        @Override
        public void write(WriteBuffer buffer, byte[] value) {
            buffer.putVarInt(value.length).put(value);
        }

        @Override
        public byte[] read(ByteBuffer buffer) {
            byte[] value = new byte[DataUtils.readVarInt(buffer)];
            buffer.get(value);
            return value;
        }

        @Override
        public int compare(byte[] a, byte[] b) {
            return Arrays.compareUnsigned(a, b);
        }

        @Override
        public byte[][] createStorage(int size) {
            return new byte[size][];
        }
    }
}
