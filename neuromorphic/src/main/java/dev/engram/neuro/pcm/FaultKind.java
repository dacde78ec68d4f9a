package dev.engram.neuro.pcm;

import java.util.Locale;

/**
 * What is wrong with a faulty conductor. Every kind is a stuck conductance field of the conductor's
 * cell in the region, made with the {@code DeviceRegion}'s cell-fault injection, so that a stuck line of
 * the key-value store and a stuck synapse are one mechanism. The code is what the pool's fault table
 * stores (see {@link PoolLayout}).
 */
public enum FaultKind {
    /** Stuck near 0 µS (open circuit, e.g. a broken heater contact), unprogrammable. */
    DEAD(1, "dead"),
    /** Stuck at the nominal Gmax (shorted, fully crystalline), unprogrammable. */
    STUCK_ON(2, "stuck-on"),
    /** Stuck at Gmin (the amorphous RESET floor), unprogrammable. */
    STUCK_OFF(3, "stuck-off"),
    /** Reached its endurance: dead from then on (0 µS), its pulse count frozen. */
    WORN_OUT(4, "worn-out"),
    /** Stuck bits injected straight into the region (or a line that wore out there), adopted as found. */
    MEDIA(5, "media");

    private final int code;
    private final String label;

    FaultKind(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The fault table's code (0 means healthy). */
    public int code() {
        return code;
    }

    /** The name {@link #parse} accepts: "dead", "stuck-on", "stuck-off", "worn-out", "media". */
    public String label() {
        return label;
    }

    /** The kind whose {@link #code} is {@code code}. */
    public static FaultKind ofCode(int code) {
        for (FaultKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new IllegalArgumentException("fault code " + code + ": expected 1 to " + values().length);
    }

    /** The kind labelled {@code name}, case-insensitively, '_' accepted for '-'. */
    public static FaultKind parse(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (FaultKind k : values()) {
            if (k.label.equals(wanted)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown fault kind '" + name
                + "': expected dead, stuck-on, stuck-off, worn-out or media");
    }

    @Override
    public String toString() {
        return label;
    }
}
