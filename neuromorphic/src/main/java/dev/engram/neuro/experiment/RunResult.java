package dev.engram.neuro.experiment;

import dev.engram.neuro.nn.GradientWindow;
import dev.engram.neuro.nn.LayerTelemetry;
import dev.engram.neuro.pcm.PcmArrayStats;
import dev.engram.neuro.pcm.SelfTestResult;
import dev.engram.neuro.snn.SpikingResult;
import java.util.List;
import java.util.Optional;

/**
 * What a run measured.
 *
 * @param spec              the run
 * @param epochs            one row per epoch
 * @param telemetry         per layer per epoch (empty unless the spec asked for it)
 * @param testAccuracy      the run's score (0..1): the last epoch's test accuracy; for faults injected after
 *                          the last epoch, the accuracy of the broken network; for spiking runs, the spiking
 *                          network's at the last time step
 * @param annTestAccuracy   the trained network's test accuracy as a (non-spiking) network, faults included
 * @param conductors        PCM conductors in the network, 0 for float synapses
 * @param faultyConductors  conductors with a fault at the end of the run (injected or worn out)
 * @param arrays            each PCM layer's counters at the end, in layer order (empty for float)
 * @param spiking           the spiking network's accuracy against time steps, for spiking runs
 * @param seconds           wall-clock time of the whole run
 * @param gradients         per layer per window of {@link Trainer#GRADIENT_WINDOW_MINIBATCHES} minibatches
 *                          (empty unless the spec asked for telemetry)
 */
public record RunResult(RunSpec spec, List<EpochMetrics> epochs, List<LayerTelemetry> telemetry, double testAccuracy,
                        double annTestAccuracy, long conductors, long faultyConductors, List<LayerStats> arrays,
                        Optional<SpikingResult> spiking, double seconds, List<GradientWindow> gradients) {

    /** One PCM layer's counters, and its controller's last self-test when the fault handling ran one. */
    public record LayerStats(String layer, int outputs, int inputs, PcmArrayStats stats,
                             Optional<SelfTestResult> selfTest) {
    }

    public RunResult {
        epochs = List.copyOf(epochs);
        telemetry = List.copyOf(telemetry);
        arrays = List.copyOf(arrays);
        gradients = List.copyOf(gradients);
    }

    /** The fraction of conductors with a fault at the end, 0 for float synapses. */
    public double faultyFraction() {
        return conductors == 0 ? 0 : (double) faultyConductors / conductors;
    }

    /** The last epoch's training accuracy (NaN for a run of zero epochs). */
    public double trainAccuracy() {
        return epochs.isEmpty() ? Double.NaN : epochs.getLast().trainAccuracy();
    }
}
