package dev.engram.kv;

import dev.engram.region.Region;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The store as a Lincheck test target (run by {@link KvLinearizabilityTest}): get, put, delete,
 * putIfAbsent, replace, batch, snapshot reads and scans on three keys, results as strings so Lincheck
 * can compare them. The sequential specification is the target itself run on one thread, which
 * {@link KvStoreContractTest} and the crash campaign check against a map model.
 *
 * <p>The store runs on a heap region (the device tests' {@code HeapRegion}, reached reflectively, as
 * it is package-private there): no file per scenario, and persist is free.
 */
@Param(name = "key", gen = IntGen.class, conf = "1:3")
@Param(name = "value", gen = IntGen.class, conf = "1:4")
abstract class KvLincheckTarget {

    private static final int REGION_BYTES = (int) PoolFormat.FIRST_SEGMENT_OFFSET + 4 * 64 * 1024;

    private final KvStore kv;

    KvLincheckTarget(EngineKind engine) {
        kv = KvStore.create(new KvOptions(Path.of("lincheck-pool")).engine(engine).segmentBytes(64 * 1024)
                .size(REGION_BYTES).lanes(2), heapRegion());
    }

    static Region heapRegion() {
        try {
            var c = Class.forName("dev.engram.device.HeapRegion").getDeclaredConstructor(int.class);
            c.setAccessible(true);
            return (Region) c.newInstance(REGION_BYTES);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("dev.engram.device.HeapRegion(int) is not reachable: " + e, e);
        }
    }

    private static byte[] key(int k) {
        return ("k" + k).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] value(int v) {
        return ("v" + v).getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.US_ASCII);
    }

    @Operation
    public String get(@Param(name = "key") int k) {
        return text(kv.get(key(k)));
    }

    @Operation
    public void put(@Param(name = "key") int k, @Param(name = "value") int v) {
        kv.put(key(k), value(v));
    }

    @Operation
    public boolean delete(@Param(name = "key") int k) {
        return kv.delete(key(k));
    }

    @Operation
    public boolean putIfAbsent(@Param(name = "key") int k, @Param(name = "value") int v) {
        return kv.putIfAbsent(key(k), value(v));
    }

    @Operation
    public boolean replace(@Param(name = "key") int k, @Param(name = "value") int expected, @Param(name = "value") int v) {
        return kv.replace(key(k), value(expected), value(v));
    }

    /** Puts {@code k} and the next key and deletes the one after, atomically. */
    @Operation
    public void batch(@Param(name = "key") int k, @Param(name = "value") int v) {
        kv.write(new WriteBatch().put(key(k), value(v)).put(key(k % 3 + 1), value(v)).delete(key((k + 1) % 3 + 1)));
    }

    /** Every key read through one snapshot: a consistent cut. */
    @Operation
    public String snapshotRead() {
        try (Snapshot s = kv.snapshot()) {
            return text(s.get(key(1))) + "," + text(s.get(key(2))) + "," + text(s.get(key(3)));
        }
    }

    /** A full cursor (a snapshot underneath), ordered here for the hash engine. */
    @Operation
    public String scan() {
        Map<String, String> m = new TreeMap<>();
        try (KvCursor c = kv.cursor()) {
            while (c.next()) {
                m.put(text(c.key()), text(c.value()));
            }
        }
        return m.toString();
    }

    /** The hash engine under Lincheck. */
    public static final class Hash extends KvLincheckTarget {
        public Hash() {
            super(EngineKind.HASH);
        }
    }

    /** The sorted engine under Lincheck. */
    public static final class Sorted extends KvLincheckTarget {
        public Sorted() {
            super(EngineKind.SORTED);
        }
    }
}
