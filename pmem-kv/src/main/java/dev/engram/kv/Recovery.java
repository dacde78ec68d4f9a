package dev.engram.kv;

import dev.engram.region.Region;
import dev.engram.region.RegionException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import static dev.engram.kv.PoolFormat.*;

/**
 * Rebuilds the index from the log at open, and verifies the log for {@link KvStore#check()}.
 *
 * <p>Per segment (header valid and LIVE), records are read in order until the first one that fails
 * validation: length in range, the segment's generation, CRC32C. That is where the lane's tail was at
 * the crash (Log's K2 makes every earlier record of the lane durable with any acknowledged one).
 * Across segments the newest SEQ of a key wins; tombstones then leave the index. Recovery writes
 * nothing, so it is idempotent, and a crash during it changes nothing.
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

    /** A decoded segment header, or null when the segment is unused or its header is torn. */
    private record SegmentHeader(int state, long generation) {
    }

    private SegmentHeader header(int segment) {
        byte[] h = new byte[SEG_HEADER_LENGTH];
        region.read(log.segmentOffset(segment), h, 0, h.length);
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(SEG_MAGIC_OFFSET) != SEG_MAGIC) {
            return null;
        }
        CRC32C c = new CRC32C();
        c.update(h, 0, SEG_CHECKED_LENGTH);
        if (b.getInt(SEG_CRC_OFFSET) != (int) c.getValue()) {
            return null;     // a header torn by a crash during K0: the segment never held a record
        }
        return new SegmentHeader(b.getInt(SEG_STATE_OFFSET), b.getLong(SEG_GENERATION_OFFSET));
    }

    /**
     * Visits every record of a live segment that counts: (offset, record bytes, length, damaged). A
     * damaged record failed its checksum but valid records of its generation follow it, so it was
     * written whole and the media changed it since.
     */
    private interface RecordVisitor {
        void visit(long offset, byte[] record, int length, boolean damaged);
    }

    /**
     * Visits the records of one live segment in order. A record that fails its checksum is a suspect:
     * it was torn by a crash (the lane's tail; in buffered mode possibly with whole records after it
     * that were written back early), or damaged by the media after it was whole. A later valid record
     * flagged PREFIX_DURABLE proves the suspects were durable once (media damage: visited as damaged,
     * and the valid records between are kept); without one, the segment's log ends at the first
     * suspect, and what follows it is the lost buffered tail.
     */
    private void scan(int segment, long generation, RecordVisitor visitor) {
        long base = log.segmentOffset(segment);
        long pos = base + SEG_HEADER_LENGTH;
        keptEnd = pos;
        volatileFrom = pos;
        long end = base + segmentBytes;
        byte[] head = new byte[REC_HEADER_LENGTH];
        byte[] record = new byte[4096];
        List<long[]> suspect = new ArrayList<>();       // {offset, length} failing their checksum
        List<long[]> unconfirmed = new ArrayList<>();   // valid records after a suspect, not yet proven
        while (pos + REC_HEADER_LENGTH <= end) {
            region.read(pos, head, 0, REC_HEADER_LENGTH);
            ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            int length = h.getInt(REC_LENGTH_OFFSET);
            if (length < REC_HEADER_LENGTH || length > end - pos || h.getInt(REC_GENERATION_OFFSET) != (int) generation) {
                break;       // the end of what this generation wrote
            }
            if (record.length < length) {
                record = new byte[Math.max(length, record.length * 2)];
            }
            region.read(pos, record, 0, length);
            CRC32C c = new CRC32C();
            c.update(record, 4, length - 4);
            if (h.getInt(REC_CRC_OFFSET) != (int) c.getValue()) {
                suspect.add(new long[]{pos, length});
                pos += align8(length);
                continue;
            }
            if (!suspect.isEmpty()) {
                boolean prefixDurable = legacyFlags || (record[REC_FLAGS_OFFSET] & FLAG_PREFIX_DURABLE) != 0;
                if (!prefixDurable) {
                    unconfirmed.add(new long[]{pos, length});
                    pos += align8(length);
                    continue;
                }
                for (long[] at : suspect) {      // proven whole once: media damage, not a torn tail
                    damagedRecords.add(at[0]);
                    byte[] d = new byte[(int) at[1]];
                    region.read(at[0], d, 0, d.length);
                    visitor.visit(at[0], d, d.length, true);
                }
                for (long[] at : unconfirmed) {
                    byte[] v = new byte[(int) at[1]];
                    region.read(at[0], v, 0, v.length);
                    recordsChecked++;
                    visitor.visit(at[0], v, v.length, false);
                }
                suspect.clear();
                unconfirmed.clear();
            }
            recordsChecked++;
            visitor.visit(pos, record, length, false);
            if (!legacyFlags && (record[REC_FLAGS_OFFSET] & FLAG_PREFIX_DURABLE) != 0) {
                volatileFrom = pos;      // every byte before this record was durable when it was written
            }
            pos += align8(length);
            keptEnd = pos;
        }
        if (!suspect.isEmpty()) {
            tornTailRecords += suspect.size() + unconfirmed.size();
        }
    }

    /**
     * Applies one record to the index under construction; a malformed valid one is corruption. A
     * damaged one is indexed as well when its header still parses as a single put or delete, so that
     * reading its key raises a media error instead of silently returning an older version (or none);
     * if the damage is in its key or header, that key cannot be named (check reports the offset).
     */
    private void apply(Index index, long offset, byte[] record, int length, boolean damaged) {
        if (damaged) {
            ByteBuffer d = ByteBuffer.wrap(record, 0, length).order(ByteOrder.LITTLE_ENDIAN);
            byte t = record[REC_TYPE_OFFSET];
            int kl = d.getInt(REC_KEY_LENGTH_OFFSET);
            int vl = d.getInt(REC_VALUE_LENGTH_OFFSET);
            if ((t == TYPE_PUT || t == TYPE_DELETE) && kl >= 1 && vl >= 0 && (long) REC_HEADER_LENGTH + kl + vl == length) {
                byte[] key = java.util.Arrays.copyOfRange(record, REC_HEADER_LENGTH, REC_HEADER_LENGTH + kl);
                offer(index, key, new Entry(offset, length, offset + REC_HEADER_LENGTH + kl, vl, d.getLong(REC_SEQ_OFFSET),
                        false, null), false);
            }
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(record, 0, length).order(ByteOrder.LITTLE_ENDIAN);
        long seq = b.getLong(REC_SEQ_OFFSET);
        byte type = record[REC_TYPE_OFFSET];
        int keyLength = b.getInt(REC_KEY_LENGTH_OFFSET);
        int valueLength = b.getInt(REC_VALUE_LENGTH_OFFSET);
        maxSeq = Math.max(maxSeq, seq);
        if (type == TYPE_PUT || type == TYPE_DELETE) {
            if (keyLength < 1 || valueLength < 0 || (long) REC_HEADER_LENGTH + keyLength + valueLength != length) {
                throw malformed(offset, "key length " + keyLength + " and value length " + valueLength
                        + " do not add up to the record length " + length);
            }
            byte[] key = java.util.Arrays.copyOfRange(record, REC_HEADER_LENGTH, REC_HEADER_LENGTH + keyLength);
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
                byte[] key = java.util.Arrays.copyOfRange(record, pos + ENTRY_HEADER_LENGTH, pos + ENTRY_HEADER_LENGTH + kl);
                long valueAt = offset + pos + ENTRY_HEADER_LENGTH + kl;
                // Entries of one batch share its SEQ; the later entry for a key wins.
                offer(index, key, new Entry(offset, length, valueAt, vl, seq, entryType == TYPE_DELETE, null), true);
                pos = align8(pos + ENTRY_HEADER_LENGTH + kl + vl);
            }
        } else {
            throw malformed(offset, "record type " + type + ", expected 1 (put), 2 (delete) or 3 (batch)");
        }
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
    /** Offsets of records whose header was plausible but whose checksum failed. */
    final List<Long> damagedRecords = new ArrayList<>();

    private static void offer(Index index, byte[] key, Entry e, boolean sameSeqWins) {
        Entry old = index.get(key);
        if (old == null || old.seq < e.seq || (sameSeqWins && old.seq == e.seq)) {
            index.put(key, e);
        }
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
            for (int s = 0; s < segments; s++) {
                SegmentHeader h = header(s);
                if (h != null) {
                    maxGeneration = Math.max(maxGeneration, h.generation());
                    table.setGeneration(s, h.generation());
                }
                if (h == null || h.state() == SEG_STATE_UNUSED || h.state() == SEG_STATE_FREE) {
                    free.add(s);
                    continue;
                }
                if (h.state() != SEG_STATE_LIVE) {
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
            if (checkpoint != null) {
                long[] count = {0};
                checkpoint.forEachEntry((key, e) -> {
                    int s = log.segmentOf(e.recordOffset);
                    if (s >= 0 && s < segments && fromCheckpoint[s]) {
                        index.put(key, e);       // unique keys, so no comparison; scanned records outrank by SEQ
                        count[0]++;
                    }
                });
                keysFromCheckpoint = count[0];
            }
            for (int s = 0; s < segments; s++) {
                if (live[s] == null || fromCheckpoint[s]) {
                    continue;
                }
                int segment = s;
                scanned++;
                scan(s, live[s].generation(), (offset, record, length, damaged) -> {
                    if (damaged) {
                        table.markDamaged(segment);
                    } else {
                        long seq = ByteBuffer.wrap(record, 0, length).order(ByteOrder.LITTLE_ENDIAN).getLong(REC_SEQ_OFFSET);
                        table.noteSeq(segment, seq);
                        table.lastRecord(segment, offset, seq);
                    }
                    apply(index, offset, record, length, damaged);
                });
                persistRecoveredTail();
            }
        } catch (RegionException e) {
            throw KvStore.translate(store.path(), e);
        }
        // Free segments at the end stay "never used" so the pool's tail is handed out in order.
        while (!free.isEmpty() && free.getLast() == firstUnused - 1) {
            free.removeLast();
            firstUnused--;
        }
        long liveKeys = 0;
        for (Iterator<Map.Entry<byte[], Entry>> it = index.entries(); it.hasNext(); ) {
            Map.Entry<byte[], Entry> me = it.next();
            if (me.getValue().tombstone) {
                index.remove(me.getKey(), me.getValue());
            } else {
                liveKeys++;
                table.addLive(log.segmentOf(me.getValue().recordOffset), Cleaner.charge(me.getKey(), me.getValue()));
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
        for (int s = 0; s < segments; s++) {
            SegmentHeader h = header(s);
            if (h == null || h.state() != SEG_STATE_LIVE) {
                continue;
            }
            try {
                scan(s, h.generation(), (offset, record, length, hurt) -> apply(fresh, offset, record, length, hurt));
            } catch (KvException e) {
                problems.add("segment " + s + ": " + e.getMessage());
            }
        }
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
