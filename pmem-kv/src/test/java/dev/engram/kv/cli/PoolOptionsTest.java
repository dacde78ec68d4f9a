package dev.engram.kv.cli;

import dev.engram.kv.KvOptions;
import dev.engram.kv.KvStore;
import dev.engram.kv.ShmTempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the {@code kv} commands open a pool: {@link PoolOptions#open()} (every command but import) without
 * the background cleaner, so a get or a stats copies no records and compact's report counts all the
 * cleaning; {@link PoolOptions#openWithBackgroundCleaning()} (import) with it. The pool holds enough log
 * for the cleaner to start at open, on its own thread.
 */
class PoolOptionsTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    @Test
    void onlyTheImportOpensThePoolWithTheBackgroundCleaner() {
        Path pool = dir.resolve("pool-options-test");   // a name no other test's cleaner thread carries
        try (KvStore kv = KvStore.create(new KvOptions(pool).segmentBytes(64 * 1024).autoCompact(false))) {
            byte[] value = "v".repeat(4000).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 100; i++) {                  // about six 64 KiB segments of log
                kv.put(("k" + i).getBytes(StandardCharsets.UTF_8), value);
            }
        }
        PoolOptions options = new PoolOptions();
        options.pool = pool;
        String cleaner = "engram-cleaner " + pool.getFileName();
        try (KvStore kv = options.open()) {
            assertFalse(threadNamed(cleaner), "a one-shot command runs no background cleaner");
        }
        try (KvStore kv = options.openWithBackgroundCleaning()) {
            assertTrue(threadNamed(cleaner), "the import runs it (this pool has enough log to start it at open)");
        }
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
