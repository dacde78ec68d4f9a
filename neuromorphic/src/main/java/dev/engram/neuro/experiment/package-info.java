/**
 * Experiments on the networks of {@code nn}, {@code snn} and {@code pcm}: one training run
 * ({@link dev.engram.neuro.experiment.Trainer} of a {@link dev.engram.neuro.experiment.RunSpec}), a fault
 * sweep over fractions and seeds on two workers ({@link dev.engram.neuro.experiment.Sweep} of a
 * {@link dev.engram.neuro.experiment.SweepSpec}), and a report that puts runs and sweeps on the same
 * axes as IBM's published figures ({@link dev.engram.neuro.experiment.Report},
 * {@link dev.engram.neuro.experiment.References}). Every run is named by its spec and its one seed, so
 * any point of any plot can be recomputed alone. Files: CSV ({@link dev.engram.neuro.experiment.Csv}),
 * PNG and SVG plots through XChart ({@link dev.engram.neuro.experiment.Charts}), Markdown reports.
 *
 * <p>{@link dev.engram.neuro.experiment.NeuroCli} is the command line: {@code ./engram neuro train},
 * {@code sweep}, {@code report}.
 */
package dev.engram.neuro.experiment;
