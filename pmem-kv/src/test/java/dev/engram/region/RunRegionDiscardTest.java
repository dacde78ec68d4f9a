package dev.engram.region;

import dev.engram.powerfail.CrashImage;
import dev.engram.powerfail.CrashPoint;
import dev.engram.powerfail.CrashPoints;
import dev.engram.powerfail.Enumeration;
import dev.engram.powerfail.Operation;
import dev.engram.powerfail.PowerFailSimulator;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Region#discard} on RUN: the whole blocks of a released range that are not resident start from
 * zeros at their next access, DIRTY, without a read of the capacity file; everything else keeps its
 * bytes; and a crash anywhere in a released block's first write leaves its old bytes, or zeros with
 * what was persisted of the write.
 */
class RunRegionDiscardTest {

    private static final long SEED = 0xD15CA4DL;
    private static final Path PATH = Path.of("simulated-run");
    private static final int BLOCK = 4096;
    private static final int BLOCKS = 24;            // capacity: header block + 23 data blocks
    private static final int SLOTS = 8;              // fast tier: blocks 16-23 stay resident after the fill
    private static final int SECTOR = 512;
    private static final int IMAGES = 1500;

    private static byte[] content(int block, int version) {
        byte[] b = new byte[BLOCK];
        new Random(SEED ^ (block * 31L + version)).nextBytes(b);
        return b;
    }

    /** Every data block written (version 1) and destaged, on fresh simulated devices: the region, open. */
    private static RunRegion filled(PowerFailSimulator sim) {
        Region capacity = sim.blockDevice("capacity", (long) BLOCKS * BLOCK, SECTOR);
        sim.memoryDevice("fast", RunRegion.minimumFastTierBytes(BLOCK));
        byte[] header = RegionHeader.image(RegionHeader.KIND_DATA, new UUID(SEED, 1), 0, 0);
        capacity.write(0, header, 0, header.length);
        capacity.persist(0, header.length);
        RunRegion run = open(sim);
        for (int b = 1; b < BLOCKS; b++) {
            run.write((long) b * BLOCK, content(b, 1), 0, BLOCK);
            run.persist((long) b * BLOCK, BLOCK);
        }
        run.destage();
        assertEquals(SLOTS, run.tierStats().residentBlocks());
        return run;
    }

    private static RunRegion open(PowerFailSimulator sim) {
        return RunRegion.open(PATH, sim.device("capacity"), sim.device("fast"), BLOCK, false);
    }

    /** The devices as a power failure right now leaves them: only what was made durable. */
    private static PowerFailSimulator powerFailedNow(PowerFailSimulator sim) {
        var point = sim.crashPoint(sim.eventCount());
        return point.image(new int[point.unitCount()]).materialize();
    }

    private static byte[] read(Region r, int block) {
        byte[] seen = new byte[BLOCK];
        r.read((long) block * BLOCK, seen, 0, BLOCK);
        return seen;
    }

    @Test
    void shouldStartReleasedBlocksFromZerosWithoutReadingTheCapacityFileAndKeepEveryOtherByte() {
        PowerFailSimulator sim = new PowerFailSimulator(SEED);
        try (RunRegion run = filled(sim)) {
            Region capacity = sim.device("capacity");
            // From the middle of block 1 to the middle of block 6: blocks 2-5 whole, none resident.
            assertEquals(4L * BLOCK, run.discard(BLOCK + 100, 5L * BLOCK));
            // Some of blocks 14-23 are resident (the fill's last): released only where not.
            boolean[] wasResident = new boolean[BLOCKS];
            long notResident = 0;
            for (int b = 14; b < BLOCKS; b++) {
                wasResident[b] = run.slotNow(b) >= 0;
                notResident += wasResident[b] ? 0 : 1;
            }
            assertTrue(notResident > 0 && notResident < BLOCKS - 14, notResident + " of blocks 14-23 not resident");
            assertEquals(notResident * BLOCK, run.discard(14L * BLOCK, (BLOCKS - 14L) * BLOCK));
            assertEquals(0, run.discard(0, BLOCK), "the header's block is never released");
            assertEquals(0, run.discard((BLOCKS - 1L) * BLOCK, 2L * BLOCK), "past the end");
            assertEquals(0, run.discard(-BLOCK, BLOCK), "before the start");

            int residentBlock = 14;
            while (!wasResident[residentBlock]) {
                residentBlock++;
            }
            // A store to a resident block attaches the fast tier again (R1, which reads the capacity
            // header): the destage in filled() detached it. Its byte is put back as it was.
            run.putByte((long) residentBlock * BLOCK, (byte) ~content(residentBlock, 1)[0]);
            run.putByte((long) residentBlock * BLOCK, content(residentBlock, 1)[0]);
            long readsBefore = capacity.stats().bytesRead();
            long promotionsBefore = run.tierStats().promotions();
            for (int b = 2; b <= 5; b++) {
                assertArrayEquals(new byte[BLOCK], read(run, b), "released block " + b + " reads zeros");
            }
            assertEquals(readsBefore, capacity.stats().bytesRead(), "no released block was read from the capacity file");
            assertEquals(promotionsBefore, run.tierStats().promotions());
            assertEquals(4, run.tierStats().zeroFills());
            assertEquals(4 + 1, run.tierStats().dirtyBlocks(),
                    "the released blocks are dirty (zeros differ from the capacity file's copy), and the resident one stored to");

            assertArrayEquals(content(1, 1), read(run, 1), "block 1, only partly in the range, keeps its bytes");
            assertArrayEquals(content(6, 1), read(run, 6), "block 6, only partly in the range, keeps its bytes");
            for (int b = 14; b < BLOCKS; b++) {
                assertArrayEquals(wasResident[b] ? content(b, 1) : new byte[BLOCK], read(run, b),
                        "block " + b + (wasResident[b] ? ", resident, keeps its bytes" : ", released, reads zeros"));
            }

            // A released block's first write, then a reopen without a destage: the write and zeros around it.
            run.discard(8L * BLOCK, BLOCK);
            run.write(8L * BLOCK, half(8), 0, BLOCK / 2);
            run.persist(8L * BLOCK, BLOCK / 2);
            sim = powerFailedNow(sim);
        }
        try (RunRegion reopened = open(sim)) {
            byte[] expected = Arrays.copyOf(half(8), BLOCK);
            assertArrayEquals(expected, read(reopened, 8), "the persisted half, zeros after it");
            assertArrayEquals(new byte[BLOCK], read(reopened, 3), "a released block read before the reopen stays zeros");
            assertArrayEquals(content(7, 1), read(reopened, 7));
            assertEquals(0, reopened.tierStats().zeroFills());
        }
    }

    @Test
    void shouldReleaseNothingOnceClosed() {
        RunRegion run = filled(new PowerFailSimulator(SEED));
        run.close();
        assertEquals(0, run.discard(BLOCK, 4L * BLOCK));
    }

    @Test
    void shouldRecoverOldBytesOrZerosWithThePersistedWriteAfterACrashInAReleasedBlocksFirstWrite() {
        PowerFailSimulator sim = new PowerFailSimulator(SEED);
        RunRegion run = filled(sim);                                     // left open: its devices are the recording
        try (var op = sim.operation("release-and-write")) {
            run.discard(2L * BLOCK, 2L * BLOCK);                        // blocks 2 and 3, not resident
            for (int b = 2; b < 4; b++) {
                run.write((long) b * BLOCK, half(b), 0, BLOCK / 2);     // the first half only: zeros after it
                run.persist((long) b * BLOCK, BLOCK / 2);
            }
        }
        List<String> problems = new ArrayList<>();
        long[] checked = new long[1];
        // The point before each fence inside the operation: the most flushed-but-unfenced lines, of which
        // the images take every prefix, suffix and random mix: about a thousand per point (a block is 512
        // words), of which an even spread of IMAGES is checked, so the test stays within seconds.
        Operation op = sim.operations().stream().filter(o -> o.name().equals("release-and-write")).findFirst().orElseThrow();
        List<CrashImage> images = new ArrayList<>();
        for (CrashPoint point : sim.crashPoints(CrashPoints.beforeEachFence())) {
            if (point.point() > op.beginEvent() && point.point() <= op.endEvent()) {
                images.addAll(point.images(new Enumeration(32, 8)));
            }
        }
        spread(images, IMAGES).forEach(image -> {
            checked[0]++;
            PowerFailSimulator after = image.materialize();
            try (RunRegion recovered = open(after)) {
                for (int b = 1; b < BLOCKS; b++) {
                    byte[] seen = read(recovered, b);
                    boolean ok = Arrays.equals(content(b, 1), seen)
                            || (b >= 2 && b < 4 && zerosWithPartOf(half(b), seen));
                    if (!ok) {
                        problems.add("block " + b + " is neither its old bytes nor zeros with its write: " + image);
                    }
                }
            }
        });
        assertEquals(List.of(), problems.subList(0, Math.min(5, problems.size())), "seed " + SEED);
        assertEquals(IMAGES, checked[0], "images checked");
        System.out.println(checked[0] + " RUN discard crash images checked, seed " + SEED);
    }

    /** At most {@code n} images spread evenly over the list. */
    private static List<CrashImage> spread(List<CrashImage> images, int n) {
        List<CrashImage> picked = new ArrayList<>();
        for (int i = 0; i < n && i < images.size(); i++) {
            picked.add(images.get((int) ((long) i * images.size() / Math.min(n, images.size()))));
        }
        return picked;
    }

    private static byte[] half(int block) {
        return Arrays.copyOf(content(block, 2), BLOCK / 2);
    }

    /** Zeros past the write's half; in the half, every 8-byte word either zero or the write's. */
    private static boolean zerosWithPartOf(byte[] half, byte[] seen) {
        byte[] zeroWord = new byte[8];
        for (int w = 0; w < BLOCK; w += 8) {
            boolean zero = Arrays.equals(seen, w, w + 8, zeroWord, 0, 8);
            boolean written = w < half.length && Arrays.equals(seen, w, w + 8, half, w, w + 8);
            if (!zero && !written) {
                return false;
            }
        }
        return true;
    }
}
