package dev.engram.neuro.experiment;

import java.util.List;

/**
 * One finished point of a sweep, one row of {@code results.csv}. Accuracies are fractions (0..1).
 *
 * @param faultyConductors conductors with a fault at the end of the run (0 for float synapses)
 * @param conductors       PCM conductors in the network (0 for float synapses)
 */
public record SweepPoint(String fault, double fraction, long seed, String synapse, String device, String protocol,
                         int epochs, int faultEpoch, double testAccuracy, double annTestAccuracy, double trainAccuracy,
                         long faultyConductors, long conductors, double seconds) {

    /** The columns of {@code results.csv}, in order. */
    public static final List<String> COLUMNS = List.of("fault", "fraction", "seed", "synapse", "device", "protocol",
            "epochs", "fault_epoch", "test_accuracy", "ann_test_accuracy", "train_accuracy", "faulty_conductors",
            "conductors", "faulty_fraction", "seconds");

    static SweepPoint of(RunResult r) {
        RunSpec s = r.spec();
        return new SweepPoint(s.faults().kind().label(), s.faults().fraction(), s.seed(), s.synapse().label(),
                s.device(), s.protocol().label(), s.epochs(), s.faults().afterEpoch(), r.testAccuracy(),
                r.annTestAccuracy(), r.trainAccuracy(), r.faultyConductors(), r.conductors(), r.seconds());
    }

    /** Row {@code r} of a {@code results.csv} read back. */
    static SweepPoint of(Csv.Table t, int r) {
        return new SweepPoint(t.get(r, "fault"), t.number(r, "fraction"), (long) t.number(r, "seed"),
                t.get(r, "synapse"), t.get(r, "device"), t.get(r, "protocol"), (int) t.number(r, "epochs"),
                (int) t.number(r, "fault_epoch"), t.number(r, "test_accuracy"), t.number(r, "ann_test_accuracy"),
                t.number(r, "train_accuracy"), (long) t.number(r, "faulty_conductors"),
                (long) t.number(r, "conductors"), t.number(r, "seconds"));
    }

    /** The fraction of conductors actually faulty at the end (0 for float synapses). */
    public double faultyFraction() {
        return conductors == 0 ? 0 : (double) faultyConductors / conductors;
    }

    /** What a curve of points shares: everything but the fraction and the seed. */
    public String curve() {
        return fault + " · " + synapse + (device.equals("none") ? "" : " " + device) + " · " + protocol + " · "
                + epochs + " epochs" + (faultEpoch == 0 ? "" : " · faults after epoch " + faultEpoch);
    }

    List<String> cells() {
        return List.of(fault, Double.toString(fraction), Long.toString(seed), synapse, device, protocol,
                Integer.toString(epochs), Integer.toString(faultEpoch), Csv.fraction(testAccuracy),
                Csv.fraction(annTestAccuracy), Csv.fraction(trainAccuracy), Long.toString(faultyConductors),
                Long.toString(conductors), Csv.fraction(faultyFraction()), Csv.seconds(seconds));
    }
}
