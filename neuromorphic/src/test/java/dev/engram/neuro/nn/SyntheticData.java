package dev.engram.neuro.nn;

import dev.engram.neuro.data.Dataset;
import dev.engram.neuro.data.TrainTest;
import java.util.SplittableRandom;

/**
 * Small seeded classification problems for tests that must not need MNIST: each class has a random
 * prototype in [0, 1]^features with some pixels forced to 0 (so the sparse paths run); a sample is its
 * class's prototype plus uniform noise, clipped to [0, 1], and zero wherever the prototype is zero.
 */
public final class SyntheticData {

    private SyntheticData() {
    }

    public static TrainTest blobs(long seed, int classes, int rows, int columns, int trainSize, int testSize, double noise) {
        SplittableRandom rng = new SplittableRandom(seed);
        int features = rows * columns;
        float[][] prototypes = new float[classes][features];
        for (float[] p : prototypes) {
            for (int f = 0; f < features; f++) {
                p[f] = rng.nextDouble() < 0.4 ? 0f : (float) rng.nextDouble();
            }
        }
        return new TrainTest(sample("synthetic-train", rng, prototypes, rows, columns, trainSize, noise),
                sample("synthetic-test", rng, prototypes, rows, columns, testSize, noise));
    }

    private static Dataset sample(String name, SplittableRandom rng, float[][] prototypes, int rows, int columns,
                                  int size, double noise) {
        int features = rows * columns;
        float[] pixels = new float[size * features];
        int[] labels = new int[size];
        for (int n = 0; n < size; n++) {
            int c = rng.nextInt(prototypes.length);
            labels[n] = c;
            for (int f = 0; f < features; f++) {
                float p = prototypes[c][f];
                pixels[n * features + f] = p == 0f ? 0f
                        : (float) Math.min(1, Math.max(0, p + noise * (2 * rng.nextDouble() - 1)));
            }
        }
        return new Dataset(name, rows, columns, prototypes.length, pixels, labels);
    }
}
