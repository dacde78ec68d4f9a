package dev.engram.kv;

/**
 * How the last open rebuilt the index.
 *
 * @param method                 {@code scan} (the whole log), {@code checkpoint} (all from the index
 *                               checkpoint) or {@code checkpoint+scan} (the checkpoint plus the segments
 *                               written since)
 * @param segmentsScanned        live segments read record by record
 * @param segmentsFromCheckpoint live segments taken from the checkpoint unread
 * @param keysFromCheckpoint     index entries loaded from the checkpoint
 * @param recordsScanned         records read and verified by the scan
 * @param tornTailRecords        records dropped as a crash-torn buffered tail
 * @param millis                 wall time of the rebuild
 * @param checkpointNote         why a checkpoint file present was not used, or null
 */
public record RecoveryReport(String method, int segmentsScanned, int segmentsFromCheckpoint, long keysFromCheckpoint,
                             long recordsScanned, long tornTailRecords, long millis, String checkpointNote) {
}
