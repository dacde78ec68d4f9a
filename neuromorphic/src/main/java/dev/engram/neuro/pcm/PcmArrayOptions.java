package dev.engram.neuro.pcm;

import java.util.Locale;
import java.util.Objects;

/**
 * How to build a {@link PcmSynapseArray}: fluent setters, then {@link #conclude()} validates them
 * together. All are stored in the array's block, so that reopening continues with the same ones.
 *
 * <pre>{@code
 * new PcmArrayOptions().preset("ibm2014").weightRange(1.0).seed(42)
 * }</pre>
 *
 * <h2>Weight range</h2>
 * A weight is {@code w = (G+ − G−) · scale} with {@code scale = weightRange / (Gmax − Gmin)}: a pair at
 * (Gmax, Gmin) is {@code +weightRange}, at (Gmin, Gmax) {@code −weightRange}. Choose it so that the
 * initial weights and the weights training reaches fit well inside it: the refresh keeps a pair
 * below the policy's upper threshold only while |w| stays below that fraction of the range, and
 * {@link PcmSynapseArray#initialize} refuses weights beyond it. For the 528-250-125-10 MNIST
 * perceptron (Xavier initial weights about ±0.1, trained weights mostly within ±1) the default 1.0 fits;
 * a smaller range gives finer steps ({@code nominal step · scale} per pulse) but clips more.
 */
public final class PcmArrayOptions {

    /** The seed when none is set. It is printed with every array, like any seed. */
    public static final long DEFAULT_SEED = 0x5EED_9C3AL;

    private PcmDeviceModel model = PcmDeviceModel.IDEAL;
    private UpdatePolicy policy = UpdatePolicy.IDEAL;
    private double weightRange = 1.0;
    private long seed = DEFAULT_SEED;

    /** The preset model and its update policy ({@link PcmDeviceModel#parse}, {@link UpdatePolicy#forPreset}). */
    public PcmArrayOptions preset(String name) {
        this.model = PcmDeviceModel.parse(name);
        this.policy = UpdatePolicy.forPreset(name);
        return this;
    }

    public PcmArrayOptions model(PcmDeviceModel newModel) {
        this.model = Objects.requireNonNull(newModel, "model");
        return this;
    }

    public PcmArrayOptions policy(UpdatePolicy newPolicy) {
        this.policy = Objects.requireNonNull(newPolicy, "policy");
        return this;
    }

    /** The weight a pair at (Gmax, Gmin) represents (see the class comment). */
    public PcmArrayOptions weightRange(double range) {
        this.weightRange = range;
        return this;
    }

    /** The seed of the device variation, the update noise and the read noise of the array. */
    public PcmArrayOptions seed(long newSeed) {
        this.seed = newSeed;
        return this;
    }

    /** Checks the options together; returns this. */
    public PcmArrayOptions conclude() {
        if (!(weightRange > 0) || !Double.isFinite(weightRange)) {
            throw new IllegalArgumentException("PCM array options: weightRange is " + weightRange
                    + ", expected a finite number > 0");
        }
        double pulsesPerWeight = model.range().widthMicroSiemens() / (weightRange * model.set().nominalStepMicroSiemens());
        if (!(pulsesPerWeight < 1e12)) {
            throw new IllegalArgumentException("PCM array options: weightRange " + weightRange + " with model "
                    + model.name() + " makes " + pulsesPerWeight + " pulses per unit of weight, expected fewer than 1e12");
        }
        return this;
    }

    public PcmDeviceModel model() {
        return model;
    }

    public UpdatePolicy policy() {
        return policy;
    }

    public double weightRange() {
        return weightRange;
    }

    public long seed() {
        return seed;
    }

    /** A copy, so that a factory can hand the same options to several layers without sharing state. */
    public PcmArrayOptions copy() {
        return new PcmArrayOptions().model(model).policy(policy).weightRange(weightRange).seed(seed);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "PcmArrayOptions[model %s, %s, weightRange %s, seed=%d]",
                model.name(), policy, weightRange, seed);
    }
}
