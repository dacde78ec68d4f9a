package dev.engram.kv;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What the log cleaner needs to know about each segment, kept in DRAM only (recovery rebuilds it from
 * the log and the index): its state, the bytes of its records that the index still points at, and the
 * smallest record SEQ it holds. Chunked, so online growth never copies it and concurrent updates are
 * never lost in a resize.
 *
 * <p>Live bytes are an estimate that only ranks cleaning candidates; which records are copied is
 * decided exactly, record by record, against the index. The smallest SEQ is exact: it is the tombstone
 * rule's evidence that a segment cannot hold an older version of a deleted key (see {@link Cleaner}).
 */
final class SegmentTable {

    /** Not in the log: never used, free on media, or freed by the cleaner. */
    static final int FREE = 0;
    /** A lane's current segment: records are still being appended. */
    static final int OPEN = 1;
    /** Full or left behind by its lane: a cleaning candidate. */
    static final int SEALED = 2;
    /** Cleaned (its needed records copied) but still LIVE on media until open snapshots no longer need it. */
    static final int RETIRED = 3;

    private static final int CHUNK = 1024;
    /**
     * The fields every append writes (live bytes, last record) sit one cache line apart per segment:
     * packed, two lanes appending to neighbouring segments wrote the same lines on every put, and each
     * write, the live bytes' atomic add most of all, waited for the line to come from the other core.
     */
    private static final int SPREAD = 8;

    /** Where {@code segment}'s entry is in the spread arrays of its chunk. */
    private static int spread(int segment) {
        return segment % CHUNK * SPREAD;
    }

    private static final class Chunk {
        final AtomicIntegerArray state = new AtomicIntegerArray(CHUNK);
        /** Indexed by {@link SegmentTable#spread}, as {@link #lastRecordOffset} and {@link #lastRecordSeq}. */
        final AtomicLongArray liveBytes = new AtomicLongArray(CHUNK * SPREAD);
        final AtomicLongArray minSeq = new AtomicLongArray(CHUNK);
        /** 1 when recovery found a record damaged by the media here: the cleaner leaves it alone. */
        final AtomicIntegerArray damaged = new AtomicIntegerArray(CHUNK);
        /** The generation in the segment's header on media (0 when it has none). */
        final AtomicLongArray generation = new AtomicLongArray(CHUNK);
        /** Offset and SEQ of the last record appended (or recovered) here; offset 0 when none. */
        final AtomicLongArray lastRecordOffset = new AtomicLongArray(CHUNK * SPREAD);
        final AtomicLongArray lastRecordSeq = new AtomicLongArray(CHUNK * SPREAD);

        Chunk() {
            for (int i = 0; i < CHUNK; i++) {
                minSeq.set(i, Long.MAX_VALUE);
            }
        }
    }

    private final AtomicReferenceArray<Chunk> chunks;

    SegmentTable(long maxSegments) {
        int capacity = (int) Math.min(Integer.MAX_VALUE - CHUNK, Math.max(1, maxSegments));
        this.chunks = new AtomicReferenceArray<>((capacity + CHUNK - 1) / CHUNK);
    }

    private Chunk chunk(int segment) {
        int c = segment / CHUNK;
        Chunk k = chunks.get(c);
        if (k == null) {
            chunks.compareAndSet(c, null, new Chunk());
            k = chunks.get(c);
        }
        return k;
    }

    int state(int segment) {
        Chunk k = chunks.get(segment / CHUNK);
        return k == null ? FREE : k.state.get(segment % CHUNK);
    }

    void setState(int segment, int state) {
        chunk(segment).state.set(segment % CHUNK, state);
    }

    boolean compareAndSetState(int segment, int expected, int state) {
        return chunk(segment).state.compareAndSet(segment % CHUNK, expected, state);
    }

    /** A segment handed to a lane under a new generation: nothing live in it yet. */
    void opened(int segment, long generation) {
        Chunk k = chunk(segment);
        int i = segment % CHUNK;
        k.generation.set(i, generation);
        k.lastRecordOffset.set(spread(segment), 0);
        k.lastRecordSeq.set(spread(segment), 0);
        k.liveBytes.set(spread(segment), 0);
        k.minSeq.set(i, Long.MAX_VALUE);
        k.damaged.set(i, 0);
        k.state.set(i, OPEN);
    }

    void addLive(int segment, long bytes) {
        chunk(segment).liveBytes.addAndGet(spread(segment), bytes);
    }

    long liveBytes(int segment) {
        Chunk k = chunks.get(segment / CHUNK);
        return k == null ? 0 : Math.max(0, k.liveBytes.get(spread(segment)));
    }

    /** A record with {@code seq} now lies in {@code segment}. */
    void noteSeq(int segment, long seq) {
        Chunk k = chunk(segment);
        int i = segment % CHUNK;
        long m;
        while (seq < (m = k.minSeq.get(i)) && !k.minSeq.compareAndSet(i, m, seq)) {
            Thread.onSpinWait();
        }
    }

    long minSeq(int segment) {
        Chunk k = chunks.get(segment / CHUNK);
        return k == null ? Long.MAX_VALUE : k.minSeq.get(segment % CHUNK);
    }

    void setGeneration(int segment, long generation) {
        chunk(segment).generation.set(segment % CHUNK, generation);
    }

    long generation(int segment) {
        Chunk k = chunks.get(segment / CHUNK);
        return k == null ? 0 : k.generation.get(segment % CHUNK);
    }

    void lastRecord(int segment, long offset, long seq) {
        // Written by the segment's one lane under its lock and read at close or by recovery (which
        // also hold or own every lane): release ordering is enough, and spares the append a full fence.
        Chunk k = chunk(segment);
        k.lastRecordOffset.lazySet(spread(segment), offset);
        k.lastRecordSeq.lazySet(spread(segment), seq);
    }

    long lastRecordOffset(int segment) {
        Chunk k = chunks.get(segment / CHUNK);
        return k == null ? 0 : k.lastRecordOffset.get(spread(segment));
    }

    long lastRecordSeq(int segment) {
        Chunk k = chunks.get(segment / CHUNK);
        return k == null ? 0 : k.lastRecordSeq.get(spread(segment));
    }

    void markDamaged(int segment) {
        chunk(segment).damaged.set(segment % CHUNK, 1);
    }

    boolean damaged(int segment) {
        Chunk k = chunks.get(segment / CHUNK);
        return k != null && k.damaged.get(segment % CHUNK) != 0;
    }
}
