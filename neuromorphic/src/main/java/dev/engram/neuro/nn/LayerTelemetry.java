package dev.engram.neuro.nn;

/**
 * One layer's state at the end of one epoch.
 *
 * <p>Weights: mean and standard deviation over the layer's weights, bias column excluded, as a read of
 * the synapse array gives them. Gradients (Shwartz-Ziv and Tishby 2017, "Opening the black box of deep
 * neural networks via information"): for each weight, the mean and the standard deviation of its
 * minibatch mean-gradient across the epoch's minibatches; {@code gradientMeanNorm} and
 * {@code gradientStdNorm} are the Frobenius norms of those two matrices (bias column included).
 * Their ratio, {@link #signalToNoise()}, is high in the "drift" phase and falls below one in the
 * "diffusion" phase. Both norms are NaN when gradient statistics were off.
 */
public record LayerTelemetry(int epoch, String layer, double weightMean, double weightStd,
                             double gradientMeanNorm, double gradientStdNorm, long minibatches) {

    /** {@code gradientMeanNorm / gradientStdNorm}. */
    public double signalToNoise() {
        return gradientMeanNorm / gradientStdNorm;
    }

    @Override
    public String toString() {
        return String.format("epoch %d %s: w mean %+.5f std %.5f | grad |mean| %.3e |std| %.3e snr %.3f (%d minibatches)",
                epoch, layer, weightMean, weightStd, gradientMeanNorm, gradientStdNorm, signalToNoise(), minibatches);
    }
}
