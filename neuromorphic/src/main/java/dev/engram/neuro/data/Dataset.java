package dev.engram.neuro.data;

import java.util.Arrays;

/**
 * Labelled images, ready for a network: {@code pixels} holds {@code size() × features()} floats in
 * [0, 1] (image {@code n} starts at {@code n * features()}, row-major, already cropped), {@code labels}
 * one class index in {@code [0, classes)} per image.
 */
public record Dataset(String name, int rows, int columns, int classes, float[] pixels, int[] labels) {

    public Dataset {
        if ((long) labels.length * rows * columns != pixels.length) {
            throw new DataException(DataException.Code.INVALID_ARGUMENT, null, name + ": pixels: found "
                    + pixels.length + " floats, expected " + labels.length + " images × " + rows + " × " + columns);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new DataException(DataException.Code.INVALID_ARGUMENT, null, name + ": label " + i
                        + ": found " + labels[i] + ", expected 0.." + (classes - 1));
            }
        }
    }

    /** Builds a data set from an images file and a labels file read with {@link Idx}. */
    public static Dataset of(String name, Idx.Images images, int[] labels, Crop crop, int classes) {
        if (images.count() != labels.length) {
            throw new DataException(DataException.Code.INVALID_ARGUMENT, images.source(), "count: found "
                    + images.count() + " images but " + labels.length + " labels");
        }
        return new Dataset(name, crop.rows(), crop.columns(), classes, crop.apply(images), labels);
    }

    public int size() {
        return labels.length;
    }

    /** Inputs per image: rows × columns of the (cropped) image. */
    public int features() {
        return rows * columns;
    }

    /** The first {@code n} images, in order (the IBM protocol trains on the first 5,000). */
    public Dataset first(int n) {
        if (n < 0 || n > size()) {
            throw new DataException(DataException.Code.INVALID_ARGUMENT, null,
                    name + ": first " + n + " images requested, the set has " + size());
        }
        return new Dataset(name + "[0," + n + ")", rows, columns, classes,
                Arrays.copyOf(pixels, n * features()), Arrays.copyOf(labels, n));
    }
}
