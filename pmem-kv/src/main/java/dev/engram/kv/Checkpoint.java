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
 *    +64 BODY_LENGTH u64 | +72 BODY_CRC u32 (CRC32C of the body) | +124 HEADER_CRC u32 (of [0, 124))
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
    static final int HEADER_CRC_OFFSET = 124;
    static final int SEGMENT_ENTRY_LENGTH = 40;
    static final int KEY_ENTRY_HEADER_LENGTH = 32;
    /** Keys up to this length are passed in a reused array when the loader asks for it (the hash index's inline key). */
    private static final int REUSED_KEY_BYTES = 16;

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

        /**
         * Visits every key entry: (key, entry). With {@code reuseKeys} the key array is valid only during
         * the call (one array per key length up to 16 bytes, refilled for the next key of that length):
         * for an index that {@linkplain Index#copiesKeys copies keys}, so that loading allocates no array per key.
         */
        void forEachEntry(boolean reuseKeys, java.util.function.BiConsumer<byte[], Entry> visitor) {
            byte[][] scratch = new byte[REUSED_KEY_BYTES + 1][];
            long pos = HEADER_LENGTH + (long) segmentCount * SEGMENT_ENTRY_LENGTH;
            for (long i = 0; i < keyCount; i++) {
                int keyLength = file.get(INT, pos);
                int valueLength = file.get(INT, pos + 4);
                long recordOffset = file.get(LONG, pos + 8);
                int recordLength = file.get(INT, pos + 16);
                int valueDelta = file.get(INT, pos + 20);
                long seq = file.get(LONG, pos + 24);
                byte[] key;
                if (reuseKeys && keyLength <= REUSED_KEY_BYTES) {
                    key = scratch[keyLength] == null ? (scratch[keyLength] = new byte[keyLength]) : scratch[keyLength];
                } else {
                    key = new byte[keyLength];
                }
                MemorySegment.copy(file, ValueLayout.JAVA_BYTE, pos + KEY_ENTRY_HEADER_LENGTH, key, 0, keyLength);
                visitor.accept(key, new Entry(recordOffset, recordLength, recordOffset + valueDelta, valueLength, seq,
                        false, null));
                pos += KEY_ENTRY_HEADER_LENGTH + align8(keyLength);
            }
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /**
     * Maps and verifies the checkpoint of the pool {@code uuid}; null when there is none, and
     * {@code whyNot[0]} says why a present one was not usable.
     */
    static Loaded load(Path file, UUID uuid, EngineKind engine, String[] whyNot) {
        Arena arena = Arena.ofConfined();
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
