package dev.engram.device;

import dev.engram.region.Granularity;

import java.util.List;
import java.util.Locale;

/**
 * The timing, granularity and endurance of one kind of memory device, as {@link DeviceRegion} emulates
 * it over any region. Every figure carries its unit in its name and its source below.
 *
 * <h2>What a latency means</h2>
 * {@link #readLatencyNanos} and {@link #persistLatencyNanos} are the device's own costs of one read call
 * and one drain (fence), not amounts to add: {@link DeviceRegion} measures what the host region already
 * costs for the same operation and adds only the difference, so that an emulated run tracks the profile
 * whatever the host. The emulation can slow a region down, never speed it up: a CRAWL region whose
 * {@code pread} costs 2 µs stays at 2 µs under {@link #OPTANE_PCM}.
 *
 * <h2>Sources</h2>
 * <ul>
 *   <li>[IZR19] J. Izraelevitz et al., "Basic Performance Measurements of the Intel Optane DC Persistent
 *       Memory Module", arXiv:1903.05714, 2019: idle random 64 B load 305 ns (local DRAM about 3x
 *       less, ~100 ns); 64 B store + clwb + sfence 90-116 ns; 256 B internal access unit (XPLine);
 *       per-DIMM bandwidth about 6.5-6.6 GB/s read and 2.2-2.3 GB/s write.</li>
 *   <li>[MU-NV] Micron / Crucial DDR4 NVDIMM-N (2133 MT/s, 17 GB/s per module; DRAM backed up to on-module
 *       SLC NAND by a PowerGEM supercapacitor on power loss, restored at power-up).</li>
 *   <li>[DELL-NV] Dell EMC NVDIMM-N Persistent Memory User Guide (16 GB modules): "the restore process
 *       takes approximately one minute", in parallel across modules.</li>
 *   <li>[PCM-END] B. C. Lee et al., "Architecting Phase Change Memory as a Scalable DRAM Alternative",
 *       ISCA 2009, and M. K. Qureshi et al., "Scalable High Performance Main Memory System Using
 *       Phase-Change Memory Technology", ISCA 2009: PCM cell endurance 10^7-10^8 writes.</li>
 *   <li>[P4500] Intel SSD DC P4500 2.0 TB NVMe, Lenovo product guide: random 4 KB read latency 85 µs,
 *       random write latency 20 µs, sequential read 3.2 GB/s, sequential write 1.05 GB/s.</li>
 * </ul>
 *
 * <p>The {@code with...} methods return a copy with one figure changed, for experiments and tests
 * (a slower persist, a tiny endurance); they validate like the constructor.
 *
 * @param name                           the preset's name as {@link #parse} accepts it
 * @param readLatencyNanos               device cost of one read call (idle, random), in ns
 * @param persistLatencyNanos            device cost of one drain, i.e. of making a flushed line durable, in ns
 * @param readBandwidthBytesPerSecond    cap on bytes read per second, {@link #NO_BANDWIDTH_CAP} for none
 * @param writeBandwidthBytesPerSecond   cap on bytes stored per second, {@link #NO_BANDWIDTH_CAP} for none
 * @param mediaLineBytes                 the device's internal write unit: wear is counted and lines die
 *                                       in this unit; a power of two from 8 to 1 MiB
 * @param enduranceWritesPerLine         media writes a line takes before it wears out and freezes,
 *                                       {@link #UNLIMITED_ENDURANCE} for none
 * @param granularity                    the durability granularity the emulated device promises, or
 *                                       {@code null} to keep the wrapped region's
 * @param restoreBandwidthBytesPerSecond rate at which a restart pages the region back in (NVDIMM-N
 *                                       restore from flash), {@link #NO_RESTORE} for none
 */
public record DeviceProfile(
        String name,
        long readLatencyNanos,
        long persistLatencyNanos,
        long readBandwidthBytesPerSecond,
        long writeBandwidthBytesPerSecond,
        int mediaLineBytes,
        long enduranceWritesPerLine,
        Granularity granularity,
        long restoreBandwidthBytesPerSecond) {

    /** A bandwidth of 0 means the profile does not cap it. */
    public static final long NO_BANDWIDTH_CAP = 0;
    /** An endurance of {@link Long#MAX_VALUE} writes means lines never wear out. */
    public static final long UNLIMITED_ENDURANCE = Long.MAX_VALUE;
    /** A restore bandwidth of 0 means the device needs no restore at restart. */
    public static final long NO_RESTORE = 0;
    /** Largest accepted {@link #mediaLineBytes}. */
    public static final int MAX_MEDIA_LINE_BYTES = 1 << 20;

    /**
     * No emulation: no added latency, no caps, no wear-out, the wrapped region's granularity. Wear is
     * still counted and faults can still be injected, in 256 B lines, so that fault tests need no timing.
     */
    public static final DeviceProfile NONE = new DeviceProfile("none",
            0, 0, NO_BANDWIDTH_CAP, NO_BANDWIDTH_CAP, 256, UNLIMITED_ENDURANCE, null, NO_RESTORE);

    /**
     * Volatile DDR4 DRAM as a baseline: ~100 ns idle random read [IZR19, local DRAM], no persist cost
     * (nothing to make durable), no bandwidth cap (the host is DRAM), 64 B lines (the cache line),
     * unlimited endurance. Granularity is the wrapped region's: DRAM itself promises none.
     */
    public static final DeviceProfile DRAM = new DeviceProfile("dram",
            100, 0, NO_BANDWIDTH_CAP, NO_BANDWIDTH_CAP, 64, UNLIMITED_ENDURANCE, null, NO_RESTORE);

    /**
     * NVDIMM-N: DRAM speed (~100 ns read [IZR19]) and 17 GB/s per module both ways [MU-NV]. On power
     * loss the supercapacitor saves all of DRAM to flash, so every store is durable once visible
     * ({@link Granularity#BYTE}) and a drain costs only the fence the host already executes (0 added).
     * At restart the module pages DRAM back in from flash: 16 GB in about one minute [DELL-NV], i.e.
     * ~286 MB/s, which {@link #restoreNanos} turns into a restore time for a region's size. DRAM does
     * not wear (flash is written only on a save), so endurance is unlimited; 64 B lines.
     */
    public static final DeviceProfile NVDIMM_N = new DeviceProfile("nvdimm-n",
            100, 0, 17_000_000_000L, 17_000_000_000L, 64, UNLIMITED_ENDURANCE, Granularity.BYTE,
            (16L << 30) / 60);

    /**
     * Optane-class phase-change memory (one DIMM, App Direct, ADR platform) [IZR19]: 305 ns idle random
     * read, 116 ns per 64 B store + clwb + fence (the upper end of the paper's 90-116 ns, charged per
     * drain), 6.5 GB/s read and 2.2 GB/s write, 256 B XPLine as the media line,
     * {@link Granularity#CACHE_LINE} durability. Endurance 10^8 writes per line [PCM-END], enforced per
     * logical line without the module's own wear-levelling, so it is pessimistic by design.
     */
    public static final DeviceProfile OPTANE_PCM = new DeviceProfile("optane-pcm",
            305, 116, 6_500_000_000L, 2_200_000_000L, 256, 100_000_000L, Granularity.CACHE_LINE, NO_RESTORE);

    /**
     * A datacenter NVMe NAND SSD [P4500]: 85 µs random read, 20 µs per persist (a write acknowledged by a
     * drive with power-loss protection), 3.2 GB/s read, 1.05 GB/s write, 4 KiB pages,
     * {@link Granularity#PAGE}. Endurance is unlimited per line because the drive's flash translation
     * layer spreads writes; its real limit is in drive writes per day, not per logical page.
     */
    public static final DeviceProfile SSD = new DeviceProfile("ssd",
            85_000, 20_000, 3_200_000_000L, 1_050_000_000L, 4096, UNLIMITED_ENDURANCE, Granularity.PAGE,
            NO_RESTORE);

    private static final DeviceProfile[] PRESETS = {NONE, DRAM, NVDIMM_N, OPTANE_PCM, SSD};

    /** Validates every figure; a bad one fails with the field, the value and what is accepted. */
    public DeviceProfile {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("device profile name: expected a non-blank name, found '" + name + "'");
        }
        requireNonNegative("readLatencyNanos", readLatencyNanos);
        requireNonNegative("persistLatencyNanos", persistLatencyNanos);
        requireNonNegative("readBandwidthBytesPerSecond", readBandwidthBytesPerSecond);
        requireNonNegative("writeBandwidthBytesPerSecond", writeBandwidthBytesPerSecond);
        requireNonNegative("restoreBandwidthBytesPerSecond", restoreBandwidthBytesPerSecond);
        if (mediaLineBytes < 8 || mediaLineBytes > MAX_MEDIA_LINE_BYTES || Integer.bitCount(mediaLineBytes) != 1) {
            throw new IllegalArgumentException("device profile '" + name + "': mediaLineBytes is " + mediaLineBytes
                    + ", expected a power of two from 8 to " + MAX_MEDIA_LINE_BYTES);
        }
        if (enduranceWritesPerLine < 1) {
            throw new IllegalArgumentException("device profile '" + name + "': enduranceWritesPerLine is "
                    + enduranceWritesPerLine + ", expected at least 1 (UNLIMITED_ENDURANCE for none)");
        }
    }

    private void requireNonNegative(String field, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("device profile: " + field + " is " + value + ", expected >= 0");
        }
    }

    /**
     * The preset named {@code name}: "none", "dram", "nvdimm-n", "optane-pcm" or "ssd",
     * case-insensitively, with '_' accepted for '-'.
     *
     * @throws IllegalArgumentException naming what was given and listing the choices
     */
    public static DeviceProfile parse(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (DeviceProfile p : PRESETS) {
            if (p.name.equals(wanted)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown device profile '" + name
                + "': expected none, dram, nvdimm-n, optane-pcm or ssd");
    }

    /** The presets, in the order {@link #parse} lists them. */
    public static List<DeviceProfile> presets() {
        return List.of(PRESETS);
    }

    /**
     * The modelled time to restore {@code regionBytes} at restart (NVDIMM-N paging DRAM back in from
     * flash), rounded up to whole nanoseconds; 0 when the profile needs no restore.
     */
    public long restoreNanos(long regionBytes) {
        if (restoreBandwidthBytesPerSecond == NO_RESTORE || regionBytes <= 0) {
            return 0;
        }
        return (long) Math.ceil(regionBytes * 1e9 / restoreBandwidthBytesPerSecond);
    }

    /** Whether lines wear out under this profile. */
    public boolean hasEnduranceLimit() {
        return enduranceWritesPerLine != UNLIMITED_ENDURANCE;
    }

    public DeviceProfile withName(String newName) {
        return new DeviceProfile(newName, readLatencyNanos, persistLatencyNanos, readBandwidthBytesPerSecond,
                writeBandwidthBytesPerSecond, mediaLineBytes, enduranceWritesPerLine, granularity,
                restoreBandwidthBytesPerSecond);
    }

    public DeviceProfile withReadLatencyNanos(long nanos) {
        return new DeviceProfile(name, nanos, persistLatencyNanos, readBandwidthBytesPerSecond,
                writeBandwidthBytesPerSecond, mediaLineBytes, enduranceWritesPerLine, granularity,
                restoreBandwidthBytesPerSecond);
    }

    public DeviceProfile withPersistLatencyNanos(long nanos) {
        return new DeviceProfile(name, readLatencyNanos, nanos, readBandwidthBytesPerSecond,
                writeBandwidthBytesPerSecond, mediaLineBytes, enduranceWritesPerLine, granularity,
                restoreBandwidthBytesPerSecond);
    }

    public DeviceProfile withReadBandwidthBytesPerSecond(long bytesPerSecond) {
        return new DeviceProfile(name, readLatencyNanos, persistLatencyNanos, bytesPerSecond,
                writeBandwidthBytesPerSecond, mediaLineBytes, enduranceWritesPerLine, granularity,
                restoreBandwidthBytesPerSecond);
    }

    public DeviceProfile withWriteBandwidthBytesPerSecond(long bytesPerSecond) {
        return new DeviceProfile(name, readLatencyNanos, persistLatencyNanos, readBandwidthBytesPerSecond,
                bytesPerSecond, mediaLineBytes, enduranceWritesPerLine, granularity,
                restoreBandwidthBytesPerSecond);
    }

    public DeviceProfile withMediaLineBytes(int bytes) {
        return new DeviceProfile(name, readLatencyNanos, persistLatencyNanos, readBandwidthBytesPerSecond,
                writeBandwidthBytesPerSecond, bytes, enduranceWritesPerLine, granularity,
                restoreBandwidthBytesPerSecond);
    }

    public DeviceProfile withEnduranceWritesPerLine(long writes) {
        return new DeviceProfile(name, readLatencyNanos, persistLatencyNanos, readBandwidthBytesPerSecond,
                writeBandwidthBytesPerSecond, mediaLineBytes, writes, granularity, restoreBandwidthBytesPerSecond);
    }

    /** {@code null} keeps the wrapped region's granularity. */
    public DeviceProfile withGranularity(Granularity newGranularity) {
        return new DeviceProfile(name, readLatencyNanos, persistLatencyNanos, readBandwidthBytesPerSecond,
                writeBandwidthBytesPerSecond, mediaLineBytes, enduranceWritesPerLine, newGranularity,
                restoreBandwidthBytesPerSecond);
    }

    public DeviceProfile withRestoreBandwidthBytesPerSecond(long bytesPerSecond) {
        return new DeviceProfile(name, readLatencyNanos, persistLatencyNanos, readBandwidthBytesPerSecond,
                writeBandwidthBytesPerSecond, mediaLineBytes, enduranceWritesPerLine, granularity, bytesPerSecond);
    }

    @Override
    public String toString() {
        return name + " (read " + readLatencyNanos + " ns, persist " + persistLatencyNanos + " ns, read cap "
                + bandwidth(readBandwidthBytesPerSecond) + ", write cap " + bandwidth(writeBandwidthBytesPerSecond)
                + ", line " + mediaLineBytes + " B, endurance "
                + (hasEnduranceLimit() ? enduranceWritesPerLine + " writes/line" : "unlimited")
                + ", granularity " + (granularity == null ? "inherited" : granularity) + ")";
    }

    private static String bandwidth(long bytesPerSecond) {
        return bytesPerSecond == NO_BANDWIDTH_CAP ? "none"
                : String.format(Locale.ROOT, "%.2f GB/s", bytesPerSecond / 1e9);
    }
}
