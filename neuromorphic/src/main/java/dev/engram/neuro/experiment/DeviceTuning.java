package dev.engram.neuro.experiment;

import dev.engram.neuro.pcm.FaultHandling;
import java.util.Locale;

/**
 * What a PCM run changes from its preset: the controller's answer to broken conductors, the device's
 * number of distinguishable states, and how long after training the network is read.
 *
 * @param faultHandling what the controller does about conductors its self-test finds unprogrammable
 *                      ({@link FaultHandling}; with anything but off, every array is self-tested before
 *                      training and again after a later fault injection)
 * @param states        0: the preset's device; N: the preset with its SET step scaled so that it has N
 *                      distinguishable states ({@link dev.engram.neuro.pcm.PcmDeviceModel#withStates}),
 *                      and its controller's pulse cap per update scaled by the same factor
 * @param driftSeconds  0: the test accuracy is read right after training; t: after every device has
 *                      drifted for t seconds since programming (drift and 1/f noise,
 *                      {@link dev.engram.neuro.pcm.PcmSynapseArray#driftTo}), the last epoch's score
 *                      (the per-epoch metrics stay at t = 0)
 */
public record DeviceTuning(FaultHandling faultHandling, int states, double driftSeconds) {

    /** The preset as it is, no fault handling, read at once. */
    public static final DeviceTuning NONE = new DeviceTuning(FaultHandling.OFF, 0, 0);

    public DeviceTuning {
        if (faultHandling == null) {
            throw new IllegalArgumentException("fault handling: expected off, prune or one-sided");
        }
        if (states < 0 || states == 1) {
            throw new IllegalArgumentException("states: found " + states + ", expected 0 (the preset's) or at least 2");
        }
        if (!(driftSeconds >= 0) || Double.isInfinite(driftSeconds)) {
            throw new IllegalArgumentException("drift time: found " + driftSeconds + " s, expected a finite time >= 0");
        }
    }

    public boolean isNone() {
        return equals(NONE);
    }

    public DeviceTuning withFaultHandling(FaultHandling h) {
        return new DeviceTuning(h, states, driftSeconds);
    }

    public DeviceTuning withStates(int n) {
        return new DeviceTuning(faultHandling, n, driftSeconds);
    }

    public DeviceTuning withDriftSeconds(double t) {
        return new DeviceTuning(faultHandling, states, t);
    }

    @Override
    public String toString() {
        if (isNone()) {
            return "preset device";
        }
        StringBuilder b = new StringBuilder();
        if (faultHandling != FaultHandling.OFF) {
            b.append("fault handling ").append(faultHandling);
        }
        if (states > 0) {
            b.append(b.isEmpty() ? "" : ", ").append(states).append(" states");
        }
        if (driftSeconds > 0) {
            b.append(b.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "read %.4g s after programming",
                    driftSeconds));
        }
        return b.toString();
    }
}
