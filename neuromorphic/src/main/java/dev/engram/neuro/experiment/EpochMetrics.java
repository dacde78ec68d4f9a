package dev.engram.neuro.experiment;

import java.util.Locale;

/**
 * One epoch of a run, as {@code metrics.csv} holds it: accuracies are fractions (0..1), the training ones
 * measured along the way (each sample scored just before the step that used it), the test ones after
 * the epoch; {@code seconds} is the epoch's wall-clock time, training and test evaluation together.
 */
public record EpochMetrics(int epoch, double trainAccuracy, double testAccuracy, double seconds, double trainLoss,
                           double testLoss) {

    /** The columns of {@code metrics.csv}, in order. */
    public static final java.util.List<String> COLUMNS = java.util.List.of("epoch", "train_accuracy",
            "test_accuracy", "seconds", "train_loss", "test_loss");

    java.util.List<String> cells() {
        return java.util.List.of(Integer.toString(epoch), Csv.fraction(trainAccuracy), Csv.fraction(testAccuracy),
                Csv.seconds(seconds), Csv.number(trainLoss), Csv.number(testLoss));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "epoch %3d  train %6.2f %% (loss %.4f)  test %6.2f %% (loss %.4f)  %.1f s",
                epoch, 100 * trainAccuracy, trainLoss, 100 * testAccuracy, testLoss, seconds);
    }
}
