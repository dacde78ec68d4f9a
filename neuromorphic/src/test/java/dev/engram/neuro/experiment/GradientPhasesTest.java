package dev.engram.neuro.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.neuro.nn.Activation;
import dev.engram.neuro.nn.FloatSynapseArray;
import dev.engram.neuro.nn.GradientWindow;
import dev.engram.neuro.nn.Mlp;
import dev.engram.neuro.nn.Training;
import dev.engram.neuro.nn.TrainingConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gradient windows a training takes, and the transition rule read from them. */
class GradientPhasesTest {

    @Test
    void shouldPlaceTheTransitionWhereTheRatioStaysAtTheNoiseFloor() {
        double floor = 1 / Math.sqrt(10);
        double[] x = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1};
        double[] y = {2.0, 1.5, 0.30, 0.9, 0.31, 0.30, 0.29, 0.28, 0.30, 0.5, 0.3};
        GradientPhases.Series s = new GradientPhases.Series("fc1", x, y, floor);
        assertEquals(0.5, s.transition(), 0.0, "the first of five windows in a row at or below the floor");
        assertEquals(2.0, s.peak(5), 0.0);
        GradientPhases.Series never = new GradientPhases.Series("fc2", x, new double[x.length], floor);
        assertEquals(0.1, never.transition(), 0.0, "noise from the start: the transition is the first window");
        GradientPhases.Series signal = new GradientPhases.Series("fc3", x, new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                floor);
        assertTrue(Double.isNaN(signal.transition()), "a ratio that never falls has no transition");
    }

    @Test
    void shouldTakeOneWindowPerLayerEveryWindowOfMinibatches() {
        List<GradientWindow> windows = new ArrayList<>();
        try (Mlp mlp = new Mlp(new int[] {24, 12, 10}, Activation.RELU, FloatSynapseArray.factory(), 1)) {
            mlp.gradientWindow(7);
            Training.run(mlp, Cli.SYNTHETIC, new TrainingConfig(2, 10, 0.05f, 3, true),
                    r -> windows.addAll(mlp.takeGradientWindows(r.epoch(), 30)));
        }
        assertEquals(2 * (2 * 30 / 7), windows.size(), "60 minibatches: 8 windows of 7, two layers each");
        for (int k = 0; k < windows.size(); k++) {
            GradientWindow w = windows.get(k);
            assertEquals(7, w.minibatches());
            assertEquals(7L * (k / 2 + 1), w.endMinibatch());
            assertEquals(w.endMinibatch() / 30.0, w.epochPosition(), 1e-12);
            assertEquals(k % 2 == 0 ? "fc1" : "fc2", w.layer());
            assertTrue(w.gradientStdNorm() > 0 && w.signalToNoise() > 0, w.toString());
        }
    }
}
