package dev.engram.neuro.pcm;

import dev.engram.region.RegionHeader;

/**
 * The on-media layout of a synapse pool: named offsets, lengths and the checks that go with them, all
 * little-endian like every region. Offsets of the fixed blocks are literals; the sections of an array
 * block depend on its conductor count and are computed here, in one place, and pinned by a test.
 *
 * <h2>Region</h2>
 * <pre>
 *   0              4096             8192               block 0 ...        block 1 ...
 *   +--------------+----------------+------------------+------------------+----
 *   | RegionHeader | POOL header    | array block 0    | array block 1    | ...
 *   +--------------+----------------+------------------+------------------+----
 * </pre>
 *
 * <h2>Pool header (at {@link #POOL_OFFSET}; offsets relative to it)</h2>
 * <pre>
 *   0         8       10      12      16           24            32 ... 256          256 + 15 x 256
 *   +---------+-------+-------+-------+------------+-------------+-- ... -+------------+
 *   | MAGIC   | MAJOR | MINOR | rsvd  | COMMIT_SEQ | ARRAY_COUNT | rsvd   | DIRECTORY  |
 *   +---------+-------+-------+-------+------------+-------------+-- ... -+------------+
 *
 *   directory entry i at DIRECTORY_OFFSET + i * DIRECTORY_ENTRY_LENGTH:
 *   0          1             48        52       56             64             72 ... 256
 *   +----------+---- ... ----+---------+--------+--------------+--------------+-- ... -+
 *   | NAME_LEN | NAME (UTF-8)| OUTPUTS | INPUTS | BLOCK_OFFSET | BLOCK_LENGTH | rsvd   |
 *   +----------+---- ... ----+---------+--------+--------------+--------------+-- ... -+
 * </pre>
 * Invariants. The pool exists iff MAGIC reads {@link #POOL_MAGIC}. An array exists iff its directory
 * index is below ARRAY_COUNT; ARRAY_COUNT is raised by one aligned 8-byte store after the array's block
 * and entry are durable (the creation's commit point). COMMIT_SEQ is the one commit word of the whole
 * pool: the committed state of every array is its slot {@code COMMIT_SEQ & 1}, and that slot's SEQUENCE
 * equals COMMIT_SEQ.
 *
 * <h2>Array block (at BLOCK_OFFSET, a multiple of 4096; offsets relative to it)</h2>
 * <pre>
 *   0        8         12       16      24          56      64                 360   384            448  512          576          640   4096
 *   +--------+---------+--------+-------+-----------+-------+------------------+-----+--------------+----+------------+------------+-----+
 *   | MAGIC  | OUTPUTS | INPUTS | SEED  | MODEL_NAME| rsvd  | MODEL_PARAMETERS | pad | ARRAY_PARAMS |rsvd| SLOT_META 0| SLOT_META 1| rsvd|
 *   +--------+---------+--------+-------+-----------+-------+------------------+-----+--------------+----+------------+------------+-----+
 *   4096: FAULT_KINDS   one byte per conductor ({@link FaultKind#code}, 0 = healthy), padded to 4096
 *   then: FAULT_MASKS   one u64 per conductor: the stuck bits of its cell, padded to 4096
 *   then: SLOT 0        one 8-byte cell per conductor, padded to 4096
 *   then: SLOT 1        the same
 *   then: DIAGNOSIS     one byte per conductor: what the controller's self-test found, padded to 4096
 *                       (format 1.1 and later; a 1.0 block ends after SLOT 1)
 *
 *   slot meta (64 bytes): SEQUENCE | BATCHES | UPDATE_RANDOM | READ_RANDOM | FLAGS | SET_PULSES | RESETS | REFRESHES
 *
 *   conductor cell (8 bytes):
 *   0                      4                       8
 *   +----------------------+-----------------------+
 *   | G, µS (IEEE float32) | pulse count (int32)   |
 *   +----------------------+-----------------------+
 * </pre>
 * Conductor {@code c = 2 · w + (G− ? 1 : 0)}, {@code w = column · outputs + row}: the two conductors of
 * a weight are neighbours, and weights go column by column (input by input), the order in which the
 * network reads and updates them ({@code SynapseArray.readWeightColumns}). A stuck conductance is a fault with mask
 * {@link #CONDUCTANCE_FIELD_MASK} on its cell; the fault is on the same cell of both slots, and its
 * mask is kept in FAULT_MASKS because faults live in the region's memory, not its file: reopening
 * re-injects them with the values the committed slot holds. A conductor is faulty iff its FAULT_MASKS
 * entry is non-zero; its FAULT_KINDS byte is made durable before the mask, so a mask never names a kind
 * that a crash lost.
 *
 * <p>FAULT_KINDS is the truth (what is broken); DIAGNOSIS is the controller's belief
 * ({@link #DIAGNOSIS_HEALTHY}, {@link #DIAGNOSIS_STUCK_LOW}, {@link #DIAGNOSIS_STUCK_HIGH}), found by
 * {@code PcmSynapseArray.selfTest} from reads alone and used by {@link FaultHandling}. Like the fault
 * table it is not part of the A/B slots: a self-test writes it and makes it durable at once.
 *
 * <h2>Versions</h2>
 * 1.0: as above without DIAGNOSIS and with five array parameters. 1.1 adds DIAGNOSIS and the sixth
 * array parameter (the {@link FaultHandling} code, 0 = off, which is what a 1.0 block's reserved zero
 * reads as). A 1.1 reader opens 1.0 pools (their arrays cannot self-test); a 1.0 reader refuses 1.1
 * blocks by their length.
 */
public final class PoolLayout {

    private PoolLayout() {
    }

    /** The format's major version: a reader refuses any other. */
    public static final int MAJOR = 1;
    /** The format's minor version: readers accept any minor of their major. */
    public static final int MINOR = 1;
    /** The first minor version whose array blocks end with a DIAGNOSIS section. */
    public static final int MINOR_WITH_DIAGNOSIS = 1;

    /** Bytes of the blocks and the padding unit of every section. */
    public static final int BLOCK_BYTES = 4096;

    // ---------------------------------------------------------------- pool header

    /** Where the pool header starts: the first byte after the region header. */
    public static final long POOL_OFFSET = RegionHeader.LENGTH;
    /** "\nPCMPOOL" in little-endian: a byte-order mistake reads "LOOPMCP\n". */
    public static final long POOL_MAGIC = 0x4C4F_4F50_4D43_500AL;
    public static final int POOL_MAGIC_OFFSET = 0;
    public static final int POOL_MAJOR_OFFSET = 8;
    public static final int POOL_MINOR_OFFSET = 10;
    /** The pool's commit word: the number of commits so far (aligned u64). */
    public static final int COMMIT_SEQUENCE_OFFSET = 16;
    /** Arrays in the directory (aligned u64; the creation commit point). */
    public static final int ARRAY_COUNT_OFFSET = 24;
    public static final int DIRECTORY_OFFSET = 256;
    public static final int DIRECTORY_ENTRY_LENGTH = 256;
    /** How many arrays a pool holds. */
    public static final int DIRECTORY_ENTRIES = 15;
    /** Where the first array block starts. */
    public static final long FIRST_BLOCK_OFFSET = POOL_OFFSET + BLOCK_BYTES;

    // directory entry
    public static final int ENTRY_NAME_LENGTH_OFFSET = 0;
    public static final int ENTRY_NAME_OFFSET = 1;
    /** Longest array name in UTF-8 bytes. */
    public static final int MAX_ARRAY_NAME_BYTES = 47;
    public static final int ENTRY_OUTPUTS_OFFSET = 48;
    public static final int ENTRY_INPUTS_OFFSET = 52;
    public static final int ENTRY_BLOCK_OFFSET_OFFSET = 56;
    public static final int ENTRY_BLOCK_LENGTH_OFFSET = 64;

    // ---------------------------------------------------------------- array block header

    /** "\nPCMARR1" in little-endian. */
    public static final long ARRAY_MAGIC = 0x3152_5241_4D43_500AL;
    public static final int ARRAY_MAGIC_OFFSET = 0;
    public static final int ARRAY_OUTPUTS_OFFSET = 8;
    public static final int ARRAY_INPUTS_OFFSET = 12;
    public static final int ARRAY_SEED_OFFSET = 16;
    /** One length byte, then up to {@link PcmDeviceModel#MAX_NAME_LENGTH} bytes of UTF-8. */
    public static final int MODEL_NAME_OFFSET = 24;
    public static final int MODEL_NAME_FIELD_LENGTH = 32;
    /** {@link PcmDeviceModel#PARAMETER_COUNT} f64 in {@link PcmDeviceModel#parameters()} order. */
    public static final int MODEL_PARAMETERS_OFFSET = 64;
    /**
     * f64: weight range, max pulses per update, refresh upper, refresh lower, refresh period, fault
     * handling code (1.1).
     */
    public static final int ARRAY_PARAMETERS_OFFSET = 384;
    public static final int ARRAY_PARAMETER_COUNT = 6;
    public static final int SLOT_META_OFFSET = 512;
    public static final int SLOT_META_LENGTH = 64;

    // slot meta fields, relative to the slot's meta
    /** The commit sequence that wrote this slot. */
    public static final int META_SEQUENCE_OFFSET = 0;
    public static final int META_BATCHES_OFFSET = 8;
    public static final int META_UPDATE_RANDOM_OFFSET = 16;
    public static final int META_READ_RANDOM_OFFSET = 24;
    /** Bit 0: the array was initialised. */
    public static final int META_FLAGS_OFFSET = 32;
    public static final int META_SET_PULSES_OFFSET = 40;
    public static final int META_RESETS_OFFSET = 48;
    public static final int META_REFRESHES_OFFSET = 56;
    public static final long FLAG_INITIALIZED = 1;

    /** DIAGNOSIS: the self-test found nothing wrong, or has not run. */
    public static final byte DIAGNOSIS_HEALTHY = 0;
    /** DIAGNOSIS: reads low after SET pulses (dead, stuck-off, too weak to program). */
    public static final byte DIAGNOSIS_STUCK_LOW = 1;
    /** DIAGNOSIS: reads high after a RESET (stuck-on). */
    public static final byte DIAGNOSIS_STUCK_HIGH = 2;

    /** Where FAULT_KINDS starts in a block. */
    public static final int FAULT_KINDS_OFFSET = BLOCK_BYTES;

    // ---------------------------------------------------------------- conductor cell

    public static final int CELL_BYTES = 8;
    public static final int CELL_CONDUCTANCE_OFFSET = 0;
    public static final int CELL_PULSES_OFFSET = 4;
    /** The conductance's bits in the cell viewed as a little-endian u64. */
    public static final long CONDUCTANCE_FIELD_MASK = 0x0000_0000_FFFF_FFFFL;

    /** The most weights one array holds: its slot image must fit one Java array of bytes. */
    public static final int MAX_WEIGHTS = (Integer.MAX_VALUE - 64) / (2 * CELL_BYTES);

    // ---------------------------------------------------------------- computed sections

    /** {@code bytes} rounded up to {@link #BLOCK_BYTES}. */
    public static long pad(long bytes) {
        return (bytes + BLOCK_BYTES - 1) & -(long) BLOCK_BYTES;
    }

    public static long directoryEntryOffset(int index) {
        return POOL_OFFSET + DIRECTORY_OFFSET + (long) index * DIRECTORY_ENTRY_LENGTH;
    }

    /** FAULT_MASKS, relative to the block, for {@code conductors} conductors. */
    public static long faultMasksOffset(int conductors) {
        return FAULT_KINDS_OFFSET + pad(conductors);
    }

    /** Slot {@code slot} (0 or 1), relative to the block. */
    public static long slotOffset(int slot, int conductors) {
        long image = pad((long) conductors * CELL_BYTES);
        return faultMasksOffset(conductors) + image + slot * image;
    }

    /** DIAGNOSIS, relative to the block (format 1.1 and later). */
    public static long diagnosisOffset(int conductors) {
        return slotOffset(1, conductors) + pad((long) conductors * CELL_BYTES);
    }

    /** Bytes of a whole array block in this version's format. */
    public static long blockLength(int conductors) {
        return blockLength(conductors, MINOR);
    }

    /** Bytes of a whole array block in format 1.{@code minor}. */
    public static long blockLength(int conductors, int minor) {
        return minor >= MINOR_WITH_DIAGNOSIS ? diagnosisOffset(conductors) + pad(conductors) : diagnosisOffset(conductors);
    }

    /** Slot {@code slot}'s meta, relative to the block. */
    public static int slotMetaOffset(int slot) {
        return SLOT_META_OFFSET + slot * SLOT_META_LENGTH;
    }

    /** Checks an array's shape; returns its conductor count. */
    public static int checkShape(String name, int outputs, int inputs) {
        if (outputs < 1 || inputs < 1 || (long) outputs * inputs > MAX_WEIGHTS) {
            throw new IllegalArgumentException("synapse array '" + name + "': " + outputs + " x " + inputs
                    + " weights, expected both at least 1 and at most " + MAX_WEIGHTS + " weights in all");
        }
        return 2 * outputs * inputs;
    }
}
