package dev.engram.device;

/**
 * What the emulation of a {@link DeviceRegion} did, beside the wrapped region's own
 * {@link dev.engram.region.RegionStats}.
 *
 * @param profileName        the profile emulated
 * @param hostReadNanos      measured host cost of one read, ns (0 when not measured)
 * @param hostPersistNanos   measured host cost of one 64 B flush + drain, ns (0 when not measured)
 * @param addedReadNanos     latency added to each read call: max(0, profile - host), ns
 * @param addedPersistNanos  latency added to each drain: max(0, profile - host), ns
 * @param emulatedDelayNanos total time threads spent waiting for emulated latency, bandwidth and restore, ns
 * @param mediaLineWrites    media line writes counted so far, all lines
 * @param wornOutLines       lines that reached the endurance limit and died
 * @param faultyCells        cells with stuck bits, outside dead lines
 * @param deadLines          dead lines, injected or worn out
 * @param restoreNanos       modelled restore time at restart for the region's size when built, ns
 * @param clockNanos         measured cost of one {@link System#nanoTime()} call at calibration, ns (0 when not measured)
 * @param readSpinNanos      busy-wait target of each read's added latency: addedReadNanos less the
 *                           emulation step's own measured cost, never below zero, ns
 * @param persistSpinNanos   the same for each drain's added latency, ns
 */
public record DeviceStats(
        String profileName,
        long hostReadNanos,
        long hostPersistNanos,
        long addedReadNanos,
        long addedPersistNanos,
        long emulatedDelayNanos,
        long mediaLineWrites,
        long wornOutLines,
        long faultyCells,
        long deadLines,
        long restoreNanos,
        long clockNanos,
        long readSpinNanos,
        long persistSpinNanos) {
}
