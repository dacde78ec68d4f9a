package dev.engram.neuro.pcm;

/**
 * One faulty conductor of a {@link PcmSynapseArray}.
 *
 * @param conductor         the conductor's index: {@code 2 · (column · outputs + row) + (minus ? 1 : 0)}
 * @param row               the weight's row (output)
 * @param column            the weight's column (input; the bias is the last)
 * @param minus             whether it is the pair's G− (else G+)
 * @param kind              what is wrong with it
 * @param stuckMicroSiemens the conductance it is stuck at, as the array reads it
 * @param cellOffset        the region offset of its cell in the committed slot (the fault is on the
 *                          same cell of both slots)
 */
public record ConductorFault(int conductor, int row, int column, boolean minus, FaultKind kind,
                             float stuckMicroSiemens, long cellOffset) {

    @Override
    public String toString() {
        return kind + " " + (minus ? "G-" : "G+") + "[" + row + "," + column + "] at " + stuckMicroSiemens
                + " µS (cell @" + cellOffset + ")";
    }
}
