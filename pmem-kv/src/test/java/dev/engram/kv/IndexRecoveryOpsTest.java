package dev.engram.kv;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What recovery asks of an index beyond get and put, on both implementations: {@code offer} keeps the
 * newest SEQ of each key in one call and returns what the key held before; {@code presize} makes room
 * without losing a key and never shrinks; an index that says it copies keys lets the caller reuse its
 * key array.
 */
class IndexRecoveryOpsTest {

    private static Entry version(long seq) {
        return new Entry(seq * 64, 40, seq * 64 + 24, 8, seq, false, null);
    }

    private static Index[] indexes() {
        return new Index[]{new Index.Hash(4), new Index.Hash(4, true), new Index.Sorted(Arrays::compareUnsigned, 4)};
    }

    /** Key lengths of every class the hash table has: under a word, two words, and beyond the inline bytes. */
    private static byte[] key(int id) {
        byte[] k = new byte[switch (id % 3) { case 0 -> 5; case 1 -> 16; default -> 23; }];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (id >>> (8 * (i % 4)) ^ i);
        }
        return k;
    }

    @Test
    void shouldKeepTheNewestSeqOfEachKeyAndReturnWhatTheKeyHeldBefore() {
        for (Index index : indexes()) {
            SplittableRandom r = new SplittableRandom(11);
            Map<String, Entry> model = new HashMap<>();
            for (int op = 0; op < 30_000; op++) {
                int id = r.nextInt(2_000);
                String name = Arrays.toString(key(id));
                Entry candidate = version(r.nextInt(500));        // SEQs repeat: equal ones exercise sameSeqWins
                boolean sameSeqWins = r.nextBoolean();
                Entry before = model.get(name);
                Entry returned = index.offer(key(id), candidate, sameSeqWins);
                assertEquals(before, returned, index.getClass().getSimpleName() + " op " + op);
                boolean newer = before == null || before.seq < candidate.seq || (sameSeqWins && before.seq == candidate.seq);
                if (newer) {
                    model.put(name, candidate);
                }
                assertEquals(model.get(name), index.get(key(id)), index.getClass().getSimpleName() + " op " + op);
            }
            for (int id = 0; id < 2_000; id++) {
                assertEquals(model.get(Arrays.toString(key(id))), index.get(key(id)), "key " + id);
            }
        }
    }

    /** A batch may hold one key several times: its offers apply in order, as one by one. */
    @Test
    void shouldApplyABatchOfOffersInOrderAsOneByOne() {
        for (Index index : indexes()) {
            SplittableRandom r = new SplittableRandom(12);
            Map<String, Entry> model = new HashMap<>();
            for (int batch = 0; batch < 600; batch++) {
                int n = 1 + r.nextInt(100);
                byte[][] keys = new byte[n][];
                Entry[] entries = new Entry[n];
                boolean[] sameSeqWins = new boolean[n];
                Entry[] expectedOlds = new Entry[n];
                for (int i = 0; i < n; i++) {
                    int id = r.nextInt(3_000);
                    keys[i] = key(id);
                    entries[i] = version(r.nextInt(800));
                    sameSeqWins[i] = r.nextBoolean();
                    String name = Arrays.toString(keys[i]);
                    expectedOlds[i] = model.get(name);
                    if (Index.replaces(entries[i], expectedOlds[i], sameSeqWins[i])) {
                        model.put(name, entries[i]);
                    }
                }
                Entry[] olds = new Entry[n];
                index.offerAll(keys, entries, sameSeqWins, n, olds);
                for (int i = 0; i < n; i++) {
                    assertEquals(expectedOlds[i], olds[i], index.getClass().getSimpleName() + " batch " + batch + " offer " + i);
                }
            }
            for (int id = 0; id < 3_000; id++) {
                assertEquals(model.get(Arrays.toString(key(id))), index.get(key(id)), "key " + id);
            }
        }
    }

    @Test
    void shouldKeepEveryKeyThroughPresizeAndNeverShrink() {
        for (Index index : indexes()) {
            for (int id = 0; id < 1_000; id++) {
                index.put(key(id), version(id));
            }
            index.presize(100_000);
            index.presize(10);          // a smaller estimate later changes nothing
            for (int id = 1_000; id < 50_000; id++) {
                index.put(key(id), version(id));
            }
            for (int id = 0; id < 50_000; id++) {
                Entry e = index.get(key(id));
                assertNotNull(e, index.getClass().getSimpleName() + " key " + id);
                assertEquals(id, e.seq);
            }
        }
    }

    @Test
    void shouldSizeTheHashTableOnceForThePresizedKeys() {
        Index.Hash index = new Index.Hash(4);
        int before = index.slots();
        index.presize(50_000);
        int presized = index.slots();
        assertTrue(presized > before && presized * 0.6 >= 50_000, presized + " slots for 50,000 keys");
        for (int id = 0; id < 50_000; id++) {
            index.put(key(id), version(id));
        }
        assertEquals(presized, index.slots(), "no resize while the presized keys go in");
        index.presize(1_000);
        assertEquals(presized, index.slots(), "never shrinks");
    }

    /** The checkpoint load relies on it: one array per key length, refilled for every key. */
    @Test
    void shouldLetTheCallerReuseItsKeyArrayWhenTheIndexCopiesKeys() {
        for (Index index : indexes()) {
            if (!index.copiesKeys()) {
                continue;
            }
            byte[][] reused = new byte[24][];
            for (int id = 0; id < 20_000; id++) {          // through several resizes of the 4-key start
                byte[] k = key(id);
                byte[] array = reused[k.length] == null ? (reused[k.length] = new byte[k.length]) : reused[k.length];
                System.arraycopy(k, 0, array, 0, k.length);
                index.put(array, version(id));
            }
            for (int id = 0; id < 20_000; id++) {
                Entry e = index.get(key(id));
                assertNotNull(e, "key " + id);
                assertEquals(id, e.seq, "key " + id);
            }
        }
        assertTrue(new Index.Hash(4).copiesKeys() && !new Index.Sorted(Arrays::compareUnsigned, 4).copiesKeys());
    }
}
