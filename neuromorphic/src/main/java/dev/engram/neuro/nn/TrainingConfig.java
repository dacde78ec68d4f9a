package dev.engram.neuro.nn;

/**
 * How to train: plain minibatch SGD with a constant learning rate.
 *
 * @param epochs             passes over the training set
 * @param minibatch          samples per step, B ≥ 1 (the last step of an epoch may be smaller)
 * @param learningRate       step size on the minibatch's mean gradient
 * @param seed               draws the initial weights and every epoch's shuffle
 * @param gradientStatistics collect per-layer gradient mean and std across minibatches (costs ~two passes
 *                           over the weights per minibatch)
 */
public record TrainingConfig(int epochs, int minibatch, float learningRate, long seed, boolean gradientStatistics) {

    public TrainingConfig {
        if (epochs < 0 || minibatch < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("epochs " + epochs + ", minibatch " + minibatch + ", learning rate "
                    + learningRate + ": expected epochs ≥ 0, minibatch ≥ 1, learning rate > 0");
        }
    }

    @Override
    public String toString() {
        return "epochs " + epochs + ", minibatch " + minibatch + ", learning rate " + learningRate + ", seed " + seed
                + (gradientStatistics ? ", gradient statistics on" : "");
    }
}
