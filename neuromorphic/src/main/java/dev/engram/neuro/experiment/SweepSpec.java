package dev.engram.neuro.experiment;

import dev.engram.neuro.pcm.FaultKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep: the same run ({@code base}: synapses, device, protocol, network, SGD settings, faults, device
 * tuning) for every value of one {@link SweepVariable} and every seed. The points are
 * {@code values × seeds}, seeds {@code firstSeed .. firstSeed + seeds − 1}; each point is a
 * {@link RunSpec} of its own ({@link #points()}), so each is reproducible alone. A fault sweep (the
 * default variable) varies the fraction of faulty conductors; its fault kind and epoch are the base's.
 *
 * <p>The defaults ({@link #defaults()}) are sized to finish well within 15 minutes on two cores: the IBM
 * protocol, the ibm2014 device, dead conductors at 0, 10, 20, 30, 40 and 60 %, two seeds, 10 epochs
 * (see {@link SweepCommand} for the measured time).
 *
 * @param base     the run every point starts from (its seed and the varied setting are replaced)
 * @param variable what varies
 * @param values   the variable's values, distinct (fractions in [0, 1] for a fault sweep)
 * @param seeds    how many seeds per value, at least 1
 * @param firstSeed the first seed
 * @param workers  runs trained at once (each on one thread)
 */
public record SweepSpec(RunSpec base, SweepVariable variable, double[] values, int seeds, long firstSeed,
                        int workers) {

    public static final double[] DEFAULT_FRACTIONS = {0, 0.1, 0.2, 0.3, 0.4, 0.6};
    public static final int DEFAULT_SEEDS = 2;
    public static final int DEFAULT_EPOCHS = 10;

    public SweepSpec {
        values = values.clone();
        if (values.length == 0) {
            throw new IllegalArgumentException("values: expected at least one");
        }
        if (Arrays.stream(values).distinct().count() != values.length) {
            throw new IllegalArgumentException(variable + " values: found " + Arrays.toString(values)
                    + ", expected distinct values");
        }
        if (seeds < 1) {
            throw new IllegalArgumentException("seeds: found " + seeds + ", expected at least 1");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers: found " + workers + ", expected at least 1");
        }
        for (double v : values) {
            variable.apply(base, v);                                  // validates each value against the base
        }
    }

    /**
     * A fault sweep: {@code base} with faults of {@code kind} injected at {@code faultEpoch} (0: before
     * training), at every fraction of {@code fractions}.
     */
    public static SweepSpec faults(RunSpec base, FaultKind kind, double[] fractions, int seeds, long firstSeed,
                                   int faultEpoch, int workers) {
        return new SweepSpec(base.withFaults(new FaultPlan(kind, 0, faultEpoch)), SweepVariable.FRACTION, fractions,
                seeds, firstSeed, workers);
    }

    /** The default sweep (see the class comment). */
    public static SweepSpec defaults() {
        RunSpec base = RunSpec.defaults();
        base = new RunSpec(base.synapse(), base.device(), base.protocol(), base.widths(), DEFAULT_EPOCHS,
                base.minibatch(), base.learningRate(), base.seed(), base.weightRange(), base.faults(), 1, false,
                base.spikingSteps(), base.tuning());
        return new SweepSpec(base, SweepVariable.FRACTION, DEFAULT_FRACTIONS, DEFAULT_SEEDS, RunSpec.DEFAULT_SEED,
                defaultWorkers());
    }

    /** Two workers, or one on a single-core machine. */
    public static int defaultWorkers() {
        return Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    /** The fault kind of every point (a fault sweep's curve label even at 0 %). */
    public FaultKind fault() {
        return base.faults().kind();
    }

    /** Every point, value-major, seeds ascending; each runs on one thread. */
    public List<RunSpec> points() {
        List<RunSpec> out = new ArrayList<>();
        for (double v : values) {
            for (int s = 0; s < seeds; s++) {
                out.add(variable.apply(base.withSeed(firstSeed + s), v).withThreads(1).withTelemetry(false));
            }
        }
        return out;
    }

    /** The sweep as ordered key=value pairs ({@code sweep.properties}); equal maps mean the same sweep. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>(base.describe());
        m.remove("seed");
        switch (variable) {
            case FRACTION -> m.remove("fraction");
            case BATCH -> m.remove("batch");
            case STATES -> m.remove("states");
            case DRIFT_SECONDS -> m.remove("drift_seconds");
        }
        m.put("vary", variable.label());
        StringBuilder f = new StringBuilder();
        for (double v : values) {
            f.append(f.isEmpty() ? "" : ";").append(v);
        }
        m.put("values", f.toString());
        m.put("seeds", Integer.toString(seeds));
        m.put("first_seed", Long.toString(firstSeed));
        return m;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s at %s, %d seed(s) from %d; %d worker(s); base: %s", variable,
                Arrays.toString(values), seeds, firstSeed, workers, base);
    }
}
