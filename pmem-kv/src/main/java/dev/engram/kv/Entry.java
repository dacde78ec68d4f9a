package dev.engram.kv;

/**
 * The index's pointer to one version of a key: where its record is, and the older versions that
 * open snapshots still need ({@link #prev}). Immutable but for {@code prev}, which writers trim under
 * the key's stripe lock once no snapshot needs the tail.
 */
final class Entry {
    /** Offset of the whole record (a BATCH record for batch entries), whose CRC covers this version. */
    final long recordOffset;
    final int recordLength;
    /** Offset of the value bytes. */
    final long valueOffset;
    final int valueLength;
    final long seq;
    final boolean tombstone;
    volatile Entry prev;

    Entry(long recordOffset, int recordLength, long valueOffset, int valueLength, long seq, boolean tombstone, Entry prev) {
        this.recordOffset = recordOffset;
        this.recordLength = recordLength;
        this.valueOffset = valueOffset;
        this.valueLength = valueLength;
        this.seq = seq;
        this.tombstone = tombstone;
        this.prev = prev;
    }

    /** The newest version visible at snapshot sequence {@code at}, or null. */
    Entry visibleAt(long at) {
        Entry e = this;
        while (e != null && e.seq > at) {
            e = e.prev;
        }
        return e;
    }
}
