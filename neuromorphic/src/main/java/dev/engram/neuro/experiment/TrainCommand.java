package dev.engram.neuro.experiment;

import dev.engram.neuro.data.TrainTest;
import dev.engram.neuro.pcm.FaultKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code train}: one network, trained and scored, with its metrics, telemetry and plots. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains one network and writes metrics.csv (epoch, train_accuracy, test_accuracy, seconds, ...), "
                + "telemetry.csv (per layer per epoch: weight mean/std, gradient mean-norm/std-norm, SNR), pcm.csv, "
                + "run.properties and PNG+SVG plots into --out. PCM synapses are kept in OUT/synapses.pcm, "
                + "committed after every epoch."})
final class TrainCommand implements Callable<Integer> {

    @ParentCommand
    private NeuroCli root;

    @Mixin
    NetworkOptions network;

    @Option(names = "--seed", paramLabel = "S", description = "the run's one seed; default 1")
    long seed = RunSpec.DEFAULT_SEED;

    @Option(names = "--fault", paramLabel = "KIND", converter = NetworkOptions.FaultConverter.class,
            description = "dead, stuck-on or stuck-off (with --fraction); default dead")
    FaultKind fault = FaultKind.DEAD;

    @Option(names = "--fraction", paramLabel = "F", description = "fraction of every layer's conductors to break; default 0")
    double fraction;

    @Option(names = "--fault-epoch", paramLabel = "K",
            description = "0: break them before training (default); K: after epoch K")
    int faultEpoch;

    @Option(names = "--threads", paramLabel = "T", description = "1 or 2 threads inside the network; default 2")
    int threads = 2;

    @Option(names = "--no-telemetry", description = "skip the gradient statistics (faster; telemetry.csv not written)")
    boolean noTelemetry;

    @Option(names = "--out", paramLabel = "DIR", description = "where the files go (created); default neuro-runs/train")
    Path out = Path.of("neuro-runs", "train");

    @Option(names = "--resume",
            description = "continue the run in --out from its synapses.pcm (committed after every epoch), with the same "
                    + "options (--epochs may be larger): the result is the one an uninterrupted run gives")
    boolean resume;

    @Override
    public Integer call() throws IOException {
        RunSpec spec = network.spec(RunSpec.DEFAULT_EPOCHS, seed, new FaultPlan(fault, fraction, faultEpoch), threads,
                !noTelemetry);
        TrainTest data = root.data.load(network.data, spec.widths()[0]);
        Files.createDirectories(out);
        Path pool = out.resolve("synapses.pcm");
        Trainer.Done done = resume ? RunFiles.readDone(out, spec) : null;
        if (!resume) {
            Files.deleteIfExists(pool);
        }
        root.out.println((resume ? "train (resuming after epoch " + done.epochs().size() + "): " : "train: ") + spec);
        if (spec.synapse().usesDevice()) {
            root.out.println("  device " + spec.arrayOptions().model());
            root.out.println("  " + spec.arrayOptions().policy() + ", array seed=" + spec.seed() + "; synapses in " + pool);
        }
        root.out.printf("  data %s: %d training images, %d test images%n", network.data,
                spec.protocol().apply(data).train().size(), data.test().size());
        List<EpochMetrics> progress = new java.util.ArrayList<>(resume ? done.epochs() : List.of());
        java.util.function.Consumer<EpochMetrics> onEpoch = m -> {
            root.out.println("  " + m);
            progress.add(m);
            RunFiles.writeProgress(spec, progress, out, root.commandLine);   // what --resume reads
        };
        RunResult result = resume ? Trainer.resume(spec, data, pool, done, onEpoch)
                : Trainer.run(spec, data, pool, true, onEpoch);
        for (RunResult.LayerStats layer : result.arrays()) {
            layer.selfTest().ifPresent(t -> root.out.println("  " + layer.layer() + " " + t));
        }
        if (result.conductors() > 0) {
            root.out.printf("  %,d of %,d conductors faulty (%.2f %%)%n", result.faultyConductors(), result.conductors(),
                    100 * result.faultyFraction());
        }
        result.spiking().ifPresent(s -> root.out.println("  spiking: " + s));
        root.out.printf("test accuracy %s (seed %d; IBM 2014 hardware 82.9 %%, goal 90 %%), %.1f s%n",
                RunFiles.percent(result.testAccuracy()), spec.seed(), result.seconds());
        List<Path> files = RunFiles.write(result, out, root.commandLine);
        root.out.println("wrote " + files.size() + " files to " + out
                + (spec.synapse().usesDevice() ? " (and synapses.pcm)" : ""));
        return NeuroCli.OK;
    }
}
