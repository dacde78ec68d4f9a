package dev.engram.neuro.nn;

import dev.engram.neuro.data.Dataset;
import dev.engram.neuro.data.TrainTest;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/** The training loop: initialise from the seed, then per epoch shuffle, step through minibatches, evaluate. */
public final class Training {

    private Training() {
    }

    /**
     * Trains {@code mlp} from scratch on {@code data.train()} and evaluates on {@code data.test()} after every
     * epoch. The seed is split in two streams: the first draws the initial weights, the second the shuffles.
     */
    public static List<EpochReport> run(Mlp mlp, TrainTest data, TrainingConfig config, Consumer<EpochReport> onEpoch) {
        SplittableRandom root = new SplittableRandom(config.seed());
        mlp.initialize(root.split());
        SplittableRandom shuffle = root.split();
        mlp.collectGradientStatistics(config.gradientStatistics());
        Dataset train = data.train();
        int n = train.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        List<EpochReport> reports = new ArrayList<>();
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            shuffle(order, shuffle);
            double loss = 0;
            int correct = 0;
            long start = System.nanoTime();
            for (int from = 0; from < n; from += config.minibatch()) {
                int count = Math.min(config.minibatch(), n - from);
                loss += mlp.trainStep(train, order, from, count, config.learningRate());
                correct += mlp.lastCorrect();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Evaluation test = mlp.evaluate(data.test());
            EpochReport report = new EpochReport(epoch, loss / n, (double) correct / n, test, n / seconds,
                    mlp.telemetry(epoch));
            reports.add(report);
            onEpoch.accept(report);
        }
        return reports;
    }

    /** Fisher-Yates, drawing from {@code rng}. */
    static void shuffle(int[] order, SplittableRandom rng) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
