package dev.engram.neuro.experiment;

import java.util.List;
import java.util.Locale;

/**
 * One finished point of a sweep, one row of {@code results.csv}. Accuracies are fractions (0..1).
 *
 * @param varied           the sweep's variable ({@link SweepVariable#label}); the point's x is its value
 * @param faultHandling    the controller's fault handling ({@link dev.engram.neuro.pcm.FaultHandling#label})
 * @param batch            samples per SGD step
 * @param states           the device's distinguishable states (0 for float synapses)
 * @param driftSeconds     when after programming the network was scored
 * @param faultyConductors conductors with a fault at the end of the run (0 for float synapses)
 * @param conductors       PCM conductors in the network (0 for float synapses)
 */
public record SweepPoint(String fault, double fraction, long seed, String synapse, String device, String protocol,
                         int epochs, int faultEpoch, double testAccuracy, double annTestAccuracy, double trainAccuracy,
                         long faultyConductors, long conductors, double seconds, String varied, String faultHandling,
                         int batch, int states, double driftSeconds) {

    /** The columns of {@code results.csv}, in order. */
    public static final List<String> COLUMNS = List.of("fault", "fraction", "seed", "synapse", "device", "protocol",
            "epochs", "fault_epoch", "test_accuracy", "ann_test_accuracy", "train_accuracy", "faulty_conductors",
            "conductors", "faulty_fraction", "seconds", "varied", "fault_handling", "batch", "states", "drift_seconds");

    /** A fault-fraction point of the preset device with no fault handling, at batch 10 (the sweeps before 1.1). */
    public SweepPoint(String fault, double fraction, long seed, String synapse, String device, String protocol,
                      int epochs, int faultEpoch, double testAccuracy, double annTestAccuracy, double trainAccuracy,
                      long faultyConductors, long conductors, double seconds) {
        this(fault, fraction, seed, synapse, device, protocol, epochs, faultEpoch, testAccuracy, annTestAccuracy,
                trainAccuracy, faultyConductors, conductors, seconds, SweepVariable.FRACTION.label(), "off",
                RunSpec.DEFAULT_MINIBATCH, 0, 0);
    }

    static SweepPoint of(RunResult r, SweepVariable varied) {
        RunSpec s = r.spec();
        int states = !s.synapse().usesDevice() ? 0
                : s.tuning().states() > 0 ? s.tuning().states() : s.arrayOptions().model().distinguishableStates();
        return new SweepPoint(s.faults().kind().label(), s.faults().fraction(), s.seed(), s.synapse().label(),
                s.device(), s.protocol().label(), s.epochs(), s.faults().afterEpoch(), r.testAccuracy(),
                r.annTestAccuracy(), r.trainAccuracy(), r.faultyConductors(), r.conductors(), r.seconds(),
                varied.label(), s.tuning().faultHandling().label(), s.minibatch(), states, s.tuning().driftSeconds());
    }

    /**
     * Row {@code r} of a {@code results.csv} read back. Files written before the sweep variables existed
     * lack the last five columns: they were fault-fraction sweeps without fault handling at batch 10.
     */
    static SweepPoint of(Csv.Table t, int r) {
        boolean old = !t.header().contains("varied");
        return new SweepPoint(t.get(r, "fault"), t.number(r, "fraction"), (long) t.number(r, "seed"),
                t.get(r, "synapse"), t.get(r, "device"), t.get(r, "protocol"), (int) t.number(r, "epochs"),
                (int) t.number(r, "fault_epoch"), t.number(r, "test_accuracy"), t.number(r, "ann_test_accuracy"),
                t.number(r, "train_accuracy"), (long) t.number(r, "faulty_conductors"),
                (long) t.number(r, "conductors"), t.number(r, "seconds"),
                old ? SweepVariable.FRACTION.label() : t.get(r, "varied"),
                old ? "off" : t.get(r, "fault_handling"), old ? RunSpec.DEFAULT_MINIBATCH : (int) t.number(r, "batch"),
                old ? 0 : (int) t.number(r, "states"), old ? 0 : t.number(r, "drift_seconds"));
    }

    /** The fraction of conductors actually faulty at the end (0 for float synapses). */
    public double faultyFraction() {
        return conductors == 0 ? 0 : (double) faultyConductors / conductors;
    }

    /** The sweep variable. */
    public SweepVariable variable() {
        return SweepVariable.parse(varied);
    }

    /** The value of the sweep variable at this point (a fraction for fault sweeps). */
    public double x() {
        return switch (variable()) {
            case FRACTION -> fraction;
            case BATCH -> batch;
            case STATES -> states;
            case DRIFT_SECONDS -> driftSeconds;
        };
    }

    /** What a curve of points shares: everything but the varied value and the seed; and what varies. */
    public String curve() {
        SweepVariable v = variable();
        StringBuilder b = new StringBuilder();
        if (v == SweepVariable.FRACTION) {
            b.append(fault);
        } else if (fraction > 0) {
            b.append(SweepFiles.trim(100 * fraction)).append(" % ").append(fault);
        } else {
            b.append("no faults");
        }
        b.append(" · ").append(synapse).append(device.equals("none") ? "" : " " + device);
        if (!faultHandling.equals("off")) {
            b.append(" · fault handling ").append(faultHandling);
        }
        b.append(" · ").append(protocol).append(" · ").append(epochs).append(" epochs");
        if (v != SweepVariable.BATCH && batch != RunSpec.DEFAULT_MINIBATCH) {
            b.append(" · batch ").append(batch);
        }
        if (v != SweepVariable.DRIFT_SECONDS && driftSeconds > 0) {
            b.append(String.format(Locale.ROOT, " · read after %.4g s", driftSeconds));
        }
        if (faultEpoch != 0 && (v == SweepVariable.FRACTION || fraction > 0)) {
            b.append(" · faults after epoch ").append(faultEpoch);
        }
        if (v != SweepVariable.FRACTION) {
            b.append(" · over ").append(v.label());     // curves of different variables never merge
        }
        return b.toString();
    }

    List<String> cells() {
        return List.of(fault, Double.toString(fraction), Long.toString(seed), synapse, device, protocol,
                Integer.toString(epochs), Integer.toString(faultEpoch), Csv.fraction(testAccuracy),
                Csv.fraction(annTestAccuracy), Csv.fraction(trainAccuracy), Long.toString(faultyConductors),
                Long.toString(conductors), Csv.fraction(faultyFraction()), Csv.seconds(seconds), varied,
                faultHandling, Integer.toString(batch), Integer.toString(states), Double.toString(driftSeconds));
    }
}
