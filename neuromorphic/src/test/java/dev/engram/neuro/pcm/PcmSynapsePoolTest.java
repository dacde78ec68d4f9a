package dev.engram.neuro.pcm;

import dev.engram.device.DeviceProfile;
import dev.engram.neuro.nn.SynapseArray;
import dev.engram.region.AccessMode;
import dev.engram.region.Region;
import dev.engram.region.RegionOptions;
import dev.engram.region.Regions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool's layout, its directory and factory, and the typed errors of reopening the wrong thing. */
class PcmSynapsePoolTest {

    @Test
    void shouldPinEveryOffsetOfTheLayout() {
        assertEquals(4096, PoolLayout.POOL_OFFSET);
        assertEquals(8192, PoolLayout.FIRST_BLOCK_OFFSET);
        assertEquals(16, PoolLayout.COMMIT_SEQUENCE_OFFSET);
        assertEquals(24, PoolLayout.ARRAY_COUNT_OFFSET);
        assertEquals(4096 + 256, PoolLayout.directoryEntryOffset(0));
        assertEquals(4096 + 256 + 14 * 256, PoolLayout.directoryEntryOffset(14));
        assertTrue(PoolLayout.directoryEntryOffset(PoolLayout.DIRECTORY_ENTRIES) <= PoolLayout.FIRST_BLOCK_OFFSET);
        assertEquals(56, PoolLayout.ENTRY_BLOCK_OFFSET_OFFSET);
        assertEquals(64, PoolLayout.ENTRY_BLOCK_LENGTH_OFFSET);
        assertEquals(64, PoolLayout.MODEL_PARAMETERS_OFFSET);
        assertTrue(PoolLayout.MODEL_PARAMETERS_OFFSET + 8 * PcmDeviceModel.PARAMETER_COUNT <= PoolLayout.ARRAY_PARAMETERS_OFFSET);
        assertTrue(PoolLayout.ARRAY_PARAMETERS_OFFSET + 8 * PoolLayout.ARRAY_PARAMETER_COUNT <= PoolLayout.SLOT_META_OFFSET);
        assertEquals(512, PoolLayout.slotMetaOffset(0));
        assertEquals(576, PoolLayout.slotMetaOffset(1));
        assertEquals(56, PoolLayout.META_REFRESHES_OFFSET);
        // 3 x 2 weights: 12 conductors
        assertEquals(4096, PoolLayout.FAULT_KINDS_OFFSET);
        assertEquals(8192, PoolLayout.faultMasksOffset(12));
        assertEquals(12288, PoolLayout.slotOffset(0, 12));
        assertEquals(16384, PoolLayout.slotOffset(1, 12));
        assertEquals(20480, PoolLayout.diagnosisOffset(12));
        assertEquals(24576, PoolLayout.blockLength(12));
        assertEquals(20480, PoolLayout.blockLength(12, 0), "a 1.0 block ends after slot 1");
        // 528 x 250: 264000 conductors
        assertEquals(4096 + 266240, PoolLayout.faultMasksOffset(264_000));
        assertEquals(4096 + 266240 + 2 * 2113536 + 2113536, PoolLayout.diagnosisOffset(264_000));
        assertEquals(4096 + 266240 + 2 * 2113536 + 2113536 + 266240, PoolLayout.blockLength(264_000));
        assertEquals(1, PoolLayout.MAJOR);
        assertEquals(1, PoolLayout.MINOR);
        assertEquals(6, PoolLayout.ARRAY_PARAMETER_COUNT);
        assertEquals(0x4C4F_4F50_4D43_500AL, PoolLayout.POOL_MAGIC, "\\nPCMPOOL");
        assertEquals(0x3152_5241_4D43_500AL, PoolLayout.ARRAY_MAGIC, "\\nPCMARR1");
    }

    @Test
    void shouldStoreEachConductorAsItsConductanceAndPulseCountLittleEndian(@TempDir Path dir) {
        long seed = Seeds.seed("cells", 0xCE11L);
        try (PcmSynapsePool pool = PcmSynapsePool.create(dir.resolve("p.pcm"), DeviceProfile.NONE)) {
            PcmSynapseArray a = pool.array("fc", 3, 2, new PcmArrayOptions().preset("ibm2014").seed(seed));
            a.initialize(new float[]{0.1f, -0.2f, 0.3f, 0.0f, -0.05f, 0.25f});
            a.commit();
            int slot = (int) (pool.commitSequence() & 1);
            float[] g = a.conductancesMicroSiemens();
            int[] counts = a.pulseCounts();
            for (int c = 0; c < g.length; c++) {
                long cell = pool.device().getLong(a.cellOffset(slot, c));
                assertEquals(Float.floatToRawIntBits(g[c]), (int) cell, "conductance of " + c);
                assertEquals(counts[c], (int) (cell >>> 32), "pulse count of " + c);
            }
            assertEquals(a.cellOffset(0, 0) + PoolLayout.slotOffset(1, 12) - PoolLayout.slotOffset(0, 12), a.cellOffset(1, 0));
            long block = PoolLayout.FIRST_BLOCK_OFFSET;
            assertEquals(block + 12288, a.cellOffset(0, 0));
            assertEquals(pool.commitSequence(), pool.device().getLong(block + PoolLayout.slotMetaOffset(slot)));
        }
    }

    @Test
    void shouldCreateLayersThroughTheFactoryAndReopenThem(@TempDir Path dir) {
        long seed = Seeds.seed("factory", 0xFAC7L);
        Path file = dir.resolve("mlp.pcm");
        PcmArrayOptions options = new PcmArrayOptions().preset("aihwkit-pcm").seed(seed);
        try (PcmSynapsePool pool = PcmSynapsePool.openOrCreate(file, DeviceProfile.NONE)) {
            SynapseArray.Factory factory = pool.factory(options);
            SynapseArray l1 = factory.create("hidden1", 25, 17);
            SynapseArray l2 = factory.create("hidden2", 12, 26);
            SynapseArray l3 = factory.create("output", 10, 13);
            assertSame(l1, factory.create("hidden1", 25, 17), "the same layer again");
            l1.initialize(new float[25 * 17]);
            l2.initialize(new float[12 * 26]);
            l3.initialize(new float[10 * 13]);
            l1.close();                                           // a pool-owned array stays usable through its pool
            assertSame(l1, pool.array("hidden1", 25, 17, options));
            l1.readWeights();
            pool.commit();
        }
        try (PcmSynapsePool pool = PcmSynapsePool.openOrCreate(file, DeviceProfile.NONE)) {
            assertEquals(List.of("hidden1", "hidden2", "output"), pool.arrays().stream().map(PcmSynapseArray::name).toList());
            PcmSynapseArray out = pool.find("output").orElseThrow();
            assertEquals(10, out.outputs());
            assertEquals(13, out.inputs());
            assertTrue(out.initialized());
            assertEquals(PcmDeviceModel.AIHWKIT_PCM, out.model());
            assertEquals(UpdatePolicy.AIHWKIT_PCM, out.policy());
            assertFalse(pool.find("nope").isPresent(), "not found is a value");
        }
    }

    @Test
    void shouldRefuseToReopenAnArrayWithOtherOptionsOrShape(@TempDir Path dir) {
        Path file = dir.resolve("p.pcm");
        try (PcmSynapsePool pool = PcmSynapsePool.create(file, DeviceProfile.NONE)) {
            pool.array("fc", 4, 3, new PcmArrayOptions().preset("ibm2014").seed(1));
            pool.commit();
        }
        try (PcmSynapsePool pool = PcmSynapsePool.open(file, DeviceProfile.NONE)) {
            PcmPoolException e = assertThrows(PcmPoolException.class,
                    () -> pool.array("fc", 4, 3, new PcmArrayOptions().preset("aihwkit-pcm").seed(1)));
            assertEquals(PcmPoolException.Code.MISMATCH, e.code());
            assertTrue(e.getMessage().contains("ibm2014") && e.getMessage().contains(file.toString()), e.getMessage());
            e = assertThrows(PcmPoolException.class,
                    () -> pool.array("fc", 4, 3, new PcmArrayOptions().preset("ibm2014").seed(2)));
            assertTrue(e.getMessage().contains("seed"), e.getMessage());
            e = assertThrows(PcmPoolException.class,
                    () -> pool.array("fc", 5, 3, new PcmArrayOptions().preset("ibm2014").seed(1)));
            assertTrue(e.getMessage().contains("4 x 3"), e.getMessage());
            PcmSynapseArray same = pool.array("fc", 4, 3, new PcmArrayOptions().preset("ibm2014").seed(1));
            assertEquals(0, same.committedBatches());
        }
    }

    @Test
    void shouldRefuseARegionThatHoldsSomethingElse(@TempDir Path dir) {
        Path file = dir.resolve("kv.region");
        try (Region r = Regions.create(new RegionOptions(file).mode(AccessMode.WALK).size(16384))) {
            r.putLong(PoolLayout.POOL_OFFSET, 0x1234_5678L);
            r.persist(PoolLayout.POOL_OFFSET, 8);
        }
        PcmPoolException e = assertThrows(PcmPoolException.class, () -> PcmSynapsePool.open(file, DeviceProfile.NONE));
        assertEquals(PcmPoolException.Code.NOT_A_POOL, e.code());
        assertTrue(e.getMessage().contains("0x12345678") && e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void shouldRefuseAnotherMajorVersionNamingBoth(@TempDir Path dir) {
        Path file = dir.resolve("p.pcm");
        PcmSynapsePool.create(file, DeviceProfile.NONE).close();
        try (Region r = Regions.open(new RegionOptions(file).mode(AccessMode.WALK))) {
            r.putInt(PoolLayout.POOL_OFFSET + PoolLayout.POOL_MAJOR_OFFSET, 7 | (3 << 16));
            r.persist(PoolLayout.POOL_OFFSET, 16);
        }
        PcmPoolException e = assertThrows(PcmPoolException.class, () -> PcmSynapsePool.open(file, DeviceProfile.NONE));
        assertEquals(PcmPoolException.Code.VERSION, e.code());
        assertTrue(e.getMessage().contains("7.3") && e.getMessage().contains("1.1"), e.getMessage());
    }

    @Test
    void shouldOpenAFormat10PoolWhoseArraysCannotSelfTest(@TempDir Path dir) {
        Path file = dir.resolve("old.pcm");
        PcmSynapsePool.create(file, DeviceProfile.NONE).close();
        try (Region r = Regions.open(new RegionOptions(file).mode(AccessMode.WALK))) {
            r.putInt(PoolLayout.POOL_OFFSET + PoolLayout.POOL_MAJOR_OFFSET, 1);      // format 1.0
            r.persist(PoolLayout.POOL_OFFSET, 16);
        }
        try (PcmSynapsePool pool = PcmSynapsePool.open(file, DeviceProfile.NONE)) {
            assertEquals(0, pool.formatMinor());
            PcmSynapseArray a = pool.array("fc", 3, 4, new PcmArrayOptions().preset("ibm2014"));
            a.initialize(new float[12]);
            a.commit();
            PcmPoolException e = assertThrows(PcmPoolException.class, a::selfTest);
            assertEquals(PcmPoolException.Code.VERSION, e.code());
            assertTrue(e.getMessage().contains("1.0") && e.getMessage().contains("1.1"), e.getMessage());
            PcmArrayOptions handled = new PcmArrayOptions().preset("ibm2014");
            handled.policy(handled.policy().withFaultHandling(FaultHandling.PRUNE));
            e = assertThrows(PcmPoolException.class, () -> pool.array("fc2", 2, 2, handled));
            assertEquals(PcmPoolException.Code.VERSION, e.code());
        }
        try (PcmSynapsePool pool = PcmSynapsePool.open(file, DeviceProfile.NONE)) {
            assertEquals(3, pool.find("fc").orElseThrow().outputs(), "the 1.0 block reads back");
        }
    }

    @Test
    void shouldRunAStandaloneArrayThatOwnsItsPool(@TempDir Path dir) {
        Path file = dir.resolve("one.pcm");
        try (PcmSynapseArray a = PcmSynapseArray.create(file, "fc", 4, 4, new PcmArrayOptions().preset("ideal"))) {
            a.initialize(new float[16]);
            a.update(new float[16]);
            a.endOfBatch();
        }
        try (PcmSynapseArray a = PcmSynapseArray.open(file, "fc")) {
            assertEquals(1, a.committedBatches());
            assertTrue(a.pool().commitSequence() >= 1);
        }
        PcmPoolException e = assertThrows(PcmPoolException.class, () -> PcmSynapseArray.open(file, "fc2"));
        assertTrue(e.getMessage().contains("[fc]"), e.getMessage());
    }
}
