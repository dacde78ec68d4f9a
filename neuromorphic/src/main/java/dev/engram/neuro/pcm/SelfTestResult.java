package dev.engram.neuro.pcm;

import java.util.Locale;

/**
 * What one {@link PcmSynapseArray#selfTest()} found, and how it compares with the truth (the pool's
 * fault table, which the test itself never reads: the comparison is for the experimenter).
 *
 * @param conductors        conductors tested
 * @param stuckLow          diagnosed stuck low: a RESET reads low and {@link PcmSynapseArray#SELF_TEST_PULSES}
 *                          SET pulses raise it by less than a tenth of what they raise a nominal device
 *                          (dead, stuck-off, or a device too weak to program)
 * @param stuckHigh         diagnosed stuck high: it reads above half the range right after a RESET
 * @param faulty            conductors whose conductance is stuck in truth (injected, worn out, media)
 * @param missed            faulty in truth, not diagnosed
 * @param falseAlarms       diagnosed, but healthy in truth (weak devices)
 * @param cycles            SET pulses plus RESETs the test cost, counted against endurance
 */
public record SelfTestResult(int conductors, int stuckLow, int stuckHigh, int faulty, int missed, int falseAlarms,
                             long cycles) {

    /** Conductors diagnosed, either way. */
    public int diagnosed() {
        return stuckLow + stuckHigh;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "self-test of %d conductors: %d stuck low, %d stuck high (truth: %d faulty; "
                + "%d missed, %d false alarms), %d cycles", conductors, stuckLow, stuckHigh, faulty, missed, falseAlarms,
                cycles);
    }
}
