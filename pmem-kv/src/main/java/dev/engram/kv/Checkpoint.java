package dev.engram.kv;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32C;

import static dev.engram.kv.PoolFormat.align8;

/**
 * The index checkpoint: a file beside the pool ({@code <pool>.index}) holding the index and the
 * segment table as they were at a clean close, so that reopening reads it instead of scanning the log.
 *
 * <h2>Why a stale checkpoint is harmless</h2>
 * Every change to a segment starts by rewriting its header with a new, never reused generation (K0 when a
 * lane opens it, C2 when the cleaner frees it), and after an open every write goes to a newly opened
 * segment. So a segment whose header still carries the generation recorded here, and whose last recorded
 * record is still in place with its SEQ and checksum, holds exactly what it held at the checkpoint:
 * recovery takes its entries from here and scans only the segments that changed (newer records there
 * outrank these by SEQ). Entries that point into a changed segment are dropped: if they were still
 * current, the cleaner copied them into a changed segment before freeing theirs. A checkpoint of another
 * pool (UUID), a damaged one (checksums) or an unreadable one is ignored, with the reason reported.
 *
 * <h2>Two bodies</h2>
 * The sorted engine's checkpoint lists its keys with their versions (KEY_ENTRIES), and loading inserts
 * them one by one. The hash engine's is its table as it is in memory (HASH_TABLE, format version 2): the
 * slots' words in slot order, which loading copies into a table of the same size with no hashing and no
 * per-key insert, on two threads, each slot then settled in the cache (Index.Hash#loadImagePart). The
 * file is larger (64 bytes a slot: 107-213 bytes a key at the table's 30-60 % fill, against about 48 for
 * an entry), and a fresh JVM's open of 10 M keys no longer parses 10 M entries before its code is
 * compiled (docs/benchmarks.md, "A fresh JVM's reopen: the hash table as its own checkpoint"). Each 1 MiB
 * block of the table has its own CRC32C, so two threads verify it; the body's CRC covers the rest. A
 * version-1 checkpoint (entries for both engines, before the table image) is ignored with the reason
 * given, so the first open after the upgrade scans the log, and its close writes version 2.
 *
 * <pre>
 *  header (128 B): +0 MAGIC u64 | +8 VERSION u32 | +12 HEADER_LENGTH u32 | +16 POOL_UUID 2 x u64 |
 *    +32 MAX_GENERATION u64 | +40 MAX_SEQ u64 | +48 SEGMENT_COUNT u32 | +52 ENGINE u32 | +56 KEY_COUNT u64 |
 *    +64 BODY_LENGTH u64 | +72 BODY_CRC u32 (CRC32C of the body but the table) | +80 reserved (zero) 16 B |
 *    +96 BODY_KIND u32 (0 KEY_ENTRIES, 1 HASH_TABLE) | +100 reserved u32 | +104 TABLE_SLOTS u64 |
 *    +112 LONG_KEY_COUNT u64 | +124 HEADER_CRC u32 (of [0, 124))
 *  body: SEGMENT_COUNT x 40 B: GENERATION u64 | MIN_SEQ u64 | LAST_RECORD_OFFSET u64 | LAST_RECORD_SEQ u64 |
 *          STATE u32 (0 free, 1 live) | DAMAGED u32
 *    KEY_ENTRIES: KEY_COUNT entries: KEY_LENGTH u32 | VALUE_LENGTH u32 | RECORD_OFFSET u64 | RECORD_LENGTH u32 |
 *          VALUE_DELTA u32 (value offset - record offset) | SEQ u64 | key, zero-padded to 8 bytes
 *    HASH_TABLE: ceil(TABLE_SLOTS / 16384) x BLOCK_CRC u32 (CRC32C of each 16384 slots of the table),
 *          zero-padded to 8 bytes |
 *        TABLE_SLOTS x 64 B, the table's slots (Index.Hash: TAG | KEY0 | KEY1 | STAMP | RECORD_OFFSET |
 *          LENGTHS | SEQ | RECORD_SEQ, u64 each) |
 *        LONG_KEY_COUNT long keys (longer than 16 bytes; their slots hold the first 16):
 *          SLOT u32 | KEY_LENGTH u32 | key, zero-padded to 8 bytes
 *    KEY_COUNT: the keys with a version that is not a tombstone.
 * </pre>
 */
final class Checkpoint {

    /** "EKVINDX1" as bytes, read little-endian. */
    static final long MAGIC = 0x3158444E49564B45L;
    /** 2: the hash engine's table image (1 listed every engine's keys, with a split for two loaders). */
    static final int VERSION = 2;
    static final int HEADER_LENGTH = 128;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int HEADER_LENGTH_OFFSET = 12;
    static final int UUID_HI_OFFSET = 16;
    static final int UUID_LO_OFFSET = 24;
    static final int MAX_GENERATION_OFFSET = 32;
    static final int MAX_SEQ_OFFSET = 40;
    static final int SEGMENT_COUNT_OFFSET = 48;
    static final int ENGINE_OFFSET = 52;
    static final int KEY_COUNT_OFFSET = 56;
    static final int BODY_LENGTH_OFFSET = 64;
    static final int BODY_CRC_OFFSET = 72;
    static final int BODY_KIND_OFFSET = 96;
    static final int TABLE_SLOTS_OFFSET = 104;
    static final int LONG_KEY_COUNT_OFFSET = 112;
    static final int HEADER_CRC_OFFSET = 124;
    static final int SEGMENT_ENTRY_LENGTH = 40;
    static final int KEY_ENTRY_HEADER_LENGTH = 32;
    static final int LONG_KEY_HEADER_LENGTH = 8;
    static final int BODY_KEY_ENTRIES = 0;
    static final int BODY_HASH_TABLE = 1;
    /** Slots of the table under one BLOCK_CRC: 1 MiB. */
    static final int TABLE_BLOCK_SLOTS = 16384;
    static final long TABLE_BLOCK_BYTES = (long) TABLE_BLOCK_SLOTS * Index.Hash.IMAGE_SLOT_BYTES;
    /** A table of fewer slots is verified and loaded on one thread: a second would cost more than it saves. */
    static final int PARALLEL_MIN_SLOTS = 1 << 17;

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Checkpoint() {
    }

    static Path pathOf(Path pool) {
        return pool.resolveSibling(pool.getFileName() + ".index");
    }

    // ------------------------------------------------------------------ write

    /**
     * Writes the checkpoint of a quiescent store (no writer, no cleaner; every record durable): to a
     * temporary file, fsync, atomic rename, fsync of the directory. Returns the keys written.
     */
    static long write(Path file, UUID uuid, EngineKind engine, Log log, Index index) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long keys;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer h = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            keys = index instanceof Index.Hash hash ? writeTable(ch, log, hash, h) : writeEntries(ch, log, index, h);
            h.putLong(MAGIC_OFFSET, MAGIC);
            h.putInt(VERSION_OFFSET, VERSION);
            h.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
            h.putLong(UUID_HI_OFFSET, uuid.getMostSignificantBits());
            h.putLong(UUID_LO_OFFSET, uuid.getLeastSignificantBits());
            h.putLong(MAX_GENERATION_OFFSET, log.maxGeneration());
            h.putLong(MAX_SEQ_OFFSET, log.sequence.get());
            h.putInt(SEGMENT_COUNT_OFFSET, log.segmentCount());
            h.putInt(ENGINE_OFFSET, engine.id);
            h.putLong(KEY_COUNT_OFFSET, keys);
            CRC32C hc = new CRC32C();
            hc.update(h.array(), 0, HEADER_CRC_OFFSET);
            h.putInt(HEADER_CRC_OFFSET, (int) hc.getValue());
            ch.write(h, 0);
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // Some file systems cannot fsync a directory; the rename is then as durable as they make it.
        }
        return keys;
    }

    /** A KEY_ENTRIES body after the header (the sorted engine's); its fields go into {@code h}. Returns the keys. */
    private static long writeEntries(FileChannel ch, Log log, Index index, ByteBuffer h) throws IOException {
        CRC32C crc = new CRC32C();
        long keys = 0;
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        ch.position(HEADER_LENGTH);
        long bodyLength = 0;
        for (int s = 0; s < log.segmentCount(); s++) {
            bodyLength += flushIfFull(ch, buf, crc, SEGMENT_ENTRY_LENGTH);
            putSegmentEntry(buf, log.table, s);
        }
        for (Iterator<Map.Entry<byte[], Entry>> it = index.entries(); it.hasNext(); ) {
            Map.Entry<byte[], Entry> me = it.next();
            Entry e = me.getValue();
            if (e.tombstone) {
                continue;
            }
            byte[] key = me.getKey();
            int length = KEY_ENTRY_HEADER_LENGTH + align8(key.length);
            if (length > buf.capacity()) {
                bodyLength += drain(ch, buf, crc);
                buf = ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN);
            }
            bodyLength += flushIfFull(ch, buf, crc, length);
            buf.putInt(key.length).putInt(e.valueLength).putLong(e.recordOffset).putInt(e.recordLength)
                    .putInt((int) (e.valueOffset - e.recordOffset)).putLong(e.recordSeq);
            putPadded(buf, key);
            keys++;
        }
        bodyLength += drain(ch, buf, crc);
        h.putLong(BODY_LENGTH_OFFSET, bodyLength);
        h.putInt(BODY_CRC_OFFSET, (int) crc.getValue());
        h.putInt(BODY_KIND_OFFSET, BODY_KEY_ENTRIES);
        return keys;
    }

    /** {@code key}, then zeros to the next multiple of 8 bytes. */
    private static void putPadded(ByteBuffer buf, byte[] key) {
        buf.put(key);
        for (int pad = align8(key.length) - key.length; pad > 0; pad--) {
            buf.put((byte) 0);
        }
    }

    private static void putSegmentEntry(ByteBuffer buf, SegmentTable t, int s) {
        boolean live = t.state(s) != SegmentTable.FREE;
        buf.putLong(t.generation(s)).putLong(t.minSeq(s)).putLong(live ? t.lastRecordOffset(s) : 0)
                .putLong(live ? t.lastRecordSeq(s) : 0).putInt(live ? 1 : 0).putInt(t.damaged(s) ? 1 : 0);
    }

    /**
     * A HASH_TABLE body after the header (the hash engine's): the table's slots block by block through
     * one direct buffer, each block's CRC32C noted; then the segments and those CRCs in front of the
     * table, and the long keys after it, under the body's CRC. Its fields go into {@code h}. Returns the
     * keys with a live version.
     */
    private static long writeTable(FileChannel ch, Log log, Index.Hash hash, ByteBuffer h) throws IOException {
        int slots = hash.slots();
        int blocks = blocks(slots);
        long front = (long) log.segmentCount() * SEGMENT_ENTRY_LENGTH + align8(4L * blocks);
        long tableOffset = HEADER_LENGTH + front;
        ByteBuffer buf = ByteBuffer.allocateDirect((int) TABLE_BLOCK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        MemorySegment block = MemorySegment.ofBuffer(buf);
        int[] blockCrcs = new int[blocks];
        CRC32C crc = new CRC32C();
        long keys = 0;
        long pos = tableOffset;
        for (int b = 0; b < blocks; b++) {
            int from = b * TABLE_BLOCK_SLOTS;
            int n = Math.min(TABLE_BLOCK_SLOTS, slots - from);
            keys += hash.copySlotsTo(from, n, block, 0);
            buf.clear().limit(n * Index.Hash.IMAGE_SLOT_BYTES);
            crc.reset();
            crc.update(buf.duplicate());
            blockCrcs[b] = (int) crc.getValue();
            pos += writeFully(ch, buf, pos);
        }
        // The body's CRC: the front (segments, block CRCs) first, then the long keys as they are written.
        CRC32C body = new CRC32C();
        ByteBuffer frontBytes = ByteBuffer.allocate(Math.toIntExact(front)).order(ByteOrder.LITTLE_ENDIAN);
        for (int s = 0; s < log.segmentCount(); s++) {
            putSegmentEntry(frontBytes, log.table, s);
        }
        for (int c : blockCrcs) {
            frontBytes.putInt(c);
        }
        frontBytes.position(frontBytes.limit()).flip();       // the padding stays zero
        body.update(frontBytes.duplicate());
        writeFully(ch, frontBytes, HEADER_LENGTH);
        long longKeys = 0;
        long longKeyBytes = 0;
        buf.clear();
        ch.position(pos);
        for (int s = 0; s < slots; s++) {
            byte[] key = hash.longKeyAt(s);
            if (key == null) {
                continue;
            }
            int length = LONG_KEY_HEADER_LENGTH + align8(key.length);
            if (length > buf.capacity()) {
                longKeyBytes += drain(ch, buf, body);
                buf = ByteBuffer.allocateDirect(length).order(ByteOrder.LITTLE_ENDIAN);
            }
            longKeyBytes += flushIfFull(ch, buf, body, length);
            buf.putInt(s).putInt(key.length);
            putPadded(buf, key);
            longKeys++;
        }
        longKeyBytes += drain(ch, buf, body);
        h.putLong(BODY_LENGTH_OFFSET, pos + longKeyBytes - HEADER_LENGTH);
        h.putInt(BODY_CRC_OFFSET, (int) body.getValue());
        h.putInt(BODY_KIND_OFFSET, BODY_HASH_TABLE);
        h.putLong(TABLE_SLOTS_OFFSET, slots);
        h.putLong(LONG_KEY_COUNT_OFFSET, longKeys);
        return keys;
    }

    /** The table's 1 MiB blocks, each under a BLOCK_CRC. */
    static int blocks(long slots) {
        return (int) ((slots + TABLE_BLOCK_SLOTS - 1) / TABLE_BLOCK_SLOTS);
    }

    /** Writes all of {@code buf} at {@code pos}; returns its length. */
    private static long writeFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        long n = 0;
        while (buf.hasRemaining()) {
            n += ch.write(buf, pos + n);
        }
        return n;
    }

    private static long flushIfFull(FileChannel ch, ByteBuffer buf, CRC32C crc, int need) throws IOException {
        return buf.remaining() < need ? drain(ch, buf, crc) : 0;
    }

    private static long drain(FileChannel ch, ByteBuffer buf, CRC32C crc) throws IOException {
        buf.flip();
        int n = buf.remaining();
        crc.update(buf.duplicate());
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        buf.clear();
        return n;
    }

    // ------------------------------------------------------------------ read

    /** A checkpoint mapped and verified; close it when loaded. */
    static final class Loaded implements AutoCloseable {
        private final Arena arena;
        private final MemorySegment file;
        final int segmentCount;
        final long keyCount;
        final long maxGeneration;
        final long maxSeq;
        /** {@link #BODY_KEY_ENTRIES} or {@link #BODY_HASH_TABLE}. */
        final int bodyKind;
        /** HASH_TABLE: the table's slots; 0 for KEY_ENTRIES. */
        final int tableSlots;
        final long longKeyCount;

        private Loaded(Arena arena, MemorySegment file) {
            this.arena = arena;
            this.file = file;
            this.segmentCount = file.get(INT, SEGMENT_COUNT_OFFSET);
            this.keyCount = file.get(LONG, KEY_COUNT_OFFSET);
            this.maxGeneration = file.get(LONG, MAX_GENERATION_OFFSET);
            this.maxSeq = file.get(LONG, MAX_SEQ_OFFSET);
            this.bodyKind = file.get(INT, BODY_KIND_OFFSET);
            this.tableSlots = bodyKind == BODY_HASH_TABLE ? (int) file.get(LONG, TABLE_SLOTS_OFFSET) : 0;
            this.longKeyCount = bodyKind == BODY_HASH_TABLE ? file.get(LONG, LONG_KEY_COUNT_OFFSET) : 0;
        }

        /** The mapped file, for a table image's load. */
        MemorySegment file() {
            return file;
        }

        /** HASH_TABLE: where slot 0's first word is. */
        long tableOffset() {
            return Checkpoint.tableOffset(segmentCount, tableSlots);
        }

        /**
         * HASH_TABLE: visits each long key with its slot, in file order. The section's bounds were checked
         * when the file was verified.
         */
        void forEachLongKey(java.util.function.ObjIntConsumer<byte[]> visitor) {
            long pos = tableOffset() + (long) tableSlots * Index.Hash.IMAGE_SLOT_BYTES;
            for (long i = 0; i < longKeyCount; i++) {
                int slot = file.get(INT, pos);
                int length = file.get(INT, pos + 4);
                visitor.accept(file.asSlice(pos + LONG_KEY_HEADER_LENGTH, length).toArray(ValueLayout.JAVA_BYTE), slot);
                pos += LONG_KEY_HEADER_LENGTH + align8(length);
            }
        }

        private long segmentAt(int s) {
            return HEADER_LENGTH + (long) s * SEGMENT_ENTRY_LENGTH;
        }

        long generation(int s) {
            return s < segmentCount ? file.get(LONG, segmentAt(s)) : -1;
        }

        long minSeq(int s) {
            return file.get(LONG, segmentAt(s) + 8);
        }

        long lastRecordOffset(int s) {
            return file.get(LONG, segmentAt(s) + 16);
        }

        long lastRecordSeq(int s) {
            return file.get(LONG, segmentAt(s) + 24);
        }

        boolean live(int s) {
            return file.get(INT, segmentAt(s) + 32) == 1;
        }

        boolean damaged(int s) {
            return file.get(INT, segmentAt(s) + 36) == 1;
        }

        /** Where the first key entry starts. */
        long firstEntry() {
            return HEADER_LENGTH + (long) segmentCount * SEGMENT_ENTRY_LENGTH;
        }

        /**
         * Visits {@code entries} key entries from the one at {@code pos} in batches of up to
         * {@link Batch#CAPACITY}, in file order (for the hash engine the closed table's slot order),
         * refilling one {@link Batch}: its arrays are valid only during the call. With {@code reuseKeys} a
         * key array is refilled for a later key of the same length at the same place in the batch (for an
         * index that {@linkplain Index#copiesKeys copies keys}), so that loading allocates no array and no
         * {@link Entry} per key. Confined to no thread: two threads may each visit their own range.
         */
        void forEachBatch(long pos, long entries, boolean reuseKeys, java.util.function.Consumer<Batch> visitor) {
            Batch b = new Batch(Batch.CAPACITY);
            for (long i = 0; i < entries; ) {
                int n = (int) Math.min(Batch.CAPACITY, entries - i);
                for (int j = 0; j < n; j++) {
                    int keyLength = file.get(INT, pos);
                    long recordOffset = file.get(LONG, pos + 8);
                    b.valueLengths[j] = file.get(INT, pos + 4);
                    b.recordOffsets[j] = recordOffset;
                    b.recordLengths[j] = file.get(INT, pos + 16);
                    b.valueOffsets[j] = recordOffset + file.get(INT, pos + 20);
                    b.seqs[j] = file.get(LONG, pos + 24);
                    byte[] key = b.keys[j];
                    if (!reuseKeys || key == null || key.length != keyLength) {
                        key = b.keys[j] = new byte[keyLength];
                    }
                    MemorySegment.copy(file, ValueLayout.JAVA_BYTE, pos + KEY_ENTRY_HEADER_LENGTH, key, 0, keyLength);
                    pos += KEY_ENTRY_HEADER_LENGTH + align8(keyLength);
                }
                b.n = n;
                visitor.accept(b);
                i += n;
            }
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /**
     * Key entries of the checkpoint as parallel arrays, {@code n} of them: the newest version of each key
     * (never a tombstone, no older versions), every key distinct. The loader may {@link #retain} a subset.
     */
    static final class Batch {
        static final int CAPACITY = 1024;
        byte[][] keys;
        long[] recordOffsets;
        int[] recordLengths;
        long[] valueOffsets;
        int[] valueLengths;
        /** The record's SEQ, which is also the version's (a checkpoint keeps no older versions to order). */
        long[] seqs;
        int n;

        Batch(int capacity) {
            keys = new byte[capacity][];
            recordOffsets = new long[capacity];
            recordLengths = new int[capacity];
            valueOffsets = new long[capacity];
            valueLengths = new int[capacity];
            seqs = new long[capacity];
        }

        /** Appends entry {@code i} of {@code from}, with a copy of its key (the loader may refill that array); grows. */
        void add(Batch from, int i) {
            if (n == keys.length) {
                int capacity = Math.max(CAPACITY, keys.length * 2);
                keys = Arrays.copyOf(keys, capacity);
                recordOffsets = Arrays.copyOf(recordOffsets, capacity);
                recordLengths = Arrays.copyOf(recordLengths, capacity);
                valueOffsets = Arrays.copyOf(valueOffsets, capacity);
                valueLengths = Arrays.copyOf(valueLengths, capacity);
                seqs = Arrays.copyOf(seqs, capacity);
            }
            keys[n] = from.keys[i].clone();
            recordOffsets[n] = from.recordOffsets[i];
            recordLengths[n] = from.recordLengths[i];
            valueOffsets[n] = from.valueOffsets[i];
            valueLengths[n] = from.valueLengths[i];
            seqs[n] = from.seqs[i];
            n++;
        }

        /** Moves entry {@code from} to place {@code to} (to <= from), swapping the key arrays so none is lost. */
        void retain(int from, int to) {
            if (from == to) {
                return;
            }
            byte[] key = keys[to];
            keys[to] = keys[from];
            keys[from] = key;
            recordOffsets[to] = recordOffsets[from];
            recordLengths[to] = recordLengths[from];
            valueOffsets[to] = valueOffsets[from];
            valueLengths[to] = valueLengths[from];
            seqs[to] = seqs[from];
        }

        Entry entry(int i) {
            return new Entry(recordOffsets[i], recordLengths[i], valueOffsets[i], valueLengths[i], seqs[i], false, null);
        }
    }

    /**
     * Maps and verifies the checkpoint of the pool {@code uuid}; null when there is none, and
     * {@code whyNot[0]} says why a present one was not usable.
     */
    static Loaded load(Path file, UUID uuid, EngineKind engine, String[] whyNot) {
        Arena arena = Arena.ofShared();      // shared: recovery reads it on two threads
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_LENGTH) {
                whyNot[0] = "it is " + size + " bytes, shorter than its " + HEADER_LENGTH + "-byte header";
                arena.close();
                return null;
            }
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            String problem = verify(m, size, uuid, engine);
            if (problem != null) {
                whyNot[0] = problem;
                arena.close();
                return null;
            }
            return new Loaded(arena, m);
        } catch (NoSuchFileException e) {
            arena.close();
            return null;
        } catch (IOException | RuntimeException e) {
            whyNot[0] = "it could not be read: " + e;
            arena.close();
            return null;
        }
    }

    private static String verify(MemorySegment m, long size, UUID uuid, EngineKind engine) {
        if (m.get(LONG, MAGIC_OFFSET) != MAGIC) {
            return "its magic is 0x" + Long.toHexString(m.get(LONG, MAGIC_OFFSET)) + ", expected 0x" + Long.toHexString(MAGIC);
        }
        byte[] header = m.asSlice(0, HEADER_LENGTH).toArray(ValueLayout.JAVA_BYTE);
        CRC32C hc = new CRC32C();
        hc.update(header, 0, HEADER_CRC_OFFSET);
        if (m.get(INT, HEADER_CRC_OFFSET) != (int) hc.getValue()) {
            return "its header checksum does not match";
        }
        if (m.get(INT, VERSION_OFFSET) != VERSION) {
            return "its version is " + m.get(INT, VERSION_OFFSET) + ", this library reads " + VERSION
                    + " (the next clean close writes one)";
        }
        if (m.get(LONG, UUID_HI_OFFSET) != uuid.getMostSignificantBits()
                || m.get(LONG, UUID_LO_OFFSET) != uuid.getLeastSignificantBits()) {
            return "it belongs to another pool (UUID " + new UUID(m.get(LONG, UUID_HI_OFFSET), m.get(LONG, UUID_LO_OFFSET))
                    + ", this pool is " + uuid + ")";
        }
        if (m.get(INT, ENGINE_OFFSET) != engine.id) {
            return "it was written for engine id " + m.get(INT, ENGINE_OFFSET) + ", the pool's is " + engine.id;
        }
        long body = m.get(LONG, BODY_LENGTH_OFFSET);
        if (body != size - HEADER_LENGTH) {
            return "its body is " + (size - HEADER_LENGTH) + " bytes, its header says " + body;
        }
        int segments = m.get(INT, SEGMENT_COUNT_OFFSET);
        if (segments < 0 || (long) segments * SEGMENT_ENTRY_LENGTH > body) {
            return "its segment count " + segments + " does not fit its body";
        }
        int kind = m.get(INT, BODY_KIND_OFFSET);
        int expected = engine == EngineKind.HASH ? BODY_HASH_TABLE : BODY_KEY_ENTRIES;
        if (kind != expected) {
            return "its body kind is " + kind + ", the " + engine.name().toLowerCase(java.util.Locale.ROOT) + " engine's is " + expected;
        }
        if (kind == BODY_KEY_ENTRIES) {
            return crc32c(m, HEADER_LENGTH, size) != m.get(INT, BODY_CRC_OFFSET) ? "its body checksum does not match" : null;
        }
        long slots = m.get(LONG, TABLE_SLOTS_OFFSET);
        if (!Index.Hash.validSlots(slots)) {
            return "its table has " + slots + " slots, not a power of two the hash index takes";
        }
        long tableOffset = tableOffset(segments, (int) slots);
        long tableEnd = tableOffset + slots * Index.Hash.IMAGE_SLOT_BYTES;
        if (tableEnd > size) {
            return "its table of " + slots + " slots does not fit its body";
        }
        // The body's CRC is one CRC32C over the front (segments, block CRCs) and the long keys, in that order.
        CRC32C body32 = new CRC32C();
        update(body32, m, HEADER_LENGTH, tableOffset);
        update(body32, m, tableEnd, size);
        if ((int) body32.getValue() != m.get(INT, BODY_CRC_OFFSET)) {
            return "its body checksum does not match";
        }
        long pos = tableEnd;
        long longKeys = m.get(LONG, LONG_KEY_COUNT_OFFSET);
        for (long i = 0; i < longKeys; i++) {
            if (pos + LONG_KEY_HEADER_LENGTH > size) {
                return "its long key " + i + " of " + longKeys + " does not fit its body";
            }
            int slot = m.get(INT, pos);
            int length = m.get(INT, pos + 4);
            if (slot < 0 || slot >= slots || length <= 16 || pos + LONG_KEY_HEADER_LENGTH + align8(length) > size) {
                return "its long key " + i + " (slot " + slot + ", " + length + " bytes) does not fit its table or body";
            }
            pos += LONG_KEY_HEADER_LENGTH + align8(length);
        }
        if (pos != size) {
            return "its body has " + (size - pos) + " bytes after its " + longKeys + " long keys";
        }
        int bad = firstBadBlock(m, tableOffset, (int) slots, segments);
        return bad < 0 ? null : "the checksum of its table block " + bad + " (slots " + (long) bad * TABLE_BLOCK_SLOTS
                + " to " + Math.min(slots, (long) (bad + 1) * TABLE_BLOCK_SLOTS) + ") does not match";
    }

    /** HASH_TABLE: where the table starts, after the segments and the block CRCs. */
    static long tableOffset(int segments, int slots) {
        return HEADER_LENGTH + (long) segments * SEGMENT_ENTRY_LENGTH + align8(4L * blocks(slots));
    }

    private static int crc32c(MemorySegment m, long from, long to) {
        CRC32C c = new CRC32C();
        update(c, m, from, to);
        return (int) c.getValue();
    }

    /** CRC32C of {@code [from, to)} of {@code m}, in slices a ByteBuffer can view (at most 1 GiB). */
    private static void update(CRC32C c, MemorySegment m, long from, long to) {
        for (long at = from; at < to; at += 1 << 30) {
            c.update(m.asSlice(at, Math.min(1 << 30, to - at)).asByteBuffer());
        }
    }

    /**
     * The first table block whose CRC32C does not match its BLOCK_CRC, -1 when all match. A table of
     * {@link #PARALLEL_MIN_SLOTS} or more is checked by two threads, this one the second half.
     */
    private static int firstBadBlock(MemorySegment m, long tableOffset, int slots, int segments) {
        int blocks = blocks(slots);
        long crcs = HEADER_LENGTH + (long) segments * SEGMENT_ENTRY_LENGTH;
        if (slots < PARALLEL_MIN_SLOTS) {
            return firstBadBlock(m, tableOffset, slots, crcs, 0, blocks);
        }
        int half = blocks / 2;
        HelperThreads.Halves<Integer> bad = HelperThreads.halves("engram-checkpoint-verify",
                () -> firstBadBlock(m, tableOffset, slots, crcs, 0, half),
                () -> firstBadBlock(m, tableOffset, slots, crcs, half, blocks));
        return bad.first() >= 0 ? bad.first() : bad.second();
    }

    private static int firstBadBlock(MemorySegment m, long tableOffset, int slots, long crcs, int from, int to) {
        long tableEnd = tableOffset + (long) slots * Index.Hash.IMAGE_SLOT_BYTES;
        for (int b = from; b < to; b++) {
            long at = tableOffset + b * TABLE_BLOCK_BYTES;
            if (crc32c(m, at, Math.min(tableEnd, at + TABLE_BLOCK_BYTES)) != m.get(INT, crcs + 4L * b)) {
                return b;
            }
        }
        return -1;
    }
}
