package dev.engram.kv;

import dev.engram.region.AccessMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * A thread keeps its lane in a store while the store is open, whatever other stores it writes to in
 * between: buffered mode recovers a prefix of each lane, and docs/durability.md promises a prefix of
 * each thread's writes on that ground. (Lanes were once kept in one slot per thread for all stores, so a
 * store with fewer lanes moved the thread to another lane in the first store.)
 */
class LaneOfThreadTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    private KvOptions options(String name, int lanes) {
        return new KvOptions(dir.resolve(name)).mode(AccessMode.WALK).size(4 << 20).segmentBytes(64 * 1024)
                .lanes(lanes).durability(Durability.BUFFERED).autoCompact(false);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldKeepEachThreadsLaneWhileItWritesToAStoreWithFewerLanes() throws InterruptedException {
        try (KvStore many = KvStore.create(options("many", 4)); KvStore one = KvStore.create(options("one", 1))) {
            for (int t = 0; t < 2; t++) {              // two other threads take lanes 0 and 1 of "many"
                int n = t;
                Thread other = new Thread(() -> many.put(b("other" + n), b("v")));
                other.start();
                other.join();
            }
            many.put(b("mine-1"), b("v"));
            Log.Lane mine = many.log().laneForThread();
            assertNotSame(many.log().lanes[0], mine, "this thread came third: its lane is not the first");
            one.put(b("elsewhere"), b("v"));           // a store with one lane: this thread writes to its lane 0
            many.put(b("mine-2"), b("v"));
            assertSame(mine, many.log().laneForThread(), "the thread's lane in the first store");
        }
    }
}
