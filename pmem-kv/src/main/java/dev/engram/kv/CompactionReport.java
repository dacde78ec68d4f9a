package dev.engram.kv;

/**
 * What one {@link KvStore#compact()} did.
 *
 * @param segmentsCleaned   segments whose live records were copied forward
 * @param segmentsFreed     segments marked free for reuse (cleaned now or earlier, once no snapshot needed them)
 * @param recordsCopied     records appended again by the cleaner (live values and still-needed tombstones)
 * @param bytesCopied       log bytes those copies took
 * @param tombstonesDropped tombstones left behind because nothing older remained for them to hide
 * @param valuesCompressed  of the records copied, values stored LZ4-compressed on the way
 *                          ({@link KvOptions#compressColdValues}; 0 in other pools)
 * @param segmentsWaiting   cleaned segments not yet freed because an older snapshot is still open
 * @param logBytesBefore    log bytes in use before
 * @param logBytesAfter     log bytes in use after
 */
public record CompactionReport(long segmentsCleaned, long segmentsFreed, long recordsCopied, long bytesCopied,
                               long tombstonesDropped, long valuesCompressed, int segmentsWaiting, long logBytesBefore,
                               long logBytesAfter) {

    /** Log bytes given back for reuse. */
    public long bytesReclaimed() {
        return Math.max(0, logBytesBefore - logBytesAfter);
    }
}
