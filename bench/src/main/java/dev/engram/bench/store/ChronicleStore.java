package dev.engram.bench.store;

import net.openhft.chronicle.map.ChronicleMap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Chronicle Map: an off-heap hash table in one memory-mapped file, segments locked per write. A put
 * writes the entry into the shared mapping and returns: it survives a crash of the process (the
 * kernel keeps the pages), never power loss, because Chronicle Map has no call that syncs the file. So
 * it runs only at its one setting ({@code durability: process}); {@link StoreKind#CHRONICLE} refuses
 * {@code --durable}. It is a hash table: scans walk every entry unordered.
 *
 * <p>Keys have a constant size (declared with a sample); values an average size. Gets read into a
 * per-thread array through {@code getUsing}. Chronicle's usage analytics are disabled
 * ({@code chronicle.analytics.disable=true}) here, before any Chronicle class loads, as well as on the
 * command line; JDK 25 also needs the {@code --add-opens}/{@code --add-exports} flags listed in
 * {@link PeerJvmFlags}.
 */
final class ChronicleStore implements BenchStore {

    static {
        System.setProperty(PeerJvmFlags.CHRONICLE_ANALYTICS_PROPERTY, "true");
    }

    private final StoreSpec spec;
    private final ChronicleMap<byte[], byte[]> map;
    /** Values of {@link StoreSpec#largeValueBytes()} (checkpoint chunks), or null when the spec has none. */
    private final ChronicleMap<byte[], byte[]> large;
    private final ThreadLocal<byte[]> valueBuffers;

    private ChronicleStore(StoreSpec spec, ChronicleMap<byte[], byte[]> map, ChronicleMap<byte[], byte[]> large) {
        this.spec = spec;
        this.map = map;
        this.large = large;
        this.valueBuffers = ThreadLocal.withInitial(() -> new byte[spec.valueBytes()]);
    }

    /**
     * A map sized for the spec's keys and values; with large values, a second map sized for them, because
     * Chronicle Map sizes its segments from the average value and refuses a value far beyond it (a 1 MiB
     * chunk in a map of 785 B records). Keys say which map they live in: a value's length decides.
     */
    static ChronicleStore create(StoreSpec spec) {
        Path file = spec.directory().resolve("chronicle.map");
        try {
            ChronicleMap<byte[], byte[]> map = ChronicleMap.of(byte[].class, byte[].class)
                    .name("engram-bench")
                    .constantKeySizeBySample(new byte[spec.keyBytes()])
                    .averageValueSize(Math.max(1, spec.valueBytes()))
                    .entries(spec.maxKeys())
                    .createPersistedTo(file.toFile());
            ChronicleMap<byte[], byte[]> large = spec.largeValues() == 0 ? null
                    : ChronicleMap.of(byte[].class, byte[].class)
                    .name("engram-bench-large")
                    .constantKeySizeBySample(new byte[spec.keyBytes()])
                    .averageValueSize(spec.largeValueBytes())
                    .entries(spec.largeValues())
                    .createPersistedTo(spec.directory().resolve("chronicle-large.map").toFile());
            return new ChronicleStore(spec, map, large);
        } catch (IOException e) {
            throw new UncheckedIOException("chronicle: cannot create " + file + ": " + e.getMessage(), e);
        }
    }

    /** The map a value of {@code length} bytes lives in. */
    private ChronicleMap<byte[], byte[]> mapFor(int length) {
        return large != null && length > spec.valueBytes() ? large : map;
    }

    @Override
    public String name() {
        return StoreKind.CHRONICLE.id();
    }

    @Override
    public String engine() {
        return "hash";
    }

    @Override
    public String mode() {
        return "none";
    }

    @Override
    public String durability() {
        return StoreKind.CHRONICLE.durability(false);
    }

    @Override
    public String dax() {
        return Media.dax(spec.directory());
    }

    @Override
    public String persistence() {
        return "Chronicle Map (persisted to a memory-mapped file): a put is in the shared mapping when it returns; "
                + "Chronicle Map never syncs the file (survives the process, not power loss)";
    }

    @Override
    public boolean ordered() {
        return false;
    }

    @Override
    public void put(byte[] key, byte[] value) {
        mapFor(value.length).put(key, value);
    }

    @Override
    public void load(byte[] key, byte[] value) {
        mapFor(value.length).put(key, value);
    }

    @Override
    public int get(byte[] key) {
        byte[] buffer = valueBuffers.get();
        byte[] value = map.getUsing(key, buffer);
        if (value == null) {
            return -1;
        }
        if (value != buffer) {                   // another length: Chronicle allocated; keep it for next time
            valueBuffers.set(value);
        }
        return value.length;
    }

    @Override
    public byte[] value(byte[] key) {
        byte[] v = map.get(key);
        return v == null && large != null ? large.get(key) : v;
    }

    @Override
    public boolean delete(byte[] key) {
        return map.remove(key) != null || (large != null && large.remove(key) != null);
    }

    @Override
    public Scan scan(byte[] from, byte[] to) {
        Iterator<Map.Entry<byte[], byte[]>> it = map.entrySet().iterator();
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

    /** Nothing to do: Chronicle Map has no call that makes its file durable. */
    @Override
    public void sync() {
    }

    @Override
    public long count() {
        return map.longSize() + (large == null ? 0 : large.longSize());
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    public void close() {
        map.close();
        if (large != null) {
            large.close();
        }
    }
}
