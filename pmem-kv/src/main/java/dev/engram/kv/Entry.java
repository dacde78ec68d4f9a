package dev.engram.kv;

/**
 * The index's pointer to one version of a key: where its record is, and the older versions that
 * open snapshots still need ({@link #prev}). Immutable but for {@code prev}, which writers trim under
 * the key's stripe lock once no snapshot needs the tail. Equal when they name the same version (every
 * field but {@code prev}): the hash index keeps versions inline and builds a new Entry each time it is
 * asked, so callers compare versions with {@link #equals}, never by identity.
 */
final class Entry {
    /** Offset of the whole record (a BATCH record for batch entries), whose CRC covers this version. */
    final long recordOffset;
    final int recordLength;
    /** Offset of the value bytes. */
    final long valueOffset;
    final int valueLength;
    /** The version's sequence: the order of writes, and what snapshots compare against. */
    final long seq;
    /**
     * The SEQ field of the record on media. Equal to {@link #seq} except after the cleaner moved the
     * version (a copy gets a new SEQ so it outranks the original in recovery). A reader that finds another
     * SEQ at {@link #recordOffset} knows the segment was cleaned and reused under it, and looks again.
     */
    final long recordSeq;
    final boolean tombstone;
    volatile Entry prev;

    Entry(long recordOffset, int recordLength, long valueOffset, int valueLength, long seq, boolean tombstone, Entry prev) {
        this(recordOffset, recordLength, valueOffset, valueLength, seq, seq, tombstone, prev);
    }

    Entry(long recordOffset, int recordLength, long valueOffset, int valueLength, long seq, long recordSeq,
          boolean tombstone, Entry prev) {
        this.recordOffset = recordOffset;
        this.recordLength = recordLength;
        this.valueOffset = valueOffset;
        this.valueLength = valueLength;
        this.seq = seq;
        this.recordSeq = recordSeq;
        this.tombstone = tombstone;
        this.prev = prev;
    }

    /** Whether this version is a single PUT/DELETE record (not one entry of a BATCH record). */
    boolean single(int keyLength) {
        return single(keyLength, recordOffset, recordLength, valueOffset, valueLength);
    }

    static boolean single(int keyLength, long recordOffset, int recordLength, long valueOffset, int valueLength) {
        return recordLength == PoolFormat.REC_HEADER_LENGTH + keyLength + valueLength
                && valueOffset == recordOffset + PoolFormat.REC_HEADER_LENGTH + keyLength;
    }

    /** The newest version visible at snapshot sequence {@code at}, or null. */
    Entry visibleAt(long at) {
        Entry e = this;
        while (e != null && e.seq > at) {
            e = e.prev;
        }
        return e;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e && recordOffset == e.recordOffset && recordSeq == e.recordSeq && seq == e.seq
                && recordLength == e.recordLength && valueOffset == e.valueOffset && valueLength == e.valueLength
                && tombstone == e.tombstone;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(recordOffset * 31 + recordSeq);
    }
}
