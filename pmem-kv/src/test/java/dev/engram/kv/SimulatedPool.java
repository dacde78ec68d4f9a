package dev.engram.kv;

import dev.engram.powerfail.PowerFailSimulator;
import dev.engram.region.AccessMode;
import dev.engram.region.Region;
import dev.engram.region.RegionHeader;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * Where a store under test lives on the power-fail simulator, per access mode:
 * <ul>
 *   <li>CRAWL: one block device ({@code pool}) tearing in sectors of {@link #sectorBytes()};</li>
 *   <li>WALK: one memory device ({@code pool}), 8-byte failure atomicity;</li>
 *   <li>RUN: a RUN region over a memory fast tier ({@code fast}, the smallest RUN allows: 8 slots of
 *       4 KiB, so a pool of a few segments is promoted, evicted and destaged all the time) and a
 *       block capacity device ({@code capacity}), both crashing at one instant.</li>
 * </ul>
 * {@link #create} makes the devices on a recording simulator; {@link #open} opens the same region
 * again on a simulator materialised from a crash image — for RUN that is RUN's own recovery.
 *
 * @param mode        the access mode the devices emulate
 * @param sectorBytes CRAWL's and RUN's capacity sector: 512 or 4096 (ignored for WALK)
 */
record SimulatedPool(AccessMode mode, int sectorBytes) {

    static final String POOL = "pool";
    static final String FAST = "fast";
    static final String CAPACITY = "capacity";
    static final int RUN_BLOCK_BYTES = 4096;
    /** RUN's minimum fast tier for 4 KiB blocks: directory page + header + 8 slots. */
    static final long RUN_FAST_TIER_BYTES = 8192 + 4096 + 8L * RUN_BLOCK_BYTES;
    private static final Path PATH = Path.of("simulated-pool");
    /** A fixed identity for the capacity header, so that two recordings of one scenario store the same bytes. */
    private static final UUID CAPACITY_UUID = new UUID(0x5EED_0F_C0FFEEL, 0xCA9AC17EL);

    static SimulatedPool crawl(int sectorBytes) {
        return new SimulatedPool(AccessMode.CRAWL, sectorBytes);
    }

    static SimulatedPool walk() {
        return new SimulatedPool(AccessMode.WALK, 0);
    }

    static SimulatedPool run() {
        return new SimulatedPool(AccessMode.RUN, 512);
    }

    /** The three modes as the campaign runs them: CRAWL on 512 B sectors, WALK, RUN. */
    static SimulatedPool[] all() {
        return new SimulatedPool[]{crawl(512), walk(), run()};
    }

    /** Parses what {@link #toString()} prints: {@code crawl/512}, {@code walk}, {@code run}. */
    static SimulatedPool parse(String text) {
        String[] parts = text.split("/");
        AccessMode m = AccessMode.valueOf(parts[0].toUpperCase(Locale.ROOT));
        return switch (m) {
            case CRAWL -> crawl(parts.length > 1 ? Integer.parseInt(parts[1]) : 512);
            case WALK -> walk();
            case RUN -> run();
        };
    }

    static Path path() {
        return PATH;
    }

    /** Creates the devices of a pool of {@code poolBytes} on {@code sim} and returns the region to format. */
    Region create(PowerFailSimulator sim, long poolBytes) {
        return switch (mode) {
            case CRAWL -> sim.blockDevice(POOL, poolBytes, sectorBytes);
            case WALK -> sim.memoryDevice(POOL, poolBytes);
            case RUN -> {
                Region capacity = sim.blockDevice(CAPACITY, poolBytes, sectorBytes);
                byte[] header = RegionHeader.image(RegionHeader.KIND_DATA, CAPACITY_UUID, 0, 0);
                capacity.write(0, header, 0, header.length);
                capacity.persist(0, header.length);        // a capacity file exists before RUN opens it
                Region fast = sim.memoryDevice(FAST, RUN_FAST_TIER_BYTES);
                yield openRun(capacity, fast);
            }
        };
    }

    /** The pool's region on a simulator materialised from an image of a simulator {@link #create} set up. */
    Region open(PowerFailSimulator sim) {
        return switch (mode) {
            case CRAWL, WALK -> sim.device(POOL);
            case RUN -> openRun(sim.device(CAPACITY), sim.device(FAST));
        };
    }

    /**
     * RUN over two simulated devices. {@code RunRegion.open(Path, Region, Region, int, boolean)} is
     * package-private in dev.engram.region (RunRegionCrashTest calls it from there); this package
     * reaches it reflectively rather than adding a helper to a package this campaign does not own.
     */
    private static Region openRun(Region capacity, Region fast) {
        try {
            Class<?> run = Class.forName("dev.engram.region.RunRegion");
            Method open = run.getDeclaredMethod("open", Path.class, Region.class, Region.class, int.class, boolean.class);
            open.setAccessible(true);
            return (Region) open.invoke(null, PATH, capacity, fast, RUN_BLOCK_BYTES, false);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("RunRegion.open(Path, Region, Region, int, boolean) is not reachable: " + e, e);
        }
    }

    @Override
    public String toString() {
        String name = mode.name().toLowerCase(Locale.ROOT);
        return mode == AccessMode.CRAWL ? name + "/" + sectorBytes : name;
    }
}
