package dev.engram.neuro.experiment;

import java.util.Locale;

/** What a sweep varies from point to point; every other setting is its base run's. */
public enum SweepVariable {
    /** The fraction of every layer's conductors that are faulty (0..1); the x axis in percent. */
    FRACTION("fraction", "faulty conductors (% of all conductors)"),
    /** Samples per SGD step (a whole number ≥ 1). */
    BATCH("batch", "minibatch size (samples per SGD step)"),
    /** The device's distinguishable states (a whole number ≥ 2; {@link DeviceTuning#states}). */
    STATES("states", "distinguishable states of the device"),
    /** Seconds after programming at which the trained network is read ({@link DeviceTuning#driftSeconds}). */
    DRIFT_SECONDS("drift-seconds", "time since programming (s)");

    private final String label;
    private final String axisTitle;

    SweepVariable(String label, String axisTitle) {
        this.label = label;
        this.axisTitle = axisTitle;
    }

    /** "fraction", "batch", "states" or "drift-seconds". */
    public String label() {
        return label;
    }

    String axisTitle() {
        return axisTitle;
    }

    /** The value as plotted and tabulated: fractions in percent, the rest as they are. */
    double display(double value) {
        return this == FRACTION ? 100 * value : value;
    }

    /** The run {@code base} with this variable set to {@code value}; validates the value. */
    RunSpec apply(RunSpec base, double value) {
        return switch (this) {
            case FRACTION -> base.withFaults(new FaultPlan(base.faults().kind(), value, base.faults().afterEpoch()));
            case BATCH -> base.withMinibatch(whole(value, 1));
            case STATES -> base.withTuning(base.tuning().withStates(whole(value, 2)));
            case DRIFT_SECONDS -> base.withTuning(base.tuning().withDriftSeconds(value));
        };
    }

    /** This variable's value in {@code spec}. */
    double valueOf(RunSpec spec) {
        return switch (this) {
            case FRACTION -> spec.faults().fraction();
            case BATCH -> spec.minibatch();
            case STATES -> spec.tuning().states();
            case DRIFT_SECONDS -> spec.tuning().driftSeconds();
        };
    }

    private int whole(double value, int min) {
        if (value != Math.rint(value) || value < min || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(label + ": found " + value + ", expected a whole number >= " + min);
        }
        return (int) value;
    }

    /** The variable labelled {@code name}, case-insensitively, '_' accepted for '-'. */
    public static SweepVariable parse(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (SweepVariable v : values()) {
            if (v.label.equals(wanted)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown sweep variable '" + name
                + "': expected fraction, batch, states or drift-seconds");
    }

    @Override
    public String toString() {
        return label;
    }
}
