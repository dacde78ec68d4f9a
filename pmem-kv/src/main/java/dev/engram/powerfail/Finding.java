package dev.engram.powerfail;

/**
 * One thing the checker noticed: durability work missing when an operation returned, or wasted.
 *
 * @param kind           what is wrong
 * @param operationIndex the operation it happened in, or -1 outside any operation
 * @param operationName  its name, or {@code null} outside any operation
 * @param device         the device's name
 * @param offset         the first byte concerned (word- or line-aligned)
 * @param length         how many bytes, a multiple of 8 (words) or 64 (lines)
 */
public record Finding(Kind kind, int operationIndex, String operationName, String device, long offset, long length) {

    /** The kinds of finding. */
    public enum Kind {
        /** Words stored during the operation and not flushed when it returned: a missing flush. */
        UNFLUSHED_AT_OPERATION_END,
        /**
         * Words flushed but not fenced when the operation returned (memory), or written but not
         * synced (block): a missing drain / fdatasync.
         */
        UNFENCED_AT_OPERATION_END,
        /** A flush of cache lines holding nothing stored since their last flush: wasted work. */
        FLUSH_OF_CLEAN_LINES
    }

    @Override
    public String toString() {
        String where = device + " [0x" + Long.toHexString(offset) + ", +" + length + ")";
        String op = operationIndex < 0 ? "outside any operation" : "op " + operationIndex + " '" + operationName + "'";
        return switch (kind) {
            case UNFLUSHED_AT_OPERATION_END -> op + ": " + where + " stored but not flushed when it returned (missing flush)";
            case UNFENCED_AT_OPERATION_END -> op + ": " + where
                    + " stored but not fenced/synced when it returned (missing drain)";
            case FLUSH_OF_CLEAN_LINES -> op + ": flush of " + where + ", lines with nothing new to write back (wasted)";
        };
    }
}
