package dev.engram.bench.store;

import dev.engram.kv.EngineKind;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.HTreeMap;
import org.mapdb.Serializer;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;

/**
 * MapDB 3: a {@code HTreeMap} (hash, {@code --engine hash}, the default) or a {@code BTreeMap} (ordered,
 * {@code --engine sorted}) in one memory-mapped store file.
 *
 * <ul>
 *   <li>fastest ({@code durability: none}): no transactions: writes go into the mapped file, but MapDB
 *       documents that a store not closed cleanly may be corrupt, so nothing is promised after a crash;</li>
 *   <li>{@code --durable} ({@code power}): {@code transactionEnable()}, and {@code commit()} after every
 *       put and delete: the commit writes MapDB's write-ahead log and syncs it before returning.</li>
 * </ul>
 *
 * Keys and values are {@code byte[]} ({@code Serializer.BYTE_ARRAY}, which orders keys as unsigned
 * bytes, as every other store does). Pre-fill writes without commits, then {@link #sync} commits once.
 */
final class MapDbStore implements BenchStore {

    private final StoreSpec spec;
    private final DB db;
    private final ConcurrentMap<byte[], byte[]> map;
    private final BTreeMap<byte[], byte[]> tree;

    private MapDbStore(StoreSpec spec, DB db, ConcurrentMap<byte[], byte[]> map, BTreeMap<byte[], byte[]> tree) {
        this.spec = spec;
        this.db = db;
        this.map = map;
        this.tree = tree;
    }

    static MapDbStore create(StoreSpec spec) {
        DBMaker.Maker maker = DBMaker.fileDB(spec.directory().resolve("mapdb.db").toFile())
                .fileMmapEnable()
                .fileMmapPreclearDisable();
        if (spec.durable()) {
            maker = maker.transactionEnable();
        }
        DB db = maker.make();
        if (spec.engine() == EngineKind.SORTED) {
            BTreeMap<byte[], byte[]> tree = db.treeMap("bench", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).create();
            return new MapDbStore(spec, db, tree, tree);
        }
        HTreeMap<byte[], byte[]> hash = db.hashMap("bench", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).create();
        return new MapDbStore(spec, db, hash, null);
    }

    @Override
    public String name() {
        return StoreKind.MAPDB.id();
    }

    @Override
    public String engine() {
        return tree != null ? "btree" : "htree";
    }

    @Override
    public String mode() {
        return "none";
    }

    @Override
    public String durability() {
        return StoreKind.MAPDB.durability(spec.durable());
    }

    @Override
    public String dax() {
        return Media.dax(spec.directory());
    }

    @Override
    public String persistence() {
        return "MapDB 3.1.0 " + engine() + ", memory-mapped file" + (spec.durable()
                ? ", transactions: commit() per put writes and syncs the write-ahead log"
                : ", no transactions: nothing promised after a crash until a clean close");
    }

    @Override
    public boolean ordered() {
        return tree != null;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        map.put(key, value);
        if (spec.durable()) {
            db.commit();
        }
    }

    @Override
    public void load(byte[] key, byte[] value) {
        map.put(key, value);
    }

    @Override
    public int get(byte[] key) {
        byte[] value = map.get(key);
        return value == null ? -1 : value.length;
    }

    @Override
    public byte[] value(byte[] key) {
        return map.get(key);
    }

    @Override
    public boolean delete(byte[] key) {
        boolean found = map.remove(key) != null;
        if (spec.durable()) {
            db.commit();
        }
        return found;
    }

    @Override
    public Scan scan(byte[] from, byte[] to) {
        Iterator<Map.Entry<byte[], byte[]>> it = tree != null
                ? tree.entryIterator(from, true, to, false)
                : map.entrySet().iterator();
        return new Scan() {
            private int length;
            private long keyBytesSeen;     // keeps the key copy in use

            @Override
            public boolean next() {
                if (!it.hasNext()) {
                    return false;
                }
                Map.Entry<byte[], byte[]> e = it.next();
                keyBytesSeen += e.getKey().length;
                length = e.getValue().length;
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

    /** {@code commit()}: with transactions, the log is written and synced; without, the store syncs its file. */
    @Override
    public void sync() {
        db.commit();
    }

    @Override
    public long count() {
        return tree != null ? tree.sizeLong() : ((HTreeMap<byte[], byte[]>) map).sizeLong();
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    public void close() {
        db.close();
    }
}
