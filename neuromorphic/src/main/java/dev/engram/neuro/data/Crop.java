package dev.engram.neuro.data;

/**
 * A rectangle kept from each image: rows {@code firstRow .. firstRow + rows - 1} and columns
 * {@code firstColumn .. firstColumn + columns - 1}, both 0-based and inclusive.
 *
 * <p>{@link #MNIST_22X24} is the 528-input crop of the IBM PCM experiments (Burr et al., IEEE TED 2015,
 * "22×24 pixels"): 22 pixels wide and 24 high, rows 3..26 and columns 4..25 of the 28×28 image. The
 * orientation and offsets were chosen by measuring the ink (the sum of pixel values) of the 60,000
 * training images: MNIST digits are taller than wide, and this placement keeps 99.76 % of the ink
 * (7,535 images lose any ink at all, mostly a faint pixel or two), against 99.25 % (15,905 images) for
 * the best 22-row by 24-column placement (rows 4..25, columns 2..25).
 */
public record Crop(int firstRow, int rows, int firstColumn, int columns) {

    /** 24 rows (3..26) × 22 columns (4..25) of a 28×28 MNIST image: 528 inputs. */
    public static final Crop MNIST_22X24 = new Crop(3, 24, 4, 22);

    public Crop {
        if (firstRow < 0 || rows <= 0 || firstColumn < 0 || columns <= 0) {
            throw new DataException(DataException.Code.INVALID_ARGUMENT, null, "crop: found rows " + firstRow
                    + "+" + rows + ", columns " + firstColumn + "+" + columns
                    + ", expected non-negative starts and positive sizes");
        }
    }

    /** The whole {@code rows × columns} image, no crop. */
    public static Crop none(int rows, int columns) {
        return new Crop(0, rows, 0, columns);
    }

    /** Pixels per cropped image. */
    public int features() {
        return rows * columns;
    }

    /**
     * Crops every image and scales its pixels to [0, 1] (value / 255).
     *
     * @return {@code count × features()} floats, row-major within each image
     */
    public float[] apply(Idx.Images images) {
        if (firstRow + rows > images.rows() || firstColumn + columns > images.columns()) {
            throw new DataException(DataException.Code.INVALID_ARGUMENT, images.source(), "crop rows " + firstRow
                    + ".." + (firstRow + rows - 1) + ", columns " + firstColumn + ".." + (firstColumn + columns - 1)
                    + " does not fit images of " + images.rows() + " rows × " + images.columns() + " columns");
        }
        int features = features();
        float[] out = new float[images.count() * features];
        byte[] pixels = images.pixels();
        for (int n = 0; n < images.count(); n++) {
            for (int r = 0; r < rows; r++) {
                int from = (n * images.rows() + firstRow + r) * images.columns() + firstColumn;
                int to = n * features + r * columns;
                for (int c = 0; c < columns; c++) {
                    out[to + c] = (pixels[from + c] & 0xff) / 255f;
                }
            }
        }
        return out;
    }
}
