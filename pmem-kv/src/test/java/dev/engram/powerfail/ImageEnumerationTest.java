package dev.engram.powerfail;

import dev.engram.region.Region;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static dev.engram.powerfail.MemoryDeviceCrashModelTest.longAt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How crash points are selected, how images are enumerated, and how one line reproduces an image. */
class ImageEnumerationTest {

    private static final long SEED = 20_240_611L;
    private static final int LINE = PowerFailSimulator.CACHE_LINE_BYTES;

    @Test
    void shouldEnumerateExactlyTheProductOfPendingVersionsPlusOne() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 4 * LINE);
        pmem.putLong(0, 1);
        pmem.putLong(0, 2);          // word @0: 2 versions  -> 3 choices
        pmem.putLong(LINE, 5);       // word @64: 1 version  -> 2 choices
        pmem.putLong(2 * LINE, 7);
        pmem.putLong(2 * LINE, 8);
        pmem.putLong(2 * LINE, 9);   // word @128: 3 versions -> 4 choices
        pmem.putLong(3 * LINE, 0);   // stores the durable value: no choice

        CrashPoint end = sim.crashPoint(sim.eventCount());
        assertEquals(3, end.unitCount());
        assertEquals(3L * 2 * 4, end.imageCount());
        List<CrashImage> images = end.images();
        assertEquals(24, images.size());
        assertTrue(end.isExhaustive(Enumeration.DEFAULT));
        Set<String> distinct = new HashSet<>();
        for (CrashImage image : images) {
            byte[] c = image.content("pmem");
            assertTrue(Set.of(0L, 1L, 2L).contains(longAt(c, 0)), image.toString());
            assertTrue(Set.of(0L, 5L).contains(longAt(c, LINE)), image.toString());
            assertTrue(Set.of(0L, 7L, 8L, 9L).contains(longAt(c, 2 * LINE)), image.toString());
            distinct.add(Arrays.toString(c));
        }
        assertEquals(24, distinct.size(), "every exhaustive image is a different content");
    }

    @Test
    void shouldFoldPendingValuesEqualToTheDurableOrAnEarlierVersionIntoOneChoice() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", LINE);
        pmem.putLong(0, 1);
        pmem.putLong(0, 0);
        pmem.putLong(0, 1);

        CrashPoint end = sim.crashPoint(sim.eventCount());
        assertEquals(1, end.unitCount());
        assertEquals(2, end.choiceCount(0), end.describeUnit(0));
    }

    @Test
    void shouldUseFamiliesAboveTheExhaustiveLimitAndReproduceEachImageFromItsDescriptor() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 16 * LINE);
        for (int w = 0; w < 13; w++) {
            pmem.putLong(w * LINE, w + 100L); // 13 pending words: 2^13 = 8192 images
        }

        CrashPoint end = sim.crashPoint(sim.eventCount());
        assertEquals(8192L, end.imageCount());
        assertFalse(end.isExhaustive(Enumeration.DEFAULT));
        List<CrashImage> images = end.images();
        Set<String> families = new HashSet<>();
        Set<String> contents = new HashSet<>();
        for (CrashImage image : images) {
            families.add(image.family().substring(0, image.family().indexOf('#')));
            contents.add(Arrays.toString(image.content("pmem")));
            CrashImage rebuilt = sim.image(image.descriptor());
            assertArrayEquals(image.content("pmem"), rebuilt.content("pmem"), image.toString());
            assertArrayEquals(image.content("pmem"), sim.image(image.toString()).content("pmem"),
                    "the printed line, comment included, rebuilds the image: " + image);
        }
        assertEquals(Set.of("prefix", "suffix", "leaveOneOut", "onlyOne", "random"), families);
        assertEquals(images.size(), contents.size(), "families list no image twice");
        assertTrue(images.size() < 100, images.size() + " images instead of 8192");
    }

    @Test
    void shouldPersistExactlyTheFirstKStoresInProgramOrderInPrefixK() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 16 * LINE);
        int[] order = {7, 2, 11, 0, 5, 9, 1, 12, 3, 8, 4, 10, 6}; // program order differs from address order
        for (int w : order) {
            pmem.putLong(w * LINE, w + 100L);
        }
        CrashPoint end = sim.crashPoint(sim.eventCount());
        for (int k = 0; k <= order.length; k++) {
            byte[] c = end.image("prefix#" + k).content("pmem");
            for (int i = 0; i < order.length; i++) {
                long expected = i < k ? order[i] + 100L : 0;
                assertEquals(expected, longAt(c, order[i] * LINE), "prefix#" + k + ", store " + i);
            }
            byte[] s = end.image("suffix#" + k).content("pmem");
            for (int i = 0; i < order.length; i++) {
                long expected = i >= order.length - k ? order[i] + 100L : 0;
                assertEquals(expected, longAt(s, order[i] * LINE), "suffix#" + k + ", store " + i);
            }
        }
    }

    @Test
    void shouldReproduceAnImageOnAFreshRecordingOfTheSameWorkload() {
        Consumer<PowerFailSimulator> workload = sim -> {
            Region pmem = sim.memoryDevice("pmem", 32 * LINE);
            for (int w = 0; w < 20; w++) {
                try (var _ = sim.operation("put")) {
                    pmem.putLong(w * LINE, w * 31L + 1);
                    if (w % 3 == 0) {
                        pmem.persist(w * LINE, 8);
                    }
                }
            }
        };
        var first = new PowerFailSimulator(SEED);
        workload.accept(first);
        List<CrashImage> images = first.crashPoint(first.eventCount()).images(); // 13 pending words: families
        CrashImage random = images.stream().filter(i -> i.family().startsWith("random#")).findFirst().orElseThrow();
        String line = random.descriptor();

        var second = new PowerFailSimulator(SEED);
        workload.accept(second);
        assertArrayEquals(random.content("pmem"), second.image(line).content("pmem"), line);
    }

    @Test
    void shouldRejectADescriptorRecordedAgainstADifferentLog() {
        var first = new PowerFailSimulator(SEED);
        first.memoryDevice("pmem", LINE).putLong(0, 1);
        String line = first.crashPoint(first.eventCount()).images().getLast().descriptor();

        var other = new PowerFailSimulator(SEED);
        other.memoryDevice("pmem", LINE).putLong(0, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> other.image(line));
        assertTrue(e.getMessage().contains("different event log"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> first.image("seed=1 point=2"));
        assertThrows(IllegalArgumentException.class, () -> first.image(line.replaceFirst("point=\\d+", "point=99")));
    }

    @Test
    void shouldDeriveRandomImagesFromTheSeedInTheDescriptor() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 64 * LINE);
        for (int w = 0; w < 40; w++) {
            pmem.putLong(w * LINE, w + 1L);
        }
        CrashImage image = sim.crashPoint(sim.eventCount()).image("random#3");
        String line = image.descriptor();
        assertArrayEquals(image.content("pmem"), sim.image(line).content("pmem"), "same seed, same image: " + line);
        String otherSeed = line.replace("seed=" + SEED, "seed=" + (SEED + 1));
        assertFalse(Arrays.equals(image.content("pmem"), sim.image(otherSeed).content("pmem")),
                "another seed draws another subset of 40 words: " + otherSeed);
    }

    @Test
    void shouldRebuildAnExplicitSubsetFromItsDescriptor() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 4 * LINE);
        pmem.putLong(0, 1);
        pmem.putLong(0, 2);
        pmem.putLong(LINE, 3);
        CrashPoint end = sim.crashPoint(sim.eventCount());
        CrashImage image = end.image(new int[] {2, 0});
        assertTrue(image.descriptor().endsWith("family=subset subset=0:2"), image.descriptor());
        byte[] c = sim.image(image.descriptor()).content("pmem");
        assertEquals(2L, longAt(c, 0));
        assertEquals(0L, longAt(c, LINE));
        assertThrows(IllegalArgumentException.class, () -> end.image(new int[] {3, 0}));
    }

    @Test
    void shouldHonourACustomExhaustiveLimitAndRandomCount() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 8 * LINE);
        for (int w = 0; w < 5; w++) {
            pmem.putLong(w * LINE, w + 1L);
        }
        CrashPoint end = sim.crashPoint(sim.eventCount());
        assertEquals(32, end.images(new Enumeration(32, 0)).size());
        List<CrashImage> families = end.images(new Enumeration(31, 0));
        assertTrue(families.stream().noneMatch(i -> i.family().startsWith("exhaustive") || i.family().startsWith("random")),
                families.toString());
        // prefixes 0..5: 6; suffixes add 4 (suffix#5 = prefix#5); leave-one-out adds 3 (#0 = suffix#4,
        // #4 = prefix#4); only-one adds 3 (#0 = prefix#1, #4 = suffix#1)
        assertEquals(6 + 4 + 3 + 3, families.size(), families.toString());
    }

    @Test
    void shouldSelectCrashPointsWithinAnOperationBetweenItsMarkers() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 4 * LINE);
        try (var _ = sim.operation("a")) {
            pmem.putLong(0, 1);
            pmem.putLong(8, 1);
        }
        int b;
        try (var op = sim.operation("b")) {
            b = op.index();
            pmem.putLong(LINE, 2);
            pmem.persist(LINE, 8);
        }
        Operation opB = sim.operations().get(b);
        List<Integer> points = new ArrayList<>();
        for (CrashPoint point : sim.crashPoints(CrashPoints.withinOperation(b))) {
            points.add(point.point());
            assertEquals(b, point.operationIndex(), point.toString());
            assertEquals("b", point.operationName());
        }
        List<Integer> expected = new ArrayList<>();
        for (int p = opB.beginEvent() + 1; p <= opB.endEvent(); p++) {
            expected.add(p);
        }
        assertEquals(expected, points);
        assertEquals(4, expected.size(), "store, flush, fence: 3 events, 4 points");

        int fences = 0;
        for (CrashPoint point : sim.crashPoints(CrashPoints.beforeEachFence())) {
            fences++;
            assertTrue(point.point() > opB.beginEvent() && point.point() < opB.endEvent(), point.toString());
        }
        assertEquals(1, fences);
        int stores = 0;
        for (CrashPoint ignored : sim.crashPoints(CrashPoints.afterEachStore())) {
            stores++;
        }
        assertEquals(3, stores);
        int all = 0;
        for (CrashPoint ignored : sim.crashPoints(CrashPoints.withinOperations("a").and(CrashPoints.end()))) {
            all++;
        }
        assertEquals(3 + 1, all);
        assertEquals(-1, sim.crashPoint(sim.eventCount()).operationIndex(), "between operations");
    }

    @Test
    void shouldKeepEveryCrashPointOfASweepIntactWhileTheSweepMovesOn() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 3 * 4096);
        Region disk = sim.blockDevice("disk", 2 * 4096, 512);
        byte[] block = new byte[600];
        new java.util.SplittableRandom(SEED).nextBytes(block);
        pmem.putLong(4092, 0x1122334455667788L); // straddles two pages
        pmem.persist(4088, 16);
        disk.write(300, block, 0, block.length);
        pmem.write(4000, block, 0, block.length);
        disk.drain();
        pmem.fill(4096, 4096, (byte) 0);
        pmem.copy(4000, 4004, 200);
        pmem.persist(0, 3 * 4096);
        pmem.grow(4 * 4096);
        pmem.putLong(3 * 4096 + 8, 5);
        disk.putLong(0, 9);

        List<CrashPoint> swept = new ArrayList<>();
        sim.crashPoints(CrashPoints.all()).forEach(swept::add);
        assertEquals(sim.eventCount() + 1, swept.size());
        for (CrashPoint point : swept) {
            CrashPoint replayed = sim.crashPoint(point.point());
            List<CrashImage> images = point.images();
            List<CrashImage> expected = replayed.images();
            assertEquals(expected.size(), images.size(), point.toString());
            for (int i = 0; i < images.size(); i++) {
                for (String device : List.of("pmem", "disk")) {
                    assertArrayEquals(expected.get(i).content(device), images.get(i).content(device),
                            "seed " + SEED + ", " + images.get(i) + ", device " + device);
                }
            }
        }
    }

    @Test
    void shouldNotLeakWritesToAMaterialisedDeviceIntoItsImageOrItsSiblings() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 2 * 4096);
        pmem.putLong(64, 1);
        pmem.persist(64, 8);
        pmem.putLong(4096, 2);
        CrashImage image = sim.crashPoint(sim.eventCount()).images().getLast();
        byte[] before = image.content("pmem");

        Region recovered = image.materialize().device("pmem");
        recovered.putLong(64, 7);
        recovered.fill(4096, 4096, (byte) 3);

        assertArrayEquals(before, image.content("pmem"), image.toString());
        Region sibling = image.materialize().device("pmem");
        byte[] fresh = new byte[2 * 4096];
        sibling.read(0, fresh, 0, fresh.length);
        assertArrayEquals(before, fresh, image.toString());
    }

    @Test
    void shouldOnlyProduceFamilyImagesThatExhaustiveEnumerationAlsoProduces() {
        for (long seed = SEED; seed < SEED + 20; seed++) {
            var random = new java.util.SplittableRandom(seed);
            var sim = new PowerFailSimulator(seed);
            Region pmem = sim.memoryDevice("pmem", 4 * LINE);
            Region disk = sim.blockDevice("disk", 4 * 512, 512);
            for (int i = 0; i < 12; i++) {
                switch (random.nextInt(6)) {
                    case 0 -> pmem.putLong(8L * random.nextInt(32), random.nextInt(3) + 1);
                    case 1 -> pmem.putInt(4L * random.nextInt(64), random.nextInt());
                    case 2 -> pmem.flush(LINE * random.nextInt(4), LINE);
                    case 3 -> pmem.drain();
                    case 4 -> disk.putLong(8L * random.nextInt(256), random.nextLong());
                    default -> {
                        if (random.nextInt(3) == 0) {
                            disk.drain();
                        }
                    }
                }
            }
            for (CrashPoint point : sim.crashPoints(CrashPoints.all())) {
                if (point.imageCount() > 5_000) {
                    continue;
                }
                Set<String> valid = new HashSet<>();
                for (CrashImage image : point.images(new Enumeration(5_000, 0))) {
                    valid.add(key(image));
                }
                assertEquals(point.imageCount(), valid.size(), "seed " + seed + ", " + point);
                for (CrashImage image : point.images(new Enumeration(1, 8))) {
                    assertTrue(valid.contains(key(image)), "seed " + seed + ": family image outside the model: " + image);
                }
            }
        }
    }

    private static String key(CrashImage image) {
        return new String(image.content("pmem"), java.nio.charset.StandardCharsets.ISO_8859_1)
                + new String(image.content("disk"), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
