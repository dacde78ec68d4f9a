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
 * <pre>
 *  header (128 B): +0 MAGIC u64 | +8 VERSION u32 | +12 HEADER_LENGTH u32 | +16 POOL_UUID 2 x u64 |
 *    +32 MAX_GENERATION u64 | +40 MAX_SEQ u64 | +48 SEGMENT_COUNT u32 | +52 ENGINE u32 | +56 KEY_COUNT u64 |
 *    +64 BODY_LENGTH u64 | +72 BODY_CRC u32 (CRC32C of the body) | +80 SPLIT_INDEX u64 | +88 SPLIT_OFFSET u64 |
 *    +124 HEADER_CRC u32 (of [0, 124))
 *  body: SEGMENT_COUNT x 40 B: GENERATION u64 | MIN_SEQ u64 | LAST_RECORD_OFFSET u64 | LAST_RECORD_SEQ u64 |
 *          STATE u32 (0 free, 1 live) | DAMAGED u32
 *        KEY_COUNT entries: KEY_LENGTH u32 | VALUE_LENGTH u32 | RECORD_OFFSET u64 | RECORD_LENGTH u32 |
 *          VALUE_DELTA u32 (value offset - record offset) | SEQ u64 | key, zero-padded to 8 bytes
 * </pre>
 */
final class Checkpoint {

    /** "EKVINDX1" as bytes, read little-endian. */
    static final long MAGIC = 0x3158444E49564B45L;
    static final int VERSION = 1;
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
    /**
     * Where a second loading thread starts: key entry SPLIT_INDEX (near KEY_COUNT / 2) is at file offset
     * SPLIT_OFFSET. Both 0 in checkpoints written before they were added (the bytes were zero): the
     * loader then walks the first half's entries to find it, which in a fresh JVM cost 130-220 ms of a
     * 10 M-key open (bench/results/2026-11-23-reopen-5).
     */
    static final int SPLIT_INDEX_OFFSET = 80;
    static final int SPLIT_OFFSET_OFFSET = 88;
    /** The writer notes every this many entries' offsets, one of which becomes the split. */
    static final int SPLIT_GRAIN = 4096;
    static final int HEADER_CRC_OFFSET = 124;
    static final int SEGMENT_ENTRY_LENGTH = 40;
    static final int KEY_ENTRY_HEADER_LENGTH = 32;

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
        int segments = log.segmentCount();
        long keys = 0;
        CRC32C crc = new CRC32C();
        long bodyLength = 0;
        long[] grainOffsets = new long[64];         // entry i * SPLIT_GRAIN starts at grainOffsets[i]
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            ch.position(HEADER_LENGTH);
            SegmentTable t = log.table;
            for (int s = 0; s < segments; s++) {
                bodyLength += flushIfFull(ch, buf, crc, SEGMENT_ENTRY_LENGTH);
                boolean live = t.state(s) != SegmentTable.FREE;
                buf.putLong(t.generation(s)).putLong(t.minSeq(s)).putLong(live ? t.lastRecordOffset(s) : 0)
                        .putLong(live ? t.lastRecordSeq(s) : 0).putInt(live ? 1 : 0).putInt(t.damaged(s) ? 1 : 0);
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
                if (keys % SPLIT_GRAIN == 0) {
                    int g = (int) (keys / SPLIT_GRAIN);
                    if (g == grainOffsets.length) {
                        grainOffsets = Arrays.copyOf(grainOffsets, g * 2);
                    }
                    grainOffsets[g] = HEADER_LENGTH + bodyLength + buf.position();
                }
                buf.putInt(key.length).putInt(e.valueLength).putLong(e.recordOffset).putInt(e.recordLength)
                        .putInt((int) (e.valueOffset - e.recordOffset)).putLong(e.recordSeq).put(key);
                for (int pad = align8(key.length) - key.length; pad > 0; pad--) {
                    buf.put((byte) 0);
                }
                keys++;
            }
            bodyLength += drain(ch, buf, crc);
            ByteBuffer h = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            h.putLong(MAGIC_OFFSET, MAGIC);
            h.putInt(VERSION_OFFSET, VERSION);
            h.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
            h.putLong(UUID_HI_OFFSET, uuid.getMostSignificantBits());
            h.putLong(UUID_LO_OFFSET, uuid.getLeastSignificantBits());
            h.putLong(MAX_GENERATION_OFFSET, log.maxGeneration());
            h.putLong(MAX_SEQ_OFFSET, log.sequence.get());
            h.putInt(SEGMENT_COUNT_OFFSET, segments);
            h.putInt(ENGINE_OFFSET, engine.id);
            h.putLong(KEY_COUNT_OFFSET, keys);
            h.putLong(BODY_LENGTH_OFFSET, bodyLength);
            h.putInt(BODY_CRC_OFFSET, (int) crc.getValue());
            long g = keys / 2 / SPLIT_GRAIN;               // 0 below 8,192 keys: none recorded (one loader)
            if (g > 0) {
                h.putLong(SPLIT_INDEX_OFFSET, g * SPLIT_GRAIN);
                h.putLong(SPLIT_OFFSET_OFFSET, grainOffsets[(int) g]);
            }
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

        private Loaded(Arena arena, MemorySegment file) {
            this.arena = arena;
            this.file = file;
            this.segmentCount = file.get(INT, SEGMENT_COUNT_OFFSET);
            this.keyCount = file.get(LONG, KEY_COUNT_OFFSET);
            this.maxGeneration = file.get(LONG, MAX_GENERATION_OFFSET);
            this.maxSeq = file.get(LONG, MAX_SEQ_OFFSET);
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
         * Where a second thread starts loading: {@code {index, offset}} of a key entry near the middle, from
         * the header when it records one, else found by walking to entry {@code keyCount / 2}.
         */
        long[] split() {
            long index = file.get(LONG, SPLIT_INDEX_OFFSET);
            long offset = file.get(LONG, SPLIT_OFFSET_OFFSET);
            if (index > 0 && index < keyCount && offset > firstEntry() && offset < file.byteSize()) {
                return new long[] {index, offset};
            }
            long half = keyCount / 2;
            return new long[] {half, skip(firstEntry(), half)};
        }

        /** Where the key entry {@code entries} entries after the one at {@code pos} starts. */
        long skip(long pos, long entries) {
            for (long i = 0; i < entries; i++) {
                pos += KEY_ENTRY_HEADER_LENGTH + align8(file.get(INT, pos));
            }
            return pos;
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
            return "its version is " + m.get(INT, VERSION_OFFSET) + ", this library writes " + VERSION;
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
        CRC32C bc = new CRC32C();
        for (long at = HEADER_LENGTH; at < size; at += 1 << 30) {
            bc.update(m.asSlice(at, Math.min(1 << 30, size - at)).asByteBuffer());
        }
        if (m.get(INT, BODY_CRC_OFFSET) != (int) bc.getValue()) {
            return "its body checksum does not match";
        }
        int segments = m.get(INT, SEGMENT_COUNT_OFFSET);
        if (segments < 0 || (long) segments * SEGMENT_ENTRY_LENGTH > body) {
            return "its segment count " + segments + " does not fit its body";
        }
        return null;
    }
}
