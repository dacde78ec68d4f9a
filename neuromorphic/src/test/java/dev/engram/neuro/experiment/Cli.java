package dev.engram.neuro.experiment;

import dev.engram.neuro.data.TrainTest;
import dev.engram.neuro.nn.SyntheticData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs {@code ./engram neuro} in-process on a small synthetic problem (4×6 "images", ten classes, 300
 * training and 200 test samples), so the command line can be tested without MNIST. Networks must start
 * with 24 inputs: {@code --widths 24,12,10}.
 */
final class Cli {

    static final TrainTest SYNTHETIC = SyntheticData.blobs(0x5EED, 10, 4, 6, 300, 200, 0.35);

    /** The data source of {@link #SYNTHETIC}; it checks the width the command asks for. */
    static final NeuroCli.DataSource SYNTHETIC_SOURCE = (dir, inputs) -> {
        if (inputs != SYNTHETIC.train().features()) {
            throw new IllegalArgumentException("synthetic data has " + SYNTHETIC.train().features() + " features, "
                    + "the network asks for " + inputs);
        }
        return SYNTHETIC;
    };

    /** Exit status and what the command printed. */
    record Result(int status, String out, String err) {
    }

    private Cli() {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = NeuroCli.run(o, e, SYNTHETIC_SOURCE, false, args);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
