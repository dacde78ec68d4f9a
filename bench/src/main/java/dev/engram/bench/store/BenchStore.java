package dev.engram.bench.store;

import java.util.Map;

/**
 * A store under test, behind the same method names for every store: Engram ({@link EngramStore}) and
 * the peers LMDB, RocksDB, Chronicle Map, MapDB and H2 MVStore, each one implementation and one
 * {@code --store} name ({@link StoreKind}). Opened by {@link StoreSpec#open()}.
 *
 * <p>Contract the workloads rely on:
 * <ul>
 *   <li>The runner reuses its key and value arrays from one call to the next: a store must not keep a
 *       reference to either after a call returns (copy if it would).</li>
 *   <li>{@link #put} and {@link #delete} have the durability the store was opened with, which
 *       {@link #durability()} names honestly; {@link #load} is the cheapest write the store offers, for
 *       unmeasured pre-fills by one thread, followed by one {@link #sync}.</li>
 *   <li>{@link #get} copies or otherwise reads the whole value, as a user would, and returns its length,
 *       so no read is optimised away and not-found is a value (-1), not an exception. A store whose API
 *       hands out a view of its own memory (LMDB, MVStore) copies the value into a per-thread array.</li>
 *   <li>Every method may be called by many threads at once, except on one {@link Scan}.</li>
 * </ul>
 */
public interface BenchStore extends AutoCloseable {

    /** The {@code --store} name, e.g. {@code engram}; also the {@code store} field of results. */
    String name();

    /**
     * The index structure: Engram's {@code hash} or {@code sorted}; a peer's own ({@code btree},
     * {@code lsm}, {@code hash}, {@code htree}).
     */
    String engine();

    /** Engram's access mode, e.g. {@code walk}; {@code none} for peers. */
    String mode();

    /**
     * What a {@link #put} has survived when it returns: {@code power} (power loss), {@code process} (a crash
     * of this process, not of the machine) or {@code none} (not even that: it is in this process's memory).
     */
    String durability();

    /** {@code real}, {@code emulated} or {@code none}: whether the data sits on a DAX mapping. */
    String dax();

    /** One human-readable line: how writes become durable here, and why. */
    String persistence();

    /**
     * Engram's lane tails as the store runs them ({@code every-persist}, {@code background}, or {@code off},
     * which a block device forces whatever was asked); null for peers, which have none.
     */
    default String laneTails() {
        return null;
    }

    /** Whether {@link #scan} honours its bounds (keys in order); otherwise it walks every key unordered. */
    boolean ordered();

    void put(byte[] key, byte[] value);

    /** Writes without the durability cost of {@link #put} (pre-fill only, one thread); call {@link #sync} after. */
    void load(byte[] key, byte[] value);

    /** The value's length, or -1 when the key is absent. */
    int get(byte[] key);

    /** The value as a new array, or null when the key is absent: for checks and examples, never measured. */
    byte[] value(byte[] key);

    /** Whether the key was present. */
    boolean delete(byte[] key);

    /** Keys in {@code [from, to)} in order (null = open bound) when {@link #ordered()}, else every key. */
    Scan scan(byte[] from, byte[] to);

    /** Makes every write durable as far as the store can ({@code power}, except Chronicle Map: {@code process}). */
    void sync();

    /**
     * After a pre-fill: {@link #sync}, then whatever puts the store into the steady state reads meet in a
     * long-running store (RocksDB compacts its tables; Engram's sorted engine rewrites its log in key
     * order); not measured. The runner's {@code --as-written} skips it.
     */
    default void settle() {
        sync();
    }

    /** Live keys. */
    long count();

    /** Cumulative counters worth dividing by the operation count, e.g. {@code persists}, {@code syscalls}. */
    Map<String, Long> counters();

    @Override
    void close();

    /** A cursor: one thread at a time. */
    interface Scan extends AutoCloseable {
        /** Moves to the next key and reads its key and value; false at the end. Returns the value length in {@link #length()}. */
        boolean next();

        /** The value length of the current key. */
        int length();

        @Override
        void close();
    }
}
