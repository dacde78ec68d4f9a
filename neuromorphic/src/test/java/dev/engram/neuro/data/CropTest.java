package dev.engram.neuro.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CropTest {

    /** Image n's pixel (r, c) encodes its own coordinates, so every kept pixel says where it came from. */
    private static Idx.Images coordinates(int count, int rows, int columns) {
        byte[] p = new byte[count * rows * columns];
        for (int n = 0; n < count; n++) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    p[(n * rows + r) * columns + c] = (byte) (r * 8 + (c % 8) + n);
                }
            }
        }
        return new Idx.Images(null, count, rows, columns, p);
    }

    @Test
    void shouldGiveTheIbmNetworkIts528InputsAs24RowsBy22Columns() {
        Crop crop = Crop.MNIST_22X24;
        assertEquals(528, crop.features());
        assertEquals(24, crop.rows());
        assertEquals(22, crop.columns());
        assertEquals(3, crop.firstRow());
        assertEquals(4, crop.firstColumn());
        assertEquals(26, crop.firstRow() + crop.rows() - 1);
        assertEquals(25, crop.firstColumn() + crop.columns() - 1);
    }

    @Test
    void shouldKeepRows3To26AndColumns4To25ScaledToUnitInterval() {
        Idx.Images images = coordinates(2, 28, 28);
        float[] out = Crop.MNIST_22X24.apply(images);
        assertEquals(2 * 528, out.length);
        for (int n = 0; n < 2; n++) {
            for (int r = 0; r < 24; r++) {
                for (int c = 0; c < 22; c++) {
                    float expected = images.pixel(n, 3 + r, 4 + c) / 255f;
                    assertEquals(expected, out[n * 528 + r * 22 + c], 0f, "image " + n + " (" + r + ", " + c + ")");
                }
            }
        }
    }

    @Test
    void shouldMapPixelValuesZeroAnd255ToZeroAndOne() {
        Idx.Images images = new Idx.Images(null, 1, 1, 2, new byte[] {0, (byte) 255});
        float[] out = Crop.none(1, 2).apply(images);
        assertEquals(0f, out[0]);
        assertEquals(1f, out[1]);
    }

    @Test
    void shouldRejectACropThatDoesNotFitTheImages() {
        DataException e = assertThrows(DataException.class, () -> Crop.MNIST_22X24.apply(coordinates(1, 20, 20)));
        assertEquals(DataException.Code.INVALID_ARGUMENT, e.code());
    }
}
