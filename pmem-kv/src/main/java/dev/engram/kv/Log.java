package dev.engram.kv;

import dev.engram.region.Granularity;
import dev.engram.region.Region;
import dev.engram.region.RegionException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
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
 *   <li>K3 publish: only after K2 returns does the index point at the record, so a reader never sees
 *       a durable-mode write that could still be lost.</li>
 * </ol>
 * On a block device (a region of {@link Granularity#PAGE}: CRAWL, or WALK persisting by msync) a
 * power failure may garble every sector written since the last sync, not only the new bytes in it.
 * So K0 and K2 end what they persist at a {@link PoolFormat#TORN_WRITE_UNIT} boundary, filling the
 * rest of the unit with a PAD record, and the next append starts in a fresh unit: a unit that holds
 * durable records is never written again in its segment's generation (BUG-1).
 * No separate commit word is needed: the record's checksum is its commit. In a lane every record
 * before a durable one was persisted with it, so no acknowledged record can follow a torn one; recovery
 * ends a segment's log at a record that fails validation unless a later PREFIX_DURABLE record or the
 * segment's seal (written by K0 of the lane's next segment) proves it was whole once (media damage).
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
        /** A PAD record's bytes: its header, then zeros (allocated when the lane first pads). */
        byte[] pad;
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
    /** The writers' lanes, then the cleaner's own lane (last), so copies never wait behind user appends. */
    final Lane[] lanes;
    private final int userLanes;
    final SegmentTable table;
    private final AtomicInteger nextLane = new AtomicInteger();
    private static final ThreadLocal<int[]> LANE_OF_THREAD = ThreadLocal.withInitial(() -> new int[]{-1});

    private final ConcurrentLinkedDeque<Integer> freeSegments = new ConcurrentLinkedDeque<>();
    private final AtomicInteger nextUnusedSegment = new AtomicInteger();
    private final AtomicLong generations = new AtomicLong();
    final AtomicLong sequence = new AtomicLong();
    private final Object growLock = new Object();

    /** Persists issued outside a lane's lock (C2 frees); the lanes count their own. */
    private final LongAdder otherPersists = new LongAdder();

    Log(Path path, Region region, int segmentBytes, int laneCount) {
        this.path = path;
        this.region = region;
        this.segmentBytes = segmentBytes;
        this.tornUnit = region.granularity() == Granularity.PAGE ? TORN_WRITE_UNIT : 0;
        this.userLanes = laneCount;
        this.lanes = new Lane[laneCount + 1];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(i);
        }
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
        int[] mine = LANE_OF_THREAD.get();
        if (mine[0] < 0 || mine[0] >= userLanes) {
            mine[0] = Math.floorMod(nextLane.getAndIncrement(), userLanes);
        }
        return lanes[mine[0]];
    }

    /** Makes room for a record of {@code length} bytes in the lane (K0 when a new segment is needed). */
    void reserve(Lane lane, int length) {
        int need = align8(length);
        if (need > segmentBytes - firstRecordInSegment()) {
            throw new KvException(KvException.Code.INVALID_ARGUMENT, path,
                    "a record of " + length + " bytes does not fit in a " + segmentBytes
                            + "-byte segment; create the pool with a larger segment size");
        }
        if (lane.segment >= 0 && lane.tail + need <= lane.end) {
            return;
        }
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
        int segment = takeSegment();
        long at = segmentOffset(segment);
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
            writePad(lane, at + SEG_HEADER_LENGTH, first - SEG_HEADER_LENGTH, generation, true);
        }
        region.persist(at, first);                                      // K0 open segment
        lane.persists++;
        table.opened(segment, generation);
        lane.segment = segment;
        lane.generation = generation;
        lane.tail = at + first;
        lane.persistedUpTo = lane.tail;
        lane.end = at + segmentBytes;
    }

    /** Where a segment's first record starts: after its header, in the next torn-write unit on a block device. */
    int firstRecordInSegment() {
        return Math.max(SEG_HEADER_LENGTH, tornUnit);
    }

    private int takeSegment() {
        Integer free = freeSegments.poll();
        if (free != null) {
            return free;
        }
        while (true) {
            int s = nextUnusedSegment.get();
            if (s < segmentCount()) {
                if (nextUnusedSegment.compareAndSet(s, s + 1)) {
                    allocateBlocks(s);
                    return s;
                }
                continue;
            }
            grow();
        }
    }

    private static final byte[] ZEROS = new byte[256 * 1024];

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
        region.write(at, record, 0, length);
        lane.tail = at + padded;
        long seq = b.getLong(REC_SEQ_OFFSET);
        table.noteSeq(lane.segment, seq);
        table.lastRecord(lane.segment, at, seq);
        lane.bytesAppended += padded;
        if (durable) {
            persistLane(lane);                                          // K2 persist
        }
        return at;
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
        }
    }

    /**
     * Fills the lane's tail to the next torn-write unit boundary with a PAD record (to the one after
     * when less than a record header is left), or to the segment's end; a segment with less than a
     * record header left needs none, as no record can start there.
     */
    private void padToUnit(Lane lane) {
        long boundary = (lane.tail + tornUnit - 1) / tornUnit * tornUnit;
        if (boundary - lane.tail > 0 && boundary - lane.tail < REC_HEADER_LENGTH) {
            boundary += tornUnit;
        }
        boundary = Math.min(boundary, lane.end);
        if (boundary - lane.tail >= REC_HEADER_LENGTH) {
            writePad(lane, lane.tail, (int) (boundary - lane.tail), lane.generation, lane.persistedUpTo == lane.tail);
            lane.bytesAppended += boundary - lane.tail;
        }
        lane.tail = boundary;
    }

    /** K1 for a PAD record of {@code length} bytes at {@code at} (format 1.3). */
    private void writePad(Lane lane, long at, int length, long generation, boolean prefixDurable) {
        if (lane.pad == null || lane.pad.length < length) {
            lane.pad = new byte[Math.max(length, 2 * tornUnit)];
        }
        byte[] pad = lane.pad;
        ByteBuffer b = ByteBuffer.wrap(pad).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(REC_LENGTH_OFFSET, length);
        b.putLong(REC_SEQ_OFFSET, 0);
        b.putInt(REC_GENERATION_OFFSET, (int) generation);
        pad[REC_TYPE_OFFSET] = TYPE_PAD;
        pad[REC_FLAGS_OFFSET] = prefixDurable ? FLAG_PREFIX_DURABLE : 0;
        CRC32C c = new CRC32C();
        c.update(pad, 4, length - 4);
        b.putInt(REC_CRC_OFFSET, (int) c.getValue());
        region.write(at, pad, 0, length);
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
