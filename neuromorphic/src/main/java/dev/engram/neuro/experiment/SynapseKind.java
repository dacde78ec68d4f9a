package dev.engram.neuro.experiment;

import java.util.Locale;

/** What holds a run's weights, and how the trained network is scored. */
public enum SynapseKind {
    /** Exact float weights ({@link dev.engram.neuro.nn.FloatSynapseArray}); no device, no faults. */
    FLOAT("float"),
    /** G+/G− pairs of PCM devices ({@link dev.engram.neuro.pcm.PcmSynapseArray}) of the chosen preset. */
    PCM("pcm"),
    /**
     * Trained like {@link #PCM}, then converted to integrate-and-fire neurons
     * ({@link dev.engram.neuro.snn.SpikingNetwork}) and scored as a spiking network.
     */
    SPIKING("spiking");

    private final String label;

    SynapseKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether the weights live in PCM devices (and can therefore carry faults). */
    public boolean usesDevice() {
        return this != FLOAT;
    }

    /** The kind labelled {@code name}, case-insensitively. */
    public static SynapseKind parse(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (SynapseKind k : values()) {
            if (k.label.equals(wanted)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown synapse kind '" + name + "': expected float, pcm or spiking");
    }

    @Override
    public String toString() {
        return label;
    }
}
