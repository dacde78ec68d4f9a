/**
 * {@code ./engram bench dl}: the deep-learning I/O workload. MNIST's 70,000 digits as records
 * ({@code MnistRecords}), kept by a store or one file per sample ({@code Samples}), read in shuffled full
 * epochs with periodic durable checkpoints, then a checkpoint-size sweep ({@code DlRun}); the standard set
 * of configurations, each in its own JVM, and its README ({@code DlReport}) come from
 * {@link dev.engram.bench.dl.DlCli}.
 */
package dev.engram.bench.dl;
