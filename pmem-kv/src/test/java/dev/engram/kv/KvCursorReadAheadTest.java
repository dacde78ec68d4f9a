package dev.engram.kv;

import dev.engram.region.AccessMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cursor takes index entries ahead of where it is (and touches their records): every engine in every
 * mode. Entries taken ahead whose keys are then overwritten, deleted and moved by the cleaner must still
 * read as the cursor's snapshot saw them, each key once; and after the cursor, the store reads as written.
 */
class KvCursorReadAheadTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("dev.engram.kv.KvStoreContractTest#enginesAndModes")
    void shouldReadEntriesTakenAheadAsItsSnapshotSawThemWhileTheyAreOverwrittenDeletedAndMoved(EngineKind engine,
                                                                                                 AccessMode mode) {
        int keys = 2_000;
        KvOptions options = new KvOptions(dir.resolve("pool")).engine(engine).mode(mode).size(4 << 20)
                .segmentBytes(64 * 1024).fastTierSize(1 << 20).autoCompact(false);
        try (KvStore kv = KvStore.create(options)) {
            for (int k = 0; k < keys; k++) {
                kv.put(b("key" + k), b("old" + k));
            }
            Map<String, String> seen = new HashMap<>();
            try (KvCursor c = kv.cursor()) {
                assertTrue(c.next());
                assertNull(seen.put(s(c.key()), s(c.value())));
                // The cursor holds entries taken ahead now; every key changes under it, a third goes, and
                // the cleaner copies what is live and frees what it can (not what the snapshot needs).
                for (int k = 0; k < keys; k++) {
                    kv.put(b("key" + k), b("new" + k));
                }
                for (int k = 0; k < keys; k += 3) {
                    kv.delete(b("key" + k));
                }
                kv.compact();
                while (c.next()) {
                    assertNull(seen.put(s(c.key()), s(c.value())), "key " + s(c.key()) + " twice");
                }
            }
            assertEquals(keys, seen.size(), "every key of the snapshot once");
            for (int k = 0; k < keys; k++) {
                assertEquals("old" + k, seen.get("key" + k), "key" + k + " as the snapshot saw it");
            }
            assertEquals(keys - (keys + 2) / 3, kv.count());
            for (int k = 0; k < keys; k++) {
                assertEquals(k % 3 == 0 ? null : "new" + k, s(kv.get(b("key" + k))), "key" + k + " now");
            }
        }
    }
}
