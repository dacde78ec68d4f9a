package dev.engram.kv;

import dev.engram.region.AccessMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.engram.kv.KvStoreContractTest.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ordered operations: scan, prefix, seek, next, prev; and the hash engine's typed refusal of them. */
class SortedEngineTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    private static String s(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void shouldScanPrefixSeekAndWalkBothWays() {
        try (KvStore kv = KvStore.create(new KvOptions(dir.resolve("p")).engine(EngineKind.SORTED).mode(AccessMode.WALK)
                .size(1 << 20).segmentBytes(64 * 1024))) {
            for (String k : List.of("apple", "apricot", "banana", "blueberry", "cherry", "date")) {
                kv.put(b(k), b(k.toUpperCase()));
            }
            kv.delete(b("banana"));
            List<String> scanned = new ArrayList<>();
            try (KvCursor c = kv.scan(b("apricot"), b("cherry"))) {
                while (c.next()) {
                    scanned.add(s(c.key()));
                }
            }
            assertEquals(List.of("apricot", "blueberry"), scanned);
            List<String> prefixed = new ArrayList<>();
            try (KvCursor c = kv.prefix(b("ap"))) {
                while (c.next()) {
                    prefixed.add(s(c.key()) + "=" + s(c.value()));
                }
            }
            assertEquals(List.of("apple=APPLE", "apricot=APRICOT"), prefixed);
            try (KvCursor c = kv.cursor()) {
                assertTrue(c.seek(b("b")));
                assertEquals("blueberry", s(c.key()), "seek lands on the first live key at or after the target");
                assertTrue(c.prev());
                assertEquals("apricot", s(c.key()));
                assertTrue(c.last());
                assertEquals("date", s(c.key()));
                assertFalse(c.next());
                assertTrue(c.prev());
                assertEquals("date", s(c.key()));
                assertTrue(c.first());
                assertEquals("apple", s(c.key()));
                assertFalse(c.prev());
            }
        }
    }

    @Test
    void hashEngineShouldRefuseOrderedOperationsWithATypedError() {
        try (KvStore kv = KvStore.create(new KvOptions(dir.resolve("p")).engine(EngineKind.HASH).size(1 << 20)
                .segmentBytes(64 * 1024))) {
            KvException e = assertThrows(KvException.class, () -> kv.scan(b("a"), b("b")));
            assertEquals(KvException.Code.INVALID_ARGUMENT, e.code());
            assertTrue(e.getMessage().contains("hash engine"), e.getMessage());
            try (KvCursor c = kv.cursor()) {
                assertThrows(KvException.class, c::prev);
            }
        }
    }
}
