package dev.engram.kv;

import dev.engram.region.AccessMode;
import dev.engram.region.Smaps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Log.prefault: on WALK over tmpfs, a lane that takes a never-used segment has the next one's pages
 * faulted in by a helper thread, so the writer that fills it does not stop at each new page.
 */
class KvSegmentPrefaultTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    @Test
    void shouldFaultTheNextSegmentInWhenALaneTakesOne() throws InterruptedException {
        assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "one CPU: no helper (Log.spareCpu)");
        assumeTrue(Smaps.kernelPopulatesWrite(), "MADV_POPULATE_WRITE needs Linux 5.14: " + System.getProperty("os.version"));
        int segment = 1 << 20;
        Path pool = dir.resolve("pool");
        KvOptions options = new KvOptions(pool).engine(EngineKind.HASH).mode(AccessMode.WALK).segmentBytes(segment)
                .size(PoolFormat.FIRST_SEGMENT_OFFSET + 8L * segment).lanes(1).autoCompact(false);
        try (KvStore kv = KvStore.create(options)) {
            long before = Smaps.rssKiB(pool);
            kv.put(b("k"), b("v"));             // the lane takes segment 0: segment 1 is faulted in behind it
            // Without the helper one put makes a page or two resident; with it, the next segment's pages
            // (three quarters of them, at least: a few may have been resident before the put).
            long expected = segment / 1024 * 3 / 4;
            long deadline = System.nanoTime() + 10_000_000_000L;
            long grown = Smaps.rssKiB(pool) - before;
            while (grown < expected && System.nanoTime() < deadline) {
                Thread.sleep(10);
                grown = Smaps.rssKiB(pool) - before;
            }
            assertTrue(grown >= expected, "the mapping grew by " + grown + " KiB after one put, not by most of the"
                    + " next segment's " + segment / 1024 + " KiB");
            assertArrayEquals(b("v"), kv.get(b("k")));
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
