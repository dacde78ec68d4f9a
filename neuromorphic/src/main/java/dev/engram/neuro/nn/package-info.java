/**
 * Backpropagation networks over synapse arrays: {@link dev.engram.neuro.nn.SynapseArray} (the contract a
 * device array implements), {@link dev.engram.neuro.nn.FloatSynapseArray} (exact float weights),
 * {@link dev.engram.neuro.nn.Mlp} (fully connected, tanh/ReLU/sigmoid hidden layers, softmax and
 * cross-entropy, minibatch SGD on one or two threads, bit-identical either way),
 * {@link dev.engram.neuro.nn.Training} (the loop; it resumes after a given epoch) and per-layer, per-epoch
 * {@link dev.engram.neuro.nn.LayerTelemetry} and per-window {@link dev.engram.neuro.nn.GradientWindow}. {@link dev.engram.neuro.nn.MnistRun} trains the float
 * baseline from the command line.
 */
package dev.engram.neuro.nn;
