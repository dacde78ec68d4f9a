package dev.engram.neuro.pcm;

import java.util.Locale;

/**
 * What the array's controller does about conductors it has found unprogrammable. It learns of them
 * only by testing ({@link PcmSynapseArray#selfTest()}: RESET, read, SET pulses, read), never from the
 * pool's fault table, as a chip's controller would after its built-in self-test; what it found is its
 * {@linkplain PcmSynapseArray#diagnosis() diagnosis}, kept in the pool.
 *
 * <p>The problem it answers: under SET-only updates a pair whose one conductor cannot move can change
 * its weight in one direction only. Every change of the other sign lands on the broken conductor and is
 * lost, and the refresh never applies (it needs both conductors above its lower threshold), so the
 * weight ratchets to the edge of its range. With a dead G−, for instance, {@code w = G+ · scale} only
 * grows.
 *
 * <ul>
 *   <li>{@link #OFF}: no test, no special treatment. The plain controller: programming still puts a
 *       pair's weight on its healthy conductor when the other one does not take (program-and-verify
 *       notices), but updates are routed by sign alone.</li>
 *   <li>{@link #PRUNE}: a pair with a diagnosed conductor is programmed to a zero weight (its healthy
 *       conductor to the broken one's conductance) and takes no updates: a pruned synapse.</li>
 *   <li>{@link #ONE_SIDED}: the healthy conductor carries the weight alone, in both directions. A change
 *       that raises it is SET pulses, as usual; a change that would go to the broken partner lowers the
 *       healthy one instead: RESET, then program-and-verify to the conductance from which the same
 *       number of SET pulses of the nominal device would have led to the present one (so that up and
 *       down steps are symmetric in pulse units). The weight can then only take the sign the broken
 *       conductor leaves it (w ≥ 0 with a dead or stuck-off G−, for example; stuck-on G+ gives w ≥ 0 as
 *       well), but it follows the gradient inside that half range instead of ratcheting. Costs one RESET
 *       and a programming per lowering.</li>
 * </ul>
 * Pairs whose two conductors are both diagnosed keep their value under every policy.
 */
public enum FaultHandling {
    OFF(0, "off"),
    PRUNE(1, "prune"),
    ONE_SIDED(2, "one-sided");

    private final int code;
    private final String label;

    FaultHandling(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The code the pool stores with the array's parameters (0 is {@link #OFF}, as older pools read). */
    public int code() {
        return code;
    }

    /** "off", "prune" or "one-sided". */
    public String label() {
        return label;
    }

    /** The handling whose {@link #code} is {@code code}. */
    public static FaultHandling ofCode(int code) {
        for (FaultHandling h : values()) {
            if (h.code == code) {
                return h;
            }
        }
        throw new IllegalArgumentException("fault handling code " + code + ": expected 0 (off), 1 (prune) or 2 (one-sided)");
    }

    /** The handling labelled {@code name}, case-insensitively, '_' accepted for '-'. */
    public static FaultHandling parse(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (FaultHandling h : values()) {
            if (h.label.equals(wanted)) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown fault handling '" + name + "': expected off, prune or one-sided");
    }

    @Override
    public String toString() {
        return label;
    }
}
