package dev.engram.neuro.nn;

import java.util.Locale;

/**
 * One layer's gradient statistics over a window of consecutive minibatches (see
 * {@link Mlp#gradientWindow}): like {@link LayerTelemetry}'s, the Frobenius norms of the per-weight mean
 * and standard deviation of the minibatch mean-gradient across the window. A finer clock than the epoch
 * for the drift-to-diffusion transition of Shwartz-Ziv and Tishby (2017). For gradients that are pure
 * noise the ratio sits near its floor {@code 1 / sqrt(minibatches)} (the mean of n noise draws is
 * 1/√n of their spread); a ratio well above it is signal.
 *
 * @param endMinibatch     the minibatch count since training began at the window's end
 * @param epoch            the epoch the window ended in (1-based)
 * @param epochPosition    the window's end in epochs (endMinibatch / minibatches per epoch)
 * @param minibatches      minibatches in the window
 */
public record GradientWindow(long endMinibatch, int epoch, double epochPosition, String layer, double gradientMeanNorm,
                             double gradientStdNorm, long minibatches) {

    /** {@code gradientMeanNorm / gradientStdNorm}. */
    public double signalToNoise() {
        return gradientMeanNorm / gradientStdNorm;
    }

    /** This window placed in training time: its epoch and, with {@code minibatchesPerEpoch}, its position. */
    public GradientWindow at(int epochNumber, long minibatchesPerEpoch) {
        return new GradientWindow(endMinibatch, epochNumber, (double) endMinibatch / minibatchesPerEpoch, layer,
                gradientMeanNorm, gradientStdNorm, minibatches);
    }

    /** The ratio pure noise would give over this many minibatches: {@code 1 / sqrt(minibatches)}. */
    public double noiseFloor() {
        return 1 / Math.sqrt(minibatches);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "minibatch %d (epoch %d) %s: |mean| %.3e |std| %.3e snr %.3f (floor %.3f)",
                endMinibatch, epoch, layer, gradientMeanNorm, gradientStdNorm, signalToNoise(), noiseFloor());
    }
}
