package dev.engram.neuro.experiment;

import dev.engram.device.DeviceProfile;
import dev.engram.neuro.data.TrainTest;
import dev.engram.neuro.nn.Activation;
import dev.engram.neuro.nn.FloatSynapseArray;
import dev.engram.neuro.nn.LayerTelemetry;
import dev.engram.neuro.nn.Mlp;
import dev.engram.neuro.nn.SynapseArray;
import dev.engram.neuro.nn.Training;
import dev.engram.neuro.pcm.PcmSynapseArray;
import dev.engram.neuro.pcm.PcmSynapsePool;
import dev.engram.neuro.snn.SpikingNetwork;
import dev.engram.neuro.snn.SpikingResult;
import java.nio.file.Path;
import java.util.ArrayList;
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
        long start = System.nanoTime();
        TrainTest data = spec.protocol().apply(all);
        PcmSynapsePool pool = null;
        try {
            SynapseArray.Factory factory;
            if (spec.synapse().usesDevice()) {
                pool = PcmSynapsePool.create(poolFile, DeviceProfile.NONE);
                pool.commitPeriodBatches(0);
                factory = pool.factory(spec.arrayOptions());
            } else {
                factory = FloatSynapseArray.factory();
            }
            try (Mlp mlp = new Mlp(spec.widths(), Activation.RELU, factory, spec.threads())) {
                List<PcmSynapseArray> arrays = new ArrayList<>();
                for (int l = 0; l < mlp.layerCount(); l++) {
                    if (mlp.array(l) instanceof PcmSynapseArray a) {
                        arrays.add(a);
                    }
                }
                FaultPlan faults = spec.faults();
                if (faults.any() && faults.afterEpoch() == 0) {
                    inject(arrays, spec);                      // before the initial weights are programmed
                }
                List<EpochMetrics> epochs = new ArrayList<>();
                List<LayerTelemetry> telemetry = new ArrayList<>();
                long[] epochStart = {System.nanoTime()};
                PcmSynapsePool committing = commitEveryEpoch ? pool : null;
                Training.run(mlp, data, spec.trainingConfig(), report -> {
                    long now = System.nanoTime();
                    EpochMetrics m = new EpochMetrics(report.epoch(), report.trainAccuracy(),
                            report.test().accuracy(), (now - epochStart[0]) / 1e9, report.trainLoss(),
                            report.test().meanLoss());
                    epochs.add(m);
                    if (spec.telemetry()) {
                        telemetry.addAll(report.layers());
                    }
                    if (faults.any() && report.epoch() == faults.afterEpoch()) {
                        inject(arrays, spec);
                    }
                    if (committing != null) {
                        committing.commit();
                    }
                    onEpoch.accept(m);
                    epochStart[0] = System.nanoTime();
                });
                double ann;
                if (epochs.isEmpty() || (faults.any() && faults.afterEpoch() == spec.epochs())) {
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
                    stats.add(new RunResult.LayerStats(a.name(), a.outputs(), a.inputs(), a.stats()));
                }
                return new RunResult(spec, epochs, telemetry, score, ann, conductors, faulty, stats, spiking,
                        (System.nanoTime() - start) / 1e9);
            }
        } finally {
            if (pool != null) {
                pool.close();
            }
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
