package dev.engram.neuro.nn;

/** A network's score on a data set: how many of {@code samples} it classified right, and the mean loss. */
public record Evaluation(int samples, int correct, double meanLoss) {

    /** Fraction right, 0..1. */
    public double accuracy() {
        return (double) correct / samples;
    }

    @Override
    public String toString() {
        return String.format("%.2f %% (%d/%d), loss %.4f", 100 * accuracy(), correct, samples, meanLoss);
    }
}
