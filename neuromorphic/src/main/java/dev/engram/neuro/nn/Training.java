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
        return run(mlp, data, config, 0, onEpoch);
    }

    /**
     * Continues a training that stopped after epoch {@code epochsDone} (0: a fresh start, as
     * {@link #run(Mlp, TrainTest, TrainingConfig, Consumer)}): the network's synapses must hold the state
     * they had then (a reopened persistent pool does); the initial weights are not drawn again, and the
     * first {@code epochsDone} shuffles are replayed so that epoch {@code epochsDone + 1} sees the order
     * it would have seen. Reports epochs {@code epochsDone + 1 .. config.epochs()}.
     */
    public static List<EpochReport> run(Mlp mlp, TrainTest data, TrainingConfig config, int epochsDone,
                                        Consumer<EpochReport> onEpoch) {
        if (epochsDone < 0 || epochsDone > config.epochs()) {
            throw new IllegalArgumentException("epochs done: found " + epochsDone + ", expected 0 to " + config.epochs());
        }
        SplittableRandom root = new SplittableRandom(config.seed());
        SplittableRandom initial = root.split();                 // split even when resuming: the streams stay aligned
        if (epochsDone == 0) {
            mlp.initialize(initial);
        }
        SplittableRandom shuffle = root.split();
        mlp.collectGradientStatistics(config.gradientStatistics());
        Dataset train = data.train();
        int n = train.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        List<EpochReport> reports = new ArrayList<>();
        for (int epoch = 1; epoch <= epochsDone; epoch++) {
            shuffle(order, shuffle);                              // replayed: the order depends on every earlier one
        }
        for (int epoch = epochsDone + 1; epoch <= config.epochs(); epoch++) {
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
