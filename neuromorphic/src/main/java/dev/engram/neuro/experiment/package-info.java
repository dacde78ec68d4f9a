/**
 * Experiments on the networks of {@code nn}, {@code snn} and {@code pcm}: one training run
 * ({@link dev.engram.neuro.experiment.Trainer} of a {@link dev.engram.neuro.experiment.RunSpec}; it stops and
 * resumes from its synapse pool), a sweep over fault fractions — or batch sizes, device states, drift
 * times ({@link dev.engram.neuro.experiment.SweepVariable}) — and seeds on two workers
 * ({@link dev.engram.neuro.experiment.Sweep} of a {@link dev.engram.neuro.experiment.SweepSpec}), the
 * gradient phases of a run ({@link dev.engram.neuro.experiment.GradientPhases}), and a report that puts
 * runs and sweeps on the same axes as IBM's published figures ({@link dev.engram.neuro.experiment.Report},
 * {@link dev.engram.neuro.experiment.References}). {@link dev.engram.neuro.experiment.DemoFaultExperiment}
 * is the demo's few-minute fault experiment. Every run is named by its spec and its one seed, so
 * any point of any plot can be recomputed alone. Files: CSV ({@link dev.engram.neuro.experiment.Csv}),
 * PNG and SVG plots through XChart ({@link dev.engram.neuro.experiment.Charts}), Markdown reports.
 *
 * <p>{@link dev.engram.neuro.experiment.NeuroCli} is the command line: {@code ./engram neuro train},
 * {@code sweep}, {@code report}, {@code bench}.
 */
package dev.engram.neuro.experiment;
