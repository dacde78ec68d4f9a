package dev.engram.device;

/**
 * One media fault: a set of bits of one 8-byte cell stuck at given values, or a whole media line dead.
 *
 * <p>Cells are the aligned little-endian 8-byte words of the region: bit {@code i} of the cell at
 * {@code offset} is bit {@code i % 8} of the byte at {@code offset + i / 8}. A bit set in {@link #mask}
 * is stuck at the same bit of {@link #stuckValue}: writes do not change it and readers see that value.
 * A stuck sub-word field (a synapse's conductance inside a packed word, say) is a mask over its bits.
 *
 * @param kind       what kind of fault; derived from mask and value for cell faults
 * @param offset     the cell's offset (a multiple of 8), or for {@link Kind#DEAD_LINE} the line's offset
 * @param length     8 for a cell fault, the media line's size for a dead line
 * @param mask       the stuck bits; -1 for a whole stuck cell and for a dead line
 * @param stuckValue the values the stuck bits hold (bits outside {@code mask} are 0); for a dead line
 *                   0 and unused, since its cells are frozen at whatever they held when it died
 */
public record MediaFault(Kind kind, long offset, int length, long mask, long stuckValue) {

    /** The kinds of fault, as reported and as {@link DeviceRegion#inject} re-creates them. */
    public enum Kind {
        /** Some bits of a cell stuck at 0. */
        STUCK_AT_0,
        /** Some bits of a cell stuck at 1. */
        STUCK_AT_1,
        /** Some bits of a cell stuck, some at 0 and some at 1. */
        STUCK_BITS,
        /** All 64 bits of a cell stuck (at {@link #stuckValue}). */
        STUCK_CELL,
        /** Every cell of a media line frozen at the content it had when the line died (injected or worn out). */
        DEAD_LINE
    }

    public MediaFault {
        if (kind == null) {
            throw new IllegalArgumentException("media fault: kind is null");
        }
        if (kind != Kind.DEAD_LINE) {
            if ((offset & 7) != 0 || length != 8) {
                throw new IllegalArgumentException("media fault " + kind + ": a cell fault needs an 8-byte aligned"
                        + " offset and length 8, found offset " + offset + " and length " + length);
            }
            if (mask == 0) {
                throw new IllegalArgumentException("media fault at offset " + offset + ": mask is 0, no bit is stuck");
            }
        }
        stuckValue &= mask;
    }

    /** A cell fault whose kind is read off its mask and stuck value. */
    public static MediaFault cell(long offset, long mask, long stuckValue) {
        return new MediaFault(classify(mask, stuckValue), offset, 8, mask, stuckValue);
    }

    /** A dead line at {@code lineOffset} of {@code lineBytes}. */
    public static MediaFault deadLine(long lineOffset, int lineBytes) {
        return new MediaFault(Kind.DEAD_LINE, lineOffset, lineBytes, -1L, 0);
    }

    static Kind classify(long mask, long stuckValue) {
        if (mask == -1L) {
            return Kind.STUCK_CELL;
        }
        long ones = stuckValue & mask;
        return ones == 0 ? Kind.STUCK_AT_0 : ones == mask ? Kind.STUCK_AT_1 : Kind.STUCK_BITS;
    }

    /** What a cell reads after {@code written} is stored to it: the stuck bits keep their values. */
    public long apply(long written) {
        return (written & ~mask) | (stuckValue & mask);
    }

    @Override
    public String toString() {
        return kind == Kind.DEAD_LINE
                ? "DEAD_LINE [" + offset + ", +" + length + ")"
                : kind + " @" + offset + " mask=0x" + Long.toHexString(mask) + " value=0x" + Long.toHexString(stuckValue);
    }
}
