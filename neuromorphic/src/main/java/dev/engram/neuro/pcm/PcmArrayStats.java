package dev.engram.neuro.pcm;

/**
 * What a {@link PcmSynapseArray} has done so far (the counters survive a restart: they are part of
 * every commit).
 *
 * @param batches            batches ended ({@link PcmSynapseArray#endOfBatch} calls), committed or not
 * @param committedBatches   batches ended as of the last commit: where a restart resumes
 * @param setPulses          SET pulses applied, fractional pulses counted as one
 * @param resets             RESETs applied (two per refreshed pair, two per programmed weight)
 * @param refreshedPairs     pairs refreshed by the update policy
 * @param faultyConductors   conductors with a fault of any kind
 * @param wornOutConductors  conductors that reached their endurance
 * @param maxPulseCount      the highest pulse count of any conductor (SETs plus RESETs)
 * @param diagnosedConductors conductors the controller's last self-test found unprogrammable
 */
public record PcmArrayStats(long batches, long committedBatches, long setPulses, long resets, long refreshedPairs,
                            int faultyConductors, int wornOutConductors, long maxPulseCount, int diagnosedConductors) {
}
