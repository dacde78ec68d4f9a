package dev.engram.kv;

/**
 * On-media layout of a key-value pool, inside a region (offsets are region offsets; little-endian).
 * Every offset is a literal constant pinned by {@code PoolFormatTest}; docs/on-media-format.md is
 * the prose version.
 *
 * <pre>
 *  0       region header (4 KiB, dev.engram.region.RegionHeader)
 *  4096    pool header (written once at create; CRC32C over [4096, 4096 + 124))
 *          +0 MAGIC u64 | +8 MAJOR u16 | +10 MINOR u16 | +12 HEADER_LENGTH u32 |
 *          +16 INCOMPAT u32 | +20 RO_COMPAT u32 | +24 UUID 2 x u64 | +40 ENGINE u32 |
 *          +44 SEGMENT_BYTES u32 | +48 MAX_KEY u32 | +52 MAX_VALUE u32 |
 *          +56 COMPARATOR 32 B ASCII, zero-padded | +88 CREATED_MILLIS u64 | +124 CRC u32
 *  8192    lane tails (1.4): one 16 B slot per lane, lane i at 8192 + 64 (i mod 128) + 16 (i div 128)
 *          +0 GENERATION u32 (low 32 bits) | +4 SEGMENT u32 | +8 END u32 (from the segment's start) |
 *          +12 CRC u32 (of [+0, +12)): the lane persisted that segment below END before this slot
 *  16384   segment 0, segment 1, ... (SEGMENT_BYTES each; the pool grows by whole segments)
 * </pre>
 *
 * <h2>Segment</h2>
 * <pre>
 *  +0  SEG_MAGIC u32 | +4 SEG_STATE u32 (0 unused, 1 open/sealed, 2 free) | +8 SEG_GENERATION u64 |
 *  +16 SEG_LANE u32 | +20 reserved | +28 SEG_CRC u32 (of [0, 28))
 *  +32 SEAL_GENERATION u64 | +40 SEAL_END u64 | +48 SEAL_SEGMENT u32 | +52 reserved |
 *  +56 SEAL_CRC u32 (of [32, 56)): the lane's previous segment, its generation, and the region offset
 *      below which its records were persisted before this header was written (1.2; 1.1 leaves zeros)
 *  +64 records, each 8-byte aligned, until a record fails validation or the notes area (1.4: the
 *      segment's last notesBytes(SEGMENT_BYTES) bytes, media notes only) begins; on a block device (PAGE
 *      granularity) a PAD record fills [+64, +4096) and every persisted run of records ends at a
 *      4 KiB boundary (PAD records fill the gaps: see TORN_WRITE_UNIT)
 * </pre>
 *
 * <h2>Record</h2>
 * <pre>
 *  +0 CRC u32 (CRC32C of [+4, +LENGTH)) | +4 LENGTH u32 (unpadded) | +8 SEQ u64 |
 *  +16 GENERATION u32 (the segment's, low 32 bits) | +20 TYPE u8 | +21 FLAGS u8 (bit 0: PREFIX_DURABLE,
 *      bit 1: LZ4, a PUT whose value is RAW_LENGTH u32 | LZ4 block; only in pools with INCOMPAT bit 0) |
 *  +22 reserved u16 |
 *  +24 KEY_LENGTH u32 (BATCH: entry count) | +28 VALUE_LENGTH u32 (BATCH: 0) | +32 key | value
 *  TYPE 1 PUT, 2 DELETE, 3 BATCH, 4 PAD (1.3: lengths 0, SEQ 0, zeros to LENGTH; indexes nothing),
 *  5 NOTE (1.4, only in a segment's notes area: a key of a record the media did not take; its value is
 *  the lost record's offset u64 | LENGTH u32 | value delta u32 | value length u32 | entry type u8 | pad 3)
 *  BATCH entries at +32, each 8-byte aligned: TYPE u8 | pad 3 | KEY_LENGTH u32 | VALUE_LENGTH u32 |
 *  pad 4 | key | value
 * </pre>
 * Invariant: a record is part of the pool iff it lies in a segment in state 1 whose header checksum
 * matches, it follows only valid records of that segment, its GENERATION is the segment's and its
 * CRC matches. The newest SEQ of a key wins; a DELETE (or a BATCH delete entry) is a tombstone.
 *
 * <p>PREFIX_DURABLE (format 1.1) says every earlier record of the segment was durable before this one
 * was written. Recovery uses it to tell media damage (a record that fails its checksum with a
 * PREFIX_DURABLE record after it was once whole) from a crash-torn buffered tail (no such record
 * follows: the segment's log ends there). Pools of format 1.0 never set it; their records are read as
 * if every one carried it, as 1.0 did.
 *
 * <p>The seal (format 1.2) does the same for a segment's last records, which no later record follows:
 * a record that fails validation below the SEAL_END another segment's header gives for it is media
 * damage. Segments a lane never left (its last one before a crash or close) carry no seal.
 *
 * <p>The lane tails (format 1.4) cover those: after each persist of its records a lane stores and
 * persists, in its own slot, the segment and the offset below which it has persisted it, so its last
 * records (the ones no later record or seal vouches for) are known durable too, and damage to them is
 * media damage, not a crash-torn tail.
 *
 * <p>The notes area (format 1.4, a segment's last {@link #notesBytes} bytes) holds media notes ({@link
 * #TYPE_NOTE}): the keys of records the media did not take when they were written, which the records'
 * own bytes may no longer name.
 */
public final class PoolFormat {

    public static final int POOL_HEADER_OFFSET = 4096;
    public static final int MAGIC_OFFSET = 0;
    public static final int MAJOR_OFFSET = 8;
    public static final int MINOR_OFFSET = 10;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int INCOMPAT_FLAGS_OFFSET = 16;
    public static final int RO_COMPAT_FLAGS_OFFSET = 20;
    public static final int UUID_HI_OFFSET = 24;
    public static final int UUID_LO_OFFSET = 32;
    public static final int ENGINE_OFFSET = 40;
    public static final int SEGMENT_BYTES_OFFSET = 44;
    public static final int MAX_KEY_OFFSET = 48;
    public static final int MAX_VALUE_OFFSET = 52;
    public static final int COMPARATOR_OFFSET = 56;
    public static final int COMPARATOR_LENGTH = 32;
    public static final int CREATED_MILLIS_OFFSET = 88;
    public static final int HEADER_CRC_OFFSET = 124;
    public static final int HEADER_CHECKED_LENGTH = 124;
    public static final int POOL_HEADER_LENGTH = 4096;

    /** Bytes 0x89 'E' 'K' 'V' '\r' '\n' 0x1A '\n' as a little-endian u64 (PNG-style traps). */
    public static final long MAGIC = 0x0A1A0A0D564B4589L;
    public static final int MAJOR = 1;
    /**
     * 1.1 added the record flag PREFIX_DURABLE, 1.2 the segment header's seal, 1.3 the PAD record, 1.4
     * the lane tails and the segments' notes areas; 1.0 to 1.3 pools still open (see the class comment),
     * without a notes area. A 1.1 library reads 1.2 pools (it ignores the seal); a 1.2 library reports a
     * PAD record as a malformed record (CORRUPT), never misreads it; a 1.3 library ignores the lane tails
     * (bytes it never reads) and drops a media note as a torn tail or reports it as a malformed record.
     */
    public static final int MINOR = 4;
    /**
     * INCOMPAT bit 0: records may hold LZ4-compressed values ({@link #FLAG_LZ4}); set at create when
     * {@code KvOptions.compressColdValues} is on. A library that does not know it refuses the pool
     * instead of returning compressed bytes as a value.
     */
    public static final int INCOMPAT_LZ4_VALUES = 1;
    public static final int KNOWN_INCOMPAT_FLAGS = INCOMPAT_LZ4_VALUES;

    public static final long FIRST_SEGMENT_OFFSET = 16384;

    /**
     * The lane tails (format 1.4), between the pool header and the first segment: lane {@code i}'s slot
     * is at {@code LANE_TAILS_OFFSET + LANE_TAIL_STRIDE * (i % LANE_TAILS_PER_ROW) + LANE_TAIL_LENGTH * (i
     * / LANE_TAILS_PER_ROW)}, so up to 128 lanes each own a cache line (no two cores flush one line), and
     * the 257 lanes of the largest store (256 writers and the cleaner) fit in 8 KiB. Pools of 1.0 to 1.3
     * hold zeros here, which fail the slot's checksum: no lane tail.
     */
    public static final int LANE_TAILS_OFFSET = 8192;
    public static final int LANE_TAIL_STRIDE = 64;
    public static final int LANE_TAILS_PER_ROW = 128;
    public static final int LANE_TAIL_LENGTH = 16;
    public static final int LANE_TAIL_GENERATION_OFFSET = 0;
    public static final int LANE_TAIL_SEGMENT_OFFSET = 4;
    public static final int LANE_TAIL_END_OFFSET = 8;
    public static final int LANE_TAIL_CRC_OFFSET = 12;
    /** The slot's checksum covers [0, 12). */
    public static final int LANE_TAIL_CHECKED_LENGTH = 12;
    /** Slots recovery reads: every lane a store may have had (256 writers and the cleaner). */
    public static final int LANE_TAIL_SLOTS = 257;

    /**
     * The unit a torn write may garble on a block device (CRAWL, or WALK persisting by msync): 4 KiB,
     * the page the kernel writes back and the physical sector of 512e and 4Kn drives, so it also covers
     * 512 B sectors. On such regions the log never rewrites a unit that holds durable records: each
     * persist ends at a unit boundary (a PAD record fills the rest) and a segment's records start one
     * unit after its header. Segments and FIRST_SEGMENT_OFFSET are multiples of it.
     */
    public static final int TORN_WRITE_UNIT = 4096;

    public static final int SEG_MAGIC_OFFSET = 0;
    public static final int SEG_STATE_OFFSET = 4;
    public static final int SEG_GENERATION_OFFSET = 8;
    public static final int SEG_LANE_OFFSET = 16;
    public static final int SEG_CRC_OFFSET = 28;
    public static final int SEG_CHECKED_LENGTH = 28;
    /**
     * The seal (format 1.2): K0 of a lane's next segment records where the segment it leaves ends, after
     * persisting it. Its own checksum, so 1.1 headers (zeros here) carry none.
     */
    public static final int SEG_SEAL_GENERATION_OFFSET = 32;
    public static final int SEG_SEAL_END_OFFSET = 40;
    public static final int SEG_SEAL_SEGMENT_OFFSET = 48;
    public static final int SEG_SEAL_CRC_OFFSET = 56;
    /** The seal's checksum covers [32, 56). */
    public static final int SEG_SEAL_CHECKED_LENGTH = 24;
    public static final int SEG_HEADER_LENGTH = 64;
    /** "SEG1" little-endian. */
    public static final int SEG_MAGIC = 0x31474553;
    public static final int SEG_STATE_UNUSED = 0;
    public static final int SEG_STATE_LIVE = 1;
    public static final int SEG_STATE_FREE = 2;

    public static final int REC_CRC_OFFSET = 0;
    public static final int REC_LENGTH_OFFSET = 4;
    public static final int REC_SEQ_OFFSET = 8;
    public static final int REC_GENERATION_OFFSET = 16;
    public static final int REC_TYPE_OFFSET = 20;
    public static final int REC_FLAGS_OFFSET = 21;
    public static final int REC_KEY_LENGTH_OFFSET = 24;
    public static final int REC_VALUE_LENGTH_OFFSET = 28;
    public static final int REC_HEADER_LENGTH = 32;

    public static final int ENTRY_TYPE_OFFSET = 0;
    public static final int ENTRY_KEY_LENGTH_OFFSET = 4;
    public static final int ENTRY_VALUE_LENGTH_OFFSET = 8;
    public static final int ENTRY_HEADER_LENGTH = 16;

    public static final byte TYPE_PUT = 1;
    public static final byte TYPE_DELETE = 2;
    public static final byte TYPE_BATCH = 3;
    /**
     * Format 1.3: filler from the end of the records a persist made durable to the next
     * {@link #TORN_WRITE_UNIT} boundary, so the next write never rewrites a unit that holds durable
     * records (BUG-1). KEY_LENGTH and VALUE_LENGTH 0, SEQ 0, zeros after the header (inside the CRC).
     */
    public static final byte TYPE_PAD = 4;

    /**
     * Format 1.4: a media note, in a segment's notes area (its last {@link #notesBytes} bytes; records
     * never go there). K1n writes one for each key of a record the media did not take ({@link
     * dev.engram.region.Region#writeMayHaveFailed}) before the write is acknowledged, so recovery can
     * name the key even when the dead line took the record's header and key. SEQ is the lost record's,
     * KEY the lost key, VALUE the {@code NOTE_*} body (24 bytes) saying where the lost record is.
     */
    public static final byte TYPE_NOTE = 5;
    /** Note body, from the value's start: the lost record's region offset u64. */
    public static final int NOTE_RECORD_OFFSET_OFFSET = 0;
    /** The lost record's LENGTH u32. */
    public static final int NOTE_RECORD_LENGTH_OFFSET = 8;
    /** Where the lost key's value starts, from the lost record's start, u32. */
    public static final int NOTE_VALUE_DELTA_OFFSET = 12;
    /** The lost value's length u32. */
    public static final int NOTE_VALUE_LENGTH_OFFSET = 16;
    /** The lost entry's type u8: {@link #TYPE_PUT} or {@link #TYPE_DELETE}; then 3 bytes of padding. */
    public static final int NOTE_ENTRY_TYPE_OFFSET = 20;
    public static final int NOTE_BODY_LENGTH = 24;

    /** Record FLAGS bit: every earlier record of this segment was durable before this one was written. */
    public static final byte FLAG_PREFIX_DURABLE = 1;
    /**
     * Record FLAGS bit (pools with {@link #INCOMPAT_LZ4_VALUES}): this PUT's value is stored compressed,
     * as the raw value's length (u32 at {@link #LZ4_RAW_LENGTH_OFFSET} of the value) followed by one LZ4
     * block. VALUE_LENGTH counts the stored bytes; the CRC covers them as stored. Only the cleaner
     * writes such records (a value it moves has outlived its segment: cold); BATCH records never.
     */
    public static final byte FLAG_LZ4 = 2;
    public static final int LZ4_RAW_LENGTH_OFFSET = 0;
    public static final int LZ4_HEADER_LENGTH = 4;

    private PoolFormat() {
    }

    /**
     * The size of a segment's notes area (format 1.4; 0 in older pools): its last bytes, where media
     * notes ({@link #TYPE_NOTE}) go. 1/32 of the segment, at most 64 KiB: 2 KiB (about 28 notes of
     * 16-byte keys) in a 64 KiB segment, 64 KiB in the default 4 MiB one.
     */
    static int notesBytes(int segmentBytes) {
        return Math.min(segmentBytes >>> 5, 64 * 1024);
    }

    /** Where lane {@code lane}'s tail slot is (format 1.4). */
    static long laneTailOffset(int lane) {
        return LANE_TAILS_OFFSET + (long) LANE_TAIL_STRIDE * (lane % LANE_TAILS_PER_ROW)
                + (long) LANE_TAIL_LENGTH * (lane / LANE_TAILS_PER_ROW);
    }

    static int align8(int n) {
        return (n + 7) & ~7;
    }

    static long align8(long n) {
        return (n + 7) & ~7L;
    }
}
