package dev.engram.kv;

import dev.engram.region.Region;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ConcurrentNavigableMap;

/**
 * Walks the keys of a snapshot: {@link #next()} on every engine (unordered on hash), and on the sorted
 * engine also {@link #prev()}, {@link #seek}, {@link #first()} and {@link #last()}, within optional
 * bounds {@code [from, to)}. Concurrent writers neither block it nor change what it sees. Not
 * thread-safe itself: one cursor per thread. Close it to release its snapshot.
 *
 * <pre>{@code
 * try (KvCursor c = kv.scan(from, to)) {
 *     while (c.next()) { use(c.key(), c.value()); }
 * }
 * }</pre>
 */
public final class KvCursor implements AutoCloseable {

    private final KvStore store;
    private final Snapshot snapshot;
    private final boolean ownsSnapshot;
    private final ConcurrentNavigableMap<byte[], Entry> sorted;
    private Iterator<Map.Entry<byte[], Entry>> unordered;
    /**
     * Sorted engine: an iterator over the keys after the current one while the cursor moves forward
     * (one skip-list step per key instead of a search from the top for each); dropped by any other
     * move. Weakly consistent, which is enough: what a key shows is decided by the snapshot's SEQ.
     */
    private Iterator<Map.Entry<byte[], Entry>> forward;
    private byte[] key;
    private Entry entry;

    KvCursor(KvStore store, Snapshot snapshot, byte[] from, byte[] to, boolean ownsSnapshot) {
        this.store = store;
        this.snapshot = snapshot;
        this.ownsSnapshot = ownsSnapshot;
        if (store.index() instanceof Index.Sorted s) {
            ConcurrentNavigableMap<byte[], Entry> m = s.view();
            if (from != null && to != null) {
                m = store.comparator().compare(from, to) >= 0 ? m.subMap(from, true, from, false) : m.subMap(from, true, to, false);
            } else if (from != null) {
                m = m.tailMap(from, true);
            } else if (to != null) {
                m = m.headMap(to, false);
            }
            this.sorted = m;
        } else {
            this.sorted = null;
            this.unordered = new Ahead(store.index().entries(), store);
        }
    }

    /**
     * The hash engine's entries, taken from its iterator {@link #AHEAD} at a time, and then each one's
     * record {@linkplain dev.engram.region.Region#touch touched}, line by line, all back to back. The
     * table's slots lead to records scattered over the log, so each step's record read was a cache miss
     * after the one before; touched together, the misses of the next steps overlap (a load issued between
     * two steps' work would hold the processor's reorder window until it returned, and overlap with
     * little). Unordered iteration 1.30-1.76x faster at the median of three alternating runs, 1 M keys
     * (bench/results/2026-11-24-scan-read-ahead). Not on the sorted engine: a store kept in key order
     * reads its log in order, which the hardware streams, and the batch cost its scan 25 % there. The
     * entries are what the iterator returned (weakly consistent, resolved at the snapshot's SEQ when
     * used, as before); a stale one's record fails its check and is looked up again
     * ({@code KvStore.valueOf}).
     */
    private static final class Ahead implements Iterator<Map.Entry<byte[], Entry>> {
        private final Iterator<Map.Entry<byte[], Entry>> it;
        private final KvStore store;
        @SuppressWarnings("unchecked")
        private final Map.Entry<byte[], Entry>[] taken = new Map.Entry[AHEAD];
        /** The next of {@link #taken} to return, and how many are left from there. */
        private int head;
        private int count;
        /** The touched bytes' sum: kept, so the loads are not dead code. */
        private int touched;

        Ahead(Iterator<Map.Entry<byte[], Entry>> it, KvStore store) {
            this.it = it;
            this.store = store;
        }

        /** When every entry taken is used: the next {@link #AHEAD}, then their records touched. */
        private void fill() {
            if (count > 0) {
                return;
            }
            head = 0;
            while (count < AHEAD && it.hasNext()) {
                taken[count++] = it.next();
            }
            Region region = store.region();
            int sum = 0;
            for (int i = 0; i < count; i++) {
                Entry e = taken[i].getValue();
                long end = e.recordOffset + e.recordLength;
                for (long line = e.recordOffset & -64L; line < end; line += 64) {        // each cache line of it
                    sum += region.touch(Math.max(line, e.recordOffset));
                }
            }
            touched += sum;
        }

        @Override
        public boolean hasNext() {
            fill();
            return count > 0;
        }

        @Override
        public Map.Entry<byte[], Entry> next() {
            fill();
            if (count == 0) {
                throw new NoSuchElementException();
            }
            Map.Entry<byte[], Entry> me = taken[head];
            taken[head++] = null;
            count--;
            return me;
        }
    }

    /** Records touched together ahead of a scan: about as many misses as a core keeps in flight. A power of two. */
    private static final int AHEAD = 16;

    private enum Position { BEFORE_FIRST, ON_KEY, AFTER_LAST }

    private Position position = Position.BEFORE_FIRST;

    /** True when {@code newest} has a live version in this snapshot; remembers it. */
    private boolean visible(Entry newest) {
        Entry e = newest == null ? null : newest.visibleAt(snapshot.sequence());
        if (e == null || e.tombstone) {
            return false;
        }
        entry = e;
        return true;
    }

    /** Settles on {@code me} or, skipping invisible keys in the direction of travel, a neighbour. */
    private boolean settle(Map.Entry<byte[], Entry> me, boolean forward) {
        this.forward = null;
        while (me != null) {
            if (visible(me.getValue())) {
                key = me.getKey();
                position = Position.ON_KEY;
                return true;
            }
            me = forward ? sorted.higherEntry(me.getKey()) : sorted.lowerEntry(me.getKey());
        }
        key = null;
        entry = null;
        position = forward ? Position.AFTER_LAST : Position.BEFORE_FIRST;
        return false;
    }

    /** Moves to the next key; false at the end. */
    public boolean next() {
        snapshot.check();
        if (sorted == null) {
            while (unordered.hasNext()) {
                Map.Entry<byte[], Entry> me = unordered.next();
                if (visible(me.getValue())) {
                    key = me.getKey();
                    position = Position.ON_KEY;
                    return true;
                }
            }
            key = null;
            entry = null;
            position = Position.AFTER_LAST;
            return false;
        }
        return switch (position) {
            case BEFORE_FIRST -> step(sorted.entrySet().iterator());
            case ON_KEY -> step(forward != null ? forward : sorted.tailMap(key, false).entrySet().iterator());
            case AFTER_LAST -> false;
        };
    }

    /** Moves to the first key of {@code it} visible in the snapshot, keeping {@code it} for the next step. */
    private boolean step(Iterator<Map.Entry<byte[], Entry>> it) {
        while (it.hasNext()) {
            Map.Entry<byte[], Entry> me = it.next();
            if (visible(me.getValue())) {
                key = me.getKey();
                position = Position.ON_KEY;
                forward = it;
                return true;
            }
        }
        forward = null;
        key = null;
        entry = null;
        position = Position.AFTER_LAST;
        return false;
    }

    /** Moves to the previous key; false before the first. Sorted engine only. */
    public boolean prev() {
        ordered("prev");
        return switch (position) {
            case AFTER_LAST -> settle(sorted.lastEntry(), false);
            case ON_KEY -> settle(sorted.lowerEntry(key), false);
            case BEFORE_FIRST -> false;
        };
    }

    /** Positions at the first key at or after {@code target}; false if there is none. Sorted engine only. */
    public boolean seek(byte[] target) {
        ordered("seek");
        Objects.requireNonNull(target, "target");
        return settle(sorted.ceilingEntry(target), true);
    }

    /** Positions at the first key; sorted engine only. */
    public boolean first() {
        ordered("first");
        return settle(sorted.firstEntry(), true);
    }

    /** Positions at the last key; sorted engine only. */
    public boolean last() {
        ordered("last");
        return settle(sorted.lastEntry(), false);
    }

    private void ordered(String what) {
        snapshot.check();
        if (sorted == null) {
            store.requireSorted(what);
        }
    }

    /** The current key (a copy). */
    public byte[] key() {
        requirePosition();
        return key.clone();
    }

    /** The current value, verified against its checksum. */
    public byte[] value() {
        requirePosition();
        return store.valueOf(key, entry, snapshot.sequence());
    }

    /**
     * Applies {@code reader} to the current value in place, verified against its checksum: no copy is
     * allocated, and the buffer is valid only during the call (see {@link ValueReader}).
     */
    public <R> R value(ValueReader<R> reader) {
        Objects.requireNonNull(reader, "reader");
        requirePosition();
        return store.valueOf(key, entry, snapshot.sequence(), reader);
    }

    /** The current key's length in bytes, without copying it. */
    public int keyLength() {
        requirePosition();
        return key.length;
    }

    private void requirePosition() {
        if (key == null) {
            throw new IllegalStateException("the cursor is not on a key: call next(), seek() or first() first");
        }
    }

    @Override
    public void close() {
        if (ownsSnapshot) {
            snapshot.close();
        }
    }
}
