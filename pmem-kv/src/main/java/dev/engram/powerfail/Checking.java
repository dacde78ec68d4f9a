package dev.engram.powerfail;

/** What the simulator's checker does at each operation's end (see {@link Finding}). */
public enum Checking {
    /** No checking: recording costs only the log. */
    OFF,
    /** Collects findings; {@link PowerFailSimulator#findings()} returns them. */
    REPORT,
    /**
     * Collects findings and throws a {@link DurabilityCheckException} from
     * {@link PowerFailSimulator#endOperation()} when the operation produced any. Findings outside any
     * operation are only collected.
     */
    STRICT
}
