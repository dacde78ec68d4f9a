package dev.engram.neuro.nn;

/**
 * A layer's synapses: a weight matrix of {@link #outputs()} rows by {@link #inputs()} columns
 * (row-major; the bias is the last input column, fed a constant 1). The network sees only weights;
 * how they are stored and how an update lands — exactly in floats, or as SET pulses on pairs of
 * phase-change conductances with noise, drift and faults — is the array's business. Device physics
 * never enters {@code forward()} or {@code backward()}.
 *
 * <p>Protocol per minibatch: {@link #readWeights()} once (the weights the forward and backward passes
 * use), {@link #update} once with the minibatch's summed weight change, then {@link #endOfBatch()}.
 *
 * <p>By columns: {@link #readWeightColumns()} and {@link #updateWeightColumns} are the same read and the
 * same update with the matrix given as its columns, one Java array per input ({@code columns[i][o]} is
 * the weight from input i to output o; the bias is the last column). The network's forward pass and its
 * gradient want that layout (a zero input then skips a whole column, and HotSpot vectorises a loop over
 * one whole array but not over a slice of a flat one), so it uses this pair. The defaults go through
 * {@code readWeights} and {@code update} with a transpose, so an array need implement only the row-major
 * methods; one that stores its weights by column overrides the pair and spares the network a transpose
 * of every layer in each direction per minibatch. Either pair counts as the minibatch's one read and one
 * update.
 */
public interface SynapseArray extends AutoCloseable {

    int outputs();

    int inputs();

    /** Programs the initial weights (row-major, outputs × inputs). */
    void initialize(float[] weights);

    /**
     * The effective weights as a read of the array gives them now (row-major, outputs × inputs). The
     * returned array belongs to the synapse array: callers must not modify it, and it is valid until
     * the next {@code readWeights}, {@code update} or {@code endOfBatch}.
     */
    float[] readWeights();

    /** Requests {@code w += delta} (row-major); an ideal array applies it exactly, a device array as pulses. */
    void update(float[] delta);

    /**
     * The effective weights by column: {@code inputs()} arrays of {@code outputs()} floats,
     * {@code columns[i][o]} = {@code readWeights()[o * inputs() + i]}. Same ownership and validity as
     * {@link #readWeights()}. The default transposes one {@code readWeights()} into new arrays.
     */
    default float[][] readWeightColumns() {
        int outputs = outputs();
        int inputs = inputs();
        float[] rowMajor = readWeights();
        float[][] columns = new float[inputs][outputs];
        for (int o = 0; o < outputs; o++) {
            for (int i = 0; i < inputs; i++) {
                columns[i][o] = rowMajor[o * inputs + i];
            }
        }
        return columns;
    }

    /**
     * {@link #readWeightColumns()} for a caller that will use only the columns whose {@code used[i]} is
     * true (the network's first layer: the inputs no sample of the minibatch has non-zero, e.g. blank
     * pixels, are never read). The other columns hold unspecified values until the next read. Counts as
     * the minibatch's one read. A crossbar drives only the rows with an input, so a device array may
     * read, and draw read noise for, the used columns only; the default reads them all.
     */
    default float[][] readWeightColumns(boolean[] used) {
        return readWeightColumns();
    }

    /**
     * Whether {@link #readWeightColumns(boolean[])} is cheaper than a full read, so that a caller should
     * work out which columns it will use; false by default (the caller then skips that work).
     */
    default boolean readsUsedColumnsOnly() {
        return false;
    }

    /**
     * Requests {@code w += delta} with {@code delta} by column ({@code inputs()} arrays of {@code outputs()}
     * floats, as {@link #readWeightColumns()}); a null column is a column of zeros (the network passes
     * null for the inputs no sample of the minibatch used, e.g. blank pixels, so that an array can skip
     * them). The default transposes it and calls {@link #update}.
     */
    default void updateWeightColumns(float[][] delta) {
        int outputs = outputs();
        int inputs = inputs();
        float[] rowMajor = new float[outputs * inputs];
        for (int i = 0; i < inputs; i++) {
            if (delta[i] == null) {
                continue;
            }
            for (int o = 0; o < outputs; o++) {
                rowMajor[o * inputs + i] = delta[i][o];
            }
        }
        update(rowMajor);
    }

    /** Once per minibatch, after {@link #update}: device arrays refresh saturated pairs, age, wear. */
    default void endOfBatch() {
    }

    /** Releases any region or file behind the array. */
    @Override
    default void close() {
    }

    /** Creates the synapse array of one layer. */
    @FunctionalInterface
    interface Factory {
        SynapseArray create(String layerName, int outputs, int inputs);
    }
}
