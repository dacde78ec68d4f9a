package dev.engram.kv;

import dev.engram.region.Region;
import dev.engram.region.RegionException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.jctools.queues.atomic.SpscAtomicArrayQueue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import static dev.engram.kv.PoolFormat.*;

/**
 * Rebuilds the index from the log at open, and verifies the log for {@link KvStore#check()}.
 *
 * <p>Per live segment (header valid and LIVE, or damaged but proven live by its own records), the
 * records that validate (length in range, the segment's generation, CRC32C) are read in order. Bytes
 * that do not validate are a crash-torn tail or media damage; {@link #scan} tells which and
 * resynchronises past damage. Across segments the newest SEQ of a key wins; tombstones then leave the
 * index; keys of damaged records are indexed to read as MEDIA errors. Recovery writes no byte: its one
 * side effect is persisting what it recovered (BUG-4), so it is idempotent, and a crash during it
 * changes nothing.
 */
final class Recovery {

    private final KvStore store;
    private final Log log;
    private final Region region;
    private final int segmentBytes;
    private long recordsChecked;
    private final List<String> problems = new ArrayList<>();

    Recovery(KvStore store) {
        this.store = store;
        this.log = store.log();
        this.region = store.region();
        this.segmentBytes = log.segmentBytes;
        this.legacyFlags = store.formatMinor() == 0;
    }

    /**
     * Format 1.4: the media notes of a live segment (its notes area, {@link PoolFormat#TYPE_NOTE}), each
     * a key of a record the media did not take when it was written, collected like the keys of a damaged
     * record that still parses, with the lost record's SEQ as it was (the note passed its own checksum).
     * Notes of the segment's earlier generations (a reused segment) carry another generation: skipped.
     * Returns how many were found.
     */
    private int notes(int segment, long generation) {
        if (log.notesBytes == 0) {
            return 0;
        }
        long end = log.segmentOffset(segment) + segmentBytes;
        Window w = new Window(end - log.notesBytes, end);
        int found = 0;
        for (long pos = w.nextWithGeneration(end - log.notesBytes, generation); pos + REC_HEADER_LENGTH <= end;
             pos = w.nextWithGeneration(pos, generation)) {
            int length = validLength(w, pos, generation);
            if (length < 0 || record[REC_TYPE_OFFSET] != TYPE_NOTE) {
                pos += 8;
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(record, 0, length).order(ByteOrder.LITTLE_ENDIAN);
            int keyLength = b.getInt(REC_KEY_LENGTH_OFFSET);
            int body = REC_HEADER_LENGTH + keyLength;
            if (keyLength < 1 || b.getInt(REC_VALUE_LENGTH_OFFSET) != NOTE_BODY_LENGTH
                    || body + NOTE_BODY_LENGTH != length) {
                throw malformed(pos, "a media note of key length " + keyLength + " does not fit its length " + length);
            }
            long lostAt = b.getLong(body + NOTE_RECORD_OFFSET_OFFSET);
            damagedRecords.add(lostAt);
            damagedKeys.add(new DamagedKey(Arrays.copyOfRange(record, REC_HEADER_LENGTH, body), lostAt,
                    b.getInt(body + NOTE_RECORD_LENGTH_OFFSET), lostAt + b.getInt(body + NOTE_VALUE_DELTA_OFFSET),
                    b.getInt(body + NOTE_VALUE_LENGTH_OFFSET), b.getLong(REC_SEQ_OFFSET), 0, true,
                    record[body + NOTE_ENTRY_TYPE_OFFSET] == TYPE_DELETE, true));
            notedRecords.add(lostAt);
            found++;
            pos += align8(length);
        }
        return found;
    }

    /**
     * A segment header as read. {@code valid} when its checksum matches. A header that fails it is
     * either torn by a crash (K0 or C2) or damaged by the media since; {@link #liveDespiteItsHeader}
     * tells which. {@code sealedSegment} ≥ 0 when the header's seal (format 1.2, its own checksum) says
     * that segment, under {@code sealedGeneration}, was durable below {@code sealedEnd}.
     */
    private record SegmentHeader(boolean valid, int state, long generation, int sealedSegment, long sealedGeneration,
                                 long sealedEnd) {
    }

    private static boolean allZeros(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private SegmentHeader header(int segment) {
        byte[] h = new byte[SEG_HEADER_LENGTH];
        region.read(log.segmentOffset(segment), h, 0, h.length);
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C c = new CRC32C();
        c.update(h, 0, SEG_CHECKED_LENGTH);
        boolean valid = b.getInt(SEG_CRC_OFFSET) == (int) c.getValue();
        // A never-used segment's header is all zeros, one flipped bit away from no valid header: no repair
        // to try, so the syndrome table (2 MiB, built on first use: about 45 ms of a fresh JVM's open of a
        // pool with unused segments) is not built for it.
        if (!valid && !allZeros(h) && repairOneBit(h, 0, SEG_CHECKED_LENGTH, b.getInt(SEG_CRC_OFFSET))) {
            valid = true;     // one flipped bit: the media's, since a torn header differs in whole 8-byte words
        }
        valid &= b.getInt(SEG_MAGIC_OFFSET) == SEG_MAGIC;
        CRC32C sc = new CRC32C();
        sc.update(h, SEG_SEAL_GENERATION_OFFSET, SEG_SEAL_CHECKED_LENGTH);
        boolean sealed = b.getInt(SEG_SEAL_CRC_OFFSET) == (int) sc.getValue() && b.getLong(SEG_SEAL_GENERATION_OFFSET) != 0;
        return new SegmentHeader(valid, b.getInt(SEG_STATE_OFFSET), b.getLong(SEG_GENERATION_OFFSET),
                sealed ? b.getInt(SEG_SEAL_SEGMENT_OFFSET) : -1, sealed ? b.getLong(SEG_SEAL_GENERATION_OFFSET) : 0,
                sealed ? b.getLong(SEG_SEAL_END_OFFSET) : 0);
    }

    /**
     * BUG-5, segment headers: a header that fails its checksum but whose GENERATION word is that of a
     * record in the segment that passes its own checksum was written by K0 for those records, so the
     * media damaged it later: the segment is live. A header torn by a crash never passes this test: a
     * torn K0 leaves the new generation (no record of it is written before K0 is persisted) or the old
     * FREE header's (C2 gave it a generation no record carries) over records of an older generation;
     * a torn C2 may leave the old generation, and then the segment reads live as if C2 had not begun,
     * which the cleaning protocol already allows (every record it held that mattered was copied with a
     * higher SEQ first). A damaged GENERATION word itself cannot be told from a torn header.
     */
    private boolean liveDespiteItsHeader(int segment, SegmentHeader h) {
        if (h.valid() || h.generation() == 0) {
            return false;
        }
        long base = log.segmentOffset(segment);
        Window w = new Window(base, base + segmentBytes);
        long first = base + SEG_HEADER_LENGTH;
        if (validLength(w, first, h.generation()) > 0) {
            return true;
        }
        if (neverWritten(w, first, h.generation())) {
            return false;        // a torn K0: nothing of its generation, or an older generation's records
        }
        for (long pos = w.nextWithGeneration(first + 8, h.generation()); pos + REC_HEADER_LENGTH <= w.end;
             pos = w.nextWithGeneration(pos + 8, h.generation())) {
            if (validLength(w, pos, h.generation()) > 0) {
                return true;     // the first record is damaged too: the next valid one decides
            }
        }
        return false;
    }

    /**
     * BUG-5, dead segment headers: a segment whose header is all zeros, or passes its checksum and says
     * FREE, but whose first valid record carries a generation above the header's was opened by a K0
     * whose header the media did not take (a dead line keeps whatever it held when it died: zeros, or
     * the header of the segment's previous generation). Records of a generation are written only after
     * its K0 was persisted, so that K0 completed, and no C2 has freed the segment since: {@link
     * Log#free} never hands a segment back whose FREE header the media did not take. A crash never
     * passes this test on byte-addressable media: a torn K0 over a used segment leaves its old or new
     * 8-byte words, never all zeros, and over an unused one (zeros) no record of any generation; a torn
     * C2 leaves a header that fails its checksum. On a block device a torn sector may read as zeros (a
     * header of generation 0 over records of a freed generation), so there only a valid FREE header is
     * overruled. Returns the header to scan the segment with (LIVE, the records' generation), or null.
     */
    private SegmentHeader liveByItsRecords(int segment, SegmentHeader h, long maxGeneration) {
        if (h.valid() && h.state() == SEG_STATE_LIVE || !h.valid() && (log.tornUnit > 0 || !zeroHeader(segment))) {
            return null;
        }
        long base = log.segmentOffset(segment);
        Window w = new Window(base, base + segmentBytes - log.notesBytes);
        long first = base + SEG_HEADER_LENGTH;
        boolean zeros = true;
        for (long p = first; p < first + 1024 && p + 4 <= w.end && zeros; p += 4) {
            zeros = w.intAt(p) == 0;
        }
        if (zeros) {
            return null;       // never written (a dead line is 256 B): the common case, an unused segment
        }
        for (long pos = first; pos + REC_HEADER_LENGTH <= w.end; pos += 8) {
            int length = w.intAt(pos + REC_LENGTH_OFFSET);
            if (length < REC_HEADER_LENGTH || length > w.end - pos) {
                continue;
            }
            if (headerSearchBudgetBytes < length) {
                return null;
            }
            headerSearchBudgetBytes -= length;
            int low = w.intAt(pos + REC_GENERATION_OFFSET);
            long g = (maxGeneration & ~0xFFFF_FFFFL) | Integer.toUnsignedLong(low);
            if (g > maxGeneration + (1L << 31)) {
                g -= 1L << 32;          // generations are stored in records by their low 32 bits
            }
            if (validLength(w, pos, g) > 0) {
                return g > h.generation() ? new SegmentHeader(true, SEG_STATE_LIVE, g, -1, 0, 0) : null;
            }
        }
        return null;
    }

    /**
     * Record bytes {@link #liveByItsRecords} may still checksum in this recovery: it tries every plausible
     * record start of a segment whose generation it does not know, so a segment of garbage would cost
     * time quadratic in its size. A segment that needs it has its first valid record after at most a dead
     * line or two; free segments spend one record each. When it runs out, a dead header is not looked for.
     */
    private long headerSearchBudgetBytes = 64L << 20;

    private boolean zeroHeader(int segment) {
        byte[] h = new byte[SEG_HEADER_LENGTH];
        region.read(log.segmentOffset(segment), h, 0, h.length);
        for (byte x : h) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static final java.lang.invoke.VarHandle INT_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Reads a segment through a window of 512 B to 4 KiB (RUN promotes what is read: no more than
     * needed), so stepping through it 8 bytes at a time costs no region call per step.
     */
    private final class Window {
        final long end;
        /** Stepping through a gap 8 bytes at a time (read through the window), else record by record. */
        boolean stepping = true;
        private final byte[] buffer = new byte[4096];
        /** Bytes the next refill reads: 512 at first, doubling while a gap is stepped through. */
        private int chunk = 512;
        private long from = -1;
        private int filled;

        Window(long base, long end) {
            this.end = end;
        }

        /**
         * The first position from {@code pos} on, in steps of 8, whose GENERATION field holds {@code
         * generation}: the only places a record of this generation can start. {@link #end} when none.
         * A tight loop over the window, since a gap can span most of a segment.
         */
        long nextWithGeneration(long pos, long generation) {
            int g = (int) generation;
            while (pos + REC_HEADER_LENGTH <= end) {
                cover(pos, REC_GENERATION_OFFSET + 4);
                int i = (int) (pos - from);
                int last = filled - REC_GENERATION_OFFSET - 4;
                while (i <= last) {
                    if ((int) INT_LE.get(buffer, i + REC_GENERATION_OFFSET) == g) {
                        return from + i;
                    }
                    i += 8;
                }
                pos = from + i;
            }
            return end;
        }

        /** Makes the window hold [pos, pos + n), reading from pos when it does not. */
        private void cover(long pos, int n) {
            if (from < 0 || pos < from || pos + n > from + filled) {
                from = pos;
                filled = (int) Math.min(Math.max(chunk, n), end - pos);
                region.read(from, buffer, 0, filled);
                chunk = Math.min(buffer.length, chunk * 2);
            }
        }

        int intAt(long pos) {
            cover(pos, 4);
            int i = (int) (pos - from);
            return (buffer[i] & 0xFF) | (buffer[i + 1] & 0xFF) << 8 | (buffer[i + 2] & 0xFF) << 16 | (buffer[i + 3] & 0xFF) << 24;
        }
    }

    /** The record buffer of the last {@link #validLength} call that found a record whose checksum matches. */
    private byte[] record = new byte[4096];

    /**
     * The length of the record at {@code pos} when it validates (length in range, the generation, CRC32C),
     * with its bytes in {@link #record}; else -1.
     */
    private int validLength(Window w, long pos, long generation) {
        int length;
        int recordGeneration;
        if (w.stepping) {
            length = w.intAt(pos + REC_LENGTH_OFFSET);
            recordGeneration = w.intAt(pos + REC_GENERATION_OFFSET);
        } else {     // record by record: read just the header, as RUN promotes what is read
            region.read(pos, head, 0, REC_HEADER_LENGTH);
            length = intAt(head, REC_LENGTH_OFFSET);
            recordGeneration = intAt(head, REC_GENERATION_OFFSET);
        }
        if (length < REC_HEADER_LENGTH || length > w.end - pos || recordGeneration != (int) generation) {
            return -1;
        }
        if (record.length < length) {
            record = new byte[Math.max(length, record.length * 2)];
        }
        region.read(pos, record, 0, length);
        CRC32C c = new CRC32C();
        c.update(record, 4, length - 4);
        return intAt(record, REC_CRC_OFFSET) == (int) c.getValue() ? length : -1;
    }

    private final byte[] head = new byte[REC_HEADER_LENGTH];

    /**
     * Visits every record of a live segment that counts: (offset, record bytes, length, damaged). A
     * damaged record failed validation but the segment's log goes on past it, so it was written whole
     * and the media changed it since.
     */
    private interface RecordVisitor {
        void visit(long offset, byte[] record, int length, boolean damaged);
    }

    /**
     * Visits the records of one live segment in order.
     *
     * <p>From the segment's first record, each record that validates is visited. Bytes that do not
     * validate (a CRC that fails, but also a LENGTH or GENERATION that does not make sense: the first
     * record header the media damaged used to end the log here, BUG-5) start a <em>gap</em>, and the
     * scan resynchronises: it steps 8 bytes at a time (records are 8-byte aligned) to the next record
     * that validates. A gap is either the lane's crash-torn tail (in buffered mode possibly with whole
     * records after it that the cache wrote back early) or damage the media did after the bytes were
     * whole. It is media damage when it is proven durable once: by a later valid record flagged
     * PREFIX_DURABLE, or because it lies below the segment's known durable end ({@code durableEnd}: the
     * seal in the lane's next segment header, or the clean close's index checkpoint). Then the records
     * in the gap whose headers still parse are visited as damaged, and the valid records between are
     * kept. Otherwise the segment's log ends at the gap: what follows is the lost buffered tail.
     *
     * <p>Stepping visits only positions whose GENERATION field is the segment's (where a record of it can
     * start) and the record boundaries the gap's own headers give; at a boundary that is plainly where
     * this generation's writing stopped ({@link #neverWritten}), the scan ends without reading the rest.
     * {@code logEnd} is the seal's end when the segment has one: the lane wrote nothing after it.
     *
     * <p>PAD records (format 1.3, block devices) are part of the log like any record, and prove their
     * prefix durable the same way, but carry nothing to index: the visitor never sees a valid one.
     */
    private void scan(int segment, long generation, long durableEnd, long logEnd, RecordVisitor given) {
        RecordVisitor visitor = (offset, bytes, length, damaged) -> {
            if (damaged || bytes[REC_TYPE_OFFSET] != TYPE_PAD) {
                given.visit(offset, bytes, length, damaged);
            }
        };
        long base = log.segmentOffset(segment);
        Window w = new Window(base, logEnd);
        long pos = base + SEG_HEADER_LENGTH;
        keptEnd = pos;
        volatileFrom = pos;
        previousSeq = 0;
        long gapStart = -1;
        long boundary = -1;       // in a gap: where the next record would start if the gap's headers are right
        long writtenEnd = w.end;
        List<long[]> pending = new ArrayList<>();   // {start, end, GAP or RECORD}: what follows the first unproven gap
        while (pos + REC_HEADER_LENGTH <= w.end) {
            w.stepping = gapStart >= 0;
            int length = validLength(w, pos, generation);
            if (length < 0) {
                w.stepping = true;
                if (gapStart < 0) {
                    gapStart = pos;
                    boundary = pos;
                }
                if (pos == boundary) {
                    if (pos >= durableEnd && neverWritten(w, pos, generation)) {
                        writtenEnd = pos;
                        break;        // the end of what this generation wrote: no need to read the rest
                    }
                    int l = w.intAt(pos + REC_LENGTH_OFFSET);
                    if (l >= REC_HEADER_LENGTH && l <= w.end - pos && w.intAt(pos + REC_GENERATION_OFFSET) == (int) generation) {
                        boundary = pos + align8(l);
                    }
                }
                long next = w.nextWithGeneration(pos + 8, generation);     // where a valid record could be
                pos = boundary > pos && boundary < next ? boundary : next;
                continue;
            }
            if (gapStart >= 0) {
                pending.add(new long[]{gapStart, pos, GAP});
                gapStart = -1;
            }
            boolean prefixDurable = legacyFlags || (record[REC_FLAGS_OFFSET] & FLAG_PREFIX_DURABLE) != 0;
            if (!pending.isEmpty()) {
                if (!prefixDurable && pos >= durableEnd) {
                    pending.add(new long[]{pos, pos + length, RECORD});
                    pos += align8(length);
                    continue;
                }
                confirm(w, generation, pending, Long.MAX_VALUE, visitor);    // proven durable once: media damage
                pending.clear();
            }
            recordsChecked++;
            visitor.visit(pos, record, length, false);
            if (!legacyFlags && prefixDurable) {
                volatileFrom = pos;      // every byte before this record was durable when it was written
            }
            pos += align8(length);
            keptEnd = pos;
        }
        if (gapStart >= 0) {
            pending.add(new long[]{gapStart, writtenEnd, GAP});
        }
        if (pending.isEmpty()) {
            return;
        }
        // No later PREFIX_DURABLE record: what starts below the known durable end is media damage (it is
        // durable already: nothing to persist), the rest the crash-torn tail, dropped.
        tornTailRecords += confirm(w, generation, pending, durableEnd, visitor);
    }

    /**
     * Whether {@code pos}, a record boundary, is where this generation's writing stopped, so the scan
     * need not read the rest of the segment: 512 zero bytes (a segment never written that far), or a
     * whole record of another generation (a reused segment's older content, which no write of this
     * generation reached). Neither is what the media makes of a record: a stuck bit cannot produce
     * either, and a dead line is 256 B.
     */
    private boolean neverWritten(Window w, long pos, long generation) {
        long zerosTo = Math.min(w.end, pos + 512);
        boolean zeros = true;
        for (long p = pos; p + 4 <= zerosTo && zeros; p += 4) {
            zeros = w.intAt(p) == 0;
        }
        if (zeros) {
            return true;
        }
        int other = w.intAt(pos + REC_GENERATION_OFFSET);
        return other != (int) generation && validLength(w, pos, other & 0xFFFFFFFFL) > 0;
    }

    private static final long GAP = 1;
    private static final long RECORD = 0;

    /**
     * Visits the pending gaps (their parseable records, as damaged) and valid records in order, those
     * that start below {@code durableBelow}; returns how many records start at or above it (dropped).
     */
    private int confirm(Window w, long generation, List<long[]> pending, long durableBelow, RecordVisitor visitor) {
        int dropped = 0;
        for (long[] item : pending) {
            if (item[2] == GAP) {
                dropped += candidates(w, item[0], item[1], durableBelow, generation, visitor);
            } else if (item[0] < durableBelow) {
                int length = (int) (item[1] - item[0]);
                byte[] v = new byte[length];
                region.read(item[0], v, 0, length);
                recordsChecked++;
                visitor.visit(item[0], v, length, false);
            } else {
                dropped++;
            }
        }
        return dropped;
    }

    /**
     * The damaged records in the gap [from, to): each header whose LENGTH fits the gap and whose
     * GENERATION is the segment's, and below {@code durableBelow}, where bytes are known to be records,
     * also one whose GENERATION is damaged when it starts at a record boundary (the gap's start or the
     * end of the record before). Each that starts below {@code durableBelow} is visited as damaged; returns how
     * many start at or above it.
     */
    private int candidates(Window w, long from, long to, long durableBelow, long generation, RecordVisitor visitor) {
        int beyond = 0;
        long p = from;
        boolean boundary = true;
        while (p + REC_HEADER_LENGTH <= to) {
            int length = w.intAt(p + REC_LENGTH_OFFSET);
            boolean fits = length >= REC_HEADER_LENGTH && p + length <= to;
            boolean known = boundary && p < durableBelow;
            if (fits && (w.intAt(p + REC_GENERATION_OFFSET) == (int) generation || known)) {
                if (p < durableBelow) {
                    byte[] d = repaired(p, length, to, generation);
                    if (d == null) {
                        d = new byte[length];
                        region.read(p, d, 0, length);
                    }
                    damagedRecords.add(p);
                    visitor.visit(p, d, d.length, true);
                    length = d.length;
                } else {
                    beyond++;
                }
                p += align8(length);
                boundary = true;
                continue;
            }
            byte[] d = known ? repaired(p, length, to, generation) : null;     // a LENGTH the media damaged
            if (d != null) {
                damagedRecords.add(p);
                visitor.visit(p, d, d.length, true);
                p += align8(d.length);
                boundary = true;
            } else {
                p = w.nextWithGeneration(p + 8, generation);
                boundary = false;
            }
        }
        return beyond;
    }

    /**
     * The damaged record at {@code p} as it was written, when exactly one bit of it changed (a stuck
     * bit's usual work): found from the CRC32C syndrome, so its key and SEQ are known for sure, not
     * guessed. Tries the stored LENGTH, then (a flip in LENGTH itself) each length one bit away that
     * ends by {@code to}. Null when no single flip explains it. Only the index learns from the repair:
     * the bytes on media stay as they are, and reads of the key still fail with MEDIA.
     */
    private byte[] repaired(long p, int storedLength, long to, long generation) {
        for (int k = -1; k < 32; k++) {
            int length = k < 0 ? storedLength : storedLength ^ (1 << k);
            if (length < REC_HEADER_LENGTH || p + length > to || length - 4 > SingleBitSyndromes.BYTES
                    || repairBudgetBytes < length) {
                continue;
            }
            repairBudgetBytes -= length;
            byte[] d = new byte[length];
            region.read(p, d, 0, length);
            if (repairOneBit(d, 4, length - 4, intAt(d, REC_CRC_OFFSET)) && intAt(d, REC_LENGTH_OFFSET) == length
                    && intAt(d, REC_GENERATION_OFFSET) == (int) generation) {
                return d;
            }
        }
        return null;
    }

    /**
     * Bytes {@link #repaired} may still examine in this recovery. Each attempt costs time linear in the
     * record, and a pool of garbage offers a candidate every 8 bytes: the budget keeps recovery linear
     * in the pool however bad its bytes. Media damage needs a small part of it (a record per fault, up
     * to 33 lengths each); when it runs out, damaged records are still indexed, only not repaired.
     */
    private long repairBudgetBytes = 16L << 20;

    /** CRC32C's table (reflected polynomial 0x82F63B78), for the syndromes of single-bit errors. */
    private static final int[] CRC32C_TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
            }
            CRC32C_TABLE[i] = c;
        }
    }

    /**
     * Whether {@code b[from, from + n)} matches the checksum {@code stored} after flipping at most one
     * bit of the data (flipped in place) or of {@code stored} (data untouched). CRC32C is linear: for
     * messages of one length, crc(m) ^ crc(m ^ e) is the raw CRC of e, and for e a single bit that is
     * the bit's byte run through the table and then one zero byte per byte after it; distinct for every
     * position of a record, so at most one flip fits. Only messages of up to {@link
     * SingleBitSyndromes#BYTES} bytes are repaired (the table's reach); a longer record's keys are still
     * indexed when its header and key parse.
     */
    static boolean repairOneBit(byte[] b, int from, int n, int stored) {
        CRC32C c = new CRC32C();
        c.update(b, from, n);
        int syndrome = stored ^ (int) c.getValue();
        if (syndrome == 0 || Integer.bitCount(syndrome) == 1) {
            return true;     // intact, or the one flipped bit is in the stored checksum
        }
        long bit = n > SingleBitSyndromes.BYTES ? -1 : SingleBitSyndromes.position(syndrome);   // bytes after it * 8 + bit
        if (bit < 0 || (bit >>> 3) >= n) {
            return false;
        }
        b[(int) (from + n - 1 - (bit >>> 3))] ^= (byte) (1 << (bit & 7));
        return true;
    }

    /**
     * The syndromes of every single-bit error in the last {@link #BYTES} bytes of a message, built once
     * (128 Ki entries, 2 MiB): a repair is then one lookup instead of a walk over the record.
     */
    private static final class SingleBitSyndromes {
        static final int BYTES = 16 * 1024;
        private static final int SLOTS = 1 << 18;      // 2^18: slotOf's shift
        private static final int[] KEYS = new int[SLOTS];
        /** (bytes after the flipped one) * 8 + bit, plus one; 0 for an empty slot. */
        private static final int[] POSITIONS = new int[SLOTS];

        static {
            int[] r = new int[8];
            for (int i = 0; i < 8; i++) {
                r[i] = CRC32C_TABLE[1 << i];
            }
            for (int k = 0; k < BYTES; k++) {
                for (int i = 0; i < 8; i++) {
                    int slot = slotOf(r[i]);
                    while (POSITIONS[slot] != 0) {
                        slot = (slot + 1) & (SLOTS - 1);
                    }
                    KEYS[slot] = r[i];
                    POSITIONS[slot] = k * 8 + i + 1;
                    r[i] = (r[i] >>> 8) ^ CRC32C_TABLE[r[i] & 0xFF];
                }
            }
        }

        private static int slotOf(int syndrome) {
            return (syndrome * 0x9E3779B9) >>> (32 - 18);      // Fibonacci hashing: the high bits mix best
        }

        /** (bytes after the flipped one) * 8 + bit for {@code syndrome}, or -1 when no bit in range has it. */
        static long position(int syndrome) {
            int slot = slotOf(syndrome);
            while (POSITIONS[slot] != 0) {
                if (KEYS[slot] == syndrome) {
                    return POSITIONS[slot] - 1;
                }
                slot = (slot + 1) & (SLOTS - 1);
            }
            return -1;
        }
    }

    /** A key of a damaged record, indexed after every valid record so its SEQ can be bounded (see {@link #applyDamaged}). */
    private record DamagedKey(byte[] key, long recordOffset, int recordLength, long valueOffset, int valueLength,
                              long storedSeq, long previousSeq, boolean repaired, boolean tombstone, boolean noted) {
    }

    /** Records a media note names (format 1.4): their keys come from the notes, not from their own bytes. */
    private final java.util.Set<Long> notedRecords = new java.util.HashSet<>();

    private final List<DamagedKey> damagedKeys = new ArrayList<>();
    /** SEQ of the last valid record visited in the segment being scanned: a lower bound for a damaged one after it. */
    private long previousSeq;

    /**
     * Applies one record to the index under construction; a malformed valid one is corruption. The keys
     * of a damaged record are collected when its header and key bytes still parse (a single put or
     * delete, or each entry of a batch up to the first that does not fit: BUG-6), and indexed by
     * {@link #applyDamaged} so that reading them raises a media error instead of silently returning an
     * older version (or none); if the damage is in a key or the header, that key cannot be named (check
     * reports the record's offset).
     */
    private void apply(Index index, long offset, byte[] record, int length, boolean damaged) {
        ByteBuffer b = ByteBuffer.wrap(record, 0, length).order(ByteOrder.LITTLE_ENDIAN);
        long seq = b.getLong(REC_SEQ_OFFSET);
        byte type = record[REC_TYPE_OFFSET];
        int keyLength = b.getInt(REC_KEY_LENGTH_OFFSET);
        int valueLength = b.getInt(REC_VALUE_LENGTH_OFFSET);
        if (damaged) {
            CRC32C c = new CRC32C();
            c.update(record, 4, length - 4);
            // Whole as written but for one bit of the stored checksum, or repaired by {@link #repaired}.
            boolean repaired = Integer.bitCount(intAt(record, REC_CRC_OFFSET) ^ (int) c.getValue()) <= 1;
            if ((type == TYPE_PUT || type == TYPE_DELETE) && keyLength >= 1 && valueLength >= 0
                    && (long) REC_HEADER_LENGTH + keyLength + valueLength == length) {
                damagedKeys.add(new DamagedKey(Arrays.copyOfRange(record, REC_HEADER_LENGTH, REC_HEADER_LENGTH + keyLength),
                        offset, length, offset + REC_HEADER_LENGTH + keyLength, valueLength, seq, previousSeq, repaired,
                        repaired && type == TYPE_DELETE, false));
            } else if (type == TYPE_BATCH) {
                int pos = REC_HEADER_LENGTH;
                for (int i = 0; i < keyLength && pos + ENTRY_HEADER_LENGTH <= length; i++) {
                    int kl = b.getInt(pos + ENTRY_KEY_LENGTH_OFFSET);
                    int vl = b.getInt(pos + ENTRY_VALUE_LENGTH_OFFSET);
                    if (kl < 1 || vl < 0 || (long) pos + ENTRY_HEADER_LENGTH + kl + vl > length) {
                        break;
                    }
                    damagedKeys.add(new DamagedKey(Arrays.copyOfRange(record, pos + ENTRY_HEADER_LENGTH,
                            pos + ENTRY_HEADER_LENGTH + kl), offset, length, offset + pos + ENTRY_HEADER_LENGTH + kl, vl,
                            seq, previousSeq, repaired, repaired && record[pos + ENTRY_TYPE_OFFSET] == TYPE_DELETE, false));
                    pos = align8(pos + ENTRY_HEADER_LENGTH + kl + vl);
                }
            }
            return;
        }
        previousSeq = seq;
        maxSeq = Math.max(maxSeq, seq);
        if (type == TYPE_PUT || type == TYPE_DELETE) {
            if (keyLength < 1 || valueLength < 0 || (long) REC_HEADER_LENGTH + keyLength + valueLength != length) {
                throw malformed(offset, "key length " + keyLength + " and value length " + valueLength
                        + " do not add up to the record length " + length);
            }
            byte[] key = Arrays.copyOfRange(record, REC_HEADER_LENGTH, REC_HEADER_LENGTH + keyLength);
            offer(index, key, new Entry(offset, length, offset + REC_HEADER_LENGTH + keyLength, valueLength, seq,
                    type == TYPE_DELETE, null), false);
        } else if (type == TYPE_BATCH) {
            int count = keyLength;
            int pos = REC_HEADER_LENGTH;
            for (int i = 0; i < count; i++) {
                if (pos + ENTRY_HEADER_LENGTH > length) {
                    throw malformed(offset, "batch entry " + i + " of " + count + " starts past the record's end");
                }
                byte entryType = record[pos + ENTRY_TYPE_OFFSET];
                int kl = b.getInt(pos + ENTRY_KEY_LENGTH_OFFSET);
                int vl = b.getInt(pos + ENTRY_VALUE_LENGTH_OFFSET);
                if ((entryType != TYPE_PUT && entryType != TYPE_DELETE) || kl < 1 || vl < 0
                        || (long) pos + ENTRY_HEADER_LENGTH + kl + vl > length) {
                    throw malformed(offset, "batch entry " + i + " (type " + entryType + ", key " + kl + ", value " + vl
                            + " bytes) does not fit the record");
                }
                byte[] key = Arrays.copyOfRange(record, pos + ENTRY_HEADER_LENGTH, pos + ENTRY_HEADER_LENGTH + kl);
                long valueAt = offset + pos + ENTRY_HEADER_LENGTH + kl;
                // Entries of one batch share its SEQ; the later entry for a key wins.
                offer(index, key, new Entry(offset, length, valueAt, vl, seq, entryType == TYPE_DELETE, null), true);
                pos = align8(pos + ENTRY_HEADER_LENGTH + kl + vl);
            }
        } else {
            throw malformed(offset, "record type " + type + ", expected 1 (put), 2 (delete) or 3 (batch)");
        }
    }

    /**
     * Indexes the keys of damaged records once every valid record is in, each as a live version that
     * fails its checksum when read (MEDIA; a damaged delete too, since whether it deleted cannot be
     * known), except a delete repaired by one bit flip: it says exactly what it said, and carries no
     * value to read, so it is a tombstone like any other (as it was for the store that wrote it).
     * The record's SEQ field may be damaged as well, and a SEQ too low would let an older version win
     * (wrong data), so the stored SEQ is taken only when it lies above the valid record before it in
     * its segment (a lane appends in SEQ order under its lock) and at most one above the newest valid
     * SEQ; otherwise the damaged version gets the newest valid SEQ + 1: it then outranks every older
     * version (never wrong data), at worst also a newer one (a MEDIA error where a value was readable).
     * Returns the highest SEQ given.
     */
    private long applyDamaged(Index index, SegmentTable table) {
        long validMax = maxSeq;
        long highest = validMax;
        for (DamagedKey d : damagedKeys) {
            if (!d.noted() && notedRecords.contains(d.recordOffset())) {
                continue;     // the notes name this record's keys as written; its bytes may hold a garbled key
            }
            long seq = d.repaired() || d.storedSeq() > d.previousSeq() && d.storedSeq() <= validMax + 1
                    ? d.storedSeq() : validMax + 1;
            highest = Math.max(highest, seq);
            if (table != null) {
                table.noteSeq(log.segmentOf(d.recordOffset()), seq);
            }
            offer(index, d.key(), new Entry(d.recordOffset(), d.recordLength(), d.valueOffset(), d.valueLength(), seq,
                    d.tombstone(), null), false);
        }
        return highest;
    }

    private long maxSeq;
    /**
     * Of the segment scanned last: the end of its last kept record, and where its bytes may still be
     * volatile (the last kept record flagged PREFIX_DURABLE; everything before it was durable when it
     * was written). {@link #persistRecoveredTail} makes [volatileFrom, keptEnd) durable.
     */
    private long keptEnd;
    private long volatileFrom;
    /** Records after a crash-torn one at a segment's tail, dropped as never durable. */
    long tornTailRecords;
    /** Format 1.0 pools never set PREFIX_DURABLE: read every record as if it had it. */
    private final boolean legacyFlags;
    /** Offsets of records in a proven-durable gap: they failed validation after they were written whole. */
    final List<Long> damagedRecords = new ArrayList<>();

    /**
     * Puts {@code e} for {@code key} unless the index holds a newer version ({@link Index#replaces}): at
     * once, or through the {@link Applier} when {@link #run} has one going.
     */
    private void offer(Index index, byte[] key, Entry e, boolean sameSeqWins) {
        offers++;
        if (applier != null) {
            applier.offer(key, e, sameSeqWins);
        } else {
            offerNow(index, key, e, sameSeqWins);
        }
    }

    /**
     * {@link #offer} in one probe of the index, keeping the live accounting of {@link #run} as it goes:
     * the bytes a version charges leave its segment's sum when it is outranked, and a tombstone that goes
     * in is remembered by its key, so no pass over the whole index is needed afterwards.
     */
    private void offerNow(Index index, byte[] key, Entry e, boolean sameSeqWins) {
        account(key, e, index.offer(key, e, sameSeqWins), sameSeqWins);
    }

    /** The live accounting of one {@link #offerNow}: {@code old} is what the key held before. */
    private void account(byte[] key, Entry e, Entry old, boolean sameSeqWins) {
        if (liveBytesBySegment == null || !Index.replaces(e, old, sameSeqWins)) {
            return;
        }
        if (old != null && !old.tombstone) {
            liveBytesBySegment[log.segmentOf(old.recordOffset)] -= Cleaner.charge(key, old);
            liveKeys--;
        }
        if (e.tombstone) {
            tombstoneKeys.add(key);
        } else {
            liveBytesBySegment[log.segmentOf(e.recordOffset)] += Cleaner.charge(key, e);
            liveKeys++;
        }
    }

    /** Offers handed to the {@link Applier} at a time. */
    private static final int OFFER_BATCH = 4096;

    /** Offers in scan order, in parallel arrays (no object per offer). */
    private static final class OfferBatch {
        final byte[][] keys = new byte[OFFER_BATCH][];
        final Entry[] entries = new Entry[OFFER_BATCH];
        final boolean[] sameSeqWins = new boolean[OFFER_BATCH];
        /** What each key held before its offer, as {@link Index#offerAll} returns it. */
        final Entry[] olds = new Entry[OFFER_BATCH];
        int size;
    }

    /** Tells the applier that no offer follows. */
    private static final OfferBatch END = new OfferBatch();

    /** The applier of the segments {@link #run} is scanning; null otherwise. */
    private Applier applier;

    /**
     * Puts the offers of a log scan into the index on a second thread, while the scanning thread reads,
     * verifies and parses the next records: the two halves of a scan's work (copying and CRC32C of
     * records; the index's cache misses and the live accounting) then use both cores. Offers travel in
     * batches through a short FIFO queue and one thread applies them, so the index sees them in the
     * scan's order, as when they were applied at once; nothing reads the index while it runs ({@link
     * #apply} does not), and {@link #finish} returns once all are in. Only the applier touches the live
     * accounting meanwhile; its thread's end (join) publishes it to the scanning thread.
     *
     * <p>Each direction has one producer and one consumer (filled batches go to the applier, emptied
     * ones come back), so the queues are JCTools' single-producer single-consumer arrays: a hand-over is
     * an ordered store, with no lock and no wake-up call. They are its atomic variants: the others use
     * sun.misc.Unsafe, for which JDK 24 and later print a warning on the application's standard error
     * (KvJvmWarningsTest). A side that finds its queue empty (or full) waits with Agrona's back-off idle
     * strategy: it spins, yields, then parks for up to {@link #MAX_PARK_NANOS}. The queue's release
     * store and acquire load publish a batch's contents with it. An interrupt is neither consumed nor
     * obeyed: the recovery ends as it would have (it writes the index), and the flag stays set for the
     * caller (an interrupted wait parks for no time, so it spins until the other side moves).
     */
    private final class Applier {
        private final Index index;
        private final SpscAtomicArrayQueue<OfferBatch> full = new SpscAtomicArrayQueue<>(4);
        private final SpscAtomicArrayQueue<OfferBatch> empty = new SpscAtomicArrayQueue<>(8);
        /** How the scanning thread waits (an idle strategy keeps state: one per thread). */
        private final IdleStrategy scannerIdle = idleStrategy();
        private final Thread thread;
        private OfferBatch filling = new OfferBatch();
        /** What the applier threw; it then discards the rest until {@link #END}, so the scan never blocks on it. */
        private volatile Throwable failure;

        Applier(Index index) {
            this.index = index;
            for (int i = 0; i < 5; i++) {
                empty.add(new OfferBatch());
            }
            this.thread = Thread.ofPlatform().daemon().name("engram-recovery-apply").start(this::applyAll);
        }

        void offer(byte[] key, Entry e, boolean sameSeqWins) {
            OfferBatch b = filling;
            b.keys[b.size] = key;
            b.entries[b.size] = e;
            b.sameSeqWins[b.size] = sameSeqWins;
            if (++b.size == OFFER_BATCH) {
                handOver();
            }
        }

        private void handOver() {
            put(full, filling, scannerIdle);
            filling = take(empty, scannerIdle);
            rethrowFailure();
        }

        private void applyAll() {
            IdleStrategy idle = idleStrategy();
            while (true) {
                OfferBatch b = take(full, idle);
                if (b == END) {
                    return;
                }
                if (failure == null) {
                    try {
                        index.offerAll(b.keys, b.entries, b.sameSeqWins, b.size, b.olds);
                        for (int i = 0; i < b.size; i++) {
                            account(b.keys[i], b.entries[i], b.olds[i], b.sameSeqWins[i]);
                        }
                    } catch (Throwable t) {
                        failure = t;
                    }
                }
                java.util.Arrays.fill(b.keys, 0, b.size, null);
                java.util.Arrays.fill(b.entries, 0, b.size, null);
                java.util.Arrays.fill(b.olds, 0, b.size, null);
                b.size = 0;
                put(empty, b, idle);
            }
        }

        /** Hands over what is left, waits until every offer is in the index, and rethrows what the applier threw. */
        void finish() {
            if (filling.size > 0) {
                put(full, filling, scannerIdle);
                filling = new OfferBatch();
            }
            stop();
            rethrowFailure();
        }

        /** Ends the applier thread (after the offers already handed over) and waits for it. */
        void stop() {
            put(full, END, scannerIdle);
            HelperThreads.joinUninterruptibly(thread);
        }

        private void rethrowFailure() {
            HelperThreads.rethrow(failure);
        }
    }

    /** The longest park of a side waiting for the other: a batch of offers takes longer to fill or apply. */
    private static final long MAX_PARK_NANOS = 100_000;

    private static IdleStrategy idleStrategy() {
        return new BackoffIdleStrategy(100, 10, 1_000, MAX_PARK_NANOS);
    }

    /** Offers {@code item} to {@code q}, waiting with {@code idle} while it is full. */
    private static <T> void put(SpscAtomicArrayQueue<T> q, T item, IdleStrategy idle) {
        idle.reset();
        while (!q.offer(item)) {
            idle.idle();
        }
    }

    /** The next item of {@code q}, waiting with {@code idle} while it is empty. */
    private static <T> T take(SpscAtomicArrayQueue<T> q, IdleStrategy idle) {
        idle.reset();
        T item;
        while ((item = q.poll()) == null) {
            idle.idle();
        }
        return item;
    }

    /**
     * {@link #run}'s live accounting, kept by {@link #offer} and the checkpoint load (null in {@link
     * #check}): per segment, the bytes its records charge for the versions the index holds now (handed
     * to the segment table once per segment at the end), the keys whose version is not a tombstone, and
     * the key of every tombstone that went in (recovery removes those still current at the end: the
     * only keys it materialises beyond what the records give).
     */
    private long[] liveBytesBySegment;
    private long liveKeys;
    private final List<byte[]> tombstoneKeys = new ArrayList<>();
    /** Versions offered to the index so far (valid records' keys): the estimate behind {@link Index#presize}. */
    private long offers;

    private static int intAt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private KvException malformed(long offset, String what) {
        return new KvException(KvException.Code.CORRUPT, store.path(),
                "the record at offset " + offset + " has a valid checksum but is malformed: " + what);
    }

    /**
     * Rebuilds the index and the segment table. With a checkpoint ({@link Checkpoint}), the segments
     * whose header generation and last record are as it recorded them are taken from it; only the others
     * are scanned. Without one, every live segment is scanned.
     */
    RecoveryReport run(Checkpoint.Loaded checkpoint, String checkpointNote) {
        long started = System.nanoTime();
        Index index = store.index();
        SegmentTable table = log.table;
        int segments = log.segmentCount();
        long maxGeneration = checkpoint == null ? 0 : checkpoint.maxGeneration;
        maxSeq = checkpoint == null ? 0 : checkpoint.maxSeq;
        int firstUnused = segments;
        List<Integer> free = new ArrayList<>();
        SegmentHeader[] live = new SegmentHeader[segments];
        boolean[] fromCheckpoint = new boolean[segments];
        int taken = 0;
        int scanned = 0;
        long keysFromCheckpoint = 0;
        try {
            SegmentHeader[] headers = new SegmentHeader[segments];
            for (int s = 0; s < segments; s++) {
                headers[s] = header(s);
            }
            long maxHeaderGeneration = maxGeneration;
            for (SegmentHeader h : headers) {
                maxHeaderGeneration = Math.max(maxHeaderGeneration, h.valid() ? h.generation() : 0);
            }
            for (int s = 0; s < segments; s++) {
                SegmentHeader h = headers[s];
                boolean despite = liveDespiteItsHeader(s, h);
                SegmentHeader byRecords = despite ? null : liveByItsRecords(s, h, maxHeaderGeneration);
                if (byRecords != null) {
                    h = byRecords;
                    headers[s] = h;
                }
                if (h.valid() || despite) {
                    maxGeneration = Math.max(maxGeneration, h.generation());
                    table.setGeneration(s, h.generation());
                }
                if (!despite && (!h.valid() || h.state() == SEG_STATE_UNUSED || h.state() == SEG_STATE_FREE)) {
                    free.add(s);
                    continue;
                }
                if (!despite && h.state() != SEG_STATE_LIVE) {
                    throw new KvException(KvException.Code.CORRUPT, store.path(), "segment " + s + " has state "
                            + h.state() + " with a valid header checksum, expected 0, 1 or 2");
                }
                live[s] = h;
                table.setState(s, SegmentTable.SEALED);
                if (checkpoint != null && unchangedSince(checkpoint, s, h)) {
                    fromCheckpoint[s] = true;
                    table.noteSeq(s, checkpoint.minSeq(s));
                    table.lastRecord(s, checkpoint.lastRecordOffset(s), checkpoint.lastRecordSeq(s));
                    if (checkpoint.damaged(s)) {
                        table.markDamaged(s);
                    }
                    taken++;
                }
            }
            long[][] ends = ends(headers, live, checkpoint);
            long[] liveBytes = new long[segments];
            liveBytesBySegment = liveBytes;
            if (checkpoint != null) {
                keysFromCheckpoint = loadCheckpoint(checkpoint, index, fromCheckpoint, liveBytes);
                liveKeys = keysFromCheckpoint;
            }
            int toScan = 0;
            for (int s = 0; s < segments; s++) {
                toScan += live[s] != null && !fromCheckpoint[s] ? 1 : 0;
            }
            long bytesScanned = 0;
            boolean presized = false;
            applier = toScan >= 2 ? new Applier(index) : null;
            for (int s = 0; s < segments; s++) {
                if (live[s] == null || fromCheckpoint[s]) {
                    continue;
                }
                int segment = s;
                scanned++;
                scan(s, live[s].generation(), ends[0][s], ends[1][s], (offset, record, length, damaged) -> {
                    if (damaged) {
                        table.markDamaged(segment);
                    } else {
                        long seq = (long) LONG_LE.get(record, REC_SEQ_OFFSET);
                        table.noteSeq(segment, seq);
                        table.lastRecord(segment, offset, seq);
                    }
                    apply(index, offset, record, length, damaged);
                });
                persistRecoveredTail();
                if (notes(s, live[s].generation()) > 0) {
                    table.markDamaged(s);     // the cleaner never frees a segment with a record the media lost
                }
                bytesScanned += keptEnd - (log.segmentOffset(s) + SEG_HEADER_LENGTH);
                if (!presized && scanned < toScan && bytesScanned >= (segmentBytes - SEG_HEADER_LENGTH) / 2) {
                    // The log scanned so far tells how many versions a segment holds; sizing the index for
                    // all the segments to scan now spares it a resize at every doubling (four from the
                    // default at 10 M keys, each rehashing every key). An overestimate when keys were
                    // overwritten: at most the versions' count, about twice the keys in a log the cleaner
                    // keeps half live.
                    index.presize(keysFromCheckpoint + (long) ((double) offers / bytesScanned
                            * (segmentBytes - SEG_HEADER_LENGTH) * toScan));
                    presized = true;
                }
            }
            if (applier != null) {
                applier.finish();
                applier = null;
            }
            maxSeq = applyDamaged(index, table);
        } catch (RegionException e) {
            throw KvStore.translate(store.path(), e);
        } finally {
            if (applier != null) {      // the scan failed: the index is thrown away, only the thread is ended
                applier.stop();
                applier = null;
            }
        }
        // Free segments at the end stay "never used" so the pool's tail is handed out in order.
        while (!free.isEmpty() && free.getLast() == firstUnused - 1) {
            free.removeLast();
            firstUnused--;
        }
        // Tombstones leave the index (a key deleted last reads as absent); the live sums go to the table.
        for (byte[] key : tombstoneKeys) {
            Entry e = index.get(key);
            if (e != null && e.tombstone) {
                index.remove(key, e);
            }
        }
        tombstoneKeys.clear();
        for (int s = 0; s < segments; s++) {
            if (liveBytesBySegment[s] != 0) {
                table.addLive(s, liveBytesBySegment[s]);
            }
        }
        log.resume(firstUnused, free, maxGeneration, maxSeq);
        store.recovered(liveKeys);
        String method = checkpoint == null ? "scan" : scanned == 0 ? "checkpoint" : "checkpoint+scan";
        return new RecoveryReport(method, scanned, taken, keysFromCheckpoint, recordsChecked, tornTailRecords,
                (System.nanoTime() - started) / 1_000_000, checkpointNote);
    }

    /**
     * BUG-4: the records just recovered may be buffered writes of the crashed process, visible (in the
     * mapping or the page cache) but never persisted; the new store's lanes write to fresh segments, so
     * no later K2 or sync() would reach them, and a record written after this open could survive a
     * power failure without them. Persisting them here, before the store serves, keeps every lane's log
     * a durable prefix across the restart. It writes no byte, so recovery stays idempotent.
     */
    private void persistRecoveredTail() {
        if (keptEnd > volatileFrom) {
            region.persist(volatileFrom, keptEnd - volatileFrom);      // K2 for the crashed process's buffered records
        }
    }

    /**
     * The checkpoint's keys whose records lie in segments unchanged since it was written go into the
     * index, each charged to its segment's live bytes; returns how many. A table image (the hash engine)
     * is copied into the index's table ({@link #loadTable}); key entries (the sorted engine) are inserted
     * one by one: keys are unique and the index empty (loadUnique).
     */
    private long loadCheckpoint(Checkpoint.Loaded checkpoint, Index index, boolean[] fromCheckpoint, long[] liveBytes) {
        if (checkpoint.bodyKind == Checkpoint.BODY_HASH_TABLE) {
            return loadTable(checkpoint, (Index.Hash) index, fromCheckpoint, liveBytes);
        }
        long[] count = {0};
        checkpoint.forEachBatch(checkpoint.firstEntry(), checkpoint.keyCount, index.copiesKeys(), b -> {
            count[0] += keep(b, fromCheckpoint, liveBytes);
            index.loadUnique(b);
        });
        return count[0];
    }

    /**
     * A table image into the hash index, whose table has the image's size (KvStore made it so): a large
     * one on two threads ({@link HelperThreads#halves}), a helper the first half of the slots and this
     * thread the second, each with its own live-byte counts, added once the helper is joined (the join
     * orders every slot the helper wrote before the store is published). Then the long keys, each checked against its slot,
     * and their count against the slots that need one: a mismatch (which checksums that matched make a
     * bug, not damage) fails the open rather than lose a key.
     */
    private long loadTable(Checkpoint.Loaded checkpoint, Index.Hash index, boolean[] fromCheckpoint, long[] liveBytes) {
        int slots = checkpoint.tableSlots;
        if (index.slots() != slots) {
            throw new IllegalStateException("a table image of " + slots + " slots into a table of " + index.slots());
        }
        MemorySegment image = checkpoint.file();
        long at = checkpoint.tableOffset();
        long[] sums;
        if (slots < Checkpoint.PARALLEL_MIN_SLOTS) {
            sums = index.loadImagePart(image, at, 0, slots, segmentBytes, fromCheckpoint, liveBytes);
        } else {
            int half = slots / 2;
            long[] helperLive = new long[liveBytes.length];
            HelperThreads.Halves<long[]> parts = HelperThreads.halves("engram-checkpoint-load",
                    () -> index.loadImagePart(image, at, 0, half, segmentBytes, fromCheckpoint, helperLive),
                    () -> index.loadImagePart(image, at, half, slots, segmentBytes, fromCheckpoint, liveBytes));
            sums = parts.second();
            for (int i = 0; i < sums.length; i++) {
                sums[i] += parts.first()[i];
            }
            for (int s = 0; s < liveBytes.length; s++) {
                liveBytes[s] += helperLive[s];
            }
        }
        if (sums[3] > 0) {
            throw badCheckpoint("holds " + sums[3] + " versions whose records would run past their segments");
        }
        long[] longKeys = {0};
        checkpoint.forEachLongKey((key, slot) -> {
            if (!index.loadLongKey(slot, key)) {
                throw badCheckpoint("holds a long key for slot " + slot + " that does not match the slot");
            }
            longKeys[0]++;
        });
        if (longKeys[0] != sums[2]) {
            throw badCheckpoint("holds " + longKeys[0] + " long keys for " + sums[2] + " slots that need one");
        }
        index.imageLoaded(sums[0], sums[1]);
        return sums[1];
    }

    /** A checkpoint whose checksums match but whose content cannot be (a bug or a crafted file): the open fails. */
    private KvException badCheckpoint(String what) {
        return new KvException(KvException.Code.CORRUPT, store.path(), "the index checkpoint " + what + "; delete "
                + Checkpoint.pathOf(store.path()) + " and open again to scan the log instead");
    }

    /**
     * Keeps the batch's entries whose records lie in {@code fromCheckpoint} segments, at the front in
     * order, charging each to its segment; returns how many.
     */
    private int keep(Checkpoint.Batch b, boolean[] fromCheckpoint, long[] liveBytes) {
        int kept = 0;
        for (int i = 0; i < b.n; i++) {
            int s = log.segmentOf(b.recordOffsets[i]);
            if (s >= 0 && s < fromCheckpoint.length && fromCheckpoint[s]) {
                // Never a tombstone: the checkpoint has none.
                liveBytes[s] += Cleaner.charge(b.keys[i].length, b.recordOffsets[i], b.recordLengths[i],
                        b.valueOffsets[i], b.valueLengths[i]);
                b.retain(i, kept++);
            }
        }
        b.n = kept;
        return kept;
    }

    /**
     * Per segment: [0] the offset below which every record is known to have been durable (0 when
     * unknown): the seal another segment's header carries for it (its lane persisted it up to there
     * before K0 of that segment), its lane's tail slot (format 1.4: K2c stored it after persisting the
     * segment up to there; a slot naming another generation is about a segment since freed or reused,
     * and says nothing), or its last record in the clean close's index checkpoint (every lane
     * was persisted before the checkpoint was written, and a segment whose header generation is
     * unchanged holds the same records); a record that fails validation below it is media damage, never
     * a torn tail. [1] where its log ends for sure: the seal's end (the lane never wrote past it in this
     * generation), else the segment's end.
     */
    private long[][] ends(SegmentHeader[] headers, SegmentHeader[] live, Checkpoint.Loaded checkpoint) {
        long[] durable = new long[headers.length];
        long[] logEnd = new long[headers.length];
        for (int s = 0; s < headers.length; s++) {
            logEnd[s] = log.segmentOffset(s) + segmentBytes - log.notesBytes;      // records end where notes begin
        }
        for (SegmentHeader h : headers) {
            int p = h.sealedSegment();
            if (p >= 0 && p < headers.length && live[p] != null && live[p].generation() == h.sealedGeneration()
                    && h.sealedEnd() >= log.segmentOffset(p) + SEG_HEADER_LENGTH
                    && h.sealedEnd() <= log.segmentOffset(p) + segmentBytes) {
                durable[p] = Math.max(durable[p], h.sealedEnd());
                logEnd[p] = h.sealedEnd();
            }
        }
        byte[] slot = new byte[LANE_TAIL_LENGTH];
        for (int lane = 0; lane < LANE_TAIL_SLOTS; lane++) {
            region.read(laneTailOffset(lane), slot, 0, LANE_TAIL_LENGTH);
            CRC32C c = new CRC32C();
            c.update(slot, 0, LANE_TAIL_CHECKED_LENGTH);
            int s = intAt(slot, LANE_TAIL_SEGMENT_OFFSET);
            long end = Integer.toUnsignedLong(intAt(slot, LANE_TAIL_END_OFFSET));
            if (intAt(slot, LANE_TAIL_CRC_OFFSET) == (int) c.getValue() && s >= 0 && s < headers.length && live[s] != null
                    && (int) live[s].generation() == intAt(slot, LANE_TAIL_GENERATION_OFFSET)
                    && end >= SEG_HEADER_LENGTH && end <= segmentBytes) {
                durable[s] = Math.max(durable[s], log.segmentOffset(s) + end);
            }
        }
        if (checkpoint != null) {
            for (int s = 0; s < headers.length; s++) {
                long last = s < checkpoint.segmentCount ? checkpoint.lastRecordOffset(s) : 0;
                if (live[s] != null && last != 0 && checkpoint.live(s) && checkpoint.generation(s) == live[s].generation()) {
                    durable[s] = Math.max(durable[s], last + 8);     // the record starting at `last` is durable too
                }
            }
        }
        return new long[][]{durable, logEnd};
    }

    /**
     * Whether segment s holds exactly what the checkpoint recorded: the same header generation (every
     * change rewrites the header first) and its last recorded record still in place, whole, with its SEQ
     * (which also catches a pool file restored from an older copy under a newer checkpoint).
     */
    private boolean unchangedSince(Checkpoint.Loaded checkpoint, int s, SegmentHeader h) {
        if (s >= checkpoint.segmentCount || !checkpoint.live(s) || checkpoint.generation(s) != h.generation()) {
            return false;
        }
        long last = checkpoint.lastRecordOffset(s);
        if (last == 0) {
            return true;
        }
        long base = log.segmentOffset(s);
        if (last < base + SEG_HEADER_LENGTH || last + REC_HEADER_LENGTH > base + segmentBytes) {
            return false;
        }
        byte[] head = new byte[REC_HEADER_LENGTH];
        region.read(last, head, 0, REC_HEADER_LENGTH);
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int length = b.getInt(REC_LENGTH_OFFSET);
        if (length < REC_HEADER_LENGTH || last + length > base + segmentBytes
                || b.getLong(REC_SEQ_OFFSET) != checkpoint.lastRecordSeq(s)
                || b.getInt(REC_GENERATION_OFFSET) != (int) h.generation()) {
            return false;
        }
        byte[] record = new byte[length];
        region.read(last, record, 0, length);
        CRC32C c = new CRC32C();
        c.update(record, 4, length - 4);
        return b.getInt(REC_CRC_OFFSET) == (int) c.getValue();
    }

    /** Re-reads every live segment and every index entry's record; reports instead of throwing. */
    CheckReport check() {
        List<String> damaged = new ArrayList<>();
        Index fresh = store.engine() == EngineKind.HASH ? new Index.Hash() : new Index.Sorted(store.comparator());
        int segments = log.segmentCount();
        SegmentHeader[] headers = new SegmentHeader[segments];
        SegmentHeader[] live = new SegmentHeader[segments];
        long maxHeaderGeneration = 0;
        for (int s = 0; s < segments; s++) {
            headers[s] = header(s);
            maxHeaderGeneration = Math.max(maxHeaderGeneration, headers[s].valid() ? headers[s].generation() : 0);
        }
        for (int s = 0; s < segments; s++) {
            SegmentHeader h = headers[s];
            if (h.valid() && h.state() == SEG_STATE_LIVE || liveDespiteItsHeader(s, h)) {
                live[s] = h;
            } else {
                live[s] = liveByItsRecords(s, h, maxHeaderGeneration);
            }
        }
        long[][] ends = ends(headers, live, null);
        for (int s = 0; s < segments; s++) {
            if (live[s] == null) {
                continue;
            }
            try {
                scan(s, live[s].generation(), ends[0][s], ends[1][s],
                        (offset, record, length, hurt) -> apply(fresh, offset, record, length, hurt));
                notes(s, live[s].generation());
            } catch (KvException e) {
                problems.add("segment " + s + ": " + e.getMessage());
            }
        }
        applyDamaged(fresh, null);
        long keys = 0;
        for (Iterator<Map.Entry<byte[], Entry>> it = store.index().entries(); it.hasNext(); ) {
            Map.Entry<byte[], Entry> me = it.next();
            if (me.getValue().tombstone) {
                continue;
            }
            keys++;
            try {
                store.valueOf(me.getKey(), me.getValue(), Long.MAX_VALUE);
            } catch (KvException e) {
                if (e.code() == KvException.Code.MEDIA) {
                    damaged.add(KvStore.printable(me.getKey()));
                } else {
                    problems.add(e.getMessage());
                }
            }
            Entry inLog = fresh.get(me.getKey());
            if (inLog == null || inLog.seq != me.getValue().recordSeq) {
                if (!damaged.contains(KvStore.printable(me.getKey()))) {
                    problems.add("key " + KvStore.printable(me.getKey()) + ": the index points at SEQ " + me.getValue().recordSeq
                            + " but the log's newest valid record has " + (inLog == null ? "none" : "SEQ " + inLog.seq));
                }
            }
        }
        // A failed checksum followed by valid records of its generation is media damage, not a torn tail.
        for (long at : damagedRecords) {
            problems.add("record at offset " + at + " failed its checksum");
        }
        return new CheckReport(recordsChecked, keys, List.copyOf(problems), List.copyOf(damaged));
    }
}
