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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flat hash index on its own, against a {@link HashMap} model: keys of every length class (inline up
 * to 16 bytes, longer ones beside the table), removals and re-insertions into a removed key's slot, and
 * the resizes a tiny starting table forces, also with every hash tag colliding; then a reader racing
 * a writer through resizes, and readers racing a writer that replaces the versions of a few keys (a
 * slot's version is several words: a reader must never see parts of two).
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
                assertEquals(model.get(Arrays.toString(probe)), index.get(probe.clone()), "seed " + seed + " op " + op);
            }
            for (Map.Entry<String, byte[]> k : keys.entrySet()) {
                Index.Probe probe = new Index.Probe();
                Entry found = index.get(k.getValue());
                assertEquals(model.get(k.getKey()), found, "seed " + seed + " key " + k.getKey());
                assertEquals(found != null, index.probe(k.getValue(), probe));
                if (found != null) {
                    assertEquals(found.recordOffset, probe.recordOffset);
                    assertEquals(found.valueOffset, probe.valueOffset);
                    assertEquals(found.recordLength, probe.recordLength);
                    assertEquals(found.valueLength, probe.valueLength);
                    assertEquals(found, probe.toEntry());
                }
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

    /** Version {@code n} of a key: every field a function of n, so a reader can tell a torn read. */
    private static Entry version(long n, Entry prev) {
        return new Entry(n * 64, 40 + (int) (n % 7), n * 64 + 24 + n % 5, (int) (n % 11), n, n + 1_000_000, n % 13 == 0, prev);
    }

    private static String tornIn(Entry e) {
        if (e == null) {
            return null;
        }
        long n = e.seq;
        Entry whole = version(n, null);
        if (!whole.equals(e)) {
            return "version " + n + " read as " + e.recordOffset + "/" + e.recordLength + "/" + e.valueOffset + "/"
                    + e.valueLength + "/" + e.recordSeq + "/" + e.tombstone;
        }
        return e.prev == null || e.prev.seq == n - 3 ? null : "version " + n + " chained to " + e.prev.seq;
    }

    @Test
    void readersNeverSeeHalfOfAVersionAWriterIsReplacing() throws Exception {
        Index.Hash index = new Index.Hash(64);
        byte[][] keys = {numbered(1), numbered(2), numbered(3)};   // 12, 12 and 20 bytes; chains reach back 3
        for (byte[] k : keys) {
            index.put(k, version(1, null));
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread[] readers = new Thread[2];
        for (int t = 0; t < readers.length; t++) {
            int seed = t;
            readers[t] = new Thread(() -> {
                SplittableRandom r = new SplittableRandom(seed);
                Index.Probe p = new Index.Probe();
                while (!done.get() && failure.get() == null) {
                    byte[] k = keys[r.nextInt(keys.length)];
                    String torn = tornIn(index.get(k));
                    if (torn == null && index.probe(k, p)) {
                        torn = tornIn(p.toEntry());
                    }
                    if (torn != null) {
                        failure.set(torn);
                    }
                }
            });
            readers[t].start();
        }
        Entry[] last = new Entry[keys.length];
        for (int n = 2; n < 2_000_000 && failure.get() == null; n++) {
            int i = n % keys.length;
            // Every third version keeps the one before it, as a write under an open snapshot does.
            Entry e = version(n, n % 3 == 0 ? last[i] : null);
            index.put(keys[i], e);
            last[i] = e;
        }
        done.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertNull(failure.get());
    }

    private static byte[] numbered(int i) {
        byte[] k = new byte[i % 3 == 0 ? 20 : 12];
        for (int b = 0; b < 4; b++) {
            k[k.length - 1 - b] = (byte) (i >>> (8 * b));
        }
        return k;
    }
}
