package dev.engram.powerfail;

import java.util.List;

/** Thrown in {@link Checking#STRICT} mode when an operation ends with findings; lists them all. */
public final class DurabilityCheckException extends IllegalStateException {

    private final transient List<Finding> findings;

    public DurabilityCheckException(List<Finding> findings) {
        super(message(findings));
        this.findings = List.copyOf(findings);
    }

    /** What the checker found, in the order it found it. */
    public List<Finding> findings() {
        return findings;
    }

    private static String message(List<Finding> findings) {
        StringBuilder sb = new StringBuilder(findings.size() + " durability finding(s):");
        for (Finding f : findings) {
            sb.append("\n  ").append(f);
        }
        return sb.toString();
    }
}
