package dev.engram.powerfail;

import dev.engram.region.Region;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The failure model of a memory device (WALK): what a crash may and may not leave. */
class MemoryDeviceCrashModelTest {

    private static final long SEED = 7;
    private static final int LINE = PowerFailSimulator.CACHE_LINE_BYTES;

    @Test
    void shouldSometimesKeepAndSometimesLoseAStoreThatWasNeverFlushed() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 4 * LINE);
        pmem.putLong(LINE, 0xABCDL);

        Set<Long> outcomes = new HashSet<>();
        for (CrashImage image : sim.crashPoint(sim.eventCount()).images()) {
            outcomes.add(longAt(image.content("pmem"), LINE));
        }
        assertEquals(Set.of(0L, 0xABCDL), outcomes, "an unflushed store is lost in some image and kept in another");
    }

    @Test
    void shouldAlwaysKeepAStoreThatWasFlushedAndFenced() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 4 * LINE);
        pmem.putLong(LINE, 0xABCDL);
        pmem.persist(LINE, 8);
        int durableFrom = sim.eventCount();
        pmem.putLong(2 * LINE, 1); // later, unrelated traffic must not disturb it
        pmem.putLong(LINE + 8, 2);

        int images = 0;
        for (CrashPoint point : sim.crashPoints(CrashPoints.all())) {
            for (CrashImage image : point.images()) {
                long value = longAt(image.content("pmem"), LINE);
                if (point.point() >= durableFrom) {
                    assertEquals(0xABCDL, value, image.toString());
                    images++;
                }
            }
        }
        assertTrue(images >= 3, "checked the fenced store in " + images + " images");
    }

    @Test
    void shouldNotMakeAFlushedStoreDurableWithoutAFence() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 4 * LINE);
        pmem.putLong(0, 5);
        pmem.flush(0, 8);

        assertEquals(Set.of(0L, 5L), valuesAtEnd(sim, "pmem", 0));
    }

    @Test
    void shouldNotMakeAStoreDurableWithAFenceOnAnotherDevice() {
        var sim = new PowerFailSimulator(SEED);
        Region a = sim.memoryDevice("a", 4 * LINE);
        Region b = sim.memoryDevice("b", 4 * LINE);
        a.putLong(0, 5);
        a.flush(0, 8);
        b.drain();

        assertEquals(Set.of(0L, 5L), valuesAtEnd(sim, "a", 0),
                "a fence orders its own device's flushes only (msync/fdatasync paths are per file)");
    }

    @Test
    void shouldKeepTheFlushedVersionOrALaterOneAfterTheFence() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 4 * LINE);
        pmem.putLong(0, 1);
        pmem.flush(0, 8);
        pmem.putLong(0, 2); // after the flush: the write-back may or may not have caught it
        pmem.drain();

        assertEquals(Set.of(1L, 2L), valuesAtEnd(sim, "pmem", 0), "never the value before the flushed one");
    }

    @Test
    void shouldTearAnUnaligned16ByteStoreOnlyAtEightByteBoundaries() {
        byte[] old = new byte[4 * LINE];
        Arrays.fill(old, (byte) 0x11);
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", old);
        byte[] fresh = new byte[16];
        Arrays.fill(fresh, (byte) 0x22);
        pmem.write(68, fresh, 0, 16); // bytes [68, 84): words @64 (half), @72 (whole), @80 (half)

        byte[] visible = new byte[4 * LINE];
        pmem.read(0, visible, 0, visible.length);
        boolean torn = false;
        for (CrashImage image : sim.crashPoint(sim.eventCount()).images()) {
            byte[] content = image.content("pmem");
            boolean[] isNew = new boolean[3];
            for (int w = 0; w < 3; w++) {
                int offset = 64 + 8 * w;
                long value = longAt(content, offset);
                isNew[w] = value == longAt(visible, offset);
                assertTrue(isNew[w] || value == longAt(old, offset),
                        "word @" + offset + " is neither wholly old nor wholly new in " + image);
            }
            torn |= isNew[0] != isNew[1] || isNew[1] != isNew[2];
        }
        assertTrue(torn, "some image tears the 16-byte store at an 8-byte boundary");
    }

    @Test
    void shouldNotAssumeStoresToOneLinePersistInProgramOrder() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 4 * LINE);
        pmem.putLong(0, 1);
        pmem.putLong(8, 2); // same line, later in program order

        boolean laterWithoutEarlier = false;
        for (CrashImage image : sim.crashPoint(sim.eventCount()).images()) {
            byte[] c = image.content("pmem");
            laterWithoutEarlier |= longAt(c, 8) == 2 && longAt(c, 0) == 0;
        }
        assertTrue(laterWithoutEarlier, "an image keeps the later store and loses the earlier one");
    }

    @Test
    void shouldNeverPersistALaterEpochWithoutTheEarlierOneOnceTheEarlierWasFlushedAndFenced() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 4 * LINE);
        pmem.putLong(0, 1);      // epoch 1
        pmem.persist(0, 8);
        pmem.putLong(LINE, 2);   // epoch 2
        pmem.persist(LINE, 8);
        pmem.putLong(2 * LINE, 3); // epoch 3, never flushed

        long checked = sim.forEachImage(CrashPoints.all(), Enumeration.DEFAULT, image -> {
            byte[] c = image.content("pmem");
            if (longAt(c, LINE) == 2 || longAt(c, 2 * LINE) == 3) {
                assertEquals(1L, longAt(c, 0), "a later epoch persisted without epoch 1 in " + image);
            }
            if (longAt(c, 2 * LINE) == 3) {
                assertEquals(2L, longAt(c, LINE), "epoch 3 persisted without epoch 2 in " + image);
            }
        });
        assertTrue(checked > sim.eventCount(), "checked " + checked + " images");
    }

    @Test
    void shouldLetALaterStorePersistBeforeAnEarlierOneWhenBothWaitForTheSameFence() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 4 * LINE);
        pmem.putLong(0, 1);
        pmem.flush(0, 8);
        pmem.putLong(LINE, 2);
        pmem.flush(LINE, 8);
        pmem.drain();

        boolean reordered = false;
        for (CrashPoint point : sim.crashPoints(CrashPoints.beforeEachFence())) {
            for (CrashImage image : point.images()) {
                byte[] c = image.content("pmem");
                reordered |= longAt(c, LINE) == 2 && longAt(c, 0) == 0;
            }
        }
        assertTrue(reordered, "within one epoch, flushes complete in any order");
    }

    @Test
    void shouldTreatReleaseStoresAndSuccessfulCompareAndSetAsStores() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 4 * LINE);
        pmem.putLongRelease(0, 1);
        int afterRelease = sim.eventCount();
        assertFalse(pmem.compareAndSetLong(0, 0, 9), "CAS with a stale expected value fails");
        assertEquals(afterRelease, sim.eventCount(), "a failed CAS stores nothing");
        assertTrue(pmem.compareAndSetLong(0, 1, 2));

        assertEquals(Set.of(0L, 1L, 2L), valuesAtEnd(sim, "pmem", 0));
    }

    @Test
    void shouldMakeGrowthDurableAtReturnButNotTheStoresAfterIt() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 2 * LINE);
        pmem.grow(8 * LINE);
        pmem.putLong(6 * LINE, 4);

        for (CrashImage image : sim.crashPoint(sim.eventCount()).images()) {
            assertEquals(8 * LINE, image.content("pmem").length, image.toString());
        }
        assertEquals(Set.of(0L, 4L), valuesAtEnd(sim, "pmem", 6 * LINE));
        assertEquals(2 * LINE, sim.crashPoint(0).images().getFirst().content("pmem").length,
                "before the growth the image has the old size");
    }

    private static Set<Long> valuesAtEnd(PowerFailSimulator sim, String device, int offset) {
        Set<Long> values = new HashSet<>();
        for (CrashImage image : sim.crashPoint(sim.eventCount()).images()) {
            values.add(longAt(image.content(device), offset));
        }
        return values;
    }

    static long longAt(byte[] content, int offset) {
        return ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }
}
