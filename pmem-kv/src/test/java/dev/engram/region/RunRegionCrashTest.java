package dev.engram.region;

import dev.engram.powerfail.CrashImage;
import dev.engram.powerfail.CrashPoints;
import dev.engram.powerfail.Enumeration;
import dev.engram.powerfail.PowerFailSimulator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RUN's durability protocol (R1–R6 in {@link RunRegion}) under the power-fail simulator: the fast tier
 * is a simulated memory device, the capacity file a simulated block device with 512 B sectors, and
 * both crash at one point. After every crash image, RUN recovery must show every persisted byte —
 * in the middle of a destage, a promotion, an eviction of a dirty block, and of recovery itself.
 */
class RunRegionCrashTest {

    private static final long SEED = 0xD357A6EL;
    private static final Path PATH = Path.of("simulated-run");
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 24;            // capacity: header block + 23 data blocks
    private static final int SLOTS = 8;              // fast tier: 8 slots, so the data does not fit
    private static final int SECTOR = 512;

    /** Version 0 is a block never written: zeros. */
    private static byte[] blockContent(int block, int version) {
        byte[] b = new byte[BLOCK];
        if (version > 0) {
            new Random(SEED ^ (block * 31L + version)).nextBytes(b);
        }
        return b;
    }

    /** Records the scenario; returns the simulator and, per block, the version expected after it. */
    private static PowerFailSimulator record(int[] expectedVersion) {
        PowerFailSimulator sim = new PowerFailSimulator(SEED);
        Region capacity = sim.blockDevice("capacity", (long) BLOCKS * BLOCK, SECTOR);
        Region fast = sim.memoryDevice("fast", RunRegion.minimumFastTierBytes(BLOCK));
        byte[] header = RegionHeader.image(RegionHeader.KIND_DATA, new UUID(SEED, 1), 0, 0);
        capacity.write(0, header, 0, header.length);
        capacity.persist(0, header.length);
        RunRegion run = RunRegion.open(PATH, capacity, fast, BLOCK, false);
        try (var op = sim.operation("write-all")) {
            for (int b = 1; b < BLOCKS; b++) {
                run.write((long) b * BLOCK, blockContent(b, 1), 0, BLOCK);
                run.persist((long) b * BLOCK, BLOCK);      // evicts and destages dirty victims on the way
                expectedVersion[b] = 1;
            }
        }
        try (var op = sim.operation("destage")) {
            run.destage();
        }
        try (var op = sim.operation("overwrite")) {
            for (int b = 1; b < 4; b++) {
                run.write((long) b * BLOCK, blockContent(b, 2), 0, BLOCK);
                run.persist((long) b * BLOCK, BLOCK);
                expectedVersion[b] = 2;
            }
        }
        try (var op = sim.operation("read-all")) {       // promotions evict the dirty blocks
            byte[] sink = new byte[BLOCK];
            for (int b = 4; b < BLOCKS; b++) {
                run.read((long) b * BLOCK, sink, 0, BLOCK);
            }
        }
        return sim;
    }

    /** What recovery shows must be the expected version of each block, or, for a block being written
     *  when the power failed, any mix of its previous and new 8-byte words. */
    private static List<String> verify(Region recovered, int[] expected, int[] inFlightFrom, String image) {
        List<String> problems = new ArrayList<>();
        byte[] seen = new byte[BLOCK];
        for (int b = 1; b < BLOCKS; b++) {
            recovered.read((long) b * BLOCK, seen, 0, BLOCK);
            if (Arrays.equals(seen, blockContent(b, expected[b]))) {
                continue;
            }
            if (inFlightFrom[b] >= 0) {
                byte[] before = blockContent(b, inFlightFrom[b]);
                byte[] after = blockContent(b, expected[b]);
                boolean wordwise = true;
                for (int w = 0; w < BLOCK; w += 8) {
                    boolean old = Arrays.equals(seen, w, w + 8, before, w, w + 8);
                    boolean now = Arrays.equals(seen, w, w + 8, after, w, w + 8);
                    wordwise &= old || now;
                }
                if (wordwise) {
                    continue;
                }
            }
            problems.add("block " + b + " lost its persisted content: " + image);
        }
        return problems;
    }

    @Test
    void shouldRecoverEveryPersistedBlockAfterACrashAnywhereInDestagePromotionAndEviction() {
        int[] finalVersion = new int[BLOCKS];
        PowerFailSimulator sim = record(finalVersion);
        List<String> problems = new ArrayList<>();
        long[] checked = new long[1];
        for (String opName : List.of("destage", "overwrite", "read-all")) {
            int[] expected = new int[BLOCKS];
            int[] inFlight = new int[BLOCKS];
            Arrays.fill(expected, 1);
            Arrays.fill(inFlight, -1);
            expected[0] = 0;
            if (!opName.equals("destage")) {
                for (int b = 1; b < 4; b++) {
                    expected[b] = 2;
                    inFlight[b] = opName.equals("overwrite") ? 1 : -1;
                }
            }
            sim.forEachImage(CrashPoints.withinOperations(opName), new Enumeration(32, 4), image -> {
                checked[0]++;
                PowerFailSimulator after = image.materialize();
                try (RunRegion recovered = RunRegion.open(PATH, after.device("capacity"), after.device("fast"), BLOCK, false)) {
                    problems.addAll(verify(recovered, expected, inFlight, image.toString()));
                }
            });
        }
        assertEquals(List.of(), problems.subList(0, Math.min(5, problems.size())), "seed " + SEED);
        assertTrue(checked[0] > 1000, checked[0] + " images checked");
        System.out.println(checked[0] + " RUN crash images checked, seed " + SEED);
    }

    @Test
    void shouldRecoverAgainAfterACrashDuringRecovery() {
        int[] finalVersion = new int[BLOCKS];
        PowerFailSimulator sim = record(finalVersion);
        // A crash in the middle of the destage leaves dirty slots; recovering then reading everything
        // promotes and evicts — and that recovery is itself crashed and recovered again.
        List<CrashImage> firstCrash = new ArrayList<>();
        sim.forEachImage(CrashPoints.withinOperations("read-all"), new Enumeration(16, 2), firstCrash::add);
        List<String> problems = new ArrayList<>();
        long checked = 0;
        for (CrashImage image : spread(firstCrash, 3)) {
            PowerFailSimulator second = image.materialize();
            try (var op = second.operation("recover-and-read")) {
                RunRegion r = RunRegion.open(PATH, second.device("capacity"), second.device("fast"), BLOCK, false);
                byte[] sink = new byte[BLOCK];
                for (int b = 1; b < BLOCKS; b++) {
                    r.read((long) b * BLOCK, sink, 0, BLOCK);
                }
            }
            int[] expected = new int[BLOCKS];
            Arrays.fill(expected, 1);
            for (int b = 1; b < 4; b++) {
                expected[b] = 2;
            }
            int[] none = new int[BLOCKS];
            Arrays.fill(none, -1);
            for (CrashImage again : spread(collect(second), 60)) {
                checked++;
                PowerFailSimulator third = again.materialize();
                try (RunRegion r = RunRegion.open(PATH, third.device("capacity"), third.device("fast"), BLOCK, false)) {
                    problems.addAll(verify(r, expected, none, again.toString()));
                }
            }
        }
        assertEquals(List.of(), problems.subList(0, Math.min(5, problems.size())), "seed " + SEED);
        assertTrue(checked > 20, checked + " images checked");
    }

    /**
     * An eviction that finds every slot dirty destages a batch (here 2 of the 8 slots: the victim and
     * the next dirty slot the clock reaches) with one fdatasync, evicts the victim and promotes the new
     * block; the other batched slot stays resident, clean. A crash anywhere in that — between the
     * pwrites, before or after the shared fdatasync, while the CLEAN entries are flushed, during the
     * EMPTY entry or the promotion — must lose no persisted block.
     */
    @Test
    void shouldRecoverEveryPersistedBlockAfterACrashInsideABatchedEvictionDestage() {
        PowerFailSimulator sim = new PowerFailSimulator(SEED);
        Region capacity = sim.blockDevice("capacity", (long) BLOCKS * BLOCK, SECTOR);
        Region fast = sim.memoryDevice("fast", RunRegion.minimumFastTierBytes(BLOCK));
        byte[] header = RegionHeader.image(RegionHeader.KIND_DATA, new UUID(SEED, 2), 0, 0);
        capacity.write(0, header, 0, header.length);
        capacity.persist(0, header.length);
        RunRegion run = RunRegion.open(PATH, capacity, fast, BLOCK, false);
        int[] expected = new int[BLOCKS];
        int[] inFlight = new int[BLOCKS];
        Arrays.fill(inFlight, -1);
        try (var op = sim.operation("fill-every-slot-dirty")) {
            for (int b = 1; b <= SLOTS; b++) {
                run.write((long) b * BLOCK, blockContent(b, 1), 0, BLOCK);
                run.persist((long) b * BLOCK, BLOCK);
                expected[b] = 1;
            }
        }
        assertEquals(SLOTS, run.tierStats().dirtyBlocks(), "every slot dirty before the batched eviction");
        long fdatasyncsBefore = capacity.stats().drains();
        try (var op = sim.operation("evict-batch")) {
            int b = SLOTS + 1;                                // a miss: the victim and one more are destaged
            run.write((long) b * BLOCK, blockContent(b, 1), 0, BLOCK);
            run.persist((long) b * BLOCK, BLOCK);
            expected[b] = 1;
            inFlight[b] = 0;                                  // before the persist returned: old or new per word
        }
        assertEquals(2, run.tierStats().destages(), "victim and one more destaged together");
        assertEquals(1, capacity.stats().drains() - fdatasyncsBefore, "one fdatasync for the batch");

        List<String> problems = new ArrayList<>();
        long checked = sim.forEachImage(CrashPoints.withinOperations("evict-batch"), new Enumeration(16, 2), image -> {
            PowerFailSimulator after = image.materialize();
            try (RunRegion recovered = RunRegion.open(PATH, after.device("capacity"), after.device("fast"), BLOCK, false)) {
                problems.addAll(verify(recovered, expected, inFlight, image.toString()));
            }
        });
        assertEquals(List.of(), problems.subList(0, Math.min(5, problems.size())), "seed " + SEED);
        assertTrue(checked > 100, checked + " images checked");
        System.out.println(checked + " batched-eviction crash images checked, seed " + SEED);
    }

    /** At most {@code n} images spread evenly over the list, so the test stays within seconds. */
    private static List<CrashImage> spread(List<CrashImage> images, int n) {
        List<CrashImage> picked = new ArrayList<>();
        for (int i = 0; i < n && i < images.size(); i++) {
            picked.add(images.get((int) ((long) i * images.size() / Math.min(n, images.size()))));
        }
        return picked;
    }

    private static List<CrashImage> collect(PowerFailSimulator sim) {
        List<CrashImage> images = new ArrayList<>();
        sim.forEachImage(CrashPoints.withinOperations("recover-and-read"), new Enumeration(16, 2), images::add);
        return images;
    }
}
