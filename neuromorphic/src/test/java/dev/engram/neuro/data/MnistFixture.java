package dev.engram.neuro.data;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.file.Path;

/**
 * The real MNIST for tests that need it, from {@link Mnist#defaultCacheDir()}. Absent data skips the test
 * with the command that fetches it, except under {@code CI=true}, where CI fetched the data first and an
 * absent cache is a failure.
 */
public final class MnistFixture {

    private static TrainTest cached;

    private MnistFixture() {
    }

    public static synchronized TrainTest mnist() {
        if (cached != null) {
            return cached;
        }
        Path dir = Mnist.defaultCacheDir();
        if (!Mnist.isPresent(dir)) {
            String message = "MNIST is not in " + dir + "; fetch it with: java -cp neuromorphic/target/classes "
                    + "dev.engram.neuro.data.Mnist " + dir;
            if ("true".equals(System.getenv("CI"))) {
                fail(message + " (CI=true: the data must be there)");
            }
            abort(message);
        }
        cached = Mnist.load(dir, Crop.MNIST_22X24);
        return cached;
    }
}
