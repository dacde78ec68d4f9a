package dev.engram.neuro.snn;

import java.util.Arrays;

/**
 * Accuracy of a spiking run against time steps: {@code correct[c]} of {@code samples} images classified
 * right when read at step {@code steps[c]}; {@code spikes[l]} spikes emitted by layer l over the whole run
 * (0: input spikes, 0 for current input; the output layer never fires).
 */
public record SpikingResult(SpikingNetwork.InputEncoding encoding, SpikingNetwork.Reset reset, int[] steps,
                            int[] correct, int samples, long[] spikes) {

    /** Fraction right at checkpoint c, 0..1. */
    public double accuracy(int c) {
        return (double) correct[c] / samples;
    }

    /** Fraction right when read at step {@code step}, which must be one of {@link #steps()}. */
    public double accuracyAt(int step) {
        int c = Arrays.binarySearch(steps, step);
        if (c < 0) {
            throw new IllegalArgumentException("step " + step + " was not a checkpoint: " + Arrays.toString(steps));
        }
        return accuracy(c);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(encoding + " input, reset " + reset + ", " + samples + " images:");
        for (int c = 0; c < steps.length; c++) {
            b.append(String.format("  T=%d %.2f %%", steps[c], 100 * accuracy(c)));
        }
        long steps = this.steps[this.steps.length - 1];
        b.append("  | spikes per image per step by layer:");
        for (long s : spikes) {
            b.append(String.format(" %.1f", (double) s / samples / steps));
        }
        return b.toString();
    }
}
