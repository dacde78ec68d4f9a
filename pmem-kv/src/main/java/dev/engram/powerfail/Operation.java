package dev.engram.powerfail;

/**
 * One operation marked in a simulator's log by {@link PowerFailSimulator#beginOperation} and
 * {@link PowerFailSimulator#endOperation}. The crash points inside it are
 * {@code beginEvent + 1 .. endEvent}: just after the begin marker up to just before the end marker.
 *
 * @param index      its number, in order of beginning, from 0
 * @param name       as given, e.g. "put"
 * @param beginEvent the index of its begin marker in the log
 * @param endEvent   the index of its end marker, or -1 while it is open
 * @param parent     the operation it is nested in, or -1
 */
public record Operation(int index, String name, int beginEvent, int endEvent, int parent) {

    /** Whether it has ended. */
    public boolean ended() {
        return endEvent >= 0;
    }
}
