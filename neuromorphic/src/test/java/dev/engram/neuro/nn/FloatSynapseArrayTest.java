package dev.engram.neuro.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * The exact array, and the column pair of the {@link SynapseArray} contract: the defaults (a row-major-only
 * array) and {@link FloatSynapseArray}'s overrides must agree bit for bit.
 */
class FloatSynapseArrayTest {

    /** The smallest array that implements only the row-major methods, so the defaults run. */
    private static final class RowMajorOnly implements SynapseArray {
        final int outputs;
        final int inputs;
        final float[] w;

        RowMajorOnly(int outputs, int inputs) {
            this.outputs = outputs;
            this.inputs = inputs;
            this.w = new float[outputs * inputs];
        }

        @Override public int outputs() { return outputs; }
        @Override public int inputs() { return inputs; }
        @Override public void initialize(float[] weights) { System.arraycopy(weights, 0, w, 0, w.length); }
        @Override public float[] readWeights() { return w; }
        @Override public void update(float[] delta) {
            for (int k = 0; k < w.length; k++) {
                w[k] += delta[k];
            }
        }
    }

    private static float[] ramp(int n, float step) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (k - n / 2) * step;
        }
        return v;
    }

    @Test
    void shouldReadBackTheInitialWeightsRowMajorAndByColumn() {
        FloatSynapseArray array = new FloatSynapseArray(3, 4);
        float[] initial = ramp(12, 0.1f);
        array.initialize(initial);
        assertArrayEquals(initial, array.readWeights());
        float[][] columns = array.readWeightColumns();
        assertEquals(4, columns.length);
        for (int o = 0; o < 3; o++) {
            for (int i = 0; i < 4; i++) {
                assertEquals(initial[o * 4 + i], columns[i][o]);
            }
        }
    }

    @Test
    void shouldApplyAnUpdateExactlyAsOneFloatAdditionPerWeight() {
        FloatSynapseArray array = new FloatSynapseArray(2, 3);
        float[] initial = {1f, 1e-8f, -3.5f, 0.1f, 0.2f, 0.3f};
        float[] delta = {1e-8f, 1f, 0.25f, -0.1f, 0.7f, 1e30f};
        array.initialize(initial);
        array.update(delta);
        float[] expected = new float[6];
        for (int k = 0; k < 6; k++) {
            expected[k] = initial[k] + delta[k];
        }
        assertArrayEquals(expected, array.readWeights());
    }

    @Test
    void shouldAgreeWithTheContractsDefaultColumnMethodsBitForBit() {
        FloatSynapseArray exact = new FloatSynapseArray(5, 7);
        RowMajorOnly plain = new RowMajorOnly(5, 7);
        float[] initial = ramp(35, 0.03f);
        exact.initialize(initial);
        plain.initialize(initial);
        float[][] delta = new float[7][5];
        for (int i = 0; i < 7; i++) {
            for (int o = 0; o < 5; o++) {
                delta[i][o] = (i * 5 + o) * 1e-3f - 0.01f;
            }
        }
        delta[3] = null;                                   // an unchanged column, as the network passes blank pixels
        exact.updateWeightColumns(delta);
        plain.updateWeightColumns(delta);
        assertArrayEquals(plain.readWeights(), exact.readWeights());
        for (int o = 0; o < 5; o++) {
            assertEquals(initial[o * 7 + 3], exact.readWeights()[o * 7 + 3], 0f, "a null column does not change");
        }
        float[][] a = plain.readWeightColumns();
        float[][] b = exact.readWeightColumns();
        for (int i = 0; i < 7; i++) {
            assertArrayEquals(a[i], b[i], "column " + i);
        }
    }

    @Test
    void shouldRejectADeltaOfTheWrongShape() {
        FloatSynapseArray array = new FloatSynapseArray(2, 3);
        assertThrows(IllegalArgumentException.class, () -> array.update(new float[5]));
        assertThrows(IllegalArgumentException.class, () -> array.updateWeightColumns(new float[2][2]));
    }
}
