package dev.engram.neuro.experiment;

import dev.engram.device.DeviceProfile;
import dev.engram.neuro.data.Dataset;
import dev.engram.neuro.data.TrainTest;
import dev.engram.neuro.nn.Activation;
import dev.engram.neuro.nn.FloatSynapseArray;
import dev.engram.neuro.nn.Mlp;
import dev.engram.neuro.pcm.PcmSynapsePool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code bench}: training speed of the float network and of the same network on PCM synapses, measured
 * in one process, epoch against epoch, so that a busy machine slows both alike and their ratio stays
 * meaningful. A timing harness, not a test: nothing here asserts a speed (speed claims go in the docs).
 *
 * <p>Each round trains one epoch of each, float first; an epoch's time is the training steps only (no
 * evaluation, no shuffle). The first {@code warmup} rounds let the JIT settle and are not counted. The
 * result is the median over the counted rounds of the float samples per second, of the PCM samples per
 * second, and of the per-round ratio of the PCM epoch's time to the float epoch's.
 *
 * <p>Each epoch is timed twice: by the wall clock, and by the CPU time of the training thread
 * ({@code ThreadMXBean}). On a machine shared with other jobs the wall clock counts the time the thread
 * waited for a core; its CPU time does not (it still pays for the caches the other jobs evict). With one
 * thread the CPU-time rate is the better estimate of what the code does on an idle core; with two it
 * counts the calling thread only, and is not printed.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Training speed: float and PCM epochs interleaved in one process (1 thread by default); "
                + "prints per-round samples/s and the medians, and writes bench.csv and bench.md into --out if given. "
                + "Speeds depend on the machine and its load; compare ratios measured in one run."})
final class BenchCommand implements Callable<Integer> {

    @ParentCommand
    private NeuroCli root;

    @Option(names = "--protocol", paramLabel = "P", converter = NetworkOptions.ProtocolConverter.class,
            description = "full (60,000 images an epoch; default) or ibm-5k")
    Protocol protocol = Protocol.FULL;

    @Option(names = "--device", paramLabel = "PRESET", description = "PCM preset; default ibm2014")
    String device = RunSpec.DEFAULT_DEVICE;

    @Option(names = "--rounds", paramLabel = "R", description = "counted rounds (one float and one PCM epoch each); default 5")
    int rounds = 5;

    @Option(names = "--warmup", paramLabel = "W", description = "rounds run first and not counted; default 1")
    int warmup = 1;

    @Option(names = "--threads", paramLabel = "T", description = "1 or 2 threads inside each network; default 1")
    int threads = 1;

    @Option(names = "--batch", paramLabel = "B", description = "samples per SGD step; default 10")
    int batch = RunSpec.DEFAULT_MINIBATCH;

    @Option(names = "--no-pcm", description = "float epochs only")
    boolean floatOnly;

    @Option(names = "--widths", paramLabel = "N", split = ",", description = "layer widths; default 528,250,125,10")
    int[] widths = dev.engram.neuro.nn.Mlp.IBM_WIDTHS.clone();

    @Option(names = "--weight-range", paramLabel = "W", description = "PCM weight range; default 0.5")
    double weightRange = RunSpec.DEFAULT_WEIGHT_RANGE;

    @Option(names = "--seed", paramLabel = "S", description = "initial weights and shuffle; default 1")
    long seed = RunSpec.DEFAULT_SEED;

    @Option(names = "--data", paramLabel = "DIR", description = "MNIST directory; default the cache")
    Path data = dev.engram.neuro.data.Mnist.defaultCacheDir();

    @Option(names = "--out", paramLabel = "DIR", description = "also write bench.csv and bench.md here")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (rounds < 1 || warmup < 0) {
            throw new IllegalArgumentException("rounds " + rounds + ", warmup " + warmup + ": expected rounds >= 1, warmup >= 0");
        }
        RunSpec defaults = RunSpec.defaults();
        RunSpec spec = new RunSpec(defaults.synapse(), device, protocol, widths, 1, batch, defaults.learningRate(), seed,
                weightRange, defaults.faults(), threads, false, defaults.spikingSteps());
        TrainTest all = root.data.load(data, spec.widths()[0]);
        Dataset train = protocol.apply(all).train();
        root.out.printf(Locale.ROOT, "bench: %s, %d training images an epoch, batch %d, %d thread(s), seed %d; "
                        + "%d warm-up + %d counted rounds; java %s, %d processors%n", protocol, train.size(), batch,
                threads, seed, warmup, rounds, Runtime.version(), Runtime.getRuntime().availableProcessors());
        Path scratch = Files.createTempDirectory("engram-bench-");
        Path poolFile = scratch.resolve("bench.pcm");
        List<double[]> rows = new ArrayList<>();                    // {round, float s, pcm s, float cpu s, pcm cpu s}
        try (Mlp floatNet = new Mlp(spec.widths(), Activation.RELU, FloatSynapseArray.factory(), threads);
             PcmSynapsePool pool = floatOnly ? null : PcmSynapsePool.create(poolFile, DeviceProfile.NONE)) {
            Mlp pcmNet = null;
            if (pool != null) {
                pool.commitPeriodBatches(0);
                pcmNet = new Mlp(spec.widths(), Activation.RELU, pool.factory(spec.arrayOptions()), threads);
                pcmNet.initialize(new SplittableRandom(seed));
            }
            floatNet.initialize(new SplittableRandom(seed));
            int[] order = new int[train.size()];
            Arrays.setAll(order, i -> i);
            SplittableRandom shuffle = new SplittableRandom(seed + 1);
            for (int r = 1 - warmup; r <= rounds; r++) {
                shuffle(order, shuffle);
                double[] f = epochSeconds(floatNet, train, order, spec);
                double[] p = pcmNet == null ? new double[] {Double.NaN, Double.NaN}
                        : epochSeconds(pcmNet, train, order, spec);
                root.out.printf(Locale.ROOT, "  round %2d%s: float %,8.0f samples/s (%.2f s; %,.0f per CPU-second)%s%n",
                        r, r <= 0 ? " (warm-up)" : "", train.size() / f[0], f[0], train.size() / f[1],
                        pcmNet == null ? "" : String.format(Locale.ROOT,
                                "   pcm %,8.0f samples/s (%.2f s; %,.0f per CPU-second)   pcm/float %.2f (CPU %.2f)",
                                train.size() / p[0], p[0], train.size() / p[1], p[0] / f[0], p[1] / f[1]));
                if (r >= 1) {
                    rows.add(new double[] {r, f[0], p[0], f[1], p[1]});
                }
            }
            if (pcmNet != null) {
                pcmNet.close();
            }
        } finally {
            Files.deleteIfExists(poolFile);
            Files.deleteIfExists(scratch);
        }
        double floatRate = median(rows.stream().mapToDouble(x -> train.size() / x[1]).toArray());
        double pcmRate = median(rows.stream().mapToDouble(x -> train.size() / x[2]).toArray());
        double ratio = median(rows.stream().mapToDouble(x -> x[2] / x[1]).toArray());
        double floatCpuRate = median(rows.stream().mapToDouble(x -> train.size() / x[3]).toArray());
        double pcmCpuRate = median(rows.stream().mapToDouble(x -> train.size() / x[4]).toArray());
        double cpuRatio = median(rows.stream().mapToDouble(x -> x[4] / x[3]).toArray());
        String cpu = threads == 1 ? String.format(Locale.ROOT, "; per CPU-second of the training thread: float %,.0f%s",
                floatCpuRate, floatOnly ? "" : String.format(Locale.ROOT, ", pcm %,.0f, ratio %.2f", pcmCpuRate, cpuRatio))
                : "";
        String summary = String.format(Locale.ROOT, "median of %d rounds: float %,.0f samples/s (%.2f s an epoch of %,d)%s%s",
                rows.size(), floatRate, train.size() / floatRate, train.size(), floatOnly ? ""
                        : String.format(Locale.ROOT, "; pcm %s %,.0f samples/s; pcm epoch / float epoch %.2f",
                        device, pcmRate, ratio), cpu);
        root.out.println(summary);
        if (out != null) {
            Files.createDirectories(out);
            List<List<String>> csv = new ArrayList<>();
            for (double[] x : rows) {
                csv.add(List.of(Integer.toString((int) x[0]), Csv.seconds(x[1]), Csv.number(train.size() / x[1]),
                        Double.isNaN(x[2]) ? "" : Csv.seconds(x[2]), Double.isNaN(x[2]) ? "" : Csv.number(train.size() / x[2]),
                        Double.isNaN(x[2]) ? "" : Csv.number(x[2] / x[1]), Csv.seconds(x[3]),
                        Double.isNaN(x[4]) ? "" : Csv.seconds(x[4])));
            }
            Csv.write(out.resolve("bench.csv"), List.of("round", "float_seconds", "float_samples_per_second",
                    "pcm_seconds", "pcm_samples_per_second", "pcm_over_float", "float_cpu_seconds", "pcm_cpu_seconds"),
                    csv);
            Files.writeString(out.resolve("bench.md"), "# Training speed\n\nCommand: `" + root.commandLine + "`\n\n"
                    + String.format(Locale.ROOT, "%s protocol, %,d images an epoch, batch %d, %d thread(s), seed %d, "
                    + "%d warm-up round(s); Java %s, %d processors, load average at the end %.2f.%n%n",
                    protocol, train.size(), batch, threads, seed, warmup, Runtime.version(),
                    Runtime.getRuntime().availableProcessors(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                    + summary + ".\n");
        }
        return NeuroCli.OK;
    }

    /** {wall-clock seconds, CPU seconds of this thread} of one epoch's training steps over {@code order}. */
    private static double[] epochSeconds(Mlp mlp, Dataset train, int[] order, RunSpec spec) {
        java.lang.management.ThreadMXBean threadsBean = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threadsBean.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int from = 0; from < order.length; from += spec.minibatch()) {
            mlp.trainStep(train, order, from, Math.min(spec.minibatch(), order.length - from), spec.learningRate());
        }
        return new double[] {(System.nanoTime() - start) / 1e9, (threadsBean.getCurrentThreadCpuTime() - cpuStart) / 1e9};
    }

    private static void shuffle(int[] order, SplittableRandom rng) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
