package dev.engram.kv;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** The DRAM index: key to newest {@link Entry}. Lock-free for readers. */
sealed interface Index permits Index.Hash, Index.Sorted {

    Entry get(byte[] key);

    /** Sets the key's entry; the caller holds the key's stripe lock. */
    void put(byte[] key, Entry entry);

    /** Removes the key if its entry is still {@code expected}. */
    void remove(byte[] key, Entry expected);

    /** Every (key, entry), weakly consistent; resolve each entry at a snapshot for a consistent view. */
    Iterator<Map.Entry<byte[], Entry>> entries();

    /** Hash engine: {@link ConcurrentHashMap} on keys wrapped with their hash. */
    final class Hash implements Index {
        /** A key with its hash computed once; equality by content. */
        record Key(byte[] bytes, int hash) {
            static Key of(byte[] bytes) {
                return new Key(bytes, KeyHash.of(bytes));
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
            }

            @Override
            public int hashCode() {
                return hash;
            }
        }

        private final ConcurrentHashMap<Key, Entry> map;

        Hash() {
            this(1 << 16);
        }

        /** Sized for about {@code expectedKeys} keys, so that loading them never resizes the table. */
        Hash(int expectedKeys) {
            this.map = new ConcurrentHashMap<>(Math.max(16, expectedKeys));
        }

        @Override
        public Entry get(byte[] key) {
            return map.get(Key.of(key));
        }

        @Override
        public void put(byte[] key, Entry entry) {
            map.put(Key.of(key), entry);
        }

        @Override
        public void remove(byte[] key, Entry expected) {
            map.remove(Key.of(key), expected);
        }

        @Override
        public Iterator<Map.Entry<byte[], Entry>> entries() {
            Iterator<Map.Entry<Key, Entry>> it = map.entrySet().iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public Map.Entry<byte[], Entry> next() {
                    Map.Entry<Key, Entry> e = it.next();
                    return Map.entry(e.getKey().bytes(), e.getValue());
                }
            };
        }
    }

    /** Sorted engine: {@link ConcurrentSkipListMap} in the pool's key order. */
    final class Sorted implements Index {
        final ConcurrentSkipListMap<byte[], Entry> map;

        Sorted(Comparator<byte[]> order) {
            this.map = new ConcurrentSkipListMap<>(order);
        }

        @Override
        public Entry get(byte[] key) {
            return map.get(key);
        }

        @Override
        public void put(byte[] key, Entry entry) {
            map.put(key, entry);
        }

        @Override
        public void remove(byte[] key, Entry expected) {
            map.remove(key, expected);
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
