package dev.engram.kv;

import org.agrona.concurrent.Agent;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

import static dev.engram.kv.PoolFormat.*;

/**
 * The log cleaner: reclaims segments whose records are mostly dead (overwritten or deleted) while the
 * store serves traffic. It runs on demand ({@link KvStore#compact()}) and as an Agrona agent in the
 * background once the log has sealed segments (from the open with {@link LaneTails#BACKGROUND}: the
 * agent's duty cycle also commits the lanes' tails, K2c, that durable writes left due).
 *
 * <h2>Cleaning one segment (C0–C2)</h2>
 * <ol>
 *   <li>C0 copy: each record of the segment is checked, under its key's stripe lock, against the index.
 *       A live version (the index's newest entry points at it) is appended again to the cleaner's own
 *       lane with a new SEQ, so in recovery the copy outranks the original; the index then points at the
 *       copy (same logical sequence, so snapshots see no change). A tombstone is copied, keeping its SEQ,
 *       only while an older version of its key may still lie in another live segment (below); other
 *       records are dead and dropped.</li>
 *   <li>C1 persist: the cleaner lane is persisted, so every copy is durable before its original can go.</li>
 *   <li>C2p: every lane's buffered records are made durable: the newer versions that made this segment's
 *       dropped records dead may still be buffered, and must not be lost with the segment.</li>
 *   <li>C2 free: the segment's header is rewritten FREE and persisted ({@link Log#free}); the segment is
 *       reused by later appends. While a snapshot older than the cleaning is open it may still read old
 *       versions in the segment, so the free waits (state RETIRED) until those snapshots are released.</li>
 * </ol>
 * A crash before C2 leaves the original and the copy both live: recovery keeps the higher SEQ, the same
 * value. A reader that looked a key up before C0 and reads after the segment was reused finds another
 * SEQ (or a bad checksum) at its offset, looks the key up again and reads the copy.
 *
 * <h2>The tombstone rule</h2>
 * A tombstone with SEQ t may be dropped only if no other live segment can hold a version of its key
 * older than t. Every version older than t has a SEQ below t, and copies of live versions get fresh,
 * higher SEQs; so if every other segment's smallest SEQ is above t, nothing is left for the tombstone to
 * hide. Otherwise it is copied forward. Segments are cleaned one at a time, so a dropped tombstone and
 * the older versions it hid vanish in the same C2.
 *
 * <h2>Key order in the background (sorted engine)</h2>
 * An ordered scan of a log written in random order reads one random record per key; after {@link
 * #compactInKeyOrder} it reads the log front to back. Each round the duty cycle decides whether such a
 * pass is due ({@link #keyOrderDue}), and a due pass goes before the round's cleaning:
 * <ol>
 *   <li>the store holds at least {@link #KEY_ORDER_MIN_KEYS} keys (smaller logs are cheap to scan in any
 *       order) and the pool can take a copy of the live data without passing its maximum size;</li>
 *   <li>either no user write came for {@link #KEY_ORDER_QUIET_NANOS} and the periodic cleaning has
 *       nothing to do (after a first pass since open, only once users wrote as much as the live log
 *       again), or users wrote {@link #KEY_ORDER_BUSY_FACTOR} times the live log since the last pass
 *       (or since a sample found the log in order): a bulk load is not slowed by passes, and each pass
 *       after the first since open copies at most as much as users wrote since the one before. The busy
 *       rule does not wait for the cleaning: under steady overwrites the cleaning always has a segment
 *       to clean, and a pass that waited for it never ran (a one-core run of {@code
 *       KvConcurrentStressTest} saw no pass in 3 s, CI none in 30 s). A pass cleans the segments it
 *       copied from itself, so the cleaning it goes before has less to copy;</li>
 *   <li>a sample says the log is out of order ({@link #sequentialShare}): from a few random live keys
 *       (taken from the index's hash table), {@link #KEY_ORDER_STEPS} steps in key order each, the
 *       share of steps whose record starts within {@link #NEAR_BYTES} after the end of the record before
 *       is under {@link #KEY_ORDER_MIN_SEQUENTIAL}. A log found in order is sampled again only after
 *       more writes (by the busy rule, after users wrote the factor times the live log again).</li>
 * </ol>
 * The pass is {@link #compactInKeyOrder} without the skip-list rebuild that {@link
 * KvStore#compactInKeyOrder()} adds, so writers never wait for all the stripes. {@link #stop} (closing
 * the store) ends it between two keys: the values moved so far are persisted (C1) and stay moved, their
 * source segments are left to the periodic cleaning.
 */
final class Cleaner implements Agent {

    /** Background cleaning starts when at least this many segments hold log. */
    static final int AUTO_MIN_SEGMENTS = 4;

    /** Key order in the background (class comment): no pass below this many keys. */
    static final long KEY_ORDER_MIN_KEYS = 1 << 16;
    /** ... or until no write came for this long, */
    static final long KEY_ORDER_QUIET_NANOS = 1_000_000_000L;
    /** The lane tails' pace inside a long round: the agent's sleep between rounds (KvStore's idle strategy). */
    static final long TAIL_ROUND_NANOS = 100_000_000L;
    /** ... or users wrote this many times the live log since the last pass. */
    static final int KEY_ORDER_BUSY_FACTOR = 4;
    /** The sample: this many start keys, */
    static final int KEY_ORDER_STARTS = 8;
    /** ... this many steps in key order from each, */
    static final int KEY_ORDER_STEPS = 128;
    /** ... a step sequential when its record starts at most this far after the end of the record before; */
    static final int NEAR_BYTES = 4096;
    /** ... and a pass due when under this share of the steps is sequential. */
    static final double KEY_ORDER_MIN_SEQUENTIAL = 0.5;

    private final KvStore store;
    private final Log log;
    private final Index index;
    private final double autoLiveRatio;
    /** One cleaning at a time; {@link KvStore#check()} holds it too, so it never sees a half-moved log. */
    final ReentrantLock lock = new ReentrantLock();
    /** Cleaned segments waiting for older snapshots: {segment, sequence when cleaned}. Guarded by lock. */
    private final ArrayDeque<long[]> retired = new ArrayDeque<>();
    private byte[] segmentBuffer = new byte[0];

    // Key order in the background (class comment); confined to the cleaner thread but the counters.
    private final boolean autoKeyOrder;
    /** {@link #KEY_ORDER_MIN_KEYS} and {@link #KEY_ORDER_QUIET_NANOS}, smaller in tests. */
    volatile long keyOrderMinKeys = KEY_ORDER_MIN_KEYS;
    volatile long keyOrderQuietNanos = KEY_ORDER_QUIET_NANOS;
    /** {@link Log#userBytes} when the duty cycle saw it change, and when that was. */
    private long userBytesSeen;
    private long lastWriteNanos = System.nanoTime();
    /** {@link Log#userBytes} when the last pass began (guarded by lock), or -1 when none since open. */
    private long userBytesAtPass = -1;
    /** {@link Log#userBytes} when the last sample found the log in order, or -1. */
    private long userBytesInOrder = -1;
    private volatile boolean stopping;
    private volatile long keyOrderPasses;
    /** When the duty cycle last committed the due lane tails ({@link #tailsRound}). */
    private long tailsCommittedNanos = System.nanoTime() - TAIL_ROUND_NANOS;

    // Totals since open, guarded by lock.
    private long segmentsCleaned;
    private long segmentsFreed;
    private long recordsCopied;
    private long valuesCompressed;
    private long bytesCopied;
    private long tombstonesDropped;
    private volatile boolean failureReported;

    Cleaner(KvStore store, Log log, Index index, double autoLiveRatio, boolean autoKeyOrder) {
        this.store = store;
        this.log = log;
        this.index = index;
        this.autoLiveRatio = autoLiveRatio;
        this.autoKeyOrder = autoKeyOrder && index instanceof Index.Sorted;
    }

    /** Ends a background pass in key order between two keys (the store is closing). */
    void stop() {
        stopping = true;
    }

    /** Passes in key order since open that ran to the end, background and {@link KvStore#compactInKeyOrder()}. */
    long keyOrderPasses() {
        return keyOrderPasses;
    }

    /** The log bytes an index entry keeps live: its record, or its share of a BATCH record. */
    static long charge(byte[] key, Entry e) {
        return charge(key.length, e.recordOffset, e.recordLength, e.valueOffset, e.valueLength);
    }

    static long charge(int keyLength, long recordOffset, int recordLength, long valueOffset, int valueLength) {
        return Entry.single(keyLength, recordOffset, recordLength, valueOffset, valueLength) ? align8(recordLength)
                : align8(ENTRY_HEADER_LENGTH + keyLength + valueLength);
    }

    /** What records can fill of a segment: not its header, nor on block devices the rest of the header's 4 KiB unit. */
    private long payloadBytes() {
        return log.segmentBytes - log.firstRecordInSegment();
    }

    // ------------------------------------------------------------------ policy

    /**
     * Cleans every sealed segment whose live share is at most {@code maxLiveRatio}, emptiest first, and
     * frees what released snapshots allow.
     */
    CompactionReport compact(double maxLiveRatio) {
        lock.lock();
        try {
            Totals before = new Totals();
            for (int s : candidates(maxLiveRatio)) {
                store.checkOpen();
                clean(s);
            }
            freeRetired();
            return before.report();
        } finally {
            lock.unlock();
        }
    }

    /** The totals when a compaction began, so that its report counts only its own work. Caller holds lock. */
    private final class Totals {
        private final long cleaned = segmentsCleaned;
        private final long freed = segmentsFreed;
        private final long records = recordsCopied;
        private final long bytes = bytesCopied;
        private final long dropped = tombstonesDropped;
        private final long compressed = valuesCompressed;
        private final long logBytes = log.bytesInSegments();

        CompactionReport report() {
            return new CompactionReport(segmentsCleaned - cleaned, segmentsFreed - freed, recordsCopied - records,
                    bytesCopied - bytes, tombstonesDropped - dropped, valuesCompressed - compressed, retired.size(),
                    logBytes, log.bytesInSegments());
        }
    }

    /**
     * Rewrites every live version in key order (class comment), then cleans the segments they came from.
     * Needs free space for a copy of the live data (the pool grows into it as appends do). Versions whose
     * record fails verification stay where they are, and so does their segment.
     */
    CompactionReport compactInKeyOrder(Iterator<Map.Entry<byte[], Entry>> inKeyOrder) {
        return compactInKeyOrder(inKeyOrder, false);
    }

    /** {@link #compactInKeyOrder(Iterator)}; a background pass ends early at {@link #stop} (class comment). */
    CompactionReport compactInKeyOrder(Iterator<Map.Entry<byte[], Entry>> inKeyOrder, boolean background) {
        lock.lock();
        try {
            Totals before = new Totals();
            userBytesAtPass = log.userBytes();     // also when the pass fails: the next waits for more writes
            int handedOut = log.segmentsHandedOut();
            boolean[] source = new boolean[handedOut];
            for (int s = 0; s < handedOut; s++) {
                int state = log.table.state(s);
                source[s] = state == SegmentTable.SEALED || state == SegmentTable.OPEN;
            }
            Log.Lane lane = log.cleanerLane();
            lane.lock.lock();
            try {
                log.roll(lane);                   // earlier copies in its segment (a cleaning's) are moved too
            } finally {
                lane.lock.unlock();
            }
            if (lane.segment >= 0 && lane.segment < handedOut) {   // a segment newly handed out is no source
                source[lane.segment] = false;     // the copies go there first: cleaning it would move them again
            }
            long[] durableEnd = durableEnds(handedOut);
            RecordBuffer buffer = new RecordBuffer();
            boolean stopped = false;
            while (inKeyOrder.hasNext()) {
                store.checkOpen();
                if (background && stopping) {
                    stopped = true;
                    break;
                }
                if (background) {
                    tailsRound(false);           // a pass over a large store lasts seconds: keep the tails' pace
                }
                moveInOrder(inKeyOrder.next().getKey(), source, durableEnd, buffer);
            }
            persistCopies();                                            // C1 persist
            for (int s = 0; s < handedOut && !stopped; s++) {
                if (source[s]) {
                    store.checkOpen();
                    if (background) {
                        tailsRound(false);
                    }
                    clean(s);                                           // only SEALED ones: clean() checks
                }
            }
            freeRetired();
            if (!stopped) {
                keyOrderPasses++;                                       // written under lock only
            }
            return before.report();
        } finally {
            lock.unlock();
        }
    }

    /**
     * C0p for a pass in key order, whose sources include the user lanes' open segments: makes every
     * lane's buffered records durable ({@link Log#syncAll}, K2 for each), then returns, per segment,
     * the offset below which its records are durable: the lane's persisted end for an open segment,
     * everything for a sealed one (its lane persisted it before leaving it, K0). A copy gets a SEQ that
     * outranks every write before it, so a copy of a record not yet durable could survive a crash that
     * loses the original and the buffered writes before it: a later write present without earlier ones
     * (buffered mode recovers a prefix of each lane's writes, docs/durability.md). The pass copies only
     * durable records; what a writer appends while it runs stays where it is.
     */
    private long[] durableEnds(int handedOut) {
        log.syncAll();                                                  // C0p
        long[] durableEnd = new long[handedOut];
        Arrays.fill(durableEnd, Long.MAX_VALUE);
        for (int i = 0; i < log.lanes.length - 1; i++) {                // the user lanes (the cleaner's is last)
            Log.Lane lane = log.lanes[i];
            lane.lock.lock();
            try {
                if (lane.segment >= 0 && lane.segment < handedOut) {
                    durableEnd[lane.segment] = lane.persistedUpTo;
                }
            } finally {
                lane.lock.unlock();
            }
        }
        return durableEnd;
    }

    /**
     * C0 for the newest version of {@code key} when it is a live value in a source segment, durable
     * ({@link #durableEnds}). Tombstones are left to the sources' cleaning, which knows whether they are
     * still needed; so are values inside BATCH records over {@link #ORDERED_BATCH_LIMIT}, which would be
     * read again for each of their keys.
     */
    private void moveInOrder(byte[] key, boolean[] source, long[] durableEnd, RecordBuffer buffer) {
        ReentrantLock stripe = store.stripeOf(key);
        stripe.lock();
        try {
            Entry current = index.get(key);
            if (current == null || current.tombstone) {
                return;
            }
            int segment = log.segmentOf(current.recordOffset);
            if (segment >= source.length || !source[segment]) {
                return;                              // written or moved since the pass began
            }
            if (current.recordOffset + current.recordLength > durableEnd[segment]) {
                return;                              // appended since the pass began, maybe not yet durable
            }
            boolean single = current.single(key.length);
            if (!single && current.recordLength > ORDERED_BATCH_LIMIT) {
                return;
            }
            byte[] record = buffer.read(current);
            if (record == null) {
                return;                              // damaged: reads report it; the segment stays (copyLive)
            }
            boolean compressed = single && (record[REC_FLAGS_OFFSET] & FLAG_LZ4) != 0;   // as cleanRecord reads it
            copyValue(key, record, (int) (current.valueOffset - current.recordOffset), current.valueLength, compressed,
                    current);
        } finally {
            stripe.unlock();
        }
    }

    /** BATCH records larger than this keep their values' write order in {@link #compactInKeyOrder}. */
    static final int ORDERED_BATCH_LIMIT = 64 * 1024;

    /** The last record read and verified by the key-order pass: a BATCH record serves all its keys. */
    private final class RecordBuffer {
        private byte[] bytes = new byte[256];
        private long offset = -1;
        private long seq;

        /** The verified record of {@code e}, or null when it fails its checksum or SEQ. */
        byte[] read(Entry e) {
            if (offset == e.recordOffset && seq == e.recordSeq) {
                return bytes;
            }
            if (bytes.length < e.recordLength) {
                bytes = new byte[Math.max(e.recordLength, 2 * bytes.length)];
            }
            offset = -1;
            store.region().read(e.recordOffset, bytes, 0, e.recordLength);
            if (!KvStore.verified(bytes, e.recordLength, e.recordSeq)) {
                return null;
            }
            offset = e.recordOffset;
            seq = e.recordSeq;
            return bytes;
        }
    }

    /** Sealed, undamaged segments at or below the ratio, emptiest first. */
    private List<Integer> candidates(double maxLiveRatio) {
        List<long[]> found = new ArrayList<>();
        int handedOut = log.segmentsHandedOut();
        for (int s = 0; s < handedOut; s++) {
            if (log.table.state(s) != SegmentTable.SEALED || log.table.damaged(s)) {
                continue;
            }
            long live = log.table.liveBytes(s);
            if (live <= maxLiveRatio * payloadBytes()) {
                found.add(new long[]{live, s});
            }
        }
        found.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        List<Integer> order = new ArrayList<>(found.size());
        for (long[] f : found) {
            order.add((int) f[1]);
        }
        return order;
    }

    /**
     * Background duty cycle: commits the lane tails that are due, frees what it may, then cleans one
     * segment if the log is worth it. The tails are not counted as work: a writer that keeps writing
     * leaves one due every round, and counted they would keep the agent from sleeping.
     */
    @Override
    public int doWork() {
        if (store.isClosed()) {
            return 0;
        }
        tailsRound(true);
        if (!lock.tryLock()) {
            return 0;
        }
        try {
            int work = freeRetired();
            int handedOut = log.segmentsHandedOut();
            int inUse = 0;
            long live = 0;
            for (int s = 0; s < handedOut; s++) {
                int state = log.table.state(s);
                if (state == SegmentTable.SEALED || state == SegmentTable.OPEN) {
                    inUse++;
                    live += log.table.liveBytes(s);
                }
            }
            // Worth it when the log holds at least AUTO_MIN_SEGMENTS and under half of it is live.
            List<Integer> c = inUse >= AUTO_MIN_SEGMENTS && live <= 0.5 * inUse * payloadBytes()
                    ? candidates(autoLiveRatio) : List.of();
            // A pass in key order goes before the cleaning when due (class comment): it cleans the
            // segments it copied from itself, and under steady overwrites the cleaning is never idle.
            if (keyOrderDue(live, work == 0 && c.isEmpty())) {
                compactInKeyOrder(((Index.Sorted) index).view().entrySet().iterator(), true);
                work++;
            } else if (!c.isEmpty() && !store.isClosed()) {
                clean(c.getFirst());
                work++;
            }
            return work;
        } finally {
            lock.unlock();
        }
    }

    /**
     * K2c for the lanes whose tails {@link LaneTails#BACKGROUND} left due ({@link Log#commitDueTails}):
     * at the start of every round ({@code now}), and within a long background pass in key order once
     * {@link #TAIL_ROUND_NANOS} have passed since the last time, so that a tail is committed about that
     * long after its persist even while a pass over a large store runs for seconds. The duty cycle's
     * thread only; nothing to do (and no clock read) unless the store runs its tails in the background.
     */
    private void tailsRound(boolean now) {
        if (log.laneTails() != LaneTails.BACKGROUND) {
            return;
        }
        long t = System.nanoTime();
        if (now || t - tailsCommittedNanos >= TAIL_ROUND_NANOS) {
            tailsCommittedNanos = t;
            log.commitDueTails(false);
        }
    }

    /**
     * Whether a background pass in key order is due (class comment, steps 1-3); after a quiet spell only
     * when {@code idle} (the periodic cleaning has nothing to do). Caller holds lock.
     */
    private boolean keyOrderDue(long liveLogBytes, boolean idle) {
        if (!autoKeyOrder || stopping) {
            return false;
        }
        long now = System.nanoTime();
        long user = log.userBytes();
        if (user != userBytesSeen) {
            userBytesSeen = user;
            lastWriteNanos = now;
        }
        if (store.isClosed() || store.liveKeys() < keyOrderMinKeys || user == userBytesInOrder
                || !roomForACopy(liveLogBytes)) {
            return false;
        }
        long sincePass = user - Math.max(userBytesAtPass, 0);
        long sinceLook = user - Math.max(userBytesInOrder, Math.max(userBytesAtPass, 0));   // pass or in-order sample
        boolean quiet = idle && now - lastWriteNanos >= keyOrderQuietNanos;
        boolean due = quiet && (userBytesAtPass < 0 || sincePass >= liveLogBytes)
                || sinceLook >= (long) KEY_ORDER_BUSY_FACTOR * liveLogBytes;
        if (!due) {
            return false;
        }
        if (sequentialShare() >= KEY_ORDER_MIN_SEQUENTIAL) {
            userBytesInOrder = user;
            return false;
        }
        return true;
    }

    /** Whether the pool, grown at most to its maximum size, has free segments for a copy of the live log. */
    private boolean roomForACopy(long liveLogBytes) {
        long maxSegments = (store.region().maxSize() - FIRST_SEGMENT_OFFSET) / log.segmentBytes;
        long free = log.freeSegmentCount() + Math.max(0, maxSegments - log.segmentsHandedOut());
        long needed = liveLogBytes / payloadBytes() + 1 + log.lanes.length;   // + the lanes' next segments
        return free >= needed;
    }

    /**
     * The share of sampled steps in key order whose record starts at most {@link #NEAR_BYTES} after the
     * end of the record before (class comment, step 3); 1 when nothing could be sampled.
     */
    double sequentialShare() {
        Index.Sorted sorted = (Index.Sorted) index;
        ConcurrentNavigableMap<byte[], Entry> view = sorted.view();
        long steps = 0;
        long sequential = 0;
        for (int start = 0; start < KEY_ORDER_STARTS; start++) {
            byte[] from = sorted.randomKey(ThreadLocalRandom.current());
            if (from == null) {
                break;
            }
            Entry before = null;
            int taken = 0;
            for (Entry e : view.tailMap(from).values()) {
                if (e.tombstone) {
                    continue;
                }
                if (before != null) {
                    long gap = e.recordOffset - (before.recordOffset + align8(before.recordLength));
                    steps++;
                    if (e.recordOffset == before.recordOffset || gap >= 0 && gap <= NEAR_BYTES) {   // = : one BATCH
                        sequential++;
                    }
                }
                before = e;
                if (++taken > KEY_ORDER_STEPS) {
                    break;
                }
            }
        }
        return steps == 0 ? 1 : (double) sequential / steps;
    }

    @Override
    public String roleName() {
        return "engram-cleaner " + store.path().getFileName();   // also its thread's name (AgentRunner sets it)
    }

    /**
     * The agent runner's error handler: a failed background pass (a full pool, an I/O error) is said once
     * on stderr and retried on the next duty cycle; a store closed under a pass is not an error.
     */
    void failed(Throwable error) {
        if (!store.isClosed() && !failureReported) {
            failureReported = true;
            System.err.println("engram: " + store.path() + ": the background log cleaner failed (" + error
                    + "); it retries, and compact() reports the error directly");
        }
    }

    // ------------------------------------------------------------------ cleaning

    /** C0–C2 for one sealed segment. Caller holds {@link #lock}. */
    private void clean(int segment) {
        if (!log.table.compareAndSetState(segment, SegmentTable.SEALED, SegmentTable.RETIRED)) {
            return;
        }
        boolean retire = false;
        try {
            retire = copyLive(segment);
        } finally {
            if (!retire) {
                log.table.setState(segment, SegmentTable.SEALED);   // failed or damaged: stays in the log
            }
        }
        segmentsCleaned++;
        if (retire) {
            retired.add(new long[]{segment, log.sequence.get()});
            freeRetired();
        }
    }

    /** C0 and C1; false (and the segment marked damaged) when a record failed its checksum. */
    private boolean copyLive(int segment) {
        long base = log.segmentOffset(segment);
        if (segmentBuffer.length < log.segmentBytes) {
            segmentBuffer = new byte[log.segmentBytes];
        }
        byte[] seg = segmentBuffer;
        store.region().read(base, seg, 0, log.segmentBytes);       // one read of the whole segment
        ByteBuffer b = ByteBuffer.wrap(seg).order(ByteOrder.LITTLE_ENDIAN);
        long generation = b.getLong(SEG_GENERATION_OFFSET);
        // Older versions below this SEQ may exist elsewhere; tombstones at or above it stay needed.
        long othersMinSeq = Long.MAX_VALUE;
        int handedOut = log.segmentsHandedOut();
        for (int s = 0; s < handedOut; s++) {
            if (s != segment && log.table.state(s) != SegmentTable.FREE) {
                othersMinSeq = Math.min(othersMinSeq, log.table.minSeq(s));
            }
        }
        int pos = SEG_HEADER_LENGTH;
        boolean whole = true;
        int recordsEnd = log.segmentBytes - log.notesBytes;
        long lastRecord = log.table.lastRecordOffset(segment) - base;
        while (pos + REC_HEADER_LENGTH <= recordsEnd) {
            int length = b.getInt(pos + REC_LENGTH_OFFSET);
            if (length < REC_HEADER_LENGTH || length > recordsEnd - pos
                    || b.getInt(pos + REC_GENERATION_OFFSET) != (int) generation) {
                // The end of the segment's log, unless its last record lies beyond: then the media damaged
                // a record's header (a dead line) and what follows cannot be copied. Keep the segment.
                whole = pos > lastRecord;
                break;
            }
            CRC32C c = new CRC32C();
            c.update(seg, pos + 4, length - 4);
            if (b.getInt(pos + REC_CRC_OFFSET) != (int) c.getValue()) {
                // Damaged since recovery (or the torn tail recovery dropped): freeing the segment could
                // lose what the record shadows. Leave the segment; check() reports the record.
                whole = false;
                break;
            }
            cleanRecord(seg, b, base, pos, length, othersMinSeq);
            pos += align8(length);
        }
        persistCopies();                                                // C1 persist
        if (!whole) {
            log.table.markDamaged(segment);
        }
        return whole;
    }

    /** C1 persist: every copy in the cleaner lane durable before any original can be freed. */
    private void persistCopies() {
        Log.Lane lane = log.cleanerLane();
        lane.lock.lock();
        try {
            log.persistLane(lane);
        } finally {
            lane.lock.unlock();
        }
    }

    private void cleanRecord(byte[] seg, ByteBuffer b, long base, int pos, int length, long othersMinSeq) {
        long offset = base + pos;
        long seq = b.getLong(pos + REC_SEQ_OFFSET);
        byte type = seg[pos + REC_TYPE_OFFSET];
        if (type == TYPE_PUT || type == TYPE_DELETE) {
            int kl = b.getInt(pos + REC_KEY_LENGTH_OFFSET);
            int vl = b.getInt(pos + REC_VALUE_LENGTH_OFFSET);
            if (kl < 1 || vl < 0 || (long) REC_HEADER_LENGTH + kl + vl != length) {
                return;    // malformed under a valid checksum: recovery and check() report it; never copy it
            }
            byte[] key = Arrays.copyOfRange(seg, pos + REC_HEADER_LENGTH, pos + REC_HEADER_LENGTH + kl);
            boolean compressed = type == TYPE_PUT && (seg[pos + REC_FLAGS_OFFSET] & FLAG_LZ4) != 0;
            cleanVersion(key, offset, offset + REC_HEADER_LENGTH + kl, seg, pos + REC_HEADER_LENGTH + kl, vl, compressed,
                    seq, type == TYPE_DELETE, othersMinSeq);
        } else if (type == TYPE_BATCH) {
            int count = b.getInt(pos + REC_KEY_LENGTH_OFFSET);
            int at = pos + REC_HEADER_LENGTH;
            for (int i = 0; i < count; i++) {
                if (at + ENTRY_HEADER_LENGTH > pos + length) {
                    return;
                }
                byte entryType = seg[at + ENTRY_TYPE_OFFSET];
                int kl = b.getInt(at + ENTRY_KEY_LENGTH_OFFSET);
                int vl = b.getInt(at + ENTRY_VALUE_LENGTH_OFFSET);
                if ((entryType != TYPE_PUT && entryType != TYPE_DELETE) || kl < 1 || vl < 0
                        || (long) at + ENTRY_HEADER_LENGTH + kl + vl > pos + length) {
                    return;
                }
                int keyAt = at + ENTRY_HEADER_LENGTH;
                byte[] key = Arrays.copyOfRange(seg, keyAt, keyAt + kl);
                cleanVersion(key, offset, base + keyAt + kl, seg, keyAt + kl, vl, false, seq, entryType == TYPE_DELETE,
                        othersMinSeq);
                at = align8(at + ENTRY_HEADER_LENGTH + kl + vl);
            }
        }
    }

    /**
     * C0 for one version of one key, under the key's stripe lock. {@code compressed}: the value at
     * {@code valueAt} is in its stored LZ4 form already (copied as it is).
     */
    private void cleanVersion(byte[] key, long recordOffset, long valueOffset, byte[] seg, int valueAt, int valueLength,
                              boolean compressed, long seq, boolean tombstone, long othersMinSeq) {
        ReentrantLock stripe = store.stripeOf(key);
        stripe.lock();
        try {
            Entry current = index.get(key);
            if (!tombstone) {
                if (current == null || current.recordOffset != recordOffset || current.valueOffset != valueOffset) {
                    return;                          // overwritten or deleted since: dead
                }
                copyValue(key, seg, valueAt, valueLength, compressed, current);
                return;
            }
            boolean newest = current == null || (current.tombstone && current.recordOffset == recordOffset);
            if (!newest) {
                tombstonesDropped++;                  // a newer version of the key outranks it
                return;
            }
            if (seq < othersMinSeq) {
                tombstonesDropped++;                  // nothing older left for it to hide
                return;
            }
            copy(key, TYPE_DELETE, seg, valueAt, 0, false, seq, current);
        } finally {
            stripe.unlock();
        }
    }

    /**
     * Copies a live value; in a pool with compressed cold values a value stored as it is gets compressed
     * on the way (when that saves an eighth of it), and one already compressed stays so.
     */
    private void copyValue(byte[] key, byte[] seg, int valueAt, int valueLength, boolean compressed, Entry current) {
        if (!compressed && store.compressColdValues()) {
            byte[] packed = Lz4Values.compress(seg, valueAt, valueLength);
            if (packed != null) {
                valuesCompressed++;
                copy(key, TYPE_PUT, packed, 0, packed.length, true, -1, current);
                return;
            }
        }
        copy(key, TYPE_PUT, seg, valueAt, valueLength, compressed, -1, current);
    }

    /**
     * Appends a copy of one version to the cleaner lane (K1, no K2: C1 persists the lane once) and
     * points the index at it. {@code keepSeq} >= 0 keeps the tombstone's SEQ; otherwise a new one.
     */
    private void copy(byte[] key, byte type, byte[] seg, int valueAt, int valueLength, boolean lz4, long keepSeq,
                      Entry current) {
        int length = REC_HEADER_LENGTH + key.length + valueLength;
        Log.Lane lane = log.cleanerLane();
        lane.lock.lock();
        try {
            log.reserve(lane, length);
            byte[] record = new byte[length];
            ByteBuffer r = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
            long seq = keepSeq >= 0 ? keepSeq : log.sequence.incrementAndGet();
            r.putLong(REC_SEQ_OFFSET, seq);
            record[REC_TYPE_OFFSET] = type;
            record[REC_FLAGS_OFFSET] = lz4 ? FLAG_LZ4 : 0;      // Log.append adds PREFIX_DURABLE as it applies
            r.putInt(REC_KEY_LENGTH_OFFSET, key.length);
            r.putInt(REC_VALUE_LENGTH_OFFSET, valueLength);
            System.arraycopy(key, 0, record, REC_HEADER_LENGTH, key.length);
            System.arraycopy(seg, valueAt, record, REC_HEADER_LENGTH + key.length, valueLength);
            long at = log.append(lane, record, length, false);            // C0 copy
            int toSegment = log.segmentOf(at);
            if (type == TYPE_PUT) {
                Entry moved = new Entry(at, length, at + REC_HEADER_LENGTH + key.length, valueLength, current.seq, seq,
                        false, current.prev);
                index.put(key, moved);
                log.table.addLive(log.segmentOf(current.recordOffset), -charge(key, current));
                log.table.addLive(toSegment, charge(key, moved));
            } else {
                Entry moved = new Entry(at, length, at + REC_HEADER_LENGTH + key.length, 0, seq, seq, true,
                        current == null ? null : current.prev);
                if (current != null) {
                    index.put(key, moved);
                }
                // A needed tombstone keeps its new segment from looking empty, so cleaning it again is not
                // pure churn.
                log.table.addLive(toSegment, charge(key, moved));
            }
            recordsCopied++;
            bytesCopied += align8(length);
        } finally {
            lane.lock.unlock();
        }
    }

    /**
     * C2 for every retired segment no open snapshot can still read, after C2p: every lane's buffered
     * records made durable ({@link Log#syncAll}). The records a cleaning dropped as dead were outranked
     * by newer versions, which in buffered mode may not be durable yet; freeing the segment first would
     * let a crash lose the key's newer version and its older one both (a value written before the last
     * sync() gone). Caller holds {@link #lock}.
     */
    int freeRetired() {
        int freed = 0;
        long oldest = store.oldestSnapshot();
        if (!retired.isEmpty() && oldest >= retired.peekFirst()[1]) {
            log.syncAll();                                              // C2p: what outranked the dead records
        }
        while (!retired.isEmpty() && oldest >= retired.peekFirst()[1]) {
            long[] r = retired.pollFirst();
            log.free((int) r[0]);                                       // C2 free
            segmentsFreed++;
            freed++;
        }
        return freed;
    }
}
