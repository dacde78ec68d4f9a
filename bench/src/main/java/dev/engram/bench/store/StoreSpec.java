package dev.engram.bench.store;

import dev.engram.kv.EngineKind;
import dev.engram.kv.LaneTails;
import dev.engram.region.AccessMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to open one store for one trial: which store, with which engine, mode and durability, in which
 * fresh directory, and how much it must hold, so stores that pre-size (Engram's pool, LMDB's map,
 * Chronicle Map's entry count) never stop to grow during measurement.
 *
 * @param kind       the store
 * @param engine     the index engine: Engram's hash or sorted; MapDB's HTreeMap (hash) or BTreeMap (sorted);
 *                   the other peers have one structure and accept only theirs ({@link StoreKind#supports})
 * @param mode       Engram's access mode (ignored by peers)
 * @param durable    the store's power-fail-safe setting rather than its fastest
 * @param directory  an empty directory the store owns for the trial
 * @param keyBytes   bytes per key
 * @param valueBytes bytes per value (the largest the trial writes)
 * @param maxKeys    the most live keys the trial can create (Engram sizes its index for them, Chronicle
 *                   Map its entries, LMDB its map)
 * @param poolBytes  bytes Engram's pool starts with (0: the store's default); LMDB's map is sized from
 *                   {@code maxKeys} and the record size instead, as LMDB keeps one version per key
 * @param largeValueBytes size of the occasional large value (a checkpoint chunk), 0 when there is none
 * @param largeValues     how many large values may be live at once (beyond {@code maxKeys} small ones)
 * @param asWritten  keep the layout writes give the store: Engram's sorted engine then makes no background
 *                   pass in key order ({@code KvOptions#autoKeyOrder}), which would otherwise start once
 *                   a pre-fill stops writing, during the measured phases of a {@code --as-written} run
 * @param laneTails  when Engram commits its lanes' tails ({@code KvOptions#laneTails}); ignored by peers
 */
public record StoreSpec(StoreKind kind, EngineKind engine, AccessMode mode, boolean durable, Path directory,
                        int keyBytes, int valueBytes, long maxKeys, long poolBytes, int largeValueBytes,
                        long largeValues, boolean asWritten, LaneTails laneTails) {

    /** A store of small values only. */
    public StoreSpec(StoreKind kind, EngineKind engine, AccessMode mode, boolean durable, Path directory,
                     int keyBytes, int valueBytes, long maxKeys, long poolBytes) {
        this(kind, engine, mode, durable, directory, keyBytes, valueBytes, maxKeys, poolBytes, 0, 0, false,
                LaneTails.EVERY_PERSIST);
    }

    /** A store that settles as it would by itself (not {@link #asWritten}), with Engram's default lane tails. */
    public StoreSpec(StoreKind kind, EngineKind engine, AccessMode mode, boolean durable, Path directory,
                     int keyBytes, int valueBytes, long maxKeys, long poolBytes, int largeValueBytes,
                     long largeValues) {
        this(kind, engine, mode, durable, directory, keyBytes, valueBytes, maxKeys, poolBytes, largeValueBytes,
                largeValues, false, LaneTails.EVERY_PERSIST);
    }

    /** Checks the combination; throws {@link IllegalArgumentException} naming what is wrong and what would do. */
    public StoreSpec {
        if (!kind.supports(engine)) {
            throw new IllegalArgumentException("--store " + kind.id() + " has no " + engine.name().toLowerCase()
                    + " engine: it is " + (kind.supports(EngineKind.HASH) ? "a hash table (no ordered scans)"
                    : "ordered (no hash engine)") + "; use --engine " + kind.defaultEngine().name().toLowerCase()
                    + " or leave --engine out");
        }
        if (durable && !kind.hasPowerSafeSetting()) {
            throw new IllegalArgumentException("--store " + kind.id() + " --durable: " + kind.noDurableReason());
        }
        Objects.requireNonNull(laneTails, "laneTails");
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys " + maxKeys + " must be at least 1");
        }
        if (largeValueBytes < 0 || largeValues < 0 || (largeValueBytes > 0) != (largeValues > 0)) {
            throw new IllegalArgumentException("large values: " + largeValues + " of " + largeValueBytes
                    + " bytes; both must be positive, or both 0");
        }
    }

    /** Opens a new, empty store in {@link #directory}. */
    public BenchStore open() {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("store directory " + directory + " does not exist");
        }
        return switch (kind) {
            case ENGRAM -> EngramStore.create(directory.resolve("pool"), engine, mode, durable, poolBytes, maxKeys,
                    asWritten, laneTails);
            case LMDB -> LmdbStore.create(this);
            case ROCKSDB -> RocksDbStore.create(this);
            case CHRONICLE -> ChronicleStore.create(this);
            case MAPDB -> MapDbStore.create(this);
            case MVSTORE -> MvStoreStore.create(this);
        };
    }
}
