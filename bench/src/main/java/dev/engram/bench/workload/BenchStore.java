package dev.engram.bench.workload;

import java.util.Map;

/**
 * A store under test, behind the same method names for every store ({@code engram} now; peers such as
 * LMDB or RocksDB later, each one more implementation and one more {@code --store} name).
 *
 * <p>Contract the workloads rely on:
 * <ul>
 *   <li>The runner reuses its key and value arrays from one call to the next: a store must not keep a
 *       reference to either after a call returns (copy if it would).</li>
 *   <li>{@link #put} and {@link #delete} have the durability the store was opened with: durable on return
 *       ({@code --durable}) or once the process's data reaches the OS (the default); {@link #load} is the
 *       cheapest write the store offers, for unmeasured pre-fills, followed by one {@link #sync}.</li>
 *   <li>{@link #get} copies or otherwise reads the whole value, as a user would, and returns its length,
 *       so no read is optimised away and not-found is a value (-1), not an exception.</li>
 *   <li>Every method may be called by many threads at once, except on one {@link Scan}.</li>
 * </ul>
 */
interface BenchStore extends AutoCloseable {

    /** The {@code --store} name, e.g. {@code engram}; also the {@code store} field of results. */
    String name();

    /** The index engine, e.g. {@code hash}; {@code none} where the store has no choice. */
    String engine();

    /** The access mode, e.g. {@code walk}; {@code none} where the store has no choice. */
    String mode();

    /** {@code real}, {@code emulated} or {@code none}: whether the data sits on a DAX mapping. */
    String dax();

    /** One human-readable line: how writes become durable here, and why. */
    String persistence();

    /** Whether {@link #scan} honours its bounds (keys in order); otherwise it walks every key unordered. */
    boolean ordered();

    void put(byte[] key, byte[] value);

    /** Writes without the durability cost of {@link #put} (pre-fill only); call {@link #sync} after. */
    void load(byte[] key, byte[] value);

    /** The value's length, or -1 when the key is absent. */
    int get(byte[] key);

    /** Whether the key was present. */
    boolean delete(byte[] key);

    /** Keys in {@code [from, to)} in order (null = open bound) when {@link #ordered()}, else every key. */
    Scan scan(byte[] from, byte[] to);

    /** Makes every write durable. */
    void sync();

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
