package dev.engram.kv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** The DRAM index: key to newest {@link Entry}. Lock-free for readers. */
sealed interface Index permits Index.Hash, Index.Sorted {

    Entry get(byte[] key);

    /**
     * As {@link #get(byte[])}, and stores in {@code hint.offset} where the newest version's record
     * probably is (-1 when the index cannot tell without the entry): a reader can start loading the record
     * while it loads the entry. Only a hint: the entry is the truth.
     */
    default Entry get(byte[] key, Hint hint) {
        hint.offset = -1;
        return get(key);
    }

    /** A reader's out-parameter for {@link #get(byte[], Hint)}; one per thread. */
    final class Hint {
        long offset = -1;
        /** Where a reader keeps what it loaded to start the record's cache miss early (so the load is not dead code). */
        long touched;
    }

    /** Sets the key's entry; the caller holds the key's stripe lock. */
    void put(byte[] key, Entry entry);

    /**
     * Recovery's put: sets the key's entry to {@code entry} when it {@linkplain #replaces replaces} the
     * current one, in one lookup (a get then a put would probe twice). Returns the key's entry before the
     * call, null when it had none; the caller tells whether {@code entry} went in by the same rule.
     */
    Entry offer(byte[] key, Entry entry, boolean sameSeqWins);

    /**
     * {@link #offer} for {@code keys[i], entries[i], sameSeqWins[i]}, i from 0 to n - 1 in order, each
     * entry's previous one in {@code olds[i]}. Recovery's batch: an index may overlap the batch's cache
     * misses.
     */
    default void offerAll(byte[][] keys, Entry[] entries, boolean[] sameSeqWins, int n, Entry[] olds) {
        for (int i = 0; i < n; i++) {
            olds[i] = offer(keys[i], entries[i], sameSeqWins[i]);
        }
    }

    /**
     * Recovery's rule: the newest SEQ of a key wins; at an equal SEQ (entries of one batch record) the
     * later one wins when {@code sameSeqWins}.
     */
    static boolean replaces(Entry candidate, Entry current, boolean sameSeqWins) {
        return current == null || current.seq < candidate.seq || (sameSeqWins && current.seq == candidate.seq);
    }

    /**
     * Makes room for about {@code expectedKeys} keys now, so that inserting them does not resize step by
     * step (recovery calls it once it can estimate the keys of a log it scans). Never shrinks.
     */
    void presize(long expectedKeys);

    /**
     * Whether the index copies what it keeps of a key, so a caller may pass the same array again with
     * other bytes once the call returns (the checkpoint load then allocates no array per key).
     */
    boolean copiesKeys();

    /** Removes the key if its entry is still {@code expected}. */
    void remove(byte[] key, Entry expected);

    /** Every (key, entry), weakly consistent; resolve each entry at a snapshot for a consistent view. */
    Iterator<Map.Entry<byte[], Entry>> entries();

    /**
     * Hash engine: an open-addressing table with linear probing, flat in two arrays, so that a lookup
     * costs one cache line of the table (hash tag and the key's first 24 bytes inline) plus the {@link
     * Entry} it finds, with no per-key wrapper objects to chase (the {@code ConcurrentHashMap} it
     * replaces cost a bin, a node, a key wrapper and its byte array before the entry: measured 0.95 M
     * gets/s against this table's, see docs/engines.md).
     *
     * <p>Concurrency: readers take no lock. Writers (puts, removes, resizes) are serialised by the
     * table's monitor; they already hold the key's stripe lock, so the monitor guards only the probe
     * sequence and the slot words, for the time of one probe. A slot is claimed once per key and keeps
     * that key until the next resize: a removal clears the slot's entry and leaves the key, so every key
     * has at most one slot and a reader that finds its key's slot with no entry knows the key is absent.
     * A new slot is published by its tag word (written last, with release semantics); a reader that
     * loads the tag with acquire semantics therefore sees the key words written before it. A resize
     * builds a new table from the live slots and publishes it through the volatile {@link #table}; a
     * reader still on the old one reads the state of some moment during its call.
     */
    final class Hash implements Index {
        /**
         * Longs per slot: TAG, the key's first 16 bytes (little-endian, zero-padded), and the newest
         * entry's record offset (the {@link Hint}: in the slot's cache line, so a reader can start the
         * record's miss in parallel with the entry's).
         */
        private static final int STRIDE = 4;
        private static final int INLINE_KEY_BYTES = 16;
        private static final int HINT = 3;
        /** A slot is never claimed past this fill, counting slots whose key was removed. */
        private static final double MAX_LOAD = 0.6;
        /** {@link #presize} goes no further (2^28 slots, the most a table can have): an estimate is not a promise. */
        private static final long MAX_PRESIZE_KEYS = 1L << 27;
        private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
        private static final VarHandle ENTRIES = MethodHandles.arrayElementVarHandle(Entry[].class);
        private static final VarHandle KEY_WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

        /** One generation of the table. Only the writer holding the monitor changes it. */
        private static final class Table {
            final long[] words;
            final Entry[] entries;
            /**
             * Keys longer than {@link #INLINE_KEY_BYTES}, whole; null for the others, and null as a whole
             * until the first such key is claimed (at 10 M keys the array alone is 128 MB to zero). Set
             * before that key's tag is released, so a reader that matches a long key's tag sees it.
             */
            byte[][] longKeys;
            final int mask;
            final int maxClaimed;
            int claimed;
            int live;

            Table(int slots) {
                words = new long[slots * STRIDE];
                entries = new Entry[slots];
                mask = slots - 1;
                maxClaimed = (int) (slots * MAX_LOAD);
            }
        }

        private volatile Table table;
        /** Tests only: keep 3 bits of every hash, so that tags collide and keys are told apart by their bytes. */
        private final boolean collide;

        Hash() {
            this(1 << 16);
        }

        /** Sized for about {@code expectedKeys} keys, so that loading them never resizes the table. */
        Hash(int expectedKeys) {
            this(expectedKeys, false);
        }

        Hash(int expectedKeys, boolean collide) {
            this.table = new Table(slotsFor(expectedKeys));
            this.collide = collide;
        }

        private long hash(byte[] key) {
            long h = KeyHash.of64(key);
            return collide ? h & 0x7 : h;
        }

        private static int slotsFor(long keys) {
            long wanted = Math.max(16, (long) Math.ceil(keys / MAX_LOAD) + 1);
            if (wanted > 1 << 28) {   // 2^28 slots of 4 longs: the largest long[] Java allows
                throw new IllegalStateException("the hash index cannot hold " + keys + " keys (at most "
                        + (long) ((1 << 28) * MAX_LOAD) + ")");
            }
            return Integer.highestOneBit((int) wanted - 1) << 1;
        }

        /** TAG: the hash's high 32 bits, a bit that keeps it non-zero (0 marks a free slot), the key's length. */
        private static long tag(long hash, int keyLength) {
            return (hash & 0xFFFF_FFFF_0000_0000L) | 0x8000_0000L | keyLength;
        }

        /** The key's bytes [from, from + 8) as a little-endian long, zero past its end. */
        private static long keyWord(byte[] key, int from) {
            if (from + 8 <= key.length) {
                return (long) KEY_WORD.get(key, from);
            }
            long w = 0;
            for (int i = from, shift = 0; i < key.length; i++, shift += 8) {
                w |= (key[i] & 0xFFL) << shift;
            }
            return w;
        }

        /**
         * The slot holding {@code key} in {@code t}, or -(free slot + 1) where it would go. The key's first
         * two words are taken once; a slot whose tag (hash bits and length) matches holds the key when
         * they match too, and for a long key its whole bytes.
         */
        private static int find(Table t, byte[] key, long hash) {
            long tag = tag(hash, key.length);
            long word0 = keyWord(key, 0);
            long word1 = keyWord(key, 8);
            int s = (int) hash & t.mask;
            while (true) {
                long found = (long) LONGS.getAcquire(t.words, s * STRIDE);
                if (found == 0) {
                    return -(s + 1);
                }
                if (found == tag && t.words[s * STRIDE + 1] == word0 && t.words[s * STRIDE + 2] == word1
                        && (key.length <= INLINE_KEY_BYTES || Arrays.equals(t.longKeys[s], key))) {
                    return s;
                }
                s = (s + 1) & t.mask;
            }
        }

        @Override
        public Entry get(byte[] key) {
            Table t = table;
            int s = find(t, key, hash(key));
            return s < 0 ? null : (Entry) ENTRIES.getAcquire(t.entries, s);
        }

        @Override
        public Entry get(byte[] key, Hint hint) {
            Table t = table;
            int s = find(t, key, hash(key));
            if (s < 0) {
                hint.offset = -1;
                return null;
            }
            hint.offset = t.words[s * STRIDE + HINT];
            return (Entry) ENTRIES.getAcquire(t.entries, s);
        }

        @Override
        public synchronized void put(byte[] key, Entry entry) {
            long hash = hash(key);
            int s = find(table, key, hash);
            set(s < 0 ? claimGrowing(-s - 1, key, hash) : s, entry);
        }

        @Override
        public synchronized Entry offer(byte[] key, Entry entry, boolean sameSeqWins) {
            return offer(key, entry, sameSeqWins, hash(key));
        }

        /** Keys whose table lines {@link #offerAll} loads before it probes the first of them. */
        private static final int TOUCH_GROUP = 16;
        /** Where {@link #offerAll} keeps what it loaded ahead, so the loads are not dead code. */
        private long touched;

        /**
         * The batch's keys are hashed first; then, for each group of {@link #TOUCH_GROUP} keys, the tag
         * word and entry reference of each key's home slot are loaded before any of them is probed. A
         * probe into a table of hundreds of MB is a cache (and TLB) miss; loads that do not depend on one
         * another overlap, so the group's probes then find their lines in the cache instead of missing one
         * after the other (recovery is one writer inserting millions of keys; the monitor is held per
         * batch). The offers themselves are applied in order, exactly as {@link #offer}.
         */
        @Override
        public synchronized void offerAll(byte[][] keys, Entry[] entries, boolean[] sameSeqWins, int n, Entry[] olds) {
            long[] hashes = new long[n];
            for (int i = 0; i < n; i++) {
                hashes[i] = hash(keys[i]);
            }
            long sum = 0;
            for (int from = 0; from < n; from += TOUCH_GROUP) {
                int to = Math.min(n, from + TOUCH_GROUP);
                Table t = table;
                for (int i = from; i < to; i++) {
                    int s = (int) hashes[i] & t.mask;
                    sum += t.words[s * STRIDE];
                    sum += t.entries[s] == null ? 0 : 1;
                }
                for (int i = from; i < to; i++) {
                    olds[i] = offer(keys[i], entries[i], sameSeqWins[i], hashes[i]);
                }
            }
            touched += sum;
        }

        private Entry offer(byte[] key, Entry entry, boolean sameSeqWins, long hash) {
            Table t = table;
            int s = find(t, key, hash);
            Entry old = s < 0 ? null : t.entries[s];
            if (Index.replaces(entry, old, sameSeqWins)) {
                set(s < 0 ? claimGrowing(-s - 1, key, hash) : s, entry);
            }
            return old;
        }

        /** Claims the free slot {@code free} of the current table for {@code key}, resizing first when it is full. */
        private int claimGrowing(int free, byte[] key, long hash) {
            Table t = table;
            if (t.claimed + 1 > t.maxClaimed) {
                t = resize(t, 0);
                free = -find(t, key, hash) - 1;
            }
            return claim(t, free, key, hash, true);
        }

        /** Publishes {@code entry} in claimed slot {@code s} of the current table. */
        private void set(int s, Entry entry) {
            Table t = table;
            if (t.entries[s] == null) {
                t.live++;
            }
            t.words[s * STRIDE + HINT] = entry.recordOffset;
            ENTRIES.setVolatile(t.entries, s, entry);
        }

        /**
         * Writes {@code key} into the free slot {@code s}; the tag goes last (see the class comment). A long
         * key is copied when {@code copyLongKey}, else kept (a resize moving it from the old table).
         */
        private static int claim(Table t, int s, byte[] key, long hash, boolean copyLongKey) {
            int w = s * STRIDE;
            t.words[w + 1] = keyWord(key, 0);
            t.words[w + 2] = keyWord(key, 8);
            if (key.length > INLINE_KEY_BYTES) {
                if (t.longKeys == null) {
                    t.longKeys = new byte[t.mask + 1][];
                }
                t.longKeys[s] = copyLongKey ? key.clone() : key;
            }
            LONGS.setRelease(t.words, w, tag(hash, key.length));
            t.claimed++;
            return s;
        }

        /**
         * A table for the live keys and at least {@code minSlots}: twice the size unless removed keys hold
         * half the claimed slots. Rehashing needs each key's bytes; a short key is rebuilt from its words
         * into a reused array per length (the table never keeps the caller's array of a short key), so a
         * resize allocates nothing per key.
         */
        private Table resize(Table old, int minSlots) {
            int slots = old.live * 2 >= old.claimed ? (old.mask + 1) * 2 : old.mask + 1;
            Table t = new Table(Math.max(Math.max(slots, minSlots), slotsFor(old.live + 1)));
            byte[][] scratch = new byte[INLINE_KEY_BYTES + 1][];
            for (int s = 0; s <= old.mask; s++) {
                Entry e = old.entries[s];
                if (e != null) {
                    int length = (int) (old.words[s * STRIDE] & 0x7FFF_FFFFL);
                    byte[] key;
                    if (length > INLINE_KEY_BYTES) {
                        key = old.longKeys[s];
                    } else {
                        key = scratch[length] == null ? (scratch[length] = new byte[length]) : scratch[length];
                        keyInto(old, s, key);
                    }
                    long hash = hash(key);
                    int at = claim(t, -find(t, key, hash) - 1, key, hash, false);
                    t.words[at * STRIDE + HINT] = e.recordOffset;
                    t.entries[at] = e;
                    t.live++;
                }
            }
            table = t;
            return t;
        }

        @Override
        public synchronized void presize(long expectedKeys) {
            int slots = slotsFor(Math.min(expectedKeys, MAX_PRESIZE_KEYS));
            if (slots > table.mask + 1) {
                resize(table, slots);
            }
        }

        @Override
        public boolean copiesKeys() {
            return true;
        }

        /** Tests only: the current table's slots. */
        int slots() {
            return table.mask + 1;
        }

        @Override
        public synchronized void remove(byte[] key, Entry expected) {
            Table t = table;
            int s = find(t, key, hash(key));
            if (s >= 0 && t.entries[s] == expected && expected != null) {
                t.words[s * STRIDE + HINT] = -1;
                ENTRIES.setVolatile(t.entries, s, null);
                t.live--;
            }
        }

        /** The key of claimed slot {@code s}, rebuilt from its words (a new array). */
        private static byte[] keyOf(Table t, int s) {
            int length = (int) (t.words[s * STRIDE] & 0x7FFF_FFFFL);
            if (length > INLINE_KEY_BYTES) {
                return t.longKeys[s].clone();
            }
            byte[] key = new byte[length];
            keyInto(t, s, key);
            return key;
        }

        /** Writes the short key of claimed slot {@code s} into {@code key}, whose length is the key's. */
        private static void keyInto(Table t, int s, byte[] key) {
            for (int i = 0; i < key.length; i++) {
                key[i] = (byte) (t.words[s * STRIDE + 1 + (i >>> 3)] >>> ((i & 7) * 8));
            }
        }

        @Override
        public Iterator<Map.Entry<byte[], Entry>> entries() {
            Table t = table;
            return new Iterator<>() {
                private int slot = -1;
                /** The entry of {@link #slot} as read when the iterator stepped onto it; null at the end. */
                private Entry entry = step();

                private Entry step() {
                    while (++slot <= t.mask) {
                        Entry e = (Entry) ENTRIES.getAcquire(t.entries, slot);
                        if (e != null) {
                            return e;
                        }
                    }
                    return null;
                }

                @Override
                public boolean hasNext() {
                    return entry != null;
                }

                @Override
                public Map.Entry<byte[], Entry> next() {
                    if (entry == null) {
                        throw new NoSuchElementException();
                    }
                    Map.Entry<byte[], Entry> result = Map.entry(keyOf(t, slot), entry);
                    entry = step();
                    return result;
                }
            };
        }
    }

    /**
     * Sorted engine: a {@link ConcurrentSkipListMap} in the pool's key order for cursors, and beside it
     * a {@link Hash} of the same entries for point reads and writers' lookups (a skip-list search costs
     * about twenty dependent cache misses at a million keys; the hash, two). Both hold the same Entry
     * objects and are changed together under the key's stripe lock; both key orders are consistent with
     * byte equality, so the two maps agree on what a key is. The price is the hash's memory: 40 bytes a
     * slot (four longs and two references, compressed), 67-133 bytes a key at the table's 30-60 % fill.
     */
    final class Sorted implements Index {
        final ConcurrentSkipListMap<byte[], Entry> map;
        private final Hash points;

        Sorted(Comparator<byte[]> order) {
            this(order, 1 << 16);
        }

        Sorted(Comparator<byte[]> order, int expectedKeys) {
            this.map = new ConcurrentSkipListMap<>(order);
            this.points = new Hash(expectedKeys);
        }

        @Override
        public Entry get(byte[] key) {
            return points.get(key);
        }

        @Override
        public Entry get(byte[] key, Hint hint) {
            return points.get(key, hint);
        }

        @Override
        public void put(byte[] key, Entry entry) {
            map.put(key, entry);
            points.put(key, entry);
        }

        @Override
        public Entry offer(byte[] key, Entry entry, boolean sameSeqWins) {
            Entry old = points.offer(key, entry, sameSeqWins);     // the hash decides; the skip list follows
            if (Index.replaces(entry, old, sameSeqWins)) {
                map.put(key, entry);
            }
            return old;
        }

        @Override
        public void presize(long expectedKeys) {
            points.presize(expectedKeys);
        }

        /** No: the skip list keeps the caller's array as its key. */
        @Override
        public boolean copiesKeys() {
            return false;
        }

        @Override
        public void remove(byte[] key, Entry expected) {
            map.remove(key, expected);
            points.remove(key, expected);
        }

        @Override
        public Iterator<Map.Entry<byte[], Entry>> entries() {
            return map.entrySet().iterator();
        }

        ConcurrentNavigableMap<byte[], Entry> view() {
            return map;
        }
    }
}
