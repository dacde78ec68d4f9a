package dev.engram.neuro.experiment;

import dev.engram.neuro.pcm.FaultKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A fault sweep: the same run ({@code base}: synapses, device, protocol, network, SGD settings) for every
 * fault fraction and every seed, with faults of one kind injected at one epoch. The points are
 * {@code fractions × seeds}, seeds {@code firstSeed .. firstSeed + seeds − 1}; each point is a
 * {@link RunSpec} of its own ({@link #points()}), so each is reproducible alone.
 *
 * <p>The defaults ({@link #defaults()}) are sized to finish well within 15 minutes on two cores: the IBM
 * protocol, the ibm2014 device, dead conductors at 0, 10, 20, 30, 40 and 60 %, two seeds, 10 epochs
 * (2 min 44 s measured on two cores shared with other jobs; a stuck-on point takes about twice as long).
 *
 * @param base       the run every point starts from (its seed and faults are replaced)
 * @param fault      what is wrong with a faulty conductor
 * @param fractions  fault fractions, each in [0, 1], distinct
 * @param seeds      how many seeds per fraction, at least 1
 * @param firstSeed  the first seed
 * @param faultEpoch 0: faults before training; k: after epoch k (see {@link FaultPlan})
 * @param workers    runs trained at once (each on one thread)
 */
public record SweepSpec(RunSpec base, FaultKind fault, double[] fractions, int seeds, long firstSeed, int faultEpoch,
                        int workers) {

    public static final double[] DEFAULT_FRACTIONS = {0, 0.1, 0.2, 0.3, 0.4, 0.6};
    public static final int DEFAULT_SEEDS = 2;
    public static final int DEFAULT_EPOCHS = 10;

    public SweepSpec {
        fractions = fractions.clone();
        if (fractions.length == 0) {
            throw new IllegalArgumentException("fractions: expected at least one");
        }
        if (Arrays.stream(fractions).distinct().count() != fractions.length) {
            throw new IllegalArgumentException("fractions: found " + Arrays.toString(fractions)
                    + ", expected distinct values");
        }
        if (seeds < 1) {
            throw new IllegalArgumentException("seeds: found " + seeds + ", expected at least 1");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers: found " + workers + ", expected at least 1");
        }
        for (double f : fractions) {
            new FaultPlan(fault, f, faultEpoch);                                 // validates the fraction
            base.withFaults(new FaultPlan(fault, f, faultEpoch));               // and fault epoch vs epochs
        }
    }

    /** The default sweep (see the class comment). */
    public static SweepSpec defaults() {
        RunSpec base = RunSpec.defaults();
        base = new RunSpec(base.synapse(), base.device(), base.protocol(), base.widths(), DEFAULT_EPOCHS,
                base.minibatch(), base.learningRate(), base.seed(), base.weightRange(), base.faults(), 1, false,
                base.spikingSteps());
        return new SweepSpec(base, FaultKind.DEAD, DEFAULT_FRACTIONS, DEFAULT_SEEDS, RunSpec.DEFAULT_SEED, 0,
                defaultWorkers());
    }

    /** Two workers, or one on a single-core machine. */
    public static int defaultWorkers() {
        return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    @Override
    public double[] fractions() {
        return fractions.clone();
    }

    /** Every point, fraction-major, seeds ascending; each runs on one thread. */
    public List<RunSpec> points() {
        List<RunSpec> out = new ArrayList<>();
        for (double f : fractions) {
            for (int s = 0; s < seeds; s++) {
                out.add(base.withSeed(firstSeed + s).withFaults(new FaultPlan(fault, f, faultEpoch)).withThreads(1)
                        .withTelemetry(false));
            }
        }
        return out;
    }

    /** The sweep as ordered key=value pairs ({@code sweep.properties}); equal maps mean the same sweep. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>(base.describe());
        m.remove("seed");
        m.remove("fraction");
        m.put("fault", fault.label());
        m.put("fault_epoch", Integer.toString(faultEpoch));
        StringBuilder f = new StringBuilder();
        for (double v : fractions) {
            f.append(f.isEmpty() ? "" : ";").append(v);
        }
        m.put("fractions", f.toString());
        m.put("seeds", Integer.toString(seeds));
        m.put("first_seed", Long.toString(firstSeed));
        return m;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s faults at %s, %d seed(s) from %d, %s; %d worker(s); base: %s", fault,
                Arrays.toString(fractions), seeds, firstSeed, faultEpoch == 0 ? "before training"
                        : "after epoch " + faultEpoch, workers, base);
    }
}
