package dev.engram.neuro.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): a drop-in MNIST replacement, 28×28 grey images of ten
 * kinds of clothing, 60,000 training and 10,000 test images, gzip IDX files. Debian ships it as
 * {@code dataset-fashion-mnist} under {@link #DEBIAN_DIR}; it is not fetched by the project, only read
 * when present. Integrity is the package manager's business, so no checksum is pinned here; the IDX
 * reader still checks every header and length.
 *
 * <p>Caveat: clothing fills the whole frame, so the MNIST crop ({@link Crop#MNIST_22X24}) cuts real
 * content; {@link #FULL_FRAME} keeps all 784 pixels.
 */
public final class FashionMnist {

    /** Where Debian's {@code dataset-fashion-mnist} installs the four files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final List<String> FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
    public static final Crop FULL_FRAME = Crop.none(28, 28);
    public static final int CLASSES = 10;

    private FashionMnist() {
    }

    /** True when all four files exist in {@code dir}. */
    public static boolean isPresent(Path dir) {
        return FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    /** Loads the set from {@code dir} (e.g. {@link #DEBIAN_DIR}), or empty when any file is absent. */
    public static Optional<TrainTest> loadIfPresent(Path dir, Crop crop) {
        if (!isPresent(dir)) {
            return Optional.empty();
        }
        Dataset train = Dataset.of("fashion-mnist-train", Idx.readImages(dir.resolve(FILES.get(0))),
                Idx.readLabels(dir.resolve(FILES.get(1))), crop, CLASSES);
        Dataset test = Dataset.of("fashion-mnist-test", Idx.readImages(dir.resolve(FILES.get(2))),
                Idx.readLabels(dir.resolve(FILES.get(3))), crop, CLASSES);
        return Optional.of(new TrainTest(train, test));
    }
}
