package dev.engram.neuro.nn;

import java.util.List;

/**
 * One epoch's outcome: the training loss and accuracy measured along the way (each sample scored just
 * before the step that used it), the test evaluation after the epoch, the training throughput, and each
 * layer's telemetry.
 */
public record EpochReport(int epoch, double trainLoss, double trainAccuracy, Evaluation test,
                          double samplesPerSecond, List<LayerTelemetry> layers) {

    @Override
    public String toString() {
        return String.format("epoch %3d  train loss %.4f acc %6.2f %%  test %6.2f %% loss %.4f  %,.0f samples/s",
                epoch, trainLoss, 100 * trainAccuracy, 100 * test.accuracy(), test.meanLoss(), samplesPerSecond);
    }
}
