package dev.engram.kv;

import java.util.List;

/**
 * What {@link KvStore#check()} found.
 *
 * @param recordsChecked records read and verified in the log
 * @param keysChecked    index entries whose record was re-read and verified
 * @param problems       structural faults, one line each (empty when clean)
 * @param damagedKeys    keys whose current value failed its checksum (media faults), printable form
 */
public record CheckReport(long recordsChecked, long keysChecked, List<String> problems, List<String> damagedKeys) {

    public boolean clean() {
        return problems.isEmpty() && damagedKeys.isEmpty();
    }
}
