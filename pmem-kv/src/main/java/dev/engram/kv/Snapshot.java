package dev.engram.kv;

/**
 * A consistent read view of a {@link KvStore} as of one moment: writes after it are invisible.
 * Thread-safe. Release it with {@link #close()}: until then writers keep the versions it needs.
 */
public final class Snapshot implements AutoCloseable {

    private final KvStore store;
    private final long sequence;
    private volatile boolean released;

    Snapshot(KvStore store, long sequence) {
        this.store = store;
        this.sequence = sequence;
    }

    /** The sequence number this view is at: every write with a higher one is invisible. */
    public long sequence() {
        return sequence;
    }

    public byte[] get(byte[] key) {
        check();
        java.util.Objects.requireNonNull(key, "key");
        return store.valueOf(key, store.index().get(key), sequence);
    }

    public boolean contains(byte[] key) {
        check();
        Entry e = store.index().get(key);
        Entry v = e == null ? null : e.visibleAt(sequence);
        return v != null && !v.tombstone;
    }

    /** Every key in this view (ordered on the sorted engine). The cursor does not release the snapshot. */
    public KvCursor cursor() {
        check();
        return new KvCursor(store, this, null, null, false);
    }

    /** Keys in {@code [from, to)} of this view; sorted engine only. */
    public KvCursor scan(byte[] from, byte[] to) {
        check();
        store.requireSorted("scan");
        return new KvCursor(store, this, from, to, false);
    }

    void check() {
        store.checkOpen();
        if (released) {
            throw new KvException(KvException.Code.CLOSED, store.path(), "the snapshot was released");
        }
    }

    /** Releases the view. Idempotent. */
    @Override
    public void close() {
        if (!released) {
            released = true;
            store.release(sequence);
        }
    }
}
