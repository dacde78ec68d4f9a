package dev.engram.neuro.experiment;

import dev.engram.device.DeviceProfile;
import dev.engram.neuro.data.TrainTest;
import dev.engram.neuro.nn.Activation;
import dev.engram.neuro.nn.FloatSynapseArray;
import dev.engram.neuro.nn.GradientWindow;
import dev.engram.neuro.nn.LayerTelemetry;
import dev.engram.neuro.nn.Mlp;
import dev.engram.neuro.nn.SynapseArray;
import dev.engram.neuro.nn.Training;
import dev.engram.neuro.pcm.FaultHandling;
import dev.engram.neuro.pcm.PcmSynapseArray;
import dev.engram.neuro.pcm.SelfTestResult;
import dev.engram.neuro.pcm.PcmSynapsePool;
import dev.engram.neuro.snn.SpikingNetwork;
import dev.engram.neuro.snn.SpikingResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs one {@link RunSpec}: builds the network over its synapses, breaks the conductors the
 * {@link FaultPlan} names when it names them, trains with {@link Training}, and scores the result.
 *
 * <p>PCM synapses live in a {@link PcmSynapsePool} in a new file the caller names. The pool commits
 * once per epoch when asked ({@code commitEveryEpoch}), so the file then holds the trained network at
 * its last epoch, faults included; otherwise it never commits (a sweep's pools are scratch).
 *
 * <p>Thread-safe in the sense that matters for a sweep: a run touches only its own network, pool and
 * random streams; the data set is only read.
 */
public final class Trainer {

    /**
     * With telemetry on, gradient statistics are also taken over every this many minibatches
     * ({@link GradientWindow}): 50 windows an epoch of the IBM protocol at batch 10, fine enough to see
     * the first epoch's drift phase end.
     */
    public static final int GRADIENT_WINDOW_MINIBATCHES = 10;

    /** Training images the spiking conversion measures its per-layer activation scales over. */
    public static final int SPIKING_NORMALISATION_IMAGES = 10_000;

    private Trainer() {
    }

    /**
     * Trains and scores {@code spec} on {@code all} (the protocol picks its images).
     *
     * @param poolFile         where PCM synapses are kept; must not exist; ignored for float synapses
     * @param commitEveryEpoch commit the pool after every epoch (see the class comment)
     * @param onEpoch          called after every epoch, on the calling thread
     */
    public static RunResult run(RunSpec spec, TrainTest all, Path poolFile, boolean commitEveryEpoch,
                                Consumer<EpochMetrics> onEpoch) {
        return train(spec, all, poolFile, commitEveryEpoch, onEpoch, null);
    }

    /**
     * What a run that stopped had done: its epochs' metrics and telemetry (from its files), to be carried
     * into the resumed run's result.
     */
    public record Done(List<EpochMetrics> epochs, List<LayerTelemetry> telemetry) {
        public Done {
            epochs = List.copyOf(epochs);
            telemetry = List.copyOf(telemetry);
        }
    }

    /**
     * Continues {@code spec} from the pool a stopped run of it committed after its last finished epoch
     * ({@code run} with {@code commitEveryEpoch}): the pool is reopened at its last commit, the epochs
     * it holds are not trained again, and the rest are trained as if the run had never stopped — the
     * same result, bit for bit, as an uninterrupted run (tested). Faults due before that epoch are in
     * the pool already, as is the controller's diagnosis.
     *
     * @param done what the stopped run recorded; its epoch count must match the pool's
     * @throws ExperimentException if the pool holds no finished epoch, more epochs than {@code done}
     *                             records, or a batch count that is not a whole number of epochs
     */
    public static RunResult resume(RunSpec spec, TrainTest all, Path poolFile, Done done, Consumer<EpochMetrics> onEpoch) {
        if (!spec.synapse().usesDevice()) {
            throw new IllegalArgumentException("float runs keep no synapse pool to resume from; run them again");
        }
        return train(spec, all, poolFile, true, onEpoch, done);
    }

    private static RunResult train(RunSpec spec, TrainTest all, Path poolFile, boolean commitEveryEpoch,
                                   Consumer<EpochMetrics> onEpoch, Done done) {
        long start = System.nanoTime();
        TrainTest data = spec.protocol().apply(all);
        PcmSynapsePool pool = null;
        try {
            SynapseArray.Factory factory;
            if (spec.synapse().usesDevice()) {
                pool = done == null ? PcmSynapsePool.create(poolFile, DeviceProfile.NONE)
                        : PcmSynapsePool.open(poolFile, DeviceProfile.NONE);
                pool.commitPeriodBatches(0);
                factory = pool.factory(spec.arrayOptions());
            } else {
                factory = FloatSynapseArray.factory();
            }
            try (Mlp mlp = new Mlp(spec.widths(), spec.activation(), factory, spec.threads())) {
                List<PcmSynapseArray> arrays = new ArrayList<>();
                for (int l = 0; l < mlp.layerCount(); l++) {
                    if (mlp.array(l) instanceof PcmSynapseArray a) {
                        arrays.add(a);
                    }
                }
                FaultPlan faults = spec.faults();
                boolean selfTesting = spec.tuning().faultHandling() != FaultHandling.OFF;
                Map<String, SelfTestResult> selfTests = new HashMap<>();
                int epochsDone = done == null ? 0 : epochsIn(arrays, data, spec, poolFile, done);
                if (done == null) {
                    if (faults.any() && faults.afterEpoch() == 0) {
                        inject(arrays, spec);                  // before the initial weights are programmed
                    }
                    if (selfTesting) {
                        selfTest(arrays, selfTests);           // the controller's start-up test, before programming
                    }
                }
                List<EpochMetrics> epochs = new ArrayList<>(done == null ? List.of() : done.epochs());
                List<LayerTelemetry> telemetry = new ArrayList<>(done == null ? List.of() : done.telemetry());
                List<GradientWindow> gradients = new ArrayList<>();
                if (spec.telemetry()) {
                    mlp.gradientWindow(GRADIENT_WINDOW_MINIBATCHES);
                }
                long[] epochStart = {System.nanoTime()};
                PcmSynapsePool committing = commitEveryEpoch ? pool : null;
                Training.run(mlp, data, spec.trainingConfig(), epochsDone, report -> {
                    long now = System.nanoTime();
                    EpochMetrics m = new EpochMetrics(report.epoch(), report.trainAccuracy(),
                            report.test().accuracy(), (now - epochStart[0]) / 1e9, report.trainLoss(),
                            report.test().meanLoss());
                    epochs.add(m);
                    if (spec.telemetry()) {
                        telemetry.addAll(report.layers());
                        gradients.addAll(mlp.takeGradientWindows(report.epoch(),
                                (data.train().size() + spec.minibatch() - 1) / spec.minibatch()));
                    }
                    if (faults.any() && report.epoch() == faults.afterEpoch()) {
                        inject(arrays, spec);
                        if (selfTesting) {
                            selfTest(arrays, selfTests);       // maintenance: test, then reprogram the weights
                        }
                    }
                    if (committing != null) {
                        committing.commit();
                    }
                    onEpoch.accept(m);
                    epochStart[0] = System.nanoTime();
                });
                double ann;
                double drift = spec.tuning().driftSeconds();
                if (drift > 0) {
                    for (PcmSynapseArray a : arrays) {
                        a.driftTo(drift);
                    }
                    ann = mlp.evaluate(data.test()).accuracy();  // read drift seconds after programming
                } else if (epochs.isEmpty() || (faults.any() && faults.afterEpoch() == spec.epochs())) {
                    ann = mlp.evaluate(data.test()).accuracy();  // untrained, or broken after the last epoch
                } else {
                    ann = epochs.getLast().testAccuracy();
                }
                Optional<SpikingResult> spiking = Optional.empty();
                double score = ann;
                if (spec.synapse() == SynapseKind.SPIKING) {
                    SpikingNetwork snn = SpikingNetwork.convert(mlp, data.train(), SPIKING_NORMALISATION_IMAGES, 100);
                    SpikingResult r = snn.run(data.test(), SpikingNetwork.InputEncoding.CURRENT,
                            SpikingNetwork.Reset.SUBTRACT, spec.spikingSteps(), spec.seed(), spec.threads());
                    spiking = Optional.of(r);
                    score = r.accuracy(r.steps().length - 1);
                }
                long conductors = 0;
                long faulty = 0;
                List<RunResult.LayerStats> stats = new ArrayList<>();
                for (PcmSynapseArray a : arrays) {
                    conductors += 2L * a.outputs() * a.inputs();
                    faulty += a.stats().faultyConductors();
                    stats.add(new RunResult.LayerStats(a.name(), a.outputs(), a.inputs(), a.stats(),
                            Optional.ofNullable(selfTests.get(a.name()))));
                }
                return new RunResult(spec, epochs, telemetry, score, ann, conductors, faulty, stats, spiking,
                        (System.nanoTime() - start) / 1e9, gradients);
            }
        } finally {
            if (pool != null) {
                pool.close();
            }
        }
    }

    /** The epochs a reopened pool holds, checked against what the stopped run recorded. */
    private static int epochsIn(List<PcmSynapseArray> arrays, TrainTest data, RunSpec spec, Path poolFile, Done done) {
        long perEpoch = (data.train().size() + spec.minibatch() - 1) / spec.minibatch();
        long batches = arrays.getFirst().committedBatches();
        if (batches == 0) {
            throw new ExperimentException(poolFile, "holds no finished epoch: nothing to resume; run without --resume");
        }
        for (PcmSynapseArray a : arrays) {
            if (a.committedBatches() != batches || !a.initialized()) {
                throw new ExperimentException(poolFile, "array " + a.name() + " holds " + a.committedBatches()
                        + " batches" + (a.initialized() ? "" : " and was never programmed") + ", array "
                        + arrays.getFirst().name() + " " + batches + ": not one run's epoch");
            }
        }
        if (batches % perEpoch != 0) {
            throw new ExperimentException(poolFile, "holds " + batches + " batches, expected a whole number of "
                    + "epochs of " + perEpoch + " batches; run without --resume to start over");
        }
        int epochs = (int) (batches / perEpoch);
        if (epochs != done.epochs().size()) {
            throw new ExperimentException(poolFile, "holds " + epochs + " epochs, the run's metrics record "
                    + done.epochs().size() + "; run without --resume to start over");
        }
        if (epochs > spec.epochs()) {
            throw new ExperimentException(poolFile, "holds " + epochs + " epochs, more than the " + spec.epochs()
                    + " asked for");
        }
        return epochs;
    }

    /** Every array's self-test; the last result of each is kept. */
    private static void selfTest(List<PcmSynapseArray> arrays, Map<String, SelfTestResult> results) {
        for (PcmSynapseArray a : arrays) {
            results.put(a.name(), a.selfTest());
        }
    }

    /** Breaks {@code fraction} of every layer's conductors, each layer with its own derived fault seed. */
    private static void inject(List<PcmSynapseArray> arrays, RunSpec spec) {
        FaultPlan f = spec.faults();
        for (PcmSynapseArray a : arrays) {
            a.injectFaults(f.kind(), f.fraction(), f.faultSeed(spec.seed(), a.name()));
        }
    }
}
