/**
 * Phase-change-memory synapses: the device model and the synapse arrays the networks of
 * {@code dev.engram.neuro.nn} and {@code dev.engram.neuro.snn} train through
 * {@link dev.engram.neuro.nn.SynapseArray}.
 *
 * <p>Three layers, each seeing only the one below, as in IBM aihwkit:
 * <ul>
 *   <li>{@link dev.engram.neuro.pcm.PcmDeviceModel}: the physics of one device (pulse response, noise,
 *       RESET, drift, endurance, device-to-device variation), pure functions with every parameter's unit
 *       in its name and its source in the Javadoc; presets {@code ideal}, {@code ibm2014},
 *       {@code aihwkit-pcm}.</li>
 *   <li>{@link dev.engram.neuro.pcm.PcmSynapseArray}: a layer's weights as G+/G− pairs of such devices,
 *       driven by an {@link dev.engram.neuro.pcm.UpdatePolicy} (SET pulses only, stochastic rounding,
 *       refresh of saturated pairs), with injectable faults and an optional fault-aware controller: a
 *       built-in self-test that diagnoses broken conductors from reads alone, and a
 *       {@link dev.engram.neuro.pcm.FaultHandling} that prunes or re-routes the pairs it found.</li>
 *   <li>{@link dev.engram.neuro.pcm.PcmSynapsePool}: the arrays of a network in one persistent region
 *       (layout in {@link dev.engram.neuro.pcm.PoolLayout}) with one commit word, so that training
 *       resumes exactly after a restart or a crash; faults are the region's own media faults
 *       ({@link dev.engram.device.DeviceRegion}), the same mechanism that sticks a key-value store's
 *       line.</li>
 * </ul>
 */
package dev.engram.neuro.pcm;
