package dev.engram.neuro.nn;

import dev.engram.neuro.data.Crop;
import dev.engram.neuro.data.Mnist;
import dev.engram.neuro.data.TrainTest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Trains the float baseline on MNIST and prints one line per epoch. Arguments are {@code key=value}:
 * {@code protocol=full|ibm} (ibm: the first 5,000 training images), {@code epochs=20},
 * {@code minibatch=10}, {@code lr=0.05}, {@code seed=1}, {@code threads=1|2},
 * {@code activation=relu|tanh|sigmoid}, {@code widths=528,250,125,10}, {@code stats=false} (gradient
 * statistics and per-layer telemetry lines), {@code data=DIR} (default {@link Mnist#defaultCacheDir()}).
 * The data must be in the cache: {@code java dev.engram.neuro.data.Mnist} fetches it.
 */
public final class MnistRun {

    private MnistRun() {
    }

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0) {
                System.err.println("mnist-run: expected key=value, found " + arg);
                System.exit(2);
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        Path dir = Path.of(a.getOrDefault("data", Mnist.defaultCacheDir().toString()));
        boolean ibm = a.getOrDefault("protocol", "full").equals("ibm");
        int[] widths = Arrays.stream(a.getOrDefault("widths", "528,250,125,10").split(",")).mapToInt(Integer::parseInt).toArray();
        Activation activation = Activation.valueOf(a.getOrDefault("activation", "relu").toUpperCase(Locale.ROOT));
        int threads = Integer.parseInt(a.getOrDefault("threads", "1"));
        boolean stats = Boolean.parseBoolean(a.getOrDefault("stats", "false"));
        TrainingConfig config = new TrainingConfig(Integer.parseInt(a.getOrDefault("epochs", "20")),
                Integer.parseInt(a.getOrDefault("minibatch", "10")), Float.parseFloat(a.getOrDefault("lr", "0.05")),
                Long.parseLong(a.getOrDefault("seed", "1")), stats);

        Crop crop = widths[0] == Crop.MNIST_22X24.features() ? Crop.MNIST_22X24 : Crop.none(28, 28);
        TrainTest data = Mnist.load(dir, crop);
        if (ibm) {
            data = data.ibmProtocol();
        }
        System.out.printf("data %s: train %s (%d), test %s (%d), crop %s%n", dir, data.train().name(),
                data.train().size(), data.test().name(), data.test().size(), crop);
        System.out.printf("network %s %s, float synapse arrays, %d thread(s); %s%n",
                Arrays.toString(widths), activation, threads, config);
        try (Mlp mlp = new Mlp(widths, activation, FloatSynapseArray.factory(), threads)) {
            Training.run(mlp, data, config, report -> {
                System.out.println(report);
                if (stats) {
                    report.layers().forEach(t -> System.out.println("    " + t));
                }
            });
        }
    }
}
