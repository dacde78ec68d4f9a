package dev.engram.neuro.experiment;

import dev.engram.neuro.pcm.FaultKind;
import dev.engram.neuro.pcm.PcmRandom;
import java.util.Locale;

/**
 * Which conductors a run breaks, and when: {@code fraction} of every layer's conductors get a fault of
 * {@code kind} ({@link dev.engram.neuro.pcm.PcmSynapseArray#injectFaults}, exactly
 * {@code round(fraction · N)} per layer), chosen by a fault seed derived from the run's seed and the
 * layer's name ({@link #faultSeed}), so the same seed breaks the same conductors wherever the run is
 * executed.
 *
 * <p>{@code afterEpoch} 0 injects before training: after the arrays exist and before the initial weights
 * are programmed, as on a chip that left the fab with the faults (the pair's healthy conductor then takes
 * the whole initial weight where it can). {@code afterEpoch} k ≥ 1 injects after epoch k was trained and
 * evaluated; k equal to the run's epochs breaks the trained network and scores it once more.
 */
public record FaultPlan(FaultKind kind, double fraction, int afterEpoch) {

    /** No faults (the kind is kept only so that a sweep's zero point carries its curve's label). */
    public static FaultPlan none(FaultKind kind) {
        return new FaultPlan(kind, 0, 0);
    }

    public FaultPlan {
        if (kind != FaultKind.DEAD && kind != FaultKind.STUCK_ON && kind != FaultKind.STUCK_OFF) {
            throw new IllegalArgumentException("fault kind " + kind + ": expected dead, stuck-on or stuck-off");
        }
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fault fraction " + fraction + ": expected a number from 0 to 1");
        }
        if (afterEpoch < 0) {
            throw new IllegalArgumentException("fault epoch " + afterEpoch + ": expected 0 (before training) or more");
        }
    }

    public boolean any() {
        return fraction > 0;
    }

    /** The seed that picks layer {@code layerName}'s faulty conductors in a run seeded {@code runSeed}. */
    public long faultSeed(long runSeed, String layerName) {
        return PcmRandom.derive(runSeed, "faults/" + layerName, kind.code());
    }

    @Override
    public String toString() {
        return any() ? String.format(Locale.ROOT, "%s %.4g of conductors %s", kind, fraction,
                afterEpoch == 0 ? "before training" : "after epoch " + afterEpoch) : "no faults";
    }
}
