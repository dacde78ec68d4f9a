package dev.engram.bench.region;

import dev.engram.device.DeviceProfile;
import dev.engram.device.DeviceRegion;
import dev.engram.region.AccessMode;
import dev.engram.region.Region;
import dev.engram.region.RegionHeader;
import dev.engram.region.RegionOptions;
import dev.engram.region.Regions;
import dev.engram.region.TieredRegion;

import java.util.Locale;

/**
 * Where and how a benchmark's region lives, parsed from a {@code target} {@code @Param} of the form
 * {@code MODE:DIRECTORY}, e.g. {@code WALK:/dev/shm} or {@code CRAWL:/tmp}. For RUN the directory holds
 * both the capacity file and its fast tier.
 *
 * <p>One string rather than two {@code @Param}s because JMH runs the cross product of its parameters and
 * not every (mode, directory) pair answers a question: RUN on an ext4 fast tier, for one, is not a
 * configuration anyone would deploy.
 *
 * <p>Device profiles: {@link #create} is the one place that wraps a new region in a {@link DeviceRegion}, so
 * a benchmark offers device emulation by passing its {@code profile} {@code @Param} through.
 */
record RegionTarget(AccessMode mode, String directory) {

    /**
     * RUN fast tiers in these benchmarks are this many times the data they hold, so that every block
     * stays resident and no more than a quarter of the slots are ever dirty: the background destager
     * (which starts above half) never runs. That is RUN's best case, on purpose; {@link RunBeyondFastTier}
     * measures the other case.
     */
    static final int FAST_TIER_HEADROOM = 4;

    static RegionTarget parse(String spec) {
        int colon = spec.indexOf(':');
        if (colon < 1 || colon == spec.length() - 1) {
            throw new IllegalArgumentException("target '" + spec + "': expected MODE:DIRECTORY, e.g. WALK:/dev/shm");
        }
        return new RegionTarget(AccessMode.parse(spec.substring(0, colon)), spec.substring(colon + 1));
    }

    /**
     * The {@code profile} {@code @Param} value that means "no device emulation": the region itself, with no
     * {@link DeviceRegion} around it. (Not {@link DeviceProfile#NONE}, which wraps the region to count wear
     * without adding time, and so does cost something.)
     */
    static final String NO_PROFILE = "none";

    /**
     * Creates a region of {@link RegionHeader#LENGTH} + {@code dataBytes} bytes in {@code trial}, fills its
     * data bytes (so every page is allocated and faulted in, and in RUN every block is resident), persists
     * them, wraps it in a {@link DeviceRegion} of {@code profile} unless that is {@link #NO_PROFILE}, and
     * prints its persistence path.
     *
     * @param profile {@link #NO_PROFILE} or a {@link DeviceProfile#parse} name: dram, nvdimm-n, optane-pcm, ssd
     */
    Region create(TrialDirectory trial, long dataBytes, String profile) {
        long size = RegionHeader.LENGTH + dataBytes;
        RegionOptions options = new RegionOptions(trial.file("region")).mode(mode).size(size);
        if (mode == AccessMode.RUN) {
            options.fastTierSize(FAST_TIER_HEADROOM * size + (64 << 10)).blockBytes(4096).backgroundDestage(true);
        }
        Region region = Regions.create(options);
        fill(region, RegionHeader.LENGTH, dataBytes);
        region.persist(RegionHeader.LENGTH, dataBytes);
        if (!NO_PROFILE.equals(profile)) {
            DeviceRegion device = DeviceRegion.over(region, DeviceProfile.parse(profile));   // calibrates: a few ms
            System.out.println("device: " + device.profile() + "; " + device.deviceStats());
            region = device;
        }
        System.out.println("region: " + describe(region) + " in " + trial);
        return region;
    }

    /** Writes a byte pattern over {@code [offset, offset + length)} in 64 KiB writes. */
    static void fill(Region region, long offset, long length) {
        byte[] chunk = new byte[64 << 10];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i * 31 + 7);
        }
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(chunk.length, length - done);
            region.write(offset + done, chunk, 0, n);
            done += n;
        }
    }

    static String describe(Region region) {
        return region.mode() + ", " + region.size() + " bytes, " + region.persistencePath();
    }

    /** What a region did, for the console after a trial: system calls, flushes, drains and (RUN) tiering. */
    static String statsLine(Region region) {
        String line = "stats: " + region.stats();
        if (region instanceof TieredRegion tiered) {
            line += "; " + tiered.tierStats();
        }
        if (region instanceof DeviceRegion device) {
            line += "; " + device.deviceStats();
        }
        return line;
    }

    /**
     * Runs {@code operation} {@code times} times outside measurement and prints how many system calls
     * the region counted per call: the evidence for "CRAWL makes one system call per read, write and
     * persist" taken from the same region the benchmark measured.
     */
    static void printSyscallsPerCall(Region region, String operation, int times, Runnable call) {
        long before = region.stats().syscalls();
        for (int i = 0; i < times; i++) {
            call.run();
        }
        long made = region.stats().syscalls() - before;
        System.out.printf(Locale.ROOT, "syscalls: %s %s: %d calls, %d system calls, %.2f per call%n",
                region.mode(), operation, times, made, (double) made / times);
    }
}
