package dev.engram.neuro.experiment;

/**
 * What IBM reported, and the targets this project set against it. Reported figures are drawn as
 * references, never as measured curves.
 *
 * <p>Source [BURR15]: G. W. Burr et al., "Experimental demonstration and tolerancing of a large-scale
 * neural network (165 000 synapses) using phase-change memory as the synaptic weight element", IEDM 2014
 * and IEEE Trans. Electron Devices 62(11):3498 (2015): the 528-250-125-10 network on 22×24 MNIST crops,
 * trained on 5,000 images with two PCM devices per synapse, reached 82.9 % test accuracy on the chip;
 * the paper's tolerancing simulations found the network still good with roughly 30 % of the conductors
 * dead, or roughly 20 % of the devices stuck. Those two are coverage summaries (how far the tolerance
 * extended), not curves we can redraw point by point.
 */
public final class References {

    /** [BURR15]: test accuracy of the 2014 hardware (fraction). */
    public static final double IBM2014_HARDWARE_TEST_ACCURACY = 0.829;
    /** [BURR15] tolerancing summary: "still good" with about this fraction of dead conductors. */
    public static final double IBM_TOLERATED_DEAD_FRACTION = 0.30;
    /** [BURR15] tolerancing summary: "still good" with about this fraction of stuck devices. */
    public static final double IBM_TOLERATED_STUCK_FRACTION = 0.20;

    /** Target: reproduce the hardware's accuracy with the ibm2014 device on the IBM protocol. */
    public static final double REPRODUCTION_TARGET = IBM2014_HARDWARE_TEST_ACCURACY;
    /** Goal: what a careful emulation should reach (the float network reaches ~94 % on the same protocol). */
    public static final double ACCURACY_GOAL = 0.90;
    /** Target: at IBM's tolerated fractions, lose at most this much accuracy (fraction, i.e. 5 points). */
    public static final double FAULT_TOLERANCE_DROP = 0.05;

    private References() {
    }

    /** The fraction IBM's tolerancing summary names for a fault kind label, or NaN when it names none. */
    public static double toleratedFraction(String faultLabel) {
        return switch (faultLabel) {
            case "dead" -> IBM_TOLERATED_DEAD_FRACTION;
            case "stuck-on", "stuck-off" -> IBM_TOLERATED_STUCK_FRACTION;
            default -> Double.NaN;
        };
    }
}
