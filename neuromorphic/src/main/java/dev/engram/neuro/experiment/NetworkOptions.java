package dev.engram.neuro.experiment;

import dev.engram.neuro.data.Mnist;
import dev.engram.neuro.nn.Activation;
import dev.engram.neuro.nn.Mlp;
import dev.engram.neuro.pcm.FaultHandling;
import dev.engram.neuro.pcm.FaultKind;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** The options {@code train} and {@code sweep} share: what is trained, on what, and how. */
final class NetworkOptions {

    @Option(names = "--synapse", paramLabel = "KIND", converter = SynapseConverter.class,
            description = "float, pcm or spiking (pcm-trained, then run as integrate-and-fire neurons); default pcm")
    SynapseKind synapse = SynapseKind.PCM;

    @Option(names = "--device", paramLabel = "PRESET",
            description = "PCM device preset: ideal, ibm2014 or aihwkit-pcm (pcm and spiking only); default ibm2014")
    String device = RunSpec.DEFAULT_DEVICE;

    @Option(names = "--protocol", paramLabel = "P", converter = ProtocolConverter.class,
            description = "ibm-5k (the first 5,000 training images, as IBM) or full (all 60,000); default ibm-5k")
    Protocol protocol = Protocol.IBM_5K;

    @Option(names = "--epochs", paramLabel = "E", description = "passes over the training set (train: 20, sweep: 10)")
    Integer epochs;

    @Option(names = {"--batch", "--minibatch"}, paramLabel = "B", description = "samples per SGD step; default 10")
    int batch = RunSpec.DEFAULT_MINIBATCH;

    @Option(names = "--lr", paramLabel = "RATE", description = "SGD learning rate; default 0.05")
    float learningRate = RunSpec.DEFAULT_LEARNING_RATE;

    @Option(names = "--weight-range", paramLabel = "W",
            description = "the weight of a PCM pair at (Gmax, Gmin); smaller is finer but clips sooner; "
                    + "default ${DEFAULT-VALUE}")
    double weightRange = RunSpec.DEFAULT_WEIGHT_RANGE;

    @Option(names = "--widths", paramLabel = "N", split = ",",
            description = "layer widths of the ReLU network; default 528,250,125,10 (IBM's)")
    int[] widths = Mlp.IBM_WIDTHS.clone();

    @Option(names = "--spiking-steps", paramLabel = "T", split = ",",
            description = "spiking runs: time steps at which the spiking network is scored; the last is the result; "
                    + "default 10,25,50")
    int[] spikingSteps = RunSpec.DEFAULT_SPIKING_STEPS.clone();

    @Option(names = "--fault-handling", paramLabel = "H", converter = FaultHandlingConverter.class,
            description = "what the PCM controller does about conductors its self-test finds broken: off (default), "
                    + "prune (zero the pair, no updates) or one-sided (the healthy conductor carries the weight both "
                    + "ways: SET up, RESET and reprogram down)")
    FaultHandling faultHandling = FaultHandling.OFF;

    @Option(names = "--states", paramLabel = "N",
            description = "PCM: scale the device's SET step so that it has N distinguishable states; default: the "
                    + "preset's (ibm2014: 40)")
    int states;

    @Option(names = "--drift-seconds", paramLabel = "T",
            description = "PCM: score the trained network T seconds after programming (drift, 1/f noise); default 0")
    double driftSeconds;

    @Option(names = "--activation", paramLabel = "F",
            description = "hidden layers: relu (default), tanh or sigmoid; spiking runs need relu")
    String activation = "relu";

    @Option(names = "--data", paramLabel = "DIR",
            description = "MNIST directory; default $ENGRAM_DATA/mnist or ~/.cache/engram/mnist")
    Path data = Mnist.defaultCacheDir();

    /** The spec of a run with these options. */
    RunSpec spec(int defaultEpochs, long seed, FaultPlan faults, int threads, boolean telemetry) {
        return new RunSpec(synapse, device, protocol, widths, epochs == null ? defaultEpochs : epochs, batch,
                learningRate, seed, weightRange, faults, threads, telemetry, spikingSteps,
                new DeviceTuning(faultHandling, states, driftSeconds), activation());
    }

    private Activation activation() {
        try {
            return Activation.valueOf(activation.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("activation '" + activation + "': expected relu, tanh or sigmoid");
        }
    }

    static final class FaultHandlingConverter implements ITypeConverter<FaultHandling> {
        @Override
        public FaultHandling convert(String value) {
            return FaultHandling.parse(value);
        }
    }

    static final class SynapseConverter implements ITypeConverter<SynapseKind> {
        @Override
        public SynapseKind convert(String value) {
            return SynapseKind.parse(value);
        }
    }

    static final class ProtocolConverter implements ITypeConverter<Protocol> {
        @Override
        public Protocol convert(String value) {
            return Protocol.parse(value);
        }
    }

    static final class FaultConverter implements ITypeConverter<FaultKind> {
        @Override
        public FaultKind convert(String value) {
            FaultKind k = FaultKind.parse(value);
            if (k != FaultKind.DEAD && k != FaultKind.STUCK_ON && k != FaultKind.STUCK_OFF) {
                throw new IllegalArgumentException("fault kind '" + value + "': expected dead, stuck-on or stuck-off");
            }
            return k;
        }
    }
}
