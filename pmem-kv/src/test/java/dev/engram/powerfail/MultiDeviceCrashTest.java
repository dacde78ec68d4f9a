package dev.engram.powerfail;

import dev.engram.region.Region;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.engram.powerfail.MemoryDeviceCrashModelTest.longAt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several devices of one simulator crash at one instant; images materialise into new simulators. */
class MultiDeviceCrashTest {

    private static final long SEED = 4242;
    private static final int RECORD_OFFSET = 512;
    private static final int POINTER_OFFSET = 64;

    /** RUN-style destage: the record is synced on the capacity file before the fast tier points at it. */
    private static PowerFailSimulator recordDestage() {
        var sim = new PowerFailSimulator(SEED);
        Region fast = sim.memoryDevice("fast", 4096);
        Region capacity = sim.blockDevice("capacity", 8192, 512);
        try (var _ = sim.operation("destage")) {
            capacity.putLong(RECORD_OFFSET, 0xC0FFEEL);
            capacity.drain(); // step 1: the record is durable on the capacity file
            fast.putLongRelease(POINTER_OFFSET, RECORD_OFFSET);
            fast.persist(POINTER_OFFSET, 8); // step 2: the pointer to it is durable
        }
        return sim;
    }

    @Test
    void shouldCrashTwoDevicesConsistentlyAtOnePoint() {
        PowerFailSimulator sim = recordDestage();
        Operation destage = sim.operations().getFirst();
        int recordStore = destage.beginEvent() + 1;
        int pointerStore = recordStore + 2;

        long images = sim.forEachImage(CrashPoints.all(), Enumeration.DEFAULT, image -> {
            assertEquals(List.of("fast", "capacity"), image.crashPoint().deviceNames());
            byte[] fast = image.content("fast");
            byte[] capacity = image.content("capacity");
            int point = image.crashPoint().point();
            if (point <= recordStore) {
                assertEquals(0L, longAt(capacity, RECORD_OFFSET), "record seen before it was written: " + image);
            }
            if (point <= pointerStore) {
                assertEquals(0L, longAt(fast, POINTER_OFFSET), "pointer seen before it was stored: " + image);
            }
            if (longAt(fast, POINTER_OFFSET) == RECORD_OFFSET) {
                assertEquals(0xC0FFEEL, longAt(capacity, RECORD_OFFSET), "pointer durable, record not: " + image);
            }
        });
        assertTrue(images > sim.eventCount(), images + " images");
    }

    @Test
    void shouldMaterialiseEveryDeviceOfTheImageIntoANewSimulator() {
        PowerFailSimulator sim = recordDestage();
        CrashImage image = sim.crashPoint(sim.eventCount()).images().getFirst();
        PowerFailSimulator after = image.materialize();

        assertEquals(2, after.devices().size());
        Region fast = after.device("fast");
        Region capacity = after.device("capacity");
        assertEquals(RECORD_OFFSET, fast.getLong(POINTER_OFFSET));
        assertEquals(0xC0FFEEL, capacity.getLong(RECORD_OFFSET));
        assertEquals(dev.engram.region.AccessMode.CRAWL, capacity.mode());
        assertEquals(image.descriptor(), after.origin());
        assertEquals(1L, after.crashPoint(after.eventCount()).imageCount(), "the image is durable in the new simulator");
    }

    @Test
    void shouldRecordAndCrashRecoveryRunOnAnImage() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 256);
        pmem.putLong(0, 1);
        pmem.putLong(64, 2); // neither flushed: recovery finds a half-written state in some image

        CrashImage torn = sim.crashPoint(sim.eventCount()).images().stream()
                .filter(i -> longAt(i.content("pmem"), 0) == 1 && longAt(i.content("pmem"), 64) == 0)
                .findFirst().orElseThrow();
        PowerFailSimulator recovery = torn.materialize();
        Region recovered = recovery.device("pmem");
        try (var _ = recovery.operation("recover")) {
            recovered.putLong(0, 0); // roll back the half-written state
            recovered.flush(0, 8);
            recovered.drain();
        }

        boolean crashedBeforeRollback = false;
        for (CrashPoint point : recovery.crashPoints(CrashPoints.withinOperation(0))) {
            for (CrashImage image : point.images()) {
                String line = image.descriptor();
                assertTrue(line.startsWith(torn.descriptor() + " >> "), line);
                assertArrayEquals(image.content("pmem"), recovery.image(line).content("pmem"), line);
                crashedBeforeRollback |= longAt(image.content("pmem"), 0) == 1;
            }
        }
        assertTrue(crashedBeforeRollback, "a crash during recovery can still see the torn state");
        String nested = recovery.crashPoint(recovery.eventCount()).images().getFirst().descriptor();
        var e = assertThrows(IllegalArgumentException.class, () -> sim.image(nested));
        assertTrue(e.getMessage().contains("materialise the ancestor image first"), e.getMessage());
    }

    @Test
    void shouldSeedADeviceWithThePreviousImage() {
        byte[] previous = new byte[128];
        Arrays.fill(previous, (byte) 3);
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", previous);
        previous[0] = 9; // the device took a copy

        assertEquals(3, pmem.getByte(0));
        assertArrayEquals(filled(128, (byte) 3), sim.crashPoint(sim.eventCount()).images().getFirst().content("pmem"));
    }

    private static byte[] filled(int length, byte value) {
        byte[] b = new byte[length];
        Arrays.fill(b, value);
        return b;
    }
}
