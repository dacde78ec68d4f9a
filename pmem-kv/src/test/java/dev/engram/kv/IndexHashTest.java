package dev.engram.kv;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flat hash index on its own, against a {@link HashMap} model: keys of every length class (inline up
 * to 16 bytes, longer ones beside the table), removals and re-insertions into a removed key's slot, and
 * the resizes a tiny starting table forces, also with every hash tag colliding; then a reader racing
 * a writer through resizes.
 */
class IndexHashTest {

    private static Entry entry(long offset) {
        return new Entry(offset, 40, offset + 24, 8, offset, false, null);
    }

    private static byte[] key(SplittableRandom r, int space) {
        int id = r.nextInt(space);
        int length = switch (id % 5) {
            case 0 -> 1 + id % 8;        // shorter than a word
            case 1 -> 8;
            case 2 -> 9 + id % 8;        // second word partly used
            case 3 -> 16;
            default -> 17 + id % 40;     // beyond the inline bytes
        };
        // Longer keys share their leading inline words, so only their last bytes tell them apart.
        int shared = length > 16 ? 16 : length > 8 ? 8 : 0;
        byte[] k = new byte[length];
        for (int i = 0; i < length; i++) {
            k[i] = i < shared ? (byte) 0x5A : (byte) (id >>> (8 * ((i - shared) % 4)) ^ i);
        }
        return k;
    }

    @Test
    void agreesWithAHashMapThroughRemovalsAndResizes() {
        agreesWithAHashMap(false);
    }

    /** Every tag collides (3 hash bits kept): keys are told apart by their bytes alone, in long probe runs. */
    @Test
    void agreesWithAHashMapWhenTagsCollide() {
        agreesWithAHashMap(true);
    }

    private static void agreesWithAHashMap(boolean collide) {
        for (long seed = 1; seed <= 5; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Index.Hash index = new Index.Hash(4, collide);
            Map<String, Entry> model = new HashMap<>();
            Map<String, byte[]> keys = new HashMap<>();
            for (int op = 0; op < 40_000; op++) {
                byte[] k = key(r, 3_000);
                String name = Arrays.toString(k);
                keys.put(name, k);
                if (r.nextInt(4) == 0) {
                    Entry current = model.get(name);
                    // remove with a wrong expectation first: must change nothing
                    index.remove(k.clone(), entry(-1));
                    index.remove(k.clone(), current);
                    model.remove(name);
                } else {
                    Entry e = entry(op);
                    index.put(k.clone(), e);
                    model.put(name, e);
                }
                byte[] probe = key(r, 3_000);
                assertSame(model.get(Arrays.toString(probe)), index.get(probe.clone()), "seed " + seed + " op " + op);
            }
            for (Map.Entry<String, byte[]> k : keys.entrySet()) {
                Index.Hint hint = new Index.Hint();
                Entry found = index.get(k.getValue(), hint);
                assertSame(model.get(k.getKey()), found, "seed " + seed + " key " + k.getKey());
                assertEquals(found == null ? -1 : found.recordOffset, hint.offset);
            }
            Map<String, Entry> iterated = new HashMap<>();
            for (Iterator<Map.Entry<byte[], Entry>> it = index.entries(); it.hasNext(); ) {
                Map.Entry<byte[], Entry> me = it.next();
                assertNull(iterated.put(Arrays.toString(me.getKey()), me.getValue()), "a key iterated twice");
            }
            assertEquals(model, iterated, "seed " + seed);
        }
    }

    @Test
    void readersSeeEveryKeyThroughConcurrentResizes() throws Exception {
        Index.Hash index = new Index.Hash(4);
        int keys = 200_000;
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        // Keys below `published` were all put before it was raised: a reader must find each of them.
        java.util.concurrent.atomic.AtomicInteger published = new java.util.concurrent.atomic.AtomicInteger();
        Thread reader = new Thread(() -> {
            SplittableRandom r = new SplittableRandom(7);
            while (!done.get() && failure.get() == null) {
                int upTo = published.get();
                if (upTo == 0) {
                    continue;
                }
                int i = r.nextInt(upTo);
                Entry e = index.get(numbered(i));
                if (e == null || e.recordOffset != i) {
                    failure.set("key " + i + " (of " + upTo + " published) read as " + (e == null ? "absent" : e.recordOffset));
                }
            }
        });
        reader.start();
        for (int i = 0; i < keys; i++) {
            index.put(numbered(i), entry(i));
            published.set(i + 1);
        }
        done.set(true);
        reader.join();
        assertNull(failure.get());
        for (int i = 0; i < keys; i++) {
            assertTrue(index.get(numbered(i)) != null, "key " + i);
        }
    }

    private static byte[] numbered(int i) {
        byte[] k = new byte[i % 3 == 0 ? 20 : 12];
        for (int b = 0; b < 4; b++) {
            k[k.length - 1 - b] = (byte) (i >>> (8 * b));
        }
        return k;
    }
}
