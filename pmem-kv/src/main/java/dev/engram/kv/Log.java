package dev.engram.kv;

import dev.engram.region.Granularity;
import dev.engram.region.Region;
import dev.engram.region.RegionException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

import static dev.engram.kv.PoolFormat.*;

/**
 * The append-only record log of a pool: segments handed to lanes, one lane per concurrent writer.
 *
 * <h2>Durability protocol (each step is named where its flush/fence is issued)</h2>
 * <ol>
 *   <li>K0 open segment: a lane takes an unused or free segment, writes its header (state LIVE, a
 *       new generation) and persists it before any record goes in.</li>
 *   <li>K1 append: the record (CRC32C over everything after the CRC field, the segment's generation
 *       inside) is stored at the lane's tail.</li>
 *   <li>K2 persist: a durable write persists the lane from the last persisted byte to the new tail
 *       (its own record and any buffered records before it in the lane) with one flush + drain; a
 *       buffered write skips this, {@link #syncAll()} does it later.</li>
 *   <li>K2c commit tail (byte-addressable media): the lane's tail slot (format 1.4) then says how far
 *       the lane's segment is durable, persisted on its own: see {@link #commitTail}. After every
 *       persist by default; with {@link LaneTails#BACKGROUND}, by {@link #commitDueTails} later.</li>
 *   <li>K1n/K2n media note: when the region reports that the media did not take the record, a note per
 *       key goes to the segment's notes area and is persisted: see {@link #noteLoss}.</li>
 *   <li>K3 publish: only after K2 returns does the index point at the record, so a reader never sees
 *       a durable-mode write that could still be lost.</li>
 * </ol>
 * On a block device (a region of {@link Granularity#PAGE}: CRAWL, or WALK persisting by msync) a
 * power failure may garble every sector written since the last sync, not only the new bytes in it.
 * So K0 and K2 end what they persist at a {@link PoolFormat#TORN_WRITE_UNIT} boundary, filling the
 * rest of the unit with a PAD record, and the next append starts in a fresh unit: a unit that holds
 * durable records is never written again in its segment's generation (BUG-1). A durable record and
 * its PAD go down in one write ({@link #writeWithPad}).
 * No separate commit word is needed: the record's checksum is its commit. In a lane every record
 * before a durable one was persisted with it, so no acknowledged record can follow a torn one; recovery
 * ends a segment's log at a record that fails validation unless a later PREFIX_DURABLE record, the
 * segment's seal (written by K0 of the lane's next segment) or its lane's tail slot (K2c) proves it was
 * whole once (media damage).
 * See {@link Recovery}.
 */
final class Log {

    /** One append point: its own segment and tail, guarded by its lock. */
    static final class Lane {
        final int id;
        final ReentrantLock lock = new ReentrantLock();
        int segment = -1;
        long generation;
        long tail;
        long end;
        long persistedUpTo;
        byte[] scratch = new byte[4096];
        /**
         * Where a PAD, or a durable record and its unit's PAD ({@link Log#writeWithPad}), is composed
         * before its write on a block device; all zeros between uses, so a PAD's bytes after its header
         * are the zeros its checksum covers. Allocated when the lane first pads ({@link Log#unitBuffer}).
         */
        byte[] unit;
        /**
         * Block device only: every byte of the lane's segment past its tail is zero and is made durable
         * no later than the bytes before it, because the segment was never used before and
         * {@link Log#allocateBlocks} zeroed it (its K0 persist, or a later persist of the same pages,
         * writes the zeros). A PAD then needs only its header written: the rest of it is already the
         * zeros its checksum covers. False for a reused segment, whose old bytes stay until overwritten.
         */
        boolean zerosAhead;
        /** The lane's tail slot as K2c writes it (format 1.4), and its checksum: reused, so K2c allocates nothing. */
        final byte[] tailSlot = new byte[LANE_TAIL_LENGTH];
        final ByteBuffer tailSlotView = ByteBuffer.wrap(tailSlot).order(ByteOrder.LITTLE_ENDIAN);
        final CRC32C tailSlotCrc = new CRC32C();
        /** K2 persisted records that no committed tail covers yet ({@link LaneTails#BACKGROUND}). */
        boolean tailDue;
        /** Where the lane's next media note goes in its segment's notes area (format 1.4). */
        long notesTail;
        /** A media note as K1n builds it. */
        byte[] note = new byte[256];
        /** Records the media did not take since open, each named by a note (or refused: no room). */
        long lostRecords;
        // Statistics, written under the lane's lock and read racily by stats(): plain fields, because
        // three shared LongAdders cost a locked instruction each per put (seen in profiles).
        long bytesAppended;
        long persists;
        long userBytes;

        Lane(int id) {
            this.id = id;
        }
    }

    private final Path path;
    final Region region;
    final int segmentBytes;
    /**
     * {@link PoolFormat#TORN_WRITE_UNIT} on a block device, whose torn writes garble whole sectors; 0 on
     * byte-addressable media, where a store changes only the bytes it writes.
     */
    final int tornUnit;
    /** When K2c runs: {@link LaneTails#OFF} on a block device, whatever the store asked for. */
    private final LaneTails tails;
    /** The notes area at each segment's end (format 1.4; 0 in older pools): records end before it. */
    final int notesBytes;
    /** The writers' lanes, then the cleaner's own lane (last), so copies never wait behind user appends. */
    final Lane[] lanes;
    private final int userLanes;
    final SegmentTable table;
    private final AtomicInteger nextLane = new AtomicInteger();
    /** Each user lane's {@code bytesAppended} when {@link #spareCpu} last asked; guarded by this log. */
    private final long[] appendedAtLastAsk;
    private static final int CPUS = Runtime.getRuntime().availableProcessors();
    /**
     * Each thread's lane in this log, kept while the store is open: buffered mode recovers a prefix of
     * each lane, so a thread that kept its lane recovers a prefix of its own writes (docs/durability.md).
     * Per log, not per JVM: a thread that used a store with fewer lanes in between kept its lane here too.
     */
    private final ThreadLocal<Lane> laneOfThread;

    private final ConcurrentLinkedDeque<Integer> freeSegments = new ConcurrentLinkedDeque<>();
    private final AtomicInteger nextUnusedSegment = new AtomicInteger();
    private final AtomicLong generations = new AtomicLong();
    final AtomicLong sequence = new AtomicLong();
    private final Object growLock = new Object();

    /** Persists issued outside a lane's lock (C2 frees); the lanes count their own. */
    private final LongAdder otherPersists = new LongAdder();
    /** Segment headers (K0, C2) the media did not take, as the region reported right after the write. */
    private final LongAdder lostHeaders = new LongAdder();

    /**
     * @param tails when K2c runs ({@link KvOptions#laneTails}); only ever on byte-addressable media
     */
    Log(Path path, Region region, int segmentBytes, int laneCount, int notesBytes, LaneTails tails) {
        this.path = path;
        this.region = region;
        this.segmentBytes = segmentBytes;
        this.notesBytes = notesBytes;
        this.tornUnit = region.granularity() == Granularity.PAGE ? TORN_WRITE_UNIT : 0;
        this.tails = tornUnit == 0 ? tails : LaneTails.OFF;
        this.userLanes = laneCount;
        this.appendedAtLastAsk = new long[laneCount];
        this.lanes = new Lane[laneCount + 1];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(i);
        }
        this.laneOfThread = ThreadLocal.withInitial(() -> lanes[Math.floorMod(nextLane.getAndIncrement(), userLanes)]);
        this.table = new SegmentTable((Math.max(region.maxSize(), region.size()) - FIRST_SEGMENT_OFFSET) / segmentBytes);
    }

    private volatile Runnable sealListener = () -> { };

    /** Called (on the writer's thread) each time a lane seals a segment: the store starts its cleaner. */
    void onSeal(Runnable listener) {
        this.sealListener = listener;
    }

    /** The lane the log cleaner appends its copies to. */
    Lane cleanerLane() {
        return lanes[userLanes];
    }

    int segmentOf(long offset) {
        return (int) ((offset - FIRST_SEGMENT_OFFSET) / segmentBytes);
    }

    long segmentOffset(int segment) {
        return FIRST_SEGMENT_OFFSET + (long) segment * segmentBytes;
    }

    int segmentCount() {
        return (int) ((region.size() - FIRST_SEGMENT_OFFSET) / segmentBytes);
    }

    /** After recovery: where fresh segments start, which are free, and the counters to continue from. */
    void resume(int firstUnused, Iterable<Integer> free, long maxGeneration, long maxSequence) {
        nextUnusedSegment.set(firstUnused);
        for (int s : free) {
            freeSegments.add(s);
        }
        generations.set(maxGeneration);
        sequence.set(maxSequence);
    }

    /** The lane this thread appends to: sticky per thread, spread round-robin. */
    Lane laneForThread() {
        return laneOfThread.get();
    }

    /** Makes room for a record of {@code length} bytes in the lane (K0 when a new segment is needed). */
    void reserve(Lane lane, int length) {
        int need = align8(length);
        if (need > segmentBytes - notesBytes - firstRecordInSegment()) {
            throw new KvException(KvException.Code.INVALID_ARGUMENT, path,
                    "a record of " + length + " bytes does not fit in a " + segmentBytes
                            + "-byte segment; create the pool with a larger segment size");
        }
        if (lane.segment >= 0 && lane.tail + need <= lane.end) {
            return;
        }
        openNextSegment(lane);
    }

    /**
     * Seals the lane's segment, if it holds a record, and opens another (K0), as when a record does not
     * fit: the cleaner's lane before a pass in key order, so that the copies already in it are moved too.
     * Caller holds the lane lock.
     */
    void roll(Lane lane) {
        if (lane.segment >= 0 && lane.tail > segmentOffset(lane.segment) + firstRecordInSegment()) {
            openNextSegment(lane);
        }
    }

    /** K0: seals the lane's segment (if any) and opens a new one for it. Caller holds the lane lock. */
    private void openNextSegment(Lane lane) {
        ByteBuffer h = ByteBuffer.allocate(SEG_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        if (lane.segment >= 0) {
            // Buffered records at the end of the segment being left must not be forgotten by a later
            // sync(): persist them now (K2 for the old segment), so each lane's log stays a durable
            // prefix across its segments, and seal the segment for the cleaner.
            persistLane(lane);
            table.setState(lane.segment, SegmentTable.SEALED);
            sealListener.run();
            // The seal, in the next header (no write of its own): the old segment is durable below its
            // tail, so recovery can tell media damage in its last records from a crash-torn tail (BUG-5).
            h.putLong(SEG_SEAL_GENERATION_OFFSET, lane.generation);
            h.putLong(SEG_SEAL_END_OFFSET, lane.tail);
            h.putInt(SEG_SEAL_SEGMENT_OFFSET, lane.segment);
            CRC32C sc = new CRC32C();
            sc.update(h.array(), SEG_SEAL_GENERATION_OFFSET, SEG_SEAL_CHECKED_LENGTH);
            h.putInt(SEG_SEAL_CRC_OFFSET, (int) sc.getValue());
        }
        Integer reused = freeSegments.poll();
        int segment = reused != null ? reused : takeUnusedSegment();
        long at = segmentOffset(segment);
        // Nothing the segment holds is needed (never used, or freed by the cleaner: old generations that a
        // scan of the new one stops at, as it stops at zeros), and the lane writes it from the start: RUN
        // may start its blocks from zeros instead of reading each from the capacity file at the first store.
        region.discard(at, segmentBytes);
        if (reused == null) {
            allocateBlocks(segment);
        }
        long generation = generations.incrementAndGet();
        h.putInt(SEG_MAGIC_OFFSET, SEG_MAGIC);
        h.putInt(SEG_STATE_OFFSET, SEG_STATE_LIVE);
        h.putLong(SEG_GENERATION_OFFSET, generation);
        h.putInt(SEG_LANE_OFFSET, lane.id);
        CRC32C c = new CRC32C();
        c.update(h.array(), 0, SEG_CHECKED_LENGTH);
        h.putInt(SEG_CRC_OFFSET, (int) c.getValue());
        // Whatever a reused segment still holds carries an older generation, so a scan of this one
        // stops at the first byte not yet written in this generation: no need to clear it.
        region.write(at, h.array(), 0, SEG_HEADER_LENGTH);
        int first = firstRecordInSegment();
        if (first > SEG_HEADER_LENGTH) {
            // On a block device the header's unit is filled, so the first record's write cannot garble it.
            writePad(lane, at + SEG_HEADER_LENGTH, first - SEG_HEADER_LENGTH, generation, true, false);
        }
        region.persist(at, first);                                      // K0 open segment
        lane.persists++;
        if (notesBytes > 0 && region.writeMayHaveFailed(at, SEG_HEADER_LENGTH)) {
            lostHeaders.increment();    // recovery finds the generation in the records (Recovery#liveByItsRecords)
        }
        table.opened(segment, generation);
        lane.segment = segment;
        lane.generation = generation;
        lane.tail = at + first;
        lane.persistedUpTo = lane.tail;
        lane.end = at + segmentBytes - notesBytes;
        lane.notesTail = lane.end;
        lane.zerosAhead = reused == null && tornUnit > 0;
    }

    /** Where a segment's first record starts: after its header, in the next torn-write unit on a block device. */
    int firstRecordInSegment() {
        return Math.max(SEG_HEADER_LENGTH, tornUnit);
    }

    /** A segment never used before (growing the pool when none is left); the caller allocates its blocks. */
    private int takeUnusedSegment() {
        while (true) {
            int s = nextUnusedSegment.get();
            if (s < segmentCount()) {
                if (nextUnusedSegment.compareAndSet(s, s + 1)) {
                    prefault(s + 1);
                    return s;
                }
                continue;
            }
            grow();
        }
    }

    private static final byte[] ZEROS = new byte[256 * 1024];

    /**
     * On byte-addressable media, the never-used segment after the one just taken (the next a lane will
     * take) has its pages faulted in by a short-lived helper thread ({@link Region#prefault}), so the
     * writers who fill it do not stop at each new page: on tmpfs the page faults were 15 % of a durable
     * put's time (allocating and zeroing each 4 KiB page at its first store). Changes no byte; a segment
     * the helper has not reached yet is only written at the old cost. Only while a CPU is likely free
     * for the helper ({@link #spareCpu}): with as many writers as CPUs the helper only takes turns with
     * them, and two writers on two CPUs lost 4 % to it. Not on a block device, where
     * {@link #allocateBlocks} writes the segment's zeros itself and faulting pages in writable could
     * dirty pages for the next msync.
     */
    private void prefault(int segment) {
        if (tornUnit != 0 || segment >= segmentCount() || !spareCpu()) {
            return;
        }
        long at = segmentOffset(segment);
        Thread.ofVirtual().name("engram-prefault").start(() -> region.prefault(at, segmentBytes));
    }

    /**
     * Whether fewer user lanes appended since the last time this was asked (the previous segment taken)
     * than the machine has CPUs. Reads each lane's byte count racily, as the store's statistics do: a
     * heuristic, asked once per segment.
     */
    private synchronized boolean spareCpu() {
        int writing = 0;
        for (int i = 0; i < userLanes; i++) {
            long appended = lanes[i].bytesAppended;
            if (appended != appendedAtLastAsk[i]) {
                writing++;
                appendedAtLastAsk[i] = appended;
            }
        }
        return writing < CPUS;
    }

    /**
     * On a block device, writes zeros over a never-used segment (made durable by its K0), so that the
     * file system allocates its blocks once, here, and not one 4 KiB block per durable put: with the
     * torn-write padding each durable put starts a new block of a sparse file, and an fdatasync that
     * must also commit a block allocation to the file system's journal made the put 3-7x slower (ext4,
     * a loaded machine: bench/results/2026-11-22-crawl-pad). Freed segments keep their blocks.
     */
    private void allocateBlocks(int segment) {
        if (tornUnit == 0) {
            return;
        }
        long at = segmentOffset(segment);
        for (long done = 0; done < segmentBytes; done += ZEROS.length) {
            region.write(at + done, ZEROS, 0, (int) Math.min(ZEROS.length, segmentBytes - done));
        }
    }

    /** Online growth: a quarter more (at least one segment), bytes already written never move. */
    private void grow() {
        synchronized (growLock) {
            if (nextUnusedSegment.get() < segmentCount()) {
                return;
            }
            long size = region.size();
            long add = Math.max(segmentBytes, (size / 4) / segmentBytes * segmentBytes);
            long target = size + add;
            if (target > region.maxSize()) {
                target = FIRST_SEGMENT_OFFSET + (region.maxSize() - FIRST_SEGMENT_OFFSET) / segmentBytes * segmentBytes;
            }
            if (target <= size) {
                throw new KvException(KvException.Code.FULL, path,
                        "the pool is at its maximum size of " + region.maxSize() + " bytes; reopen it with a larger maxSize");
            }
            try {
                region.grow(target);
            } catch (RegionException e) {
                throw new KvException(KvException.Code.FULL, path, "cannot grow the pool: " + e.getMessage(), e);
            }
        }
    }

    /**
     * K1 (+ K2 when {@code durable}): writes {@code record[0, length)} at the lane's tail, whose CRC
     * field the caller left for this method to fill; returns the record's offset. Caller holds the lane lock.
     */
    long append(Lane lane, byte[] record, int length, boolean durable) {
        ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(REC_LENGTH_OFFSET, length);
        b.putInt(REC_GENERATION_OFFSET, (int) lane.generation);
        if (durable && lane.persistedUpTo < lane.tail) {
            // A durable write behind buffered ones: make those durable first (K2 for them), so this
            // record can say its whole prefix is durable and a later media fault in that prefix is
            // never mistaken for a crash-torn tail (which would drop this acknowledged record).
            persistLane(lane);
        }
        if (lane.persistedUpTo == lane.tail) {
            record[REC_FLAGS_OFFSET] |= FLAG_PREFIX_DURABLE;
        } else {
            record[REC_FLAGS_OFFSET] &= (byte) ~FLAG_PREFIX_DURABLE;
        }
        CRC32C c = new CRC32C();
        c.update(record, 4, length - 4);
        b.putInt(REC_CRC_OFFSET, (int) c.getValue());
        long at = lane.tail;
        int padded = align8(length);
        if (durable && tornUnit > 0 && padded < tornUnit) {
            writeWithPad(lane, at, record, length, padded);     // K1 with K2's PAD: one write
        } else {
            region.write(at, record, 0, length);
            lane.tail = at + padded;
            lane.bytesAppended += padded;
        }
        boolean lost = notesBytes > 0 && region.writeMayHaveFailed(at, length);
        long seq = b.getLong(REC_SEQ_OFFSET);
        table.noteSeq(lane.segment, seq);
        table.lastRecord(lane.segment, at, seq);
        if (durable) {
            persistLane(lane);                                          // K2 persist (and K2c)
        }
        if (lost) {
            noteLoss(lane, at, record, length);
        }
        return at;
    }

    /**
     * K1n + K2n: the media did not take the record at {@code at} (a dead line or stuck bit under it, as
     * the region reports right after the write), so a key of it may not be readable from the log after
     * a restart, not even as damage (a dead line over its header or key). Before the write is
     * acknowledged, one media note per key goes to the segment's notes area and is persisted, past any
     * note the media did not take either; recovery indexes each noted key as a version that reads
     * MEDIA. The record stays where it is (the index points at it, and reads of it fail their checksum
     * with MEDIA, as without the note). In buffered mode the note is persisted before the record: after
     * a crash that loses the record, its key reads MEDIA rather than its previous value. With no room
     * left in the notes area the write fails with MEDIA and is not applied. Caller holds the lane lock.
     */
    private void noteLoss(Lane lane, long at, byte[] record, int length) {
        lane.lostRecords++;
        ByteBuffer b = ByteBuffer.wrap(record, 0, length).order(ByteOrder.LITTLE_ENDIAN);
        byte type = record[REC_TYPE_OFFSET];
        if (type == TYPE_PUT || type == TYPE_DELETE) {
            int keyLength = b.getInt(REC_KEY_LENGTH_OFFSET);
            writeNote(lane, at, record, length, REC_HEADER_LENGTH, keyLength, b.getInt(REC_VALUE_LENGTH_OFFSET), type);
        } else if (type == TYPE_BATCH) {
            int pos = REC_HEADER_LENGTH;
            for (int i = 0; i < b.getInt(REC_KEY_LENGTH_OFFSET); i++) {
                int kl = b.getInt(pos + ENTRY_KEY_LENGTH_OFFSET);
                int vl = b.getInt(pos + ENTRY_VALUE_LENGTH_OFFSET);
                writeNote(lane, at, record, length, pos + ENTRY_HEADER_LENGTH, kl, vl, record[pos + ENTRY_TYPE_OFFSET]);
                pos = align8(pos + ENTRY_HEADER_LENGTH + kl + vl);
            }
        }
    }

    /** One media note for the key at {@code record[keyAt, keyAt + keyLength)}; see {@link #noteLoss}. */
    private void writeNote(Lane lane, long at, byte[] record, int length, int keyAt, int keyLength, int valueLength,
                           byte entryType) {
        int noteLength = REC_HEADER_LENGTH + keyLength + NOTE_BODY_LENGTH;
        if (lane.note.length < noteLength) {
            lane.note = new byte[Math.max(noteLength, 2 * lane.note.length)];
        }
        byte[] note = lane.note;
        java.util.Arrays.fill(note, 0, noteLength, (byte) 0);
        ByteBuffer n = ByteBuffer.wrap(note).order(ByteOrder.LITTLE_ENDIAN);
        n.putInt(REC_LENGTH_OFFSET, noteLength);
        n.putLong(REC_SEQ_OFFSET, ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN).getLong(REC_SEQ_OFFSET));
        n.putInt(REC_GENERATION_OFFSET, (int) lane.generation);
        note[REC_TYPE_OFFSET] = TYPE_NOTE;
        n.putInt(REC_KEY_LENGTH_OFFSET, keyLength);
        n.putInt(REC_VALUE_LENGTH_OFFSET, NOTE_BODY_LENGTH);
        System.arraycopy(record, keyAt, note, REC_HEADER_LENGTH, keyLength);
        int body = REC_HEADER_LENGTH + keyLength;
        n.putLong(body + NOTE_RECORD_OFFSET_OFFSET, at);
        n.putInt(body + NOTE_RECORD_LENGTH_OFFSET, length);
        n.putInt(body + NOTE_VALUE_DELTA_OFFSET, keyAt + keyLength);
        n.putInt(body + NOTE_VALUE_LENGTH_OFFSET, valueLength);
        note[body + NOTE_ENTRY_TYPE_OFFSET] = entryType;
        CRC32C c = new CRC32C();
        c.update(note, 4, noteLength - 4);
        n.putInt(REC_CRC_OFFSET, (int) c.getValue());
        long notesEnd = lane.end + notesBytes;
        while (lane.notesTail + noteLength <= notesEnd) {
            long noteAt = lane.notesTail;
            lane.notesTail += align8(noteLength);
            region.write(noteAt, note, 0, noteLength);
            region.persist(noteAt, noteLength);                         // K2n note persist
            lane.persists++;
            if (!region.writeMayHaveFailed(noteAt, noteLength)) {
                return;
            }
        }
        throw new KvException(KvException.Code.MEDIA, path, "the record at offset " + at + " is on media that did not"
                + " take it, and its segment's notes area is full: the write is not applied");
    }

    /**
     * Persists the lane's bytes not yet durable (its buffered records). Caller holds the lane lock. On a
     * block device the persisted run is first padded to a torn-write unit boundary (see the class comment).
     */
    void persistLane(Lane lane) {
        if (lane.segment >= 0 && lane.tail > lane.persistedUpTo) {
            if (tornUnit > 0) {
                padToUnit(lane);
            }
            region.persist(lane.persistedUpTo, lane.tail - lane.persistedUpTo);
            lane.persists++;
            lane.persistedUpTo = lane.tail;
            if (tails == LaneTails.EVERY_PERSIST) {
                commitTail(lane);
            } else if (tails == LaneTails.BACKGROUND) {
                lane.tailDue = true;
            }
        }
    }

    /**
     * K2c for every lane whose last persist no committed tail covers ({@link LaneTails#BACKGROUND}): by
     * the store's background agent ({@code wait} false: a lane whose writer holds its lock is skipped and
     * tried again the next round, about 100 ms later; a durable record the writer persists meanwhile
     * vouches for the ones before it), and by {@code sync()} ({@code wait} true).
     */
    void commitDueTails(boolean wait) {
        if (tails != LaneTails.BACKGROUND) {
            return;
        }
        for (Lane lane : lanes) {
            if (wait) {
                lane.lock.lock();
            } else if (!lane.lock.tryLock()) {
                continue;
            }
            try {
                commitTailIfDue(lane);
            } finally {
                lane.lock.unlock();
            }
        }
    }

    /** K2c for the lane when its tail is due ({@link LaneTails#BACKGROUND}). Caller holds the lane lock. */
    void commitTailIfDue(Lane lane) {
        if (lane.tailDue) {
            commitTail(lane);
        }
    }

    /** When K2c runs here: as the store asked, or {@link LaneTails#OFF} on a block device. */
    LaneTails laneTails() {
        return tails;
    }

    /** How many lanes have records persisted that no committed tail covers yet (each read under its lock). */
    int tailsDue() {
        int due = 0;
        for (Lane lane : lanes) {
            lane.lock.lock();
            try {
                due += lane.tailDue ? 1 : 0;
            } finally {
                lane.lock.unlock();
            }
        }
        return due;
    }

    /**
     * K2c commit tail (format 1.4): stores in the lane's slot the segment and the offset below which K2
     * just persisted it, and persists the slot: after K2 and before the write is acknowledged (K3) with
     * {@link LaneTails#EVERY_PERSIST}, the default; later with {@link LaneTails#BACKGROUND}. So every
     * acknowledged record lies below a durable lane tail, and recovery can tell media damage in a
     * lane's last records (no later record or seal vouches for them) from a crash-torn tail: a torn
     * record was never persisted, so no slot covers it. A crash while the slot is written leaves its
     * checksum failing (two 8-byte stores; on a block device, a garbled sector): no tail is known, as
     * before 1.4. The slot is only a proof of durability, never needed to read the log.
     *
     * <p>Only on byte-addressable media (WALK with libpmem, RUN): it costs a second flush + drain per
     * persist (for a durable put on WALK: measured in docs/durability.md); on a block device that is a
     * second fdatasync (a durable put on CRAWL took about 3x as long with it), and the damage it tells
     * apart is a byte-addressable medium's: a disk or SSD does not return silently flipped bits but
     * fails the read of a sector its ECC cannot correct (an I/O error, never data).
     */
    private void commitTail(Lane lane) {
        byte[] slot = lane.tailSlot;
        ByteBuffer b = lane.tailSlotView;
        b.putInt(LANE_TAIL_GENERATION_OFFSET, (int) lane.generation);
        b.putInt(LANE_TAIL_SEGMENT_OFFSET, lane.segment);
        b.putInt(LANE_TAIL_END_OFFSET, (int) (lane.persistedUpTo - segmentOffset(lane.segment)));
        CRC32C c = lane.tailSlotCrc;
        c.reset();
        c.update(slot, 0, LANE_TAIL_CHECKED_LENGTH);
        b.putInt(LANE_TAIL_CRC_OFFSET, (int) c.getValue());
        long at = laneTailOffset(lane.id);
        region.write(at, slot, 0, LANE_TAIL_LENGTH);
        region.persist(at, LANE_TAIL_LENGTH);                           // K2c commit tail
        lane.persists++;
        lane.tailDue = false;
    }

    /**
     * Where a PAD from {@code tail} ends: the next torn-write unit boundary (the one after when less than
     * a record header is left), or the segment's end. {@code tail} itself when it is on a boundary.
     */
    private long unitEnd(Lane lane, long tail) {
        long boundary = (tail + tornUnit - 1) / tornUnit * tornUnit;
        if (boundary - tail > 0 && boundary - tail < REC_HEADER_LENGTH) {
            boundary += tornUnit;
        }
        return Math.min(boundary, lane.end);
    }

    /**
     * Fills the lane's tail to {@link #unitEnd} with a PAD record; a segment with less than a record
     * header left needs none, as no record can start there.
     */
    private void padToUnit(Lane lane) {
        long boundary = unitEnd(lane, lane.tail);
        if (boundary - lane.tail >= REC_HEADER_LENGTH) {
            writePad(lane, lane.tail, (int) (boundary - lane.tail), lane.generation, lane.persistedUpTo == lane.tail,
                    lane.zerosAhead);
            lane.bytesAppended += boundary - lane.tail;
        }
        lane.tail = boundary;
    }

    /**
     * K1 for a durable record on a block device ({@code padded} under one unit), written together with
     * the PAD that K2 puts after it: the record, zeros to its 8-byte end, then the PAD to
     * {@link #unitEnd} (its header only when the lane has {@link Lane#zerosAhead}), in one write instead
     * of two (on tmpfs the PAD's own write was over a third of a CRAWL put's time). K2's
     * {@link #persistLane} then finds the tail on its boundary and pads nothing. The PAD does not say
     * its prefix is durable: the record before it is not, yet.
     */
    private void writeWithPad(Lane lane, long at, byte[] record, int length, int padded) {
        long boundary = unitEnd(lane, at + padded);
        int padLength = (int) (boundary - at - padded);
        byte[] unit = unitBuffer(lane, padded + padLength);
        System.arraycopy(record, 0, unit, 0, length);
        int written = padded;
        if (padLength >= REC_HEADER_LENGTH) {
            written += composePad(unit, padded, padLength, lane.generation, false, lane.zerosAhead);
            lane.tail = boundary;
        } else {
            lane.tail = at + padded;       // no room for a PAD before the segment's end: persistLane pads nothing either
        }
        region.write(at, unit, 0, written);
        Arrays.fill(unit, 0, padded + REC_HEADER_LENGTH, (byte) 0);
        lane.bytesAppended += lane.tail - at;
    }

    /** K1 for a PAD record of {@code length} bytes at {@code at} (format 1.3); see {@link #composePad}. */
    private void writePad(Lane lane, long at, int length, long generation, boolean prefixDurable, boolean zerosAhead) {
        byte[] unit = unitBuffer(lane, length);
        region.write(at, unit, 0, composePad(unit, 0, length, generation, prefixDurable, zerosAhead));
        Arrays.fill(unit, 0, REC_HEADER_LENGTH, (byte) 0);
    }

    /**
     * The lane's {@link Lane#unit}, at least {@code bytes} long: a record under one unit and a PAD of at
     * most a unit and a header ({@link #unitEnd}) fit the size it starts with.
     */
    private byte[] unitBuffer(Lane lane, int bytes) {
        if (lane.unit == null || lane.unit.length < bytes) {
            lane.unit = new byte[Math.max(bytes, 2 * tornUnit + REC_HEADER_LENGTH)];
        }
        return lane.unit;
    }

    /**
     * Writes a PAD record's header at {@code buffer[at]}, whose {@code length - REC_HEADER_LENGTH} bytes
     * after the header must be zero, and returns how many of its bytes to write: the header only when
     * the media already holds the zeros ({@code zerosAhead}, see {@link Lane#zerosAhead}), else all.
     */
    private static int composePad(byte[] buffer, int at, int length, long generation, boolean prefixDurable,
                                  boolean zerosAhead) {
        ByteBuffer b = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(at + REC_LENGTH_OFFSET, length);
        b.putLong(at + REC_SEQ_OFFSET, 0);
        b.putInt(at + REC_GENERATION_OFFSET, (int) generation);
        buffer[at + REC_TYPE_OFFSET] = TYPE_PAD;
        buffer[at + REC_FLAGS_OFFSET] = prefixDurable ? FLAG_PREFIX_DURABLE : 0;
        CRC32C c = new CRC32C();
        c.update(buffer, at + 4, length - 4);
        b.putInt(at + REC_CRC_OFFSET, (int) c.getValue());
        return zerosAhead ? REC_HEADER_LENGTH : length;
    }

    /** Makes every buffered record durable (K2 for all lanes). */
    void syncAll() {
        for (Lane lane : lanes) {
            lane.lock.lock();
            try {
                persistLane(lane);
            } finally {
                lane.lock.unlock();
            }
        }
    }

    /**
     * C2 free: marks a cleaned segment FREE on media (one persisted header) and hands it back for reuse.
     * Every record it held that still mattered was copied and persisted first (C1). A header torn by a
     * crash here fails its checksum, which recovery also reads as free; an intact old header keeps the
     * segment live, and recovery then sees each copied record twice and keeps the higher SEQ.
     */
    void free(int segment) {
        long at = segmentOffset(segment);
        ByteBuffer h = ByteBuffer.allocate(SEG_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(SEG_MAGIC_OFFSET, SEG_MAGIC);
        h.putInt(SEG_STATE_OFFSET, SEG_STATE_FREE);
        long generation = generations.incrementAndGet();
        h.putLong(SEG_GENERATION_OFFSET, generation);
        h.putInt(SEG_LANE_OFFSET, -1);
        CRC32C c = new CRC32C();
        c.update(h.array(), 0, SEG_CHECKED_LENGTH);
        h.putInt(SEG_CRC_OFFSET, (int) c.getValue());
        region.write(at, h.array(), 0, SEG_HEADER_LENGTH);
        region.persist(at, SEG_HEADER_LENGTH);                          // C2 free
        otherPersists.increment();
        if (notesBytes > 0 && region.writeMayHaveFailed(at, SEG_HEADER_LENGTH)) {
            // The media did not take the FREE header: on media the segment still reads LIVE (or, under a
            // dead header, live by its records' generation), so it must never be reused. It stays in the
            // log, damaged (the cleaner passes it over), and keeps counting for the tombstones' rule.
            lostHeaders.increment();
            table.setState(segment, SegmentTable.SEALED);
            table.markDamaged(segment);
            return;
        }
        table.setState(segment, SegmentTable.FREE);
        table.setGeneration(segment, generation);
        freeSegments.add(segment);
    }

    long maxGeneration() {
        return generations.get();
    }

    int freeSegmentCount() {
        return freeSegments.size();
    }

    /** Log bytes appended since open, over all lanes (racy reads of each lane's count: statistics). */
    long bytesAppended() {
        return sumOverLanes(lane -> lane.bytesAppended);
    }

    /** Records and segment headers the media did not take since open (see {@link #noteLoss}, {@link #free}). */
    long lostWrites() {
        return lostHeaders.sum() + sumOverLanes(lane -> lane.lostRecords);
    }

    /** Flush + drain calls issued by the log since open. */
    long persists() {
        return otherPersists.sum() + sumOverLanes(lane -> lane.persists);
    }

    /** Key and value bytes the user asked to write since open (counted by the writers, per lane). */
    long userBytes() {
        return sumOverLanes(lane -> lane.userBytes);
    }

    private long sumOverLanes(java.util.function.ToLongFunction<Lane> count) {
        long sum = 0;
        for (Lane lane : lanes) {
            sum += count.applyAsLong(lane);
        }
        return sum;
    }

    int segmentsHandedOut() {
        return nextUnusedSegment.get();
    }

    /** Bytes of log in use: every segment handed out, in full. */
    long bytesInSegments() {
        return (long) (nextUnusedSegment.get() - freeSegments.size()) * segmentBytes;
    }
}
