package dev.engram.region;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Layout of the region header: the first 4 KiB of every region file, whatever the access mode.
 * Little-endian. Offsets are literal constants, pinned by {@code RegionHeaderTest}.
 *
 * <pre>
 *  0               8      10     12              16             20             24
 *  +---------------+------+------+---------------+--------------+--------------+
 *  | MAGIC (u64)   |MAJOR |MINOR | HEADER_LENGTH | INCOMPAT     | RO_COMPAT    |
 *  +---------------+------+------+---------------+--------------+--------------+
 *  24              40              48      52      56      60      64
 *  +---------------+---------------+-------+-------+-------+-------+
 *  | UUID (2 x u64)| CREATED_MILLIS| KIND  | BLOCK | rsvd  | CRC32C|
 *  +---------------+---------------+-------+-------+-------+-------+
 *  512: ATTACH_SLOT_A = SEQ u64 | TOKEN u64 | CRC32C u32 (of SEQ, TOKEN)     (own 512 B sector)
 *  1024: ATTACH_SLOT_B = the same layout                                    (own 512 B sector)
 *  all other bytes up to 4096: zero
 * </pre>
 *
 * <p>Bytes [0, 60) are written once at creation and covered by {@code HEADER_CRC}; sector 0 is never
 * written again, so no later crash can garble it. The attach token is the only mutable state. A
 * non-zero token means "a RUN fast tier holds data for this file that is not yet destaged" (its value
 * names the fast tier), and CRAWL or WALK refuse to open the file until a destage clears it. It is
 * kept in two slots, each in its own 512 B sector: an update writes the slot with the lower sequence
 * number (SEQ = the other's + 1) and fdatasyncs, so a power failure that garbles the sector being
 * written leaves the other slot, and the state before the update, intact. The valid slot (CRC
 * matches) with the highest SEQ holds the token; two all-zero slots mean token 0 (a new file).
 * A device whose atomic unit is 4 KiB could garble the whole header page; see docs/regions.md.
 *
 * <p>Invariant: a file is a region iff its length is a non-zero multiple of {@link #LENGTH}, its
 * magic matches, its major version is known, it has no unknown incompatible feature flag, and its
 * header checksum matches — checked in that order by {@link #check}.
 */
public final class RegionHeader {

    /** Header length; also the first offset clients may use, and the growth unit. */
    public static final int LENGTH = 4096;

    public static final int MAGIC_OFFSET = 0;
    public static final int MAJOR_OFFSET = 8;
    public static final int MINOR_OFFSET = 10;
    public static final int HEADER_LENGTH_OFFSET = 12;
    public static final int INCOMPAT_FLAGS_OFFSET = 16;
    public static final int RO_COMPAT_FLAGS_OFFSET = 20;
    public static final int UUID_HI_OFFSET = 24;
    public static final int UUID_LO_OFFSET = 32;
    public static final int CREATED_MILLIS_OFFSET = 40;
    public static final int KIND_OFFSET = 48;
    public static final int BLOCK_BYTES_OFFSET = 52;
    public static final int RESERVED_OFFSET = 56;
    public static final int HEADER_CRC_OFFSET = 60;
    /** Bytes covered by the header checksum. */
    public static final int CHECKED_LENGTH = 60;
    public static final int ATTACH_SLOT_A_OFFSET = 512;
    public static final int ATTACH_SLOT_B_OFFSET = 1024;
    /** Within a slot: the update sequence number, the token, and the CRC32C of those 16 bytes. */
    public static final int ATTACH_SEQ_OFFSET = 0;
    public static final int ATTACH_TOKEN_OFFSET = 8;
    public static final int ATTACH_CRC_OFFSET = 16;
    public static final int ATTACH_SLOT_LENGTH = 20;

    /**
     * Bytes 0x89 'E' 'N' 'G' 'R' 'M' '\r' '\n' read as a little-endian u64. The high-bit first byte
     * catches 7-bit transfers, CR LF catches text-mode line-ending rewrites, and the value read in
     * the wrong byte order is different (0x89454E47524D0D0A), which {@link #check} names.
     */
    public static final long MAGIC = 0x0A0D4D52474E4589L;
    public static final int MAJOR = 1;
    public static final int MINOR = 0;
    /** No incompatible features are defined yet: any set bit is unknown. */
    public static final int KNOWN_INCOMPAT_FLAGS = 0;

    /** KIND: a data file (the region's own bytes: a pool, a capacity file). */
    public static final int KIND_DATA = 1;
    /** KIND: a RUN fast-tier file (a slot directory and cached blocks of a capacity file). */
    public static final int KIND_FAST_TIER = 2;

    private RegionHeader() {
    }

    /** Builds the 4 KiB header image of a new file. */
    public static byte[] image(int kind, UUID uuid, int blockBytes, long createdMillis) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(MAGIC_OFFSET, MAGIC);
        b.putShort(MAJOR_OFFSET, (short) MAJOR);
        b.putShort(MINOR_OFFSET, (short) MINOR);
        b.putInt(HEADER_LENGTH_OFFSET, LENGTH);
        b.putInt(INCOMPAT_FLAGS_OFFSET, 0);
        b.putInt(RO_COMPAT_FLAGS_OFFSET, 0);
        b.putLong(UUID_HI_OFFSET, uuid.getMostSignificantBits());
        b.putLong(UUID_LO_OFFSET, uuid.getLeastSignificantBits());
        b.putLong(CREATED_MILLIS_OFFSET, createdMillis);
        b.putInt(KIND_OFFSET, kind);
        b.putInt(BLOCK_BYTES_OFFSET, blockBytes);
        b.putInt(HEADER_CRC_OFFSET, crc(b.array()));
        return b.array();
    }

    static int crc(byte[] header) {
        CRC32C c = new CRC32C();
        c.update(header, 0, CHECKED_LENGTH);
        return (int) c.getValue();
    }

    /** The fields of a checked header. */
    public record Fields(int major, int minor, UUID uuid, long createdMillis, int kind, int blockBytes,
                         long attachWord, long attachSeq) {
    }

    /**
     * Validates a header read from {@code path} (a file of {@code fileLength} bytes) in the order
     * size, magic, version, feature flags, checksum, kind; throws a {@link RegionException} naming
     * the field, what was found and what was expected.
     */
    public static Fields check(Path path, byte[] header, long fileLength, int expectedKind) {
        if (fileLength < LENGTH || fileLength % LENGTH != 0) {
            throw new RegionException(RegionException.Code.BAD_FORMAT, path,
                    "file length " + fileLength + " is not a non-zero multiple of " + LENGTH
                            + " bytes: not an Engram region, or truncated");
        }
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long magic = b.getLong(MAGIC_OFFSET);
        if (magic != MAGIC) {
            String hint = magic == Long.reverseBytes(MAGIC) ? " (the magic in the wrong byte order)" : "";
            throw new RegionException(RegionException.Code.BAD_FORMAT, path,
                    "magic is 0x" + Long.toHexString(magic) + hint + ", expected 0x" + Long.toHexString(MAGIC)
                            + ": not an Engram region");
        }
        int major = Short.toUnsignedInt(b.getShort(MAJOR_OFFSET));
        int minor = Short.toUnsignedInt(b.getShort(MINOR_OFFSET));
        if (major != MAJOR) {
            throw new RegionException(RegionException.Code.VERSION, path,
                    "region format version is " + major + "." + minor + ", this library reads " + MAJOR + ".x"
                            + (major > MAJOR ? ": upgrade Engram to open it" : ""));
        }
        int incompat = b.getInt(INCOMPAT_FLAGS_OFFSET);
        if ((incompat & ~KNOWN_INCOMPAT_FLAGS) != 0) {
            throw new RegionException(RegionException.Code.VERSION, path,
                    "unknown incompatible feature flags 0x" + Integer.toHexString(incompat & ~KNOWN_INCOMPAT_FLAGS)
                            + " (known: 0x" + Integer.toHexString(KNOWN_INCOMPAT_FLAGS) + "): written by a newer Engram");
        }
        int storedCrc = b.getInt(HEADER_CRC_OFFSET);
        int actualCrc = crc(header);
        if (storedCrc != actualCrc) {
            throw new RegionException(RegionException.Code.BAD_FORMAT, path,
                    "header checksum is 0x" + Integer.toHexString(storedCrc) + ", computed 0x"
                            + Integer.toHexString(actualCrc) + ": the header is corrupt");
        }
        int headerLength = b.getInt(HEADER_LENGTH_OFFSET);
        if (headerLength != LENGTH) {
            throw new RegionException(RegionException.Code.BAD_FORMAT, path,
                    "header length is " + headerLength + ", expected " + LENGTH);
        }
        int kind = b.getInt(KIND_OFFSET);
        if (kind != expectedKind) {
            throw new RegionException(RegionException.Code.BAD_FORMAT, path,
                    "region kind is " + kindName(kind) + ", expected " + kindName(expectedKind));
        }
        UUID uuid = new UUID(b.getLong(UUID_HI_OFFSET), b.getLong(UUID_LO_OFFSET));
        return new Fields(major, minor, uuid, b.getLong(CREATED_MILLIS_OFFSET), kind,
                b.getInt(BLOCK_BYTES_OFFSET), attachToken(header), attachSeq(header));
    }

    private static boolean slotValid(ByteBuffer b, int slot) {
        CRC32C c = new CRC32C();
        c.update(b.array(), slot, ATTACH_CRC_OFFSET);
        return b.getInt(slot + ATTACH_CRC_OFFSET) == (int) c.getValue() && b.getLong(slot + ATTACH_SEQ_OFFSET) > 0;
    }

    /** The slot holding the current attach state: the valid one with the higher SEQ, or -1 if none. */
    private static int currentSlot(byte[] header) {
        ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        boolean a = slotValid(b, ATTACH_SLOT_A_OFFSET);
        boolean bb = slotValid(b, ATTACH_SLOT_B_OFFSET);
        if (a && bb) {
            return b.getLong(ATTACH_SLOT_A_OFFSET) >= b.getLong(ATTACH_SLOT_B_OFFSET) ? ATTACH_SLOT_A_OFFSET : ATTACH_SLOT_B_OFFSET;
        }
        return a ? ATTACH_SLOT_A_OFFSET : bb ? ATTACH_SLOT_B_OFFSET : -1;
    }

    /** The current attach token (0: detached). */
    public static long attachToken(byte[] header) {
        int slot = currentSlot(header);
        return slot < 0 ? 0 : ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong(slot + ATTACH_TOKEN_OFFSET);
    }

    static long attachSeq(byte[] header) {
        int slot = currentSlot(header);
        return slot < 0 ? 0 : ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong(slot + ATTACH_SEQ_OFFSET);
    }

    /** Where the next attach-state update goes: the slot that is not current. */
    static int nextSlotOffset(byte[] header) {
        return currentSlot(header) == ATTACH_SLOT_A_OFFSET ? ATTACH_SLOT_B_OFFSET : ATTACH_SLOT_A_OFFSET;
    }

    /** The 20 bytes of an attach slot. */
    static byte[] attachSlot(long seq, long token) {
        ByteBuffer b = ByteBuffer.allocate(ATTACH_SLOT_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(ATTACH_SEQ_OFFSET, seq);
        b.putLong(ATTACH_TOKEN_OFFSET, token);
        CRC32C c = new CRC32C();
        c.update(b.array(), 0, ATTACH_CRC_OFFSET);
        b.putInt(ATTACH_CRC_OFFSET, (int) c.getValue());
        return b.array();
    }

    static String kindName(int kind) {
        return switch (kind) {
            case KIND_DATA -> "data file (" + KIND_DATA + ")";
            case KIND_FAST_TIER -> "RUN fast tier (" + KIND_FAST_TIER + ")";
            default -> "unknown (" + kind + ")";
        };
    }
}
