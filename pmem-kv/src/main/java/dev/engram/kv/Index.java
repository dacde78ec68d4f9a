package dev.engram.kv;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** The DRAM index: key to newest {@link Entry}. Lock-free for readers. */
sealed interface Index permits Index.Hash, Index.Sorted {

    Entry get(byte[] key);



    /**
     * As {@link #get(byte[])}, but copies the key's newest version into {@code probe} (reused, one per
     * thread) and returns whether the key has one, so that a point read allocates nothing.
     */
    default boolean probe(byte[] key, Probe probe) {
        return probe.copy(get(key));
    }

    /** A reader's copy of one version, filled by {@link #probe}; one per thread, reused. */
    final class Probe {
        long recordOffset;
        int recordLength;
        long valueOffset;
        int valueLength;
        long seq;
        long recordSeq;
        boolean tombstone;
        /** The versions before this one that open snapshots still need ({@link Entry#prev}). */
        Entry older;

        boolean copy(Entry e) {
            if (e == null) {
                return false;
            }
            recordOffset = e.recordOffset;
            recordLength = e.recordLength;
            valueOffset = e.valueOffset;
            valueLength = e.valueLength;
            seq = e.seq;
            recordSeq = e.recordSeq;
            tombstone = e.tombstone;
            older = e.prev;
            return true;
        }

        Entry toEntry() {
            return new Entry(recordOffset, recordLength, valueOffset, valueLength, seq, recordSeq, tombstone, older);
        }
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
     * Recovery from the index checkpoint: inserts the batch's keys with their versions. Each key is
     * distinct, and the index holds none of them yet (the checkpoint is loaded before the log is scanned,
     * and no reader or writer has the index), so there is no version to compare and none to keep.
     */
    default void loadUnique(Checkpoint.Batch b) {
        for (int i = 0; i < b.n; i++) {
            put(b.keys[i], b.entry(i));
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
     * Hash engine: an open-addressing table with linear probing, flat in {@code long[]} chunks of 2^k
     * slots (k from the heap's size: 2^20 for a 6 GB heap; one array for a small table), with no object
     * per key: a slot is one cache line holding the key's hash tag, its first 16 bytes and the key's
     * whole newest version (what an {@link Entry} holds, less its chain of older versions). A point read
     * therefore costs one line of the table and then the record, whose offset the line holds, so the
     * record's load starts as soon as the line is in. (The table of {@code Entry} references this one
     * replaces cost a third, dependent miss on the entry object, and its million entries were copied by
     * every young collection during a fill: bench/results/2026-11-22-hot-path. The {@code
     * ConcurrentHashMap} before that cost a bin, a node, a key wrapper and its byte array: 0.95 M
     * gets/s, docs/engines.md.) Older versions kept for open snapshots hang off their slot as an {@code
     * Entry} chain in a second array, allocated when the first is kept; {@link #get} builds an {@code
     * Entry} from the slot (two calls give equal, not identical, entries: versions compare by value).
     *
     * <p>Concurrency: readers take no lock. Writers (puts, removes, resizes) are serialised by the
     * table's monitor; they already hold the key's stripe lock, so the monitor guards only the probe
     * sequence and the slot words, for the time of one probe. A slot is claimed once per key and keeps
     * that key until the next resize: a removal clears the slot's version and leaves the key, so every
     * key has at most one slot and a reader that finds its key's slot with no version knows the key is
     * absent. A new slot is published by its tag word, written last with release semantics; a reader
     * that loads the tag with acquire semantics therefore sees the key and version words written before
     * it. A version that replaces another in a claimed slot is several words, so the slot's STAMP word is
     * a sequence lock: the writer makes it odd, writes the words, and makes it even again; a reader that
     * loads the same even stamp before and after reading the words read one version whole, else it reads
     * again (the orderings that make this hold are named where they are issued). A resize builds a new
     * table from the live slots and publishes it through the volatile {@link #table}; a reader still on
     * the old one reads the state of some moment during its call.
     */
    final class Hash implements Index {
        /**
         * Longs per slot, one cache line: TAG, the key's first 16 bytes (little-endian, zero-padded), STAMP
         * (bits 0-31 the sequence lock's count, odd while a writer changes the slot; bits 32-62 the value's
         * offset in its record; bit 63 tombstone), RECORD_OFFSET ({@link #NO_VERSION} once removed),
         * LENGTHS (record length in bits 0-31, value length in bits 32-63), SEQ, RECORD_SEQ.
         */
        private static final int STRIDE = 8;
        private static final int TAG = 0;
        private static final int KEY0 = 1;
        private static final int KEY1 = 2;
        private static final int STAMP = 3;
        private static final int RECORD_OFFSET = 4;
        private static final int LENGTHS = 5;
        private static final int SEQ = 6;
        private static final int RECORD_SEQ = 7;
        /**
         * Words before a chunk's slot 0: with the array's 16-byte header they put every slot on a cache-line
         * boundary when the array starts on one, as every whole chunk does (a humongous object starts a G1
         * region).
         */
        private static final int BASE = 6;
        /**
         * A large table's slots are in chunks of 2^CHUNK_SHIFT slots, so a slot's chunk is {@code slot >>>
         * CHUNK_SHIFT} and its place in the chunk {@code slot & CHUNK_MASK} (a table smaller than a chunk is
         * one array of its own size). Chunks exist for a large table's allocation: a fresh JVM receives new
         * memory one 4 KiB page fault at a time, and the chunks are allocated by several threads at once
         * (see {@link #allocate}); reopening 10 M keys in a fresh JVM took 20 % less time, and gets and
         * durable puts did not move (bench/results/2026-11-23-pow2-chunks). Chunks of 2^19 - 1 slots
         * (exactly 32 MiB, addressed by division) had made durable puts up to 10 % slower
         * (bench/results/2026-11-23-chunked-table).
         *
         * <p>The size: a chunk of 2^k slots is 2^k cache lines plus 64 bytes ({@link #BASE} and the array's
         * header), so as a G1 humongous object it takes one region more than its data, a region that is
         * never touched but counts in the heap. A chunk of at least 16 regions keeps that under 6 %: with
         * the region size G1 picks by itself for this heap ({@link #g1RegionBytes}), 2^20 slots (64 MiB)
         * for 4 MiB regions (this machine's), 2^23 (512 MiB) for 32 MiB ones (heaps of 32 GB and more).
         * Large chunks cost some parallelism: the JVM zeroes an array in one step that no safepoint
         * interrupts, so a thread that needs a safepoint (a collection the other allocating thread starts)
         * waits for a whole chunk; with chunks of 512 MiB on this 2-vCPU machine such waits undid the
         * gain. The system property {@code engram.index.chunkShift} (4-27) sets the shift instead; the
         * tests set it small, so that their tables span many chunks. {@code static final}: the JIT folds
         * the shift and the mask into the code.
         */
        static final int CHUNK_SHIFT = chunkShift(System.getProperty("engram.index.chunkShift"),
                Runtime.getRuntime().maxMemory());
        static final int CHUNK_SLOTS = 1 << CHUNK_SHIFT;
        private static final int CHUNK_MASK = CHUNK_SLOTS - 1;
        /** Threads that allocate a large table's chunks, the caller included, at most. */
        private static final int ALLOCATING_THREADS = 4;
        /** G1's smallest and largest regions when it picks the size itself. */
        private static final long G1_MIN_REGION = 1 << 20;
        private static final long G1_MAX_ERGONOMIC_REGION = 32 << 20;
        private static final long NO_VERSION = -1;
        private static final long TOMBSTONE_BIT = 1L << 63;
        private static final long COUNT_MASK = 0xFFFF_FFFFL;
        private static final int INLINE_KEY_BYTES = 16;
        /** A slot is never claimed past this fill, counting slots whose key was removed. */
        private static final double MAX_LOAD = 0.6;
        /** The most slots a table can have: 2^27, an 8 GiB table for about 80 M keys. */
        private static final int MAX_SLOTS = 1 << 27;
        /** {@link #presize} goes no further: an estimate is not a promise. */
        static final long MAX_PRESIZE_KEYS = 1L << 26;
        private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
        private static final VarHandle KEY_WORD = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

        /**
         * One generation of the table: its slots in chunks of {@link #CHUNK_SLOTS} (a table smaller than
         * that is one chunk of its own size). Only the writer holding the monitor changes it.
         */
        private static final class Table {
            final long[][] chunks;
            /**
             * Per slot, the chain of versions older than the slot's own that open snapshots still need; null
             * as a whole until the first is kept. Volatile: a reader that sees it set sees the array's
             * allocation (it is set inside a slot's write window, see {@link #write}).
             */
            volatile Entry[] olders;
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
                chunks = allocate(slots);
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
            if (wanted > MAX_SLOTS) {
                throw new IllegalStateException("the hash index cannot hold " + keys + " keys (at most "
                        + (long) (MAX_SLOTS * MAX_LOAD) + ")");
            }
            return Integer.highestOneBit((int) wanted - 1) << 1;
        }

        /**
         * The chunk shift: {@code forced} (the property {@code engram.index.chunkShift}) when set, else a
         * chunk of 16 regions of G1's for a heap of {@code maxHeap} bytes: 2^k slots of 64 bytes = 16
         * regions.
         */
        static int chunkShift(String forced, long maxHeap) {
            if (forced != null) {
                int shift;
                try {
                    shift = Integer.parseInt(forced.strip());
                } catch (NumberFormatException e) {
                    shift = -1;
                }
                if (shift < 4 || shift > 27) {
                    throw new IllegalArgumentException("engram.index.chunkShift: expected a whole number from 4 to 27"
                            + " (chunks of 2^shift slots), found '" + forced + "'");
                }
                return shift;
            }
            return Long.numberOfTrailingZeros(g1RegionBytes(maxHeap)) + 4 - Long.numberOfTrailingZeros(STRIDE * 8);
        }

        /**
         * The region size G1 picks for a heap of at most {@code maxHeap} bytes when none is given: a
         * 2048th of the heap, within 1-32 MiB, rounded up to a power of two (HotSpot's
         * G1HeapRegion::setup_heap_region_size; a test compares it with the running JVM's). A region size
         * given with -XX:G1HeapRegionSize is not seen here; a larger one only makes the unused tail regions
         * a larger share (at most one per chunk).
         */
        static long g1RegionBytes(long maxHeap) {
            long region = Math.clamp(maxHeap / 2048, G1_MIN_REGION, G1_MAX_ERGONOMIC_REGION);
            return Long.highestOneBit(region - 1) << 1;
        }

        /** The chunk holding slot {@code slot}. */
        private static long[] chunk(Table t, int slot) {
            return t.chunks[slot >>> CHUNK_SHIFT];
        }

        /** Slot {@code slot}'s first word in {@link #chunk its chunk}. */
        private static int at(int slot) {
            return BASE + (slot & CHUNK_MASK) * STRIDE;
        }

        /**
         * The zeroed chunks of a table of {@code slots} slots. A table of more than one chunk is allocated
         * by up to {@link #ALLOCATING_THREADS} threads at once, the caller one of them, each taking every
         * n-th chunk; the caller returns when all are done (the joins publish the chunks to it). An error
         * in a helper (an OutOfMemoryError) is thrown here, in the caller. A helper that cannot be started
         * (no native thread left) leaves its chunks to the caller.
         */
        private static long[][] allocate(int slots) {
            int n = (slots + CHUNK_SLOTS - 1) / CHUNK_SLOTS;
            long[][] chunks = new long[n][];
            int threads = Math.min(n, Math.min(ALLOCATING_THREADS, Runtime.getRuntime().availableProcessors()));
            Throwable[] failed = new Throwable[threads];
            Thread[] helpers = new Thread[threads - 1];
            try {
                for (int h = 1; h < threads; h++) {
                    int first = h;
                    try {
                        helpers[h - 1] = Thread.ofPlatform().daemon().name("engram-index-allocate-" + h).start(() -> {
                            try {
                                allocateChunks(chunks, slots, first, threads);
                            } catch (Throwable e) {
                                failed[first] = e;
                            }
                        });
                    } catch (OutOfMemoryError noThread) {
                        allocateChunks(chunks, slots, first, threads);
                    }
                }
                allocateChunks(chunks, slots, 0, threads);
            } finally {
                HelperThreads.joinUninterruptibly(helpers);
            }
            for (Throwable e : failed) {
                HelperThreads.rethrow(e);
            }
            return chunks;
        }

        /** Chunks {@code first}, {@code first + step}, ... of a table of {@code slots} slots. */
        private static void allocateChunks(long[][] chunks, int slots, int first, int step) {
            for (int i = first; i < chunks.length; i += step) {
                int chunkSlots = Math.min(CHUNK_SLOTS, slots - i * CHUNK_SLOTS);
                chunks[i] = new long[BASE + chunkSlots * STRIDE];
            }
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
                long[] c = chunk(t, s);
                int w = at(s);
                // Acquire: a tag seen here was released after its slot's key and first version were written.
                long found = (long) LONGS.getAcquire(c, w + TAG);
                if (found == 0) {
                    return -(s + 1);
                }
                if (found == tag && c[w + KEY0] == word0 && c[w + KEY1] == word1
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
            return s < 0 ? null : read(t, s);
        }

        /**
         * The version in claimed slot {@code s} with its older chain, read whole (the sequence lock of the
         * class comment), or null when the slot has none. Lock-free: for readers.
         */
        private static Entry read(Table t, int s) {
            Probe p = new Probe();
            return readInto(t, s, p) ? p.toEntry() : null;
        }

        @Override
        public boolean probe(byte[] key, Probe p) {
            Table t = table;
            int s = find(t, key, hash(key));
            return s >= 0 && readInto(t, s, p);
        }

        /** Copies the version of claimed slot {@code s} into {@code p}, read whole; false when it has none. */
        private static boolean readInto(Table t, int s, Probe p) {
            long[] c = chunk(t, s);
            int w = at(s);
            while (true) {
                // Acquire: the version words below are read after the stamp, so an even stamp seen here
                // was released after every word of the version it stamps.
                long stamp = (long) LONGS.getAcquire(c, w + STAMP);
                long recordOffset = c[w + RECORD_OFFSET];
                long lengths = c[w + LENGTHS];
                long seq = c[w + SEQ];
                long recordSeq = c[w + RECORD_SEQ];
                Entry[] olders = t.olders;
                Entry older = olders == null ? null : olders[s];
                // The words above are read before the stamp is read again: an unchanged stamp then
                // proves no writer was inside the slot while they were read.
                VarHandle.loadLoadFence();
                if ((stamp & 1) == 0 && (long) LONGS.getOpaque(c, w + STAMP) == stamp) {
                    if (recordOffset == NO_VERSION) {
                        return false;
                    }
                    p.recordOffset = recordOffset;
                    p.recordLength = (int) lengths;
                    p.valueOffset = recordOffset + valueDelta(stamp);
                    p.valueLength = (int) (lengths >>> 32);
                    p.seq = seq;
                    p.recordSeq = recordSeq;
                    p.tombstone = stamp < 0;
                    p.older = older;
                    return true;
                }
                Thread.onSpinWait();
            }
        }

        private static long valueDelta(long stamp) {
            return (stamp >>> 32) & 0x7FFF_FFFFL;
        }

        /** STAMP for {@code e} with the lock's count {@code count}. */
        private static long stamp(Entry e, long count) {
            return stamp(e.tombstone, e.valueOffset - e.recordOffset, count);
        }

        /** STAMP for a version whose value starts {@code delta} bytes into its record. */
        private static long stamp(boolean tombstone, long delta, long count) {
            if (delta < 0 || delta > 0x7FFF_FFFFL) {
                throw new IllegalArgumentException("a value at " + delta + " bytes into its record");
            }
            return (tombstone ? TOMBSTONE_BIT : 0) | delta << 32 | (count & COUNT_MASK);
        }

        /** The version words of {@code e}, but STAMP, into slot word {@code w}. Plain: the caller orders them. */
        private static void versionWords(long[] words, int w, Entry e) {
            versionWords(words, w, e.recordOffset, e.recordLength, e.valueLength, e.seq, e.recordSeq);
        }

        private static void versionWords(long[] words, int w, long recordOffset, int recordLength, int valueLength,
                                         long seq, long recordSeq) {
            words[w + RECORD_OFFSET] = recordOffset;
            words[w + LENGTHS] = (recordLength & 0xFFFF_FFFFL) | (long) valueLength << 32;
            words[w + SEQ] = seq;
            words[w + RECORD_SEQ] = recordSeq;
        }

        /** Sets slot {@code s}'s chain of older versions to {@code older}. Writer, under the monitor. */
        private static void setOlder(Table t, int s, Entry older) {
            Entry[] olders = t.olders;
            if (older != null && olders == null) {
                olders = new Entry[t.mask + 1];
                t.olders = olders;
            }
            if (olders != null && olders[s] != older) {
                olders[s] = older;
            }
        }

        /**
         * Replaces the version in claimed slot {@code s} with {@code e} (null: none, the key removed), inside
         * the slot's sequence-lock window. Writer, under the monitor.
         */
        private static void write(Table t, int s, Entry e) {
            long[] c = chunk(t, s);
            int w = at(s);
            long stamp = c[w + STAMP];    // plain: only writers change it, and they hold the monitor
            // Opaque odd stamp, then a store-store fence: no word of the new version is written before a
            // reader can see that the slot is being changed.
            LONGS.setOpaque(c, w + STAMP, stamp + 1);
            VarHandle.storeStoreFence();
            if (e == null) {
                c[w + RECORD_OFFSET] = NO_VERSION;
                setOlder(t, s, null);
                // Release: the words above are written before the stamp is even again.
                LONGS.setRelease(c, w + STAMP, (stamp + 2) & COUNT_MASK);
            } else {
                versionWords(c, w, e);
                setOlder(t, s, e.prev);
                // Release: the words above are written before the stamp is even again.
                LONGS.setRelease(c, w + STAMP, stamp(e, stamp + 2));
            }
        }

        @Override
        public synchronized void put(byte[] key, Entry entry) {
            long hash = hash(key);
            Table t = table;
            int s = find(t, key, hash);
            if (s < 0) {
                claimGrowing(-s - 1, key, hash, entry);
            } else {
                set(t, s, entry);
            }
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
         * word of each key's home slot (its whole line: the slot) is loaded before any of them is probed.
         * A probe into a table of hundreds of MB is a cache (and TLB) miss; loads that do not depend on one
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
                    sum += chunk(t, s)[at(s) + TAG];
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
            Entry old = s < 0 ? null : read(t, s);
            if (Index.replaces(entry, old, sameSeqWins)) {
                if (s < 0) {
                    claimGrowing(-s - 1, key, hash, entry);
                } else {
                    set(t, s, entry);
                }
            }
            return old;
        }

        /** Claims the free slot {@code free} of the current table for {@code key}, resizing first when it is full. */
        private void claimGrowing(int free, byte[] key, long hash, Entry entry) {
            Table t = table;
            if (t.claimed + 1 > t.maxClaimed) {
                t = resize(t, 0);
                free = -find(t, key, hash) - 1;
            }
            claim(t, free, key, hash, true, entry);
            t.live++;
        }

        /** Publishes {@code entry} in claimed slot {@code s} of {@code t}, the current table. */
        private static void set(Table t, int s, Entry entry) {
            if (chunk(t, s)[at(s) + RECORD_OFFSET] == NO_VERSION) {
                t.live++;
            }
            write(t, s, entry);
        }

        /**
         * Writes {@code key} and its first version into the free slot {@code s}; the tag goes last (see the
         * class comment). A long key is copied when {@code copyLongKey}, else kept (a resize moving it from
         * the old table). A resize passes no version and copies the old slot's words after.
         */
        private static void claim(Table t, int s, byte[] key, long hash, boolean copyLongKey, Entry entry) {
            long[] c = chunk(t, s);
            int w = at(s);
            claimKeyWords(t, s, key, copyLongKey);
            if (entry != null) {
                versionWords(c, w, entry);
                c[w + STAMP] = stamp(entry, 0);
                setOlder(t, s, entry.prev);
            }
            // Release: the key and version words above are written before a reader can find the slot.
            LONGS.setRelease(c, w + TAG, tag(hash, key.length));
            t.claimed++;
        }

        /** Writes {@code key} into free slot {@code s}: its first two words, and a long key whole. Not its tag. */
        private static void claimKeyWords(Table t, int s, byte[] key, boolean copyLongKey) {
            long[] c = chunk(t, s);
            int w = at(s);
            c[w + KEY0] = keyWord(key, 0);
            c[w + KEY1] = keyWord(key, 8);
            if (key.length > INLINE_KEY_BYTES) {
                if (t.longKeys == null) {
                    t.longKeys = new byte[t.mask + 1][];
                }
                t.longKeys[s] = copyLongKey ? key.clone() : key;
            }
        }

        /**
         * A table for the live keys and at least {@code minSlots}: twice the size unless removed keys hold
         * half the claimed slots. Rehashing needs each key's bytes; a short key is rebuilt from its words
         * into a reused array per length (the table never keeps the caller's array of a short key), so a
         * resize allocates nothing per key; a version's words are copied as they are.
         */
        private Table resize(Table old, int minSlots) {
            int slots = old.live * 2 >= old.claimed ? (old.mask + 1) * 2 : old.mask + 1;
            Table t = new Table(Math.max(Math.max(slots, minSlots), slotsFor(old.live + 1)));
            byte[][] scratch = new byte[INLINE_KEY_BYTES + 1][];
            Entry[] olders = old.olders;
            for (int s = 0; s <= old.mask; s++) {
                long[] oc = chunk(old, s);
                int w = at(s);
                if (oc[w + TAG] == 0 || oc[w + RECORD_OFFSET] == NO_VERSION) {
                    continue;
                }
                int length = (int) (oc[w + TAG] & 0x7FFF_FFFFL);
                byte[] key;
                if (length > INLINE_KEY_BYTES) {
                    key = old.longKeys[s];
                } else {
                    key = scratch[length] == null ? (scratch[length] = new byte[length]) : scratch[length];
                    keyInto(old, s, key);
                }
                long hash = hash(key);
                int to = -find(t, key, hash) - 1;
                claim(t, to, key, hash, false, null);
                long[] tc = chunk(t, to);
                int tw = at(to);
                // Not yet published (the new table is): plain copies of the version words.
                System.arraycopy(oc, w + STAMP, tc, tw + STAMP, STRIDE - STAMP);
                tc[tw + STAMP] &= ~COUNT_MASK;
                if (olders != null) {
                    setOlder(t, to, olders[s]);
                }
                t.live++;
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

        /** The current table's slots. */
        int slots() {
            return table.mask + 1;
        }

        // ------------------------------------------------------------ the checkpoint's table image

        /** A slot word in the checkpoint's table image: little-endian, as every word on media. */
        private static final ValueLayout.OfLong IMAGE_WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        /** Bytes of one slot in the image: its {@link #STRIDE} words. */
        static final int IMAGE_SLOT_BYTES = STRIDE * 8;

        /**
         * A hash index whose table has exactly {@code slots} slots, for a checkpoint's table image (the
         * slot of every key depends on the table's size).
         */
        static Hash ofSlots(int slots) {
            return ofSlots(slots, false);
        }

        /** {@link #ofSlots(int)}; tests: with {@code collide} as the index whose image it loads. */
        static Hash ofSlots(int slots, boolean collide) {
            if (!validSlots(slots)) {
                throw new IllegalArgumentException("a table of " + slots + " slots: expected a power of two from 16 to " + MAX_SLOTS);
            }
            return new Hash(new Table(slots), collide);
        }

        private Hash(Table t, boolean collide) {
            this.table = t;
            this.collide = collide;
        }

        /** Whether {@code slots} is a table size {@link #ofSlots} takes. */
        static boolean validSlots(long slots) {
            return slots >= 16 && slots <= MAX_SLOTS && Long.bitCount(slots) == 1;
        }

        /**
         * Copies the words of slots {@code [from, from + count)} of the current table into {@code dst} at
         * {@code offset}, {@link #IMAGE_SLOT_BYTES} a slot, little-endian: the checkpoint's table image. For
         * a quiescent store (a clean close: no writer, no snapshot), so plain reads see every word. Returns
         * how many of the slots hold a version that is not a tombstone (counted while they are in the
         * cache: the checkpoint's key count needs no pass of its own over the table).
         */
        long copySlotsTo(int from, int count, MemorySegment dst, long offset) {
            Table t = table;
            long keys = 0;
            while (count > 0) {
                int n = Math.min(count, CHUNK_SLOTS - (from & CHUNK_MASK));        // not past the chunk's end
                long[] c = chunk(t, from);
                MemorySegment.copy(c, at(from), dst, IMAGE_WORD, offset, n * STRIDE);
                for (int w = at(from), end = w + n * STRIDE; w < end; w += STRIDE) {
                    keys += c[w + TAG] != 0 && c[w + RECORD_OFFSET] != NO_VERSION && c[w + STAMP] >= 0 ? 1 : 0;
                }
                from += n;
                count -= n;
                offset += (long) n * IMAGE_SLOT_BYTES;
            }
            return keys;
        }

        /** The key of claimed slot {@code slot} when it is longer than {@link #INLINE_KEY_BYTES}, else null. Quiescent store. */
        byte[] longKeyAt(int slot) {
            Table t = table;
            return t.longKeys == null || chunk(t, slot)[at(slot) + TAG] == 0 ? null : t.longKeys[slot];
        }

        /** Slots settled by {@link #loadImagePart} at a time: copied, then settled while still in the cache. */
        private static final int IMAGE_STEP = 4096;

        /**
         * Part of a checkpoint's table-image load: copies slots {@code [from, to)} from {@code image}
         * (slot 0's first word at {@code imageOffset}) into the table, which is fresh and has the image's
         * size ({@link #ofSlots}), then settles each claimed slot: a tombstone, and a version whose record
         * lies in no segment {@code kept} (segments of {@code segmentBytes}; one changed since the
         * checkpoint is not kept), lose their version, the slot
         * keeping its key as a removal leaves it (the checkpoint of entries held no tombstone either; a key
         * deleted last reads as absent); every other version is charged to its segment in {@code
         * liveBytes}. The sequence lock's count restarts at zero, so no slot can read as being written.
         * Threads may load disjoint ranges at once; nothing else uses the index until they are joined and
         * {@link #imageLoaded} is called. Returns {claimed slots, live keys, claimed slots whose key is
         * longer than {@link #INLINE_KEY_BYTES}, versions whose record would not fit in its segment}: the
         * checksums make the last 0 unless the file was crafted, and the caller then fails the open.
         */
        long[] loadImagePart(MemorySegment image, long imageOffset, int from, int to, long segmentBytes, boolean[] kept,
                             long[] liveBytes) {
            Table t = table;
            long claimed = 0;
            long live = 0;
            long longKeys = 0;
            long bad = 0;
            for (int step = from; step < to; ) {
                int end = Math.min(to, step + Math.min(IMAGE_STEP, CHUNK_SLOTS - (step & CHUNK_MASK)));
                long[] c = chunk(t, step);
                MemorySegment.copy(image, IMAGE_WORD, imageOffset + (long) step * IMAGE_SLOT_BYTES, c, at(step),
                        (end - step) * STRIDE);
                for (int s = step; s < end; s++) {
                    int w = at(s);
                    long tag = c[w + TAG];
                    if (tag == 0) {
                        continue;
                    }
                    claimed++;
                    int keyLength = (int) (tag & 0x7FFF_FFFFL);
                    longKeys += keyLength > INLINE_KEY_BYTES ? 1 : 0;
                    long stamp = c[w + STAMP] & ~COUNT_MASK;
                    long recordOffset = c[w + RECORD_OFFSET];
                    if (recordOffset == NO_VERSION) {
                        c[w + STAMP] = stamp;
                        continue;
                    }
                    // The record's segment, as Log.segmentOf (an offset before the first segment has none).
                    long segment = recordOffset < PoolFormat.FIRST_SEGMENT_OFFSET ? -1
                            : (recordOffset - PoolFormat.FIRST_SEGMENT_OFFSET) / segmentBytes;
                    if (stamp < 0 || segment < 0 || segment >= kept.length || !kept[(int) segment]) {
                        c[w + RECORD_OFFSET] = NO_VERSION;
                        c[w + STAMP] = 0;
                        continue;
                    }
                    c[w + STAMP] = stamp;
                    long lengths = c[w + LENGTHS];
                    int recordLength = (int) lengths;
                    if (recordLength < PoolFormat.REC_HEADER_LENGTH || recordOffset + recordLength
                            > PoolFormat.FIRST_SEGMENT_OFFSET + (segment + 1) * segmentBytes) {
                        bad++;          // a read would run past its segment: the open fails (Recovery.loadTable)
                        continue;
                    }
                    liveBytes[(int) segment] += Cleaner.charge(keyLength, recordOffset, recordLength,
                            recordOffset + valueDelta(stamp), (int) (lengths >>> 32));
                    live++;
                }
                step = end;
            }
            return new long[] {claimed, live, longKeys, bad};
        }

        /**
         * After the parts of an image load are joined: the key of the claimed slot {@code slot}, longer than
         * {@link #INLINE_KEY_BYTES}. False, and nothing kept, when the slot's tag and first 16 bytes say
         * another key.
         */
        boolean loadLongKey(int slot, byte[] key) {
            Table t = table;
            long[] c = chunk(t, slot);
            int w = at(slot);
            long tag = c[w + TAG];
            if (tag == 0 || (int) (tag & 0x7FFF_FFFFL) != key.length || key.length <= INLINE_KEY_BYTES
                    || c[w + KEY0] != keyWord(key, 0) || c[w + KEY1] != keyWord(key, 8)) {
                return false;
            }
            if (t.longKeys == null) {
                t.longKeys = new byte[t.mask + 1][];
            }
            t.longKeys[slot] = key;
            return true;
        }

        /** After an image load, before the index is published: the parts' sums. */
        synchronized void imageLoaded(long claimed, long live) {
            table.claimed = (int) claimed;
            table.live = (int) live;
        }

        /** Tests only: the slot holding {@code key} in the current table, negative when it has none. */
        int slotOf(byte[] key) {
            return find(table, key, hash(key));
        }

        /** Tests only: where {@code key}'s probe starts in the current table. */
        int homeOf(byte[] key) {
            return (int) hash(key) & table.mask;
        }

        @Override
        public synchronized void remove(byte[] key, Entry expected) {
            Table t = table;
            int s = find(t, key, hash(key));
            if (s >= 0 && expected != null && expected.equals(read(t, s))) {
                write(t, s, null);
                t.live--;
            }
        }

        /** The key of claimed slot {@code s}, rebuilt from its words (a new array). */
        private static byte[] keyOf(Table t, int s) {
            int length = (int) (chunk(t, s)[at(s) + TAG] & 0x7FFF_FFFFL);
            if (length > INLINE_KEY_BYTES) {
                return t.longKeys[s].clone();
            }
            byte[] key = new byte[length];
            keyInto(t, s, key);
            return key;
        }

        /** Writes the short key of claimed slot {@code s} into {@code key}, whose length is the key's. */
        private static void keyInto(Table t, int s, byte[] key) {
            long[] c = chunk(t, s);
            int w = at(s);
            for (int i = 0; i < key.length; i++) {
                key[i] = (byte) (c[w + KEY0 + (i >>> 3)] >>> ((i & 7) * 8));
            }
        }

        /**
         * The key of a slot holding a live version, the first from a random slot on: a sample of the keys
         * (the cleaner's, {@code Cleaner#sequentialShare}), each about equally likely. Null when there is
         * none. Lock-free, as readers are: a claimed slot's key never changes.
         */
        byte[] randomKey(RandomGenerator random) {
            Table t = table;
            int from = random.nextInt(t.mask + 1);
            for (int i = 0; i <= t.mask; i++) {
                int s = (from + i) & t.mask;
                if ((long) LONGS.getAcquire(chunk(t, s), at(s) + TAG) != 0) {
                    Entry e = read(t, s);
                    if (e != null && !e.tombstone) {
                        return keyOf(t, s);
                    }
                }
            }
            return null;
        }

        @Override
        public Iterator<Map.Entry<byte[], Entry>> entries() {
            Table t = table;
            return new Iterator<>() {
                private int slot = -1;
                /** The version of {@link #slot} as read when the iterator stepped onto it; null at the end. */
                private Entry entry = step();

                private Entry step() {
                    while (++slot <= t.mask) {
                        // Acquire: as in find, a claimed slot's key and first version are seen whole.
                        if ((long) LONGS.getAcquire(chunk(t, slot), at(slot) + TAG) != 0) {
                            Entry e = read(t, slot);
                            if (e != null) {
                                return e;
                            }
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
     * about twenty dependent cache misses at a million keys; the hash, two). Both hold the same versions
     * (the skip list as Entry objects, the hash inline) and are changed together under the key's stripe
     * lock; both key orders are consistent with byte equality, so the two maps agree on what a key is.
     * The price is the hash's memory: 64 bytes a slot, 107-213 bytes a key at the table's 30-60 % fill.
     */
    final class Sorted implements Index {
        /**
         * Replaced only by {@link #rebuildInKeyOrder}, with every stripe lock held; every other use reads
         * it once.
         */
        private volatile ConcurrentSkipListMap<byte[], Entry> map;
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
        public boolean probe(byte[] key, Probe probe) {
            return points.probe(key, probe);
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

        /** A live key, each about equally likely ({@link Hash#randomKey}), or null when there is none. */
        byte[] randomKey(RandomGenerator random) {
            return points.randomKey(random);
        }

        ConcurrentNavigableMap<byte[], Entry> view() {
            return map;
        }

        /**
         * Replaces the skip list with a copy built in key order. A skip list keeps its nodes where they
         * were allocated, in write order, so after the values were rewritten in key order a cursor's
         * step still missed the cache on its node while the record came in sequence; the copy's nodes
         * are allocated one after another in key order (in a scratch program at 1 M keys: a step of the
         * bare skip list 16-37 ns before, 9-19 ns after). Its keys are copies, equal byte for byte; its
         * entries are the same objects. At 1 M keys the copy took 31-135 ms once warm, 333 ms the first
         * time in a JVM.
         *
         * <p>The caller holds every stripe lock, so no writer changes either map during the copy; writers
         * after it change the new map. A cursor that took the old map keeps walking it: its snapshot sees
         * only versions up to its SEQ, which the old map's entries (or their older chains) hold, and a
         * version the cleaner moves later is found again through the hash (KvStore#lookAgain).
         */
        void rebuildInKeyOrder() {
            map = new ConcurrentSkipListMap<>(new KeyCopies(map));
        }

        /**
         * The old skip list as a sorted map whose entries carry copies of its keys, made as the copy's
         * constructor walks it in key order: so each key lies beside its node too, not where its first put
         * allocated it. Its other views are the old map's own, whose keys are equal byte for byte.
         * (Inside it {@code Entry} would name {@code Map.Entry}, which AbstractMap inherits, so the
         * engine's is spelt out.)
         */
        private static final class KeyCopies extends AbstractMap<byte[], dev.engram.kv.Entry>
                implements SortedMap<byte[], dev.engram.kv.Entry> {
            private final ConcurrentSkipListMap<byte[], dev.engram.kv.Entry> old;

            KeyCopies(ConcurrentSkipListMap<byte[], dev.engram.kv.Entry> old) {
                this.old = old;
            }

            @Override
            public Set<Map.Entry<byte[], dev.engram.kv.Entry>> entrySet() {
                return new AbstractSet<>() {
                    @Override
                    public Iterator<Map.Entry<byte[], dev.engram.kv.Entry>> iterator() {
                        Iterator<Map.Entry<byte[], dev.engram.kv.Entry>> it = old.entrySet().iterator();
                        return new Iterator<>() {
                            @Override
                            public boolean hasNext() {
                                return it.hasNext();
                            }

                            @Override
                            public Map.Entry<byte[], dev.engram.kv.Entry> next() {
                                Map.Entry<byte[], dev.engram.kv.Entry> e = it.next();
                                return new AbstractMap.SimpleImmutableEntry<>(e.getKey().clone(), e.getValue());
                            }
                        };
                    }

                    @Override
                    public int size() {
                        return old.size();
                    }
                };
            }

            @Override
            public Comparator<? super byte[]> comparator() {
                return old.comparator();
            }

            @Override
            public SortedMap<byte[], dev.engram.kv.Entry> subMap(byte[] from, byte[] to) {
                return old.subMap(from, to);
            }

            @Override
            public SortedMap<byte[], dev.engram.kv.Entry> headMap(byte[] to) {
                return old.headMap(to);
            }

            @Override
            public SortedMap<byte[], dev.engram.kv.Entry> tailMap(byte[] from) {
                return old.tailMap(from);
            }

            @Override
            public byte[] firstKey() {
                return old.firstKey();
            }

            @Override
            public byte[] lastKey() {
                return old.lastKey();
            }
        }
    }
}
