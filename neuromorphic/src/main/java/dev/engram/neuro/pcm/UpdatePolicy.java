package dev.engram.neuro.pcm;

import java.util.Locale;

/**
 * What the array's peripheral circuit does with a requested weight change and with pairs that run out
 * of headroom. This is controller policy, not device physics: the same device can be driven under
 * different policies.
 *
 * <h2>Pulses</h2>
 * A weight change Δw becomes {@code n = |Δw| / (scale · nominal step)} pulses on G+ (Δw &gt; 0) or G−
 * (Δw &lt; 0), rounded stochastically (floor, plus one with the probability of the fraction, so the
 * expected count is exact), and at most {@link #maxPulsesPerUpdate} per device per update.
 *
 * <h2>Refresh</h2>
 * SET-only devices only grow, so both conductors of a pair drift up until one saturates. Every
 * {@link #refreshPeriodBatches} batches, a pair whose larger conductance has passed
 * {@link #refreshUpperFraction} of the range and whose smaller one has passed
 * {@link #refreshLowerFraction} is refreshed: both devices are RESET and the difference is programmed
 * back onto one of them, so the weight survives (up to programming noise) with its headroom restored.
 * The thresholds are fractions of the nominal range above Gmin. This is aihwkit's
 * {@code OneSidedUnitCell} rule [AIHW]; with a low lower threshold it is the IBM experiment's
 * "occasional RESET" of a saturated pair [BURR15].
 *
 * @param maxPulsesPerUpdate    most SET pulses one device takes in one update (aihwkit {@code desired_bl})
 * @param refreshUpperFraction  refresh when max(G+, G−) − Gmin exceeds this fraction of the range
 * @param refreshLowerFraction  ... and min(G+, G−) − Gmin exceeds this fraction
 * <h2>Faults</h2>
 * {@link #faultHandling} says what the controller does with conductors its self-test found
 * unprogrammable ({@link FaultHandling}); {@link FaultHandling#OFF} in every preset.
 *
 * @param refreshPeriodBatches  check every this many batches; 0 never refreshes
 * @param faultHandling         what the controller does about diagnosed conductors
 */
public record UpdatePolicy(int maxPulsesPerUpdate, double refreshUpperFraction, double refreshLowerFraction,
                           int refreshPeriodBatches, FaultHandling faultHandling) {

    /** No cap on the pulses of one update. */
    public static final int UNLIMITED_PULSES = Integer.MAX_VALUE;

    /**
     * For {@link PcmDeviceModel#IDEAL}: no pulse cap, refresh every batch above 75 % whenever the smaller
     * conductor holds anything, so that an ideal pair never saturates while its weight fits.
     */
    public static final UpdatePolicy IDEAL = new UpdatePolicy(UNLIMITED_PULSES, 0.75, 0.0, 1);

    /**
     * For {@link PcmDeviceModel#IBM2014}: at most 10 pulses per update [EST], occasional RESET checked
     * every 100 batches (examples, at the experiment's batch size of one) of pairs past 90 % whose
     * smaller conductor is past 5 % [EST, after BURR15's description].
     */
    public static final UpdatePolicy IBM2014 = new UpdatePolicy(10, 0.90, 0.05, 100);

    /**
     * For {@link PcmDeviceModel#AIHWKIT_PCM}: 31 pulses ({@code PresetUpdateParameters.desired_bl}),
     * refresh after every mini-batch ({@code PCMPresetUnitCell.refresh_every = 1}) at the
     * {@code OneSidedUnitCell} thresholds 0.75 and 0.25 [AIHW].
     */
    public static final UpdatePolicy AIHWKIT_PCM = new UpdatePolicy(31, 0.75, 0.25, 1);

    /** Never refresh, no pulse cap: for experiments on the bare device. */
    public static final UpdatePolicy NO_REFRESH = new UpdatePolicy(UNLIMITED_PULSES, 1.0, 1.0, 0);

    /** A policy with {@link FaultHandling#OFF}. */
    public UpdatePolicy(int maxPulsesPerUpdate, double refreshUpperFraction, double refreshLowerFraction,
                        int refreshPeriodBatches) {
        this(maxPulsesPerUpdate, refreshUpperFraction, refreshLowerFraction, refreshPeriodBatches, FaultHandling.OFF);
    }

    public UpdatePolicy {
        if (faultHandling == null) {
            throw new IllegalArgumentException("update policy: faultHandling is null, expected off, prune or one-sided");
        }
        if (maxPulsesPerUpdate < 1) {
            throw new IllegalArgumentException("update policy: maxPulsesPerUpdate is " + maxPulsesPerUpdate
                    + ", expected at least 1");
        }
        if (!(refreshUpperFraction >= 0 && refreshUpperFraction <= 1)
                || !(refreshLowerFraction >= 0 && refreshLowerFraction <= refreshUpperFraction)) {
            throw new IllegalArgumentException("update policy: refresh thresholds are upper " + refreshUpperFraction
                    + " and lower " + refreshLowerFraction + ", expected 0 <= lower <= upper <= 1");
        }
        if (refreshPeriodBatches < 0) {
            throw new IllegalArgumentException("update policy: refreshPeriodBatches is " + refreshPeriodBatches
                    + ", expected >= 0 (0: never)");
        }
    }

    /** The policy that goes with the preset model of that name (see {@link PcmDeviceModel#parse}). */
    public static UpdatePolicy forPreset(String name) {
        return switch (PcmDeviceModel.parse(name).name()) {
            case "ideal" -> IDEAL;
            case "ibm2014" -> IBM2014;
            case "aihwkit-pcm" -> AIHWKIT_PCM;
            default -> throw new IllegalStateException("no update policy for preset " + name);
        };
    }

    public UpdatePolicy withRefreshPeriodBatches(int batches) {
        return new UpdatePolicy(maxPulsesPerUpdate, refreshUpperFraction, refreshLowerFraction, batches, faultHandling);
    }

    public UpdatePolicy withRefreshThresholds(double upperFraction, double lowerFraction) {
        return new UpdatePolicy(maxPulsesPerUpdate, upperFraction, lowerFraction, refreshPeriodBatches, faultHandling);
    }

    public UpdatePolicy withMaxPulsesPerUpdate(int pulses) {
        return new UpdatePolicy(pulses, refreshUpperFraction, refreshLowerFraction, refreshPeriodBatches, faultHandling);
    }

    public UpdatePolicy withFaultHandling(FaultHandling handling) {
        return new UpdatePolicy(maxPulsesPerUpdate, refreshUpperFraction, refreshLowerFraction, refreshPeriodBatches,
                handling);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "UpdatePolicy[max %s pulses/update, refresh every %d batches above %.2f/%.2f%s]",
                maxPulsesPerUpdate == UNLIMITED_PULSES ? "unlimited" : Integer.toString(maxPulsesPerUpdate),
                refreshPeriodBatches, refreshUpperFraction, refreshLowerFraction,
                faultHandling == FaultHandling.OFF ? "" : ", faults " + faultHandling);
    }
}
