package dev.engram.neuro.nn;

/**
 * The ideal synapse array: exact float weights, and an update applies {@code w += delta} exactly (one
 * float addition per weight, nothing else). The software baseline every device array is measured against.
 *
 * <p>Stored by column, one array per input, the layout the network reads and updates through
 * {@link #readWeightColumns()} and {@link #updateWeightColumns}, so training never copies or transposes
 * it. The row-major {@link #readWeights()} and {@link #update} (conversion, telemetry, other callers)
 * transpose.
 */
public final class FloatSynapseArray implements SynapseArray {

    private final int outputs;
    private final int inputs;
    private final float[][] columns; // (I, O): columns[i][o] = weight from input i to output o; bias last
    private final float[] rowMajor;  // (O*I) scratch for readWeights()

    public FloatSynapseArray(int outputs, int inputs) {
        if (outputs <= 0 || inputs <= 0) {
            throw new IllegalArgumentException("shape: found " + outputs + " × " + inputs + ", expected positive sizes");
        }
        this.outputs = outputs;
        this.inputs = inputs;
        this.columns = new float[inputs][outputs];
        this.rowMajor = new float[Math.multiplyExact(outputs, inputs)];
    }

    /** A factory for {@link Mlp}: one exact array per layer. */
    public static Factory factory() {
        return (layerName, outputs, inputs) -> new FloatSynapseArray(outputs, inputs);
    }

    @Override
    public int outputs() {
        return outputs;
    }

    @Override
    public int inputs() {
        return inputs;
    }

    @Override
    public void initialize(float[] initial) {
        checkLength(initial.length, "initial weights");
        for (int o = 0; o < outputs; o++) {
            for (int i = 0; i < inputs; i++) {
                columns[i][o] = initial[o * inputs + i];
            }
        }
    }

    @Override
    public float[] readWeights() {
        for (int i = 0; i < inputs; i++) {
            float[] column = columns[i];
            for (int o = 0; o < outputs; o++) {
                rowMajor[o * inputs + i] = column[o];
            }
        }
        return rowMajor;
    }

    @Override
    public void update(float[] delta) {
        checkLength(delta.length, "delta");
        for (int i = 0; i < inputs; i++) {
            float[] column = columns[i];
            for (int o = 0; o < outputs; o++) {
                column[o] += delta[o * inputs + i];
            }
        }
    }

    @Override
    public float[][] readWeightColumns() {
        return columns;
    }

    @Override
    public void updateWeightColumns(float[][] delta) {
        if (delta.length != inputs) {
            throw new IllegalArgumentException("delta: found " + delta.length + " columns, expected " + inputs);
        }
        for (int i = 0; i < inputs; i++) {
            float[] column = columns[i];
            float[] d = delta[i];
            if (d == null) {
                continue;                       // an unchanged column
            }
            // Same index into two distinct arrays: C2 vectorises this loop.
            for (int o = 0; o < outputs; o++) {
                column[o] += d[o];
            }
        }
    }

    private void checkLength(int length, String what) {
        if (length != rowMajor.length) {
            throw new IllegalArgumentException(what + ": found " + length + " floats, expected "
                    + outputs + " × " + inputs + " = " + rowMajor.length);
        }
    }
}
