package dev.engram.neuro.experiment;

import dev.engram.neuro.data.TrainTest;
import java.util.Locale;

/** Which images a run trains on; every protocol tests on the whole test set. */
public enum Protocol {
    /** The first 5,000 training images, as the IBM PCM experiment (Burr et al. 2015) trained on. */
    IBM_5K("ibm-5k"),
    /** All 60,000 training images. */
    FULL("full");

    private final String label;

    Protocol(String label) {
        this.label = label;
    }

    /** The name {@link #parse} accepts and the CSV files carry. */
    public String label() {
        return label;
    }

    /** The protocol's train/test split of {@code all}. */
    public TrainTest apply(TrainTest all) {
        return this == IBM_5K ? all.ibmProtocol() : all;
    }

    /** The protocol labelled {@code name}, case-insensitively ("ibm" is accepted for ibm-5k). */
    public static Protocol parse(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        if (wanted.equals("ibm") || wanted.equals("ibm5k")) {
            return IBM_5K;
        }
        for (Protocol p : values()) {
            if (p.label.equals(wanted)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown protocol '" + name + "': expected ibm-5k or full");
    }

    @Override
    public String toString() {
        return label;
    }
}
