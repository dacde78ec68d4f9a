/**
 * Spiking networks: a trained ReLU network ({@link dev.engram.neuro.nn.Mlp}, any
 * {@link dev.engram.neuro.nn.SynapseArray}'s weights) converted into rate-coded integrate-and-fire
 * neurons with data-based weight and threshold normalisation (Diehl et al. 2015), run with analog, rate or
 * Poisson input and scored against time steps ({@link dev.engram.neuro.snn.SpikingNetwork}).
 */
package dev.engram.neuro.snn;
