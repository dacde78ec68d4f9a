package dev.engram.neuro.snn;

import dev.engram.neuro.data.Crop;
import dev.engram.neuro.data.Mnist;
import dev.engram.neuro.data.TrainTest;
import dev.engram.neuro.nn.Activation;
import dev.engram.neuro.nn.Evaluation;
import dev.engram.neuro.nn.FloatSynapseArray;
import dev.engram.neuro.nn.Mlp;
import dev.engram.neuro.nn.Training;
import dev.engram.neuro.nn.TrainingConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Trains a ReLU network on MNIST, converts it to integrate-and-fire neurons and prints spiking accuracy
 * against time steps next to the ANN's. Arguments {@code key=value}: {@code protocol=full|ibm},
 * {@code epochs=20}, {@code minibatch=10}, {@code lr=0.05}, {@code seed=1}, {@code threads=1|2},
 * {@code widths=528,250,125,10}, {@code steps=10,25,50,100,200}, {@code encodings=CURRENT,RATE,POISSON},
 * {@code reset=SUBTRACT|ZERO}, {@code percentile=100}, {@code normalisation=10000} (training images),
 * {@code data=DIR}.
 */
public final class SpikingRun {

    private SpikingRun() {
    }

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                System.err.println("spiking-run: expected key=value, found " + arg);
                System.exit(2);
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Path dir = Path.of(a.getOrDefault("data", Mnist.defaultCacheDir().toString()));
        int[] widths = ints(a.getOrDefault("widths", "528,250,125,10"));
        int[] steps = ints(a.getOrDefault("steps", "10,25,50,100,200"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "1"));
        long seed = Long.parseLong(a.getOrDefault("seed", "1"));
        TrainingConfig config = new TrainingConfig(Integer.parseInt(a.getOrDefault("epochs", "20")),
                Integer.parseInt(a.getOrDefault("minibatch", "10")), Float.parseFloat(a.getOrDefault("lr", "0.05")),
                seed, false);
        SpikingNetwork.Reset reset = SpikingNetwork.Reset.valueOf(a.getOrDefault("reset", "SUBTRACT"));
        double percentile = Double.parseDouble(a.getOrDefault("percentile", "100"));
        int normalisation = Integer.parseInt(a.getOrDefault("normalisation", "10000"));

        TrainTest data = Mnist.load(dir, Crop.MNIST_22X24);
        if (a.getOrDefault("protocol", "full").equals("ibm")) {
            data = data.ibmProtocol();
        }
        System.out.printf("ANN %s RELU on %s (%d images); %s%n", Arrays.toString(widths), data.train().name(),
                data.train().size(), config);
        try (Mlp mlp = new Mlp(widths, Activation.RELU, FloatSynapseArray.factory(), threads)) {
            long start = System.nanoTime();
            Training.run(mlp, data, config, System.out::println);
            Evaluation ann = mlp.evaluate(data.test());
            System.out.printf("ANN test %s (trained in %.1f s)%n", ann, (System.nanoTime() - start) / 1e9);
            SpikingNetwork snn = SpikingNetwork.convert(mlp, data.train(), normalisation, percentile);
            System.out.printf("normalisation over %d training images, percentile %s: lambda %s%n",
                    Math.min(normalisation, data.train().size()), percentile, Arrays.toString(snn.lambdas()));
            for (String e : a.getOrDefault("encodings", "CURRENT,RATE,POISSON").split(",")) {
                long t0 = System.nanoTime();
                SpikingResult r = snn.run(data.test(), SpikingNetwork.InputEncoding.valueOf(e), reset, steps, seed, threads);
                System.out.printf("SNN %s  (%.1f s; seed %d)%n", r, (System.nanoTime() - t0) / 1e9, seed);
                for (int c = 0; c < steps.length; c++) {
                    System.out.printf("    T=%4d  SNN %6.2f %%  ANN %6.2f %%  gap %+.2f points%n", steps[c],
                            100 * r.accuracy(c), 100 * ann.accuracy(), 100 * (r.accuracy(c) - ann.accuracy()));
                }
            }
        }
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
