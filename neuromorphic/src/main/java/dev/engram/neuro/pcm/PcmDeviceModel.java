package dev.engram.neuro.pcm;

import java.util.List;
import java.util.Locale;

/**
 * The physics of one phase-change memory device as the synapse arrays use it: what a SET pulse does to
 * its conductance, what a RESET does, how precisely it can be programmed, how noisy a read is, how the
 * conductance drifts, how many cycles it endures, and how all of that varies from device to device. The
 * model is pure: every method is a function of a conductance, a device's own parameters and the
 * standard normals it is handed; the array owns the state and the random streams. All conductances are
 * in µS, all times in seconds.
 *
 * <h2>Equations</h2>
 * With {@code x = (G − Gmin) / (Gmax,d − Gmin)} the position of a device's conductance in its own range
 * (clamped to [0, 1]) and ξ a standard normal drawn per pulse:
 * <pre>
 *   partial SET:   ΔG(G) = α_d · (1 − x)^β · (1 + A·e^(−γx)) / (1 + A)                      (mean step)
 *                  σ(G)  = s_rel·ΔG(G) + s_abs + s_slope·(G − Gmin)                       (cycle-to-cycle)
 *                  G'    = min(G + max(0, ΔG(G) + σ(G)·ξ), Gmax,d)                        (SET only: G' ≥ G)
 *   RESET:         G'    = max(Gmin, R_d + r_c2c·ξ)                                        (abrupt, to ~Gmin)
 *   programming:   G'    = clamp(G* + (c0 + c1·y + c2·y²)·ξ, Gmin, Gmax,d),  y = G* / Gmax     (program-and-verify)
 *   read:          G_r   = G + σ_read·G·ξ                                                  (per read)
 *   drift:         G(t)  = G0 · (t / t0)^(−ν)  for t ≥ t0, else G0;  t since programming
 *                  ν     = |μ_ν(g) + σ_ν(g)·z_d|,  g = G0/Gmax,
 *                  μ_ν   = clamp(a_μ·ln g + b_μ, μ_min, μ_max),  σ_ν = clamp(a_σ·ln g + b_σ, σ_min, σ_max)
 *   1/f noise:     σ_1/f(t) = G(t) · min(q0 / max(g^q_exp, 1e-3), q_max) · sqrt(ln((t + t_r) / (2 t_r)))
 * </pre>
 * The mean step has two shaping terms so that one formula carries all three presets: β gives the
 * soft-bounds (power) shrinkage of Fusi &amp; Abbott and aihwkit's {@code PowStepDevice} (β = 1: each
 * pulse covers a fixed fraction of the remaining headroom), and A, γ give aihwkit's
 * {@code ExpStepDevice}, whose steps shrink exponentially toward a floor of α/(1 + A). β = A = 0 is a
 * linear device with a hard bound. A noisy step is rectified at zero: a partial SET only crystallises
 * more, so the conductance never falls except through RESET (aihwkit lets noise step backwards; we do
 * not, and say so here).
 *
 * <p>Device-to-device variation is fixed per device when the array is created, from the array's seed:
 * {@code α_d = α·max(0, 1 + δ_α·z)}, {@code Gmax,d = max(Gmin + 0.05·(Gmax − Gmin), Gmax·(1 + δ_G·z))},
 * {@code R_d = clamp(R + δ_R·z, Gmin, Gmax,d)} and the drift normal {@code z_d}; see
 * {@link #sampleDevices}.
 *
 * <h2>Presets and sources</h2>
 * <ul>
 *   <li>[AIHW] IBM Analog Hardware Acceleration Kit (aihwkit), {@code presets/devices.py}
 *       {@code PCMPresetDevice} (an {@code ExpStepDevice}: dw_min 0.01, w_max 2.0, a −1, b 0,
 *       gamma_up 2.5, A_up −27.235, dw_min_dtod 0.2, w_max_dtod 0.1, dw_min_std 0.6,
 *       dw_min_std_add 0.042, dw_min_std_slope 0.108, reset 0.01, reset_dtod 0.02, reset_std 0.01),
 *       {@code presets/compounds.py} {@code PCMPresetUnitCell} and {@code configs/devices.py}
 *       {@code ExpStepDevice}, {@code OneSidedUnitCell}; after Nandakumar et al., Front. Neurosci. 14:406
 *       (2020).</li>
 *   <li>[NAND19] aihwkit {@code inference/noise/pcm.py} {@code PCMLikeNoiseModel}, the statistical model
 *       of S. R. Nandakumar et al., ICECS 2019, fitted on one million IBM PCM devices: programming noise
 *       coefficients (0.26348, 1.9650, −1.1731) µS over g = G* / Gmax with Gmax = 25 µS; 1/f read noise
 *       q0 = 0.0088, exponent 0.65, cap 0.2, t_read = 250 ns; drift t0 = 20 s, μ_ν = clamp(−0.0155 ln g
 *       + 0.0244, 0.049, 0.1), σ_ν = clamp(−0.0125 ln g − 0.0059, 0.008, 0.045).</li>
 *   <li>[BURR15] G. W. Burr et al., "Experimental demonstration and tolerancing of a large-scale neural
 *       network (165 000 synapses) using phase-change memory as the synaptic weight element", IEDM 2014
 *       and IEEE Trans. Electron Devices 62(11):3498 (2015): two PCM devices per synapse, SET-only
 *       crossbar-compatible updates, a nonlinear partial-SET response whose steps shrink as G grows, an
 *       abrupt RESET, occasional RESET of saturated pairs.</li>
 *   <li>[PCM-END] B. C. Lee et al., ISCA 2009; M. K. Qureshi et al., ISCA 2009: PCM endurance 10^7–10^8
 *       cycles (as {@code DeviceProfile.OPTANE_PCM} uses it).</li>
 *   <li>[EST] our estimate: [BURR15] gives the shape of the response in figures, not a fitted table we
 *       could cite number by number. Each [EST] value is chosen to match that shape (large first steps,
 *       saturation after a few tens of pulses, RESET to near zero) and is meant to be tuned against the
 *       paper's 82.9 % test accuracy.</li>
 * </ul>
 *
 * <p>A model is immutable and made of parts, each a record whose components carry their units: the
 * {@link Range}, the {@link SetResponse}, the {@link Reset}, the {@link Programming} precision, the
 * {@link ReadNoise}, the {@link Drift}, and the endurance in cycles.
 */
public final class PcmDeviceModel {

    /** Devices never wear out. */
    public static final long UNLIMITED_ENDURANCE = Long.MAX_VALUE;

    /** Fraction of the range that {@link #distinguishableStates} counts pulses up to. */
    public static final double STATES_RANGE_FRACTION = 0.95;

    /** Bins of the tabulated step shape (see {@link #meanSetStep}). */
    static final int SHAPE_BINS = 1024;

    /**
     * Conductance range.
     *
     * @param gMinMicroSiemens           the lowest conductance a device reaches (the amorphous, RESET floor)
     * @param gMaxMicroSiemens           the saturation conductance of a nominal device
     * @param gMaxDeviceToDeviceRelative σ of a device's Gmax relative to the nominal (aihwkit {@code w_max_dtod})
     */
    public record Range(double gMinMicroSiemens, double gMaxMicroSiemens, double gMaxDeviceToDeviceRelative) {
        public Range {
            requireFinite("range.gMinMicroSiemens", gMinMicroSiemens, 0);
            requireFinite("range.gMaxDeviceToDeviceRelative", gMaxDeviceToDeviceRelative, 0);
            if (!(gMaxMicroSiemens > gMinMicroSiemens) || Double.isInfinite(gMaxMicroSiemens)) {
                throw new IllegalArgumentException("range.gMaxMicroSiemens is " + gMaxMicroSiemens
                        + " µS, expected a finite value above gMinMicroSiemens " + gMinMicroSiemens + " µS");
            }
        }

        public double widthMicroSiemens() {
            return gMaxMicroSiemens - gMinMicroSiemens;
        }
    }

    /**
     * The partial-SET response (equations in the class comment).
     *
     * @param stepMicroSiemens              α: mean conductance step of one SET pulse at Gmin
     * @param stepDeviceToDeviceRelative    σ of a device's α relative to the nominal (aihwkit {@code dw_min_dtod})
     * @param powerExponent                 β: soft-bounds exponent, 0 for none
     * @param expAmplitude                  A: amplitude of the exponential term, 0 for none
     * @param expRate                       γ: decay rate of the exponential term over the range
     * @param noiseRelative                 s_rel: cycle-to-cycle σ per µS of mean step
     * @param noiseMicroSiemens             s_abs: cycle-to-cycle σ added to every step
     * @param noisePerMicroSiemens          s_slope: cycle-to-cycle σ per µS of conductance above Gmin
     * @param nominalStepMicroSiemens       the step the update controller assumes one pulse makes when it
     *                                      turns a weight change into a pulse count (aihwkit {@code dw_min})
     * @param fractionalPulses              whether a pulse can be a fraction of one (a pulse-width-modulated
     *                                      ideal device); false: whole pulses, counts rounded stochastically
     */
    public record SetResponse(double stepMicroSiemens, double stepDeviceToDeviceRelative, double powerExponent,
                              double expAmplitude, double expRate, double noiseRelative, double noiseMicroSiemens,
                              double noisePerMicroSiemens, double nominalStepMicroSiemens,
                              boolean fractionalPulses) {
        public SetResponse {
            requirePositive("set.stepMicroSiemens", stepMicroSiemens);
            requireFinite("set.stepDeviceToDeviceRelative", stepDeviceToDeviceRelative, 0);
            requireFinite("set.powerExponent", powerExponent, 0);
            requireFinite("set.expAmplitude", expAmplitude, 0);
            requireFinite("set.expRate", expRate, 0);
            requireFinite("set.noiseRelative", noiseRelative, 0);
            requireFinite("set.noiseMicroSiemens", noiseMicroSiemens, 0);
            requireFinite("set.noisePerMicroSiemens", noisePerMicroSiemens, 0);
            requirePositive("set.nominalStepMicroSiemens", nominalStepMicroSiemens);
        }

        /** Whether every pulse makes exactly α_d (β = A = 0, no noise): the arrays then skip the pulse loop. */
        public boolean linearAndNoiseless() {
            return powerExponent == 0 && expAmplitude == 0 && noiseRelative == 0 && noiseMicroSiemens == 0
                    && noisePerMicroSiemens == 0;
        }
    }

    /**
     * The abrupt RESET (melt-quench to the amorphous state).
     *
     * @param levelMicroSiemens          R: mean conductance after a RESET
     * @param deviceToDeviceMicroSiemens δ_R: σ of a device's own RESET level
     * @param cycleToCycleMicroSiemens   r_c2c: σ of one RESET around the device's level
     */
    public record Reset(double levelMicroSiemens, double deviceToDeviceMicroSiemens,
                        double cycleToCycleMicroSiemens) {
        public Reset {
            requireFinite("reset.levelMicroSiemens", levelMicroSiemens, 0);
            requireFinite("reset.deviceToDeviceMicroSiemens", deviceToDeviceMicroSiemens, 0);
            requireFinite("reset.cycleToCycleMicroSiemens", cycleToCycleMicroSiemens, 0);
        }
    }

    /**
     * Program-and-verify precision: σ(G*) = c0 + c1·y + c2·y² µS with y = G* / Gmax [NAND19].
     */
    public record Programming(double noiseC0MicroSiemens, double noiseC1MicroSiemens, double noiseC2MicroSiemens) {
        public Programming {
            requireFinite("programming.noiseC0MicroSiemens", noiseC0MicroSiemens, Double.NEGATIVE_INFINITY);
            requireFinite("programming.noiseC1MicroSiemens", noiseC1MicroSiemens, Double.NEGATIVE_INFINITY);
            requireFinite("programming.noiseC2MicroSiemens", noiseC2MicroSiemens, Double.NEGATIVE_INFINITY);
        }
    }

    /**
     * Read noise.
     *
     * @param relative            σ_read: Gaussian noise of every read, relative to G (training reads)
     * @param oneOverFQ0          q0 of the accumulated 1/f noise (inference after drift), 0 for none
     * @param oneOverFExponent    q_exp: how q grows as g falls
     * @param oneOverFQMax        q_max: cap of q
     * @param readDurationSeconds t_r: the read's integration time in the 1/f fit
     */
    public record ReadNoise(double relative, double oneOverFQ0, double oneOverFExponent, double oneOverFQMax,
                            double readDurationSeconds) {
        public ReadNoise {
            requireFinite("read.relative", relative, 0);
            requireFinite("read.oneOverFQ0", oneOverFQ0, 0);
            requireFinite("read.oneOverFExponent", oneOverFExponent, 0);
            requireFinite("read.oneOverFQMax", oneOverFQMax, 0);
            requirePositive("read.readDurationSeconds", readDurationSeconds);
        }
    }

    /**
     * Drift G(t) = G0·(t/t0)^−ν with a state-dependent ν (equations in the class comment).
     *
     * @param t0Seconds    t0: when G0 is read after programming; no drift before
     * @param nuMeanSlope  a_μ (per unit of ln g)
     * @param nuMeanOffset b_μ
     * @param nuMeanMin    μ_min
     * @param nuMeanMax    μ_max
     * @param nuStdSlope   a_σ
     * @param nuStdOffset  b_σ
     * @param nuStdMin     σ_min
     * @param nuStdMax     σ_max
     */
    public record Drift(double t0Seconds, double nuMeanSlope, double nuMeanOffset, double nuMeanMin,
                        double nuMeanMax, double nuStdSlope, double nuStdOffset, double nuStdMin,
                        double nuStdMax) {
        public Drift {
            requirePositive("drift.t0Seconds", t0Seconds);
            requireFinite("drift.nuMeanSlope", nuMeanSlope, Double.NEGATIVE_INFINITY);
            requireFinite("drift.nuMeanOffset", nuMeanOffset, Double.NEGATIVE_INFINITY);
            requireFinite("drift.nuStdSlope", nuStdSlope, Double.NEGATIVE_INFINITY);
            requireFinite("drift.nuStdOffset", nuStdOffset, Double.NEGATIVE_INFINITY);
            requireFinite("drift.nuMeanMin", nuMeanMin, 0);
            requireFinite("drift.nuStdMin", nuStdMin, 0);
            if (!(nuMeanMax >= nuMeanMin) || !(nuStdMax >= nuStdMin)) {
                throw new IllegalArgumentException("drift: nuMeanMax " + nuMeanMax + " and nuStdMax " + nuStdMax
                        + " must be at least nuMeanMin " + nuMeanMin + " and nuStdMin " + nuStdMin);
            }
        }

        /** No drift at all. */
        public static Drift none() {
            return new Drift(20.0, 0, 0, 0, 0, 0, 0, 0, 0);
        }
    }

    // ================================================================ presets

    /**
     * Linear, noiseless, 4096 equal steps over 0–25 µS, pulses of any fraction, exact RESET and
     * programming, no read noise, no drift, no wear: a float weight in conductance clothing. An array of
     * it reproduces the float network up to float rounding (tested).
     */
    public static final PcmDeviceModel IDEAL = new PcmDeviceModel("ideal",
            new Range(0.0, 25.0, 0.0),
            new SetResponse(25.0 / 4096, 0, 0, 0, 0, 0, 0, 0, 25.0 / 4096, true),
            new Reset(0.0, 0.0, 0.0),
            new Programming(0, 0, 0),
            new ReadNoise(0, 0, 0, 0, 250e-9),
            Drift.none(),
            UNLIMITED_ENDURANCE);

    /**
     * The device of the IBM 2014/2015 experiment [BURR15], as far as the paper describes it: SET-only
     * soft-bounds response (β = 1 [EST]: each pulse covers 7.5 % of the remaining headroom, α = 1.5 µS
     * [EST], about 40 pulses to saturation), Gmin 0.1 µS and Gmax 20 µS [EST], 30 % device-to-device
     * spread of α and 20 % of Gmax [EST], cycle-to-cycle σ = 0.3·ΔG + 0.1 µS [EST], RESET to 0.2 µS
     * [EST], program-and-verify to σ 0.4 µS [EST], 1 % read noise [EST], drift and 1/f noise of
     * [NAND19] (IBM GST devices as well, borrowed), endurance 10^8 cycles [PCM-END]. The controller
     * assumes 0.75 µS a pulse, the mean step over the range [EST].
     */
    public static final PcmDeviceModel IBM2014 = new PcmDeviceModel("ibm2014",
            new Range(0.1, 20.0, 0.2),
            new SetResponse(1.5, 0.3, 1.0, 0, 0, 0.3, 0.1, 0, 0.75, false),
            new Reset(0.2, 0.05, 0.05),
            new Programming(0.4, 0, 0),
            new ReadNoise(0.01, 0.0088, 0.65, 0.2, 250e-9),
            new Drift(20.0, -0.0155, 0.0244, 0.049, 0.1, -0.0125, -0.0059, 0.008, 0.045),
            100_000_000L);

    /**
     * aihwkit's PCM [AIHW] for training and [NAND19] for inference, mapped to conductance with aihwkit's
     * Gmax = 25 µS for the device's weight range w_max = 2 (12.5 µS per weight unit): exponential step
     * α = 0.01·(1 + 27.235)·12.5 = 3.529 µS at G = 0 shrinking to a floor of 0.125 µS
     * (A = 27.235, γ = 2·gamma_up = 5 over the range), d2d 20 % of α and 10 % of Gmax, cycle-to-cycle
     * σ = 0.6·ΔG + 0.315 µS + 0.0648·G (dw_min_std·(dw_min_std_add + |Δw| + dw_min_std_slope·|w|)),
     * RESET to 0.125 µS with 0.25 µS d2d and 0.125 µS per cycle, no read noise while training (aihwkit's
     * preset reads without weight noise), programming, 1/f and drift of [NAND19]. The controller assumes
     * dw_min = 0.125 µS a pulse, as aihwkit does. Endurance 10^8 cycles [PCM-END] (aihwkit models none).
     */
    public static final PcmDeviceModel AIHWKIT_PCM = new PcmDeviceModel("aihwkit-pcm",
            new Range(0.0, 25.0, 0.1),
            new SetResponse(0.01 * (1 + 27.235) * 12.5, 0.2, 0, 27.235, 5.0, 0.6, 0.6 * 0.042 * 12.5, 0.6 * 0.108,
                    0.01 * 12.5, false),
            new Reset(0.01 * 12.5, 0.02 * 12.5, 0.01 * 12.5),
            new Programming(0.26348, 1.9650, -1.1731),
            new ReadNoise(0, 0.0088, 0.65, 0.2, 250e-9),
            new Drift(20.0, -0.0155, 0.0244, 0.049, 0.1, -0.0125, -0.0059, 0.008, 0.045),
            100_000_000L);

    private static final PcmDeviceModel[] PRESETS = {IDEAL, IBM2014, AIHWKIT_PCM};

    /**
     * The preset named {@code name}: "ideal", "ibm2014" or "aihwkit-pcm", case-insensitively, with '_'
     * accepted for '-'.
     *
     * @throws IllegalArgumentException naming what was given and listing the choices
     */
    public static PcmDeviceModel parse(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (PcmDeviceModel m : PRESETS) {
            if (m.name.equals(wanted)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown PCM device model '" + name
                + "': expected ideal, ibm2014 or aihwkit-pcm");
    }

    /** The presets, in the order {@link #parse} lists them. */
    public static List<PcmDeviceModel> presets() {
        return List.of(PRESETS);
    }

    // ================================================================ derived, cached

    private final String name;
    private final Range range;
    private final SetResponse set;
    private final Reset reset;
    private final Programming programming;
    private final ReadNoise read;
    private final Drift drift;
    private final long enduranceCycles;

    // Plain copies of what the pulse loop reads, so that it loads floats, not nested records.
    private final float gMin;
    private final float setNoiseRelative;
    private final float setNoiseMicroSiemens;
    private final float setNoisePerMicroSiemens;
    private final float resetCycleToCycle;
    private final boolean linearNoiseless;
    /** {@code shapeTable[k]} = {@link #stepShape}(k / SHAPE_BINS), k = 0 .. SHAPE_BINS, and a copy of the last. */
    private final float[] shapeTable;

    /**
     * Validates the parts and the relations between them.
     *
     * @param name            the preset's name as {@link #parse} accepts it, or a name for a custom model
     * @param range           conductance range and its device-to-device variation
     * @param set             the partial-SET pulse response
     * @param reset           the abrupt RESET
     * @param programming     the precision of program-and-verify (initial weights, refresh rewrites)
     * @param read            read noise
     * @param drift           conductance drift after programming
     * @param enduranceCycles SET pulses plus RESETs a device takes before it wears out and freezes,
     *                        {@link #UNLIMITED_ENDURANCE} for none
     */
    public PcmDeviceModel(String name, Range range, SetResponse set, Reset reset, Programming programming,
                          ReadNoise read, Drift drift, long enduranceCycles) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("PCM device model name: expected 1 to " + MAX_NAME_LENGTH
                    + " characters, found '" + name + "'");
        }
        if (range == null || set == null || reset == null || programming == null || read == null || drift == null) {
            throw new IllegalArgumentException("PCM device model '" + name + "': every part must be given");
        }
        if (reset.levelMicroSiemens() < range.gMinMicroSiemens() || reset.levelMicroSiemens() > range.gMaxMicroSiemens()) {
            throw new IllegalArgumentException("PCM device model '" + name + "': reset.levelMicroSiemens is "
                    + reset.levelMicroSiemens() + " µS, expected within the range [" + range.gMinMicroSiemens()
                    + ", " + range.gMaxMicroSiemens() + "] µS");
        }
        if (enduranceCycles < 1) {
            throw new IllegalArgumentException("PCM device model '" + name + "': enduranceCycles is "
                    + enduranceCycles + ", expected at least 1 (UNLIMITED_ENDURANCE for none)");
        }
        this.name = name;
        this.range = range;
        this.set = set;
        this.reset = reset;
        this.programming = programming;
        this.read = read;
        this.drift = drift;
        this.enduranceCycles = enduranceCycles;
        this.gMin = (float) range.gMinMicroSiemens();
        this.setNoiseRelative = (float) set.noiseRelative();
        this.setNoiseMicroSiemens = (float) set.noiseMicroSiemens();
        this.setNoisePerMicroSiemens = (float) set.noisePerMicroSiemens();
        this.resetCycleToCycle = (float) reset.cycleToCycleMicroSiemens();
        this.linearNoiseless = set.linearAndNoiseless();
        this.shapeTable = new float[SHAPE_BINS + 2];
        for (int k = 0; k <= SHAPE_BINS; k++) {
            shapeTable[k] = (float) stepShape((double) k / SHAPE_BINS);
        }
        shapeTable[SHAPE_BINS + 1] = shapeTable[SHAPE_BINS];
    }

    public String name() {
        return name;
    }

    public Range range() {
        return range;
    }

    public SetResponse set() {
        return set;
    }

    public Reset reset() {
        return reset;
    }

    public Programming programming() {
        return programming;
    }

    public ReadNoise read() {
        return read;
    }

    public Drift drift() {
        return drift;
    }

    /** SET pulses plus RESETs a device takes before it wears out, {@link #UNLIMITED_ENDURANCE} for none. */
    public long enduranceCycles() {
        return enduranceCycles;
    }

    /** Longest accepted model name (it is stored in the pool's array header). */
    public static final int MAX_NAME_LENGTH = 31;

    public PcmDeviceModel withName(String newName) {
        return new PcmDeviceModel(newName, range, set, reset, programming, read, drift, enduranceCycles);
    }

    public PcmDeviceModel withRange(Range newRange) {
        return new PcmDeviceModel(name, newRange, set, reset, programming, read, drift, enduranceCycles);
    }

    public PcmDeviceModel withSet(SetResponse newSet) {
        return new PcmDeviceModel(name, range, newSet, reset, programming, read, drift, enduranceCycles);
    }

    public PcmDeviceModel withReset(Reset newReset) {
        return new PcmDeviceModel(name, range, set, newReset, programming, read, drift, enduranceCycles);
    }

    public PcmDeviceModel withProgramming(Programming newProgramming) {
        return new PcmDeviceModel(name, range, set, reset, newProgramming, read, drift, enduranceCycles);
    }

    public PcmDeviceModel withRead(ReadNoise newRead) {
        return new PcmDeviceModel(name, range, set, reset, programming, newRead, drift, enduranceCycles);
    }

    public PcmDeviceModel withDrift(Drift newDrift) {
        return new PcmDeviceModel(name, range, set, reset, programming, read, newDrift, enduranceCycles);
    }

    public PcmDeviceModel withEnduranceCycles(long cycles) {
        return new PcmDeviceModel(name, range, set, reset, programming, read, drift, cycles);
    }

    /**
     * This device with {@code states} distinguishable states ({@link #distinguishableStates}): the SET
     * step α and the controller's nominal step scaled by one factor, every other parameter kept (the
     * shape of the response, the relative and the absolute cycle-to-cycle noise, the range), named
     * {@code <name>-<states>states}. The count is a whole number of pulses, so the factor is the one
     * whose count is nearest; this model itself when it already has that many.
     *
     * @throws IllegalArgumentException if {@code states} is below 2
     */
    public PcmDeviceModel withStates(int states) {
        if (states < 2) {
            throw new IllegalArgumentException("PCM device model '" + name + "': " + states
                    + " states asked, expected at least 2");
        }
        if (states == distinguishableStates()) {
            return this;
        }
        double small = 1;                       // larger factors, fewer states: bracket [small, large]
        double large = 1;
        while (scaledStep(small).distinguishableStates() < states) {
            small /= 2;
        }
        while (scaledStep(large).distinguishableStates() > states) {
            large *= 2;
        }
        for (int iteration = 0; iteration < 60 && large / small > 1 + 1e-9; iteration++) {
            double mid = Math.sqrt(small * large);
            if (scaledStep(mid).distinguishableStates() > states) {
                small = mid;
            } else {
                large = mid;
            }
        }
        int atSmall = scaledStep(small).distinguishableStates();
        int atLarge = scaledStep(large).distinguishableStates();
        double factor = Math.abs(atSmall - states) < Math.abs(atLarge - states) ? small : large;
        return scaledStep(factor).withName(name + "-" + states + "states");
    }

    private PcmDeviceModel scaledStep(double factor) {
        return withSet(new SetResponse(set.stepMicroSiemens() * factor, set.stepDeviceToDeviceRelative(),
                set.powerExponent(), set.expAmplitude(), set.expRate(), set.noiseRelative(), set.noiseMicroSiemens(),
                set.noisePerMicroSiemens(), set.nominalStepMicroSiemens() * factor, set.fractionalPulses()));
    }

    /** Whether devices wear out. */
    public boolean hasEnduranceLimit() {
        return enduranceCycles != UNLIMITED_ENDURANCE;
    }

    // ================================================================ the SET response

    /**
     * The shape of the mean step, {@code (1 − x)^β · (1 + A·e^(−γx)) / (1 + A)} for x in [0, 1]: 1 at
     * x = 0, falling toward Gmax. Exact; the pulse loop uses a table of it ({@link #meanSetStep}).
     */
    public double stepShape(double x) {
        double clamped = Math.clamp(x, 0.0, 1.0);
        double power = set.powerExponent() == 0 ? 1.0 : Math.pow(1 - clamped, set.powerExponent());
        double a = set.expAmplitude();
        double exponential = a == 0 ? 1.0 : (1 + a * Math.exp(-set.expRate() * clamped)) / (1 + a);
        return power * exponential;
    }

    /**
     * Mean step ΔG(G) of a device whose own α is {@code alphaMicroSiemens} and whose own Gmax is
     * {@code gMaxMicroSiemens}: {@code α_d · shape(x)}, the shape read from a table of
     * {@value #SHAPE_BINS} bins with linear interpolation (relative error below 1e-4 for the presets,
     * exact for a linear device).
     */
    public float meanSetStep(float g, float alphaMicroSiemens, float gMaxMicroSiemens) {
        return tabulatedStep(g, alphaMicroSiemens, 1f / (gMaxMicroSiemens - gMin));
    }

    /**
     * {@link #meanSetStep(float, float, float)} given the reciprocal of the device's range,
     * {@code 1 / (Gmax,d − Gmin)}: the pulse loop computes it once per device, off the chain of
     * dependent pulses, and the lookup has no branch.
     */
    private float tabulatedStep(float g, float alphaMicroSiemens, float inverseRange) {
        float x = Math.min(Math.max((g - gMin) * inverseRange, 0f), 1f);
        float t = x * SHAPE_BINS;
        int i = (int) t;                                   // SHAPE_BINS at x = 1: the table has one spare entry
        float lo = shapeTable[i];
        return alphaMicroSiemens * (lo + (shapeTable[i + 1] - lo) * (t - i));
    }

    /** Cycle-to-cycle σ of one pulse whose mean step is {@code meanStep} at conductance {@code g}. */
    public float setNoiseSigma(float g, float meanStep) {
        return setNoiseRelative * meanStep + setNoiseMicroSiemens + setNoisePerMicroSiemens * (g - gMin);
    }

    /**
     * One partial-SET pulse: {@code min(G + max(0, ΔG + σ·xi), Gmax,d)}, never below {@code g}.
     *
     * @param xi a standard normal for this pulse
     */
    public float setPulse(float g, float alphaMicroSiemens, float gMaxMicroSiemens, float xi) {
        return setPulse(g, alphaMicroSiemens, gMaxMicroSiemens, 1f / (gMaxMicroSiemens - gMin), xi);
    }

    /** {@link #setPulse(float, float, float, float)} without branches, given {@code 1 / (Gmax,d − Gmin)}. */
    private float setPulse(float g, float alphaMicroSiemens, float gMaxMicroSiemens, float inverseRange, float xi) {
        float mean = tabulatedStep(g, alphaMicroSiemens, inverseRange);
        float sigma = setNoiseRelative * mean + setNoiseMicroSiemens + setNoisePerMicroSiemens * (g - gMin);
        float step = Math.max(mean + sigma * xi, 0f);      // a partial SET only crystallises more
        return Math.max(g, Math.min(g + step, gMaxMicroSiemens));
    }

    /**
     * {@code pulses} SET pulses on one device, each with a fresh normal from {@code random}. A fraction
     * of a pulse (only when {@link SetResponse#fractionalPulses}) makes that fraction of a whole pulse's
     * step. A linear noiseless device takes the product in one step and draws nothing.
     */
    public float setPulses(float g, float pulses, float alphaMicroSiemens, float gMaxMicroSiemens, PcmRandom random) {
        if (linearNoiseless) {
            float next = g + pulses * alphaMicroSiemens;
            return next <= gMaxMicroSiemens ? next : Math.max(g, gMaxMicroSiemens);
        }
        float inverseRange = 1f / (gMaxMicroSiemens - gMin);
        int whole = (int) pulses;
        for (int k = 0; k < whole; k++) {
            g = setPulse(g, alphaMicroSiemens, gMaxMicroSiemens, inverseRange, random.nextGaussian());
        }
        float fraction = pulses - whole;
        if (fraction > 0) {
            float full = setPulse(g, alphaMicroSiemens, gMaxMicroSiemens, inverseRange, random.nextGaussian());
            g = g + (full - g) * fraction;
        }
        return g;
    }

    /**
     * The conductance from which {@code pulses} noiseless SET pulses of the nominal device (α, Gmax) lead
     * to {@code g}, never below Gmin: the controller's inverse of a SET, used to lower a conductor by as
     * many pulses as a change asks ({@link FaultHandling#ONE_SIDED}), so that steps down mirror steps up.
     * Each pulse is undone by solving {@code x + ΔG(x) = g} by fixed-point iteration, which contracts
     * because a step changes by less than the conductance does (|dΔG/dG| ≤ 0.7 for every preset). A
     * fraction of a pulse undoes that fraction of a whole pulse's step.
     */
    public float undoSetPulses(float g, float pulses) {
        float alpha = (float) set.stepMicroSiemens();
        float inverseRange = (float) (1 / range.widthMicroSiemens());
        int whole = (int) pulses;
        for (int k = 0; k < whole && g > gMin; k++) {
            g = undoSetPulse(g, alpha, inverseRange);
        }
        float fraction = pulses - whole;
        if (fraction > 0 && g > gMin) {
            g = g - (g - undoSetPulse(g, alpha, inverseRange)) * fraction;
        }
        return Math.max(g, gMin);
    }

    private float undoSetPulse(float g, float alpha, float inverseRange) {
        float x = g - tabulatedStep(g, alpha, inverseRange);
        for (int iteration = 0; iteration < 4; iteration++) {
            x = g - tabulatedStep(x, alpha, inverseRange);
        }
        return x;
    }

    /**
     * The number of distinguishable states: 1 + the noiseless pulses that take a nominal device from
     * Gmin to {@value #STATES_RANGE_FRACTION} of its range (a soft-bounds device never reaches Gmax, so
     * the count stops short of it). ideal: 3893; ibm2014: 40; aihwkit-pcm: 65 (73 pulses
     * to its full range; the refresh keeps it below 75 %, about 36 pulses, so "~50 states" in use).
     */
    public int distinguishableStates() {
        float alpha = (float) set.stepMicroSiemens();
        float gMax = (float) range.gMaxMicroSiemens();
        double target = range.gMinMicroSiemens() + STATES_RANGE_FRACTION * range.widthMicroSiemens();
        float g = gMin;
        int pulses = 0;
        while (g < target && pulses < 100_000_000) {
            float next = g + meanSetStep(g, alpha, gMax);
            if (!(next > g)) {
                break;
            }
            g = next;
            pulses++;
        }
        return pulses + 1;
    }

    // ================================================================ RESET and programming

    /** One RESET of a device whose own level is {@code resetLevelMicroSiemens}: {@code max(Gmin, R_d + r_c2c·xi)}. */
    public float resetValue(float resetLevelMicroSiemens, float xi) {
        float g = resetLevelMicroSiemens + resetCycleToCycle * xi;
        return g > gMin ? g : gMin;
    }

    /** σ of programming {@code target}: {@code c0 + c1·y + c2·y²}, y = target / Gmax, never negative. */
    public float programmingSigma(float target) {
        double y = target / range.gMaxMicroSiemens();
        double sigma = programming.noiseC0MicroSiemens() + y * (programming.noiseC1MicroSiemens()
                + y * programming.noiseC2MicroSiemens());
        return (float) Math.max(0, sigma);
    }

    /**
     * Program-and-verify of a device to {@code targetMicroSiemens}: {@code clamp(G* + σ(G*)·xi, Gmin, Gmax,d)}.
     *
     * @throws IllegalArgumentException if the target is not a finite conductance
     */
    public float programmedValue(float targetMicroSiemens, float gMaxMicroSiemens, float xi) {
        if (!Float.isFinite(targetMicroSiemens)) {
            throw new IllegalArgumentException("programming target is " + targetMicroSiemens
                    + " µS, expected a finite conductance");
        }
        float g = targetMicroSiemens + programmingSigma(targetMicroSiemens) * xi;
        return Math.clamp(g, gMin, gMaxMicroSiemens);
    }

    /** SET pulses that programming {@code from} to {@code to} costs, counted against endurance: the nominal estimate. */
    public int programmingPulses(float from, float to) {
        double pulses = Math.ceil((to - from) / set.stepMicroSiemens());
        return pulses > 0 ? (int) Math.min(pulses, Integer.MAX_VALUE) : 0;
    }

    // ================================================================ read noise, drift

    /** Whether reads during training are noisy. */
    public boolean hasReadNoise() {
        return read.relative() > 0;
    }

    /**
     * σ of the accumulated 1/f noise at {@code tSeconds} after programming, for a device programmed to
     * {@code g0} now at {@code gDrifted} [NAND19]; 0 when t ≤ 0 or q0 = 0.
     */
    public double oneOverFSigma(double g0, double gDrifted, double tSeconds) {
        if (tSeconds <= 0 || read.oneOverFQ0() == 0) {
            return 0;
        }
        double g = Math.abs(g0) / range.gMaxMicroSiemens();
        double q = Math.min(read.oneOverFQ0() / Math.max(Math.pow(g, read.oneOverFExponent()), 1e-3),
                read.oneOverFQMax());
        double tr = read.readDurationSeconds();
        double log = Math.log((tSeconds + tr) / (2 * tr));
        return log <= 0 ? 0 : Math.abs(gDrifted) * q * Math.sqrt(log);
    }

    /** Mean drift exponent μ_ν for a device programmed to {@code g0}. */
    public double driftNuMean(double g0) {
        double lnG = Math.log(Math.max(Math.abs(g0) / range.gMaxMicroSiemens(), 1e-7));
        return Math.clamp(drift.nuMeanSlope() * lnG + drift.nuMeanOffset(), drift.nuMeanMin(), drift.nuMeanMax());
    }

    /** σ_ν of the drift exponent for a device programmed to {@code g0}. */
    public double driftNuStd(double g0) {
        double lnG = Math.log(Math.max(Math.abs(g0) / range.gMaxMicroSiemens(), 1e-7));
        return Math.clamp(drift.nuStdSlope() * lnG + drift.nuStdOffset(), drift.nuStdMin(), drift.nuStdMax());
    }

    /** The drift exponent ν = |μ_ν + σ_ν·z| of a device programmed to {@code g0} whose drift normal is {@code z}. */
    public double driftNu(double g0, double z) {
        return Math.abs(driftNuMean(g0) + driftNuStd(g0) * z);
    }

    /** G(t) = G0·(t/t0)^−ν for t ≥ t0, else G0. */
    public double drifted(double g0, double nu, double tSeconds) {
        double t0 = drift.t0Seconds();
        return tSeconds <= t0 || nu == 0 ? g0 : g0 * Math.pow(tSeconds / t0, -nu);
    }

    // ================================================================ device-to-device variation

    /**
     * Draws each device's own parameters, four normals per device in device order from {@code seed}, so
     * the same seed gives the same devices: α_d into {@code alpha}, Gmax,d into {@code gMax}, the RESET
     * level R_d into {@code resetLevel}, the drift normal z_d into {@code driftZ}. A model without
     * variation gives every device the nominal values exactly.
     */
    public void sampleDevices(long seed, float[] alpha, float[] gMax, float[] resetLevel, float[] driftZ) {
        int n = alpha.length;
        if (gMax.length != n || resetLevel.length != n || driftZ.length != n) {
            throw new IllegalArgumentException("device parameter arrays differ in length: " + n + ", "
                    + gMax.length + ", " + resetLevel.length + ", " + driftZ.length);
        }
        PcmRandom random = new PcmRandom(seed);
        double a = set.stepMicroSiemens();
        double dA = set.stepDeviceToDeviceRelative();
        double gMaxNominal = range.gMaxMicroSiemens();
        double gMaxFloor = range.gMinMicroSiemens() + 0.05 * range.widthMicroSiemens();
        double dG = range.gMaxDeviceToDeviceRelative();
        double r = reset.levelMicroSiemens();
        double dR = reset.deviceToDeviceMicroSiemens();
        for (int c = 0; c < n; c++) {
            float zA = random.nextGaussian();
            float zG = random.nextGaussian();
            float zR = random.nextGaussian();
            float zD = random.nextGaussian();
            alpha[c] = (float) (a * Math.max(0, 1 + dA * zA));
            float deviceGMax = (float) Math.max(gMaxFloor, gMaxNominal * (1 + dG * zG));
            gMax[c] = deviceGMax;
            resetLevel[c] = (float) Math.clamp(r + dR * zR, range.gMinMicroSiemens(), deviceGMax);
            driftZ[c] = zD;
        }
    }

    // ================================================================ persistence of the parameters

    /** How many numbers {@link #parameters()} holds; their order is the on-media format. */
    public static final int PARAMETER_COUNT = 37;

    /** The parameters as numbers, in the fixed order the pool stores them (pinned by a test). */
    public double[] parameters() {
        return new double[]{
                range.gMinMicroSiemens(), range.gMaxMicroSiemens(), range.gMaxDeviceToDeviceRelative(),
                set.stepMicroSiemens(), set.stepDeviceToDeviceRelative(), set.powerExponent(), set.expAmplitude(),
                set.expRate(), set.noiseRelative(), set.noiseMicroSiemens(), set.noisePerMicroSiemens(),
                set.nominalStepMicroSiemens(), set.fractionalPulses() ? 1 : 0,
                reset.levelMicroSiemens(), reset.deviceToDeviceMicroSiemens(), reset.cycleToCycleMicroSiemens(),
                programming.noiseC0MicroSiemens(), programming.noiseC1MicroSiemens(),
                programming.noiseC2MicroSiemens(),
                read.relative(), read.oneOverFQ0(), read.oneOverFExponent(), read.oneOverFQMax(),
                read.readDurationSeconds(),
                drift.t0Seconds(), drift.nuMeanSlope(), drift.nuMeanOffset(), drift.nuMeanMin(), drift.nuMeanMax(),
                drift.nuStdSlope(), drift.nuStdOffset(), drift.nuStdMin(), drift.nuStdMax(),
                (double) enduranceCycles,
                0, 0, 0 // reserved
        };
    }

    /** The model {@link #parameters()} described; validates like the constructor. */
    public static PcmDeviceModel fromParameters(String name, double[] p) {
        if (p.length != PARAMETER_COUNT) {
            throw new IllegalArgumentException("PCM device model '" + name + "': " + p.length
                    + " parameters, expected " + PARAMETER_COUNT);
        }
        return new PcmDeviceModel(name,
                new Range(p[0], p[1], p[2]),
                new SetResponse(p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12] != 0),
                new Reset(p[13], p[14], p[15]),
                new Programming(p[16], p[17], p[18]),
                new ReadNoise(p[19], p[20], p[21], p[22], p[23]),
                new Drift(p[24], p[25], p[26], p[27], p[28], p[29], p[30], p[31], p[32]),
                p[33] >= 0x1.0p63 ? UNLIMITED_ENDURANCE : (long) p[33]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PcmDeviceModel m && name.equals(m.name)
                && java.util.Arrays.equals(parameters(), m.parameters());
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + java.util.Arrays.hashCode(parameters());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s[G %.3g–%.3g µS, α %.4g µS, β %.3g, A %.4g, γ %.3g, %d states, "
                        + "c2c %.2g·ΔG + %.3g µS + %.3g·G, reset %.3g µS, read %.2g, endurance %s]",
                name, range.gMinMicroSiemens(), range.gMaxMicroSiemens(), set.stepMicroSiemens(),
                set.powerExponent(), set.expAmplitude(), set.expRate(), distinguishableStates(), set.noiseRelative(),
                set.noiseMicroSiemens(), set.noisePerMicroSiemens(), reset.levelMicroSiemens(), read.relative(),
                hasEnduranceLimit() ? Long.toString(enduranceCycles) : "unlimited");
    }

    private static void requireFinite(String field, double value, double min) {
        if (!Double.isFinite(value) || value < min) {
            throw new IllegalArgumentException("PCM device model: " + field + " is " + value + ", expected a finite"
                    + (min == Double.NEGATIVE_INFINITY ? " number" : " number >= " + min));
        }
    }

    private static void requirePositive(String field, double value) {
        if (!Double.isFinite(value) || !(value > 0)) {
            throw new IllegalArgumentException("PCM device model: " + field + " is " + value
                    + ", expected a finite number > 0");
        }
    }
}
