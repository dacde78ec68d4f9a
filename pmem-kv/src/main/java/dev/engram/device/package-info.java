/**
 * Device emulation over any {@link dev.engram.region.Region}: a {@link dev.engram.device.DeviceProfile}
 * (DRAM, NVDIMM-N, Optane-class PCM, SSD, or none) with sourced latency, bandwidth, media line size,
 * endurance and granularity; a {@link dev.engram.device.DeviceRegion} that wraps a region and applies it
 * (calibrated added latency, bandwidth caps, wear per media line, wear-out); and media faults
 * ({@link dev.engram.device.MediaFault}: stuck bits, stuck cells, dead lines) injected at given offsets or
 * at random from a seed. Faulty cells behave as media would: stores do not take there and reads return
 * the stuck values, so the KV engine's checksums and the synapse arrays' stuck conductances rest on one
 * mechanism. {@link dev.engram.device.WearMap} exports wear as CSV and as a heat-map PNG.
 */
package dev.engram.device;
