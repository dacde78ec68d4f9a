package dev.engram.neuro.data;

/** A training set and a test set of the same shape. */
public record TrainTest(Dataset train, Dataset test) {

    /** Training images the IBM PCM experiments (Burr et al. 2015) used: the first 5,000. */
    public static final int IBM_TRAINING_IMAGES = 5_000;

    public TrainTest {
        if (train.rows() != test.rows() || train.columns() != test.columns() || train.classes() != test.classes()) {
            throw new DataException(DataException.Code.INVALID_ARGUMENT, null, "train " + train.rows() + "×"
                    + train.columns() + " (" + train.classes() + " classes) and test " + test.rows() + "×"
                    + test.columns() + " (" + test.classes() + " classes) differ");
        }
    }

    /** The IBM protocol: the first 5,000 training images, the whole test set. */
    public TrainTest ibmProtocol() {
        return new TrainTest(train.first(IBM_TRAINING_IMAGES), test);
    }
}
