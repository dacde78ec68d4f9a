package dev.engram.pmem;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.EnumSet;

import static dev.engram.pmem.PmemTestSupport.OWNER_ONLY;
import static dev.engram.pmem.PmemTestSupport.firstMismatch;
import static dev.engram.pmem.PmemTestSupport.sizedFile;
import static dev.engram.pmem.PmemTestSupport.writePattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pmem side on emulated pmem: {@code PMEM_IS_PMEM_FORCE=1} makes libpmem treat /dev/shm as
 * pmem (persist becomes a cache flush through the critical downcalls) and
 * {@code PMEM2_FORCE_GRANULARITY=BYTE} makes libpmem2 behave as on eADR hardware. PMDK reads both
 * variables when it initialises, so the {@code pmem-forced} surefire execution runs this class in
 * its own JVM; elsewhere (an IDE run without the variables) it is disabled, not failed.
 */
@EnabledIfEnvironmentVariable(named = "PMEM_IS_PMEM_FORCE", matches = "1")
@EnabledIfEnvironmentVariable(named = "PMEM2_FORCE_GRANULARITY", matches = "BYTE")
class ForcedPmemTest {

    private static final long POOL_LENGTH = 64 * 1024;
    private static final long CACHE_LINE = 64;

    @TempDir(factory = PmemTestSupport.OnDevShm.class)
    Path dir;

    @BeforeEach
    void requireLibraries() {
        PmemTestSupport.requireLibpmem();
        PmemTestSupport.requireLibpmem2();
    }

    @Test
    void shouldMapAsPmemWhenPmemIsForced() {
        try (PmemMapping mapping = Pmem.map(dir.resolve("pool"), POOL_LENGTH, EnumSet.of(Pmem.MapOption.CREATE), OWNER_ONLY)) {
            assertTrue(mapping.isPmem(), "pmem_map_file's is_pmem under PMEM_IS_PMEM_FORCE=1");
            assertTrue(Pmem.isPmem(mapping.segment()), "pmem_is_pmem under PMEM_IS_PMEM_FORCE=1");
        }
    }

    @Test
    void shouldReadBackBytesPersistedWithPmemPersistAfterUnmapAndRemap() {
        Path pool = dir.resolve("pool");
        long seed = 23;
        try (PmemMapping mapping = Pmem.map(pool, POOL_LENGTH, EnumSet.of(Pmem.MapOption.CREATE), OWNER_ONLY)) {
            writePattern(mapping.segment(), seed);
            mapping.persist(0, POOL_LENGTH); // pmem: critical pmem_persist, no msync
        }

        try (PmemMapping remapped = Pmem.map(pool)) {
            assertTrue(remapped.isPmem());
            assertEquals(-1, firstMismatch(remapped.segment(), seed), "first offset that lost its byte");
        }
    }

    @Test
    void shouldReadBackBytesFlushedLineByLineThenDrainedOnce() {
        Path pool = dir.resolve("pool");
        long seed = 29;
        try (PmemMapping mapping = Pmem.map(pool, POOL_LENGTH, EnumSet.of(Pmem.MapOption.CREATE), OWNER_ONLY)) {
            writePattern(mapping.segment(), seed);
            for (long line = 0; line < POOL_LENGTH; line += CACHE_LINE) {
                Pmem.flush(mapping.segment(), line, CACHE_LINE);
            }
            Pmem.drain();
        }

        try (PmemMapping remapped = Pmem.map(pool)) {
            assertEquals(-1, firstMismatch(remapped.segment(), seed));
        }
    }

    @Test
    void shouldReadBackBytesFlushedAndPersistedByRawAddress() {
        Path pool = dir.resolve("pool");
        long seed = 41;
        try (PmemMapping mapping = Pmem.map(pool, POOL_LENGTH, EnumSet.of(Pmem.MapOption.CREATE), OWNER_ONLY)) {
            long base = mapping.segment().address();
            writePattern(mapping.segment(), seed);
            for (long line = 0; line < POOL_LENGTH / 2; line += CACHE_LINE) {
                Pmem.flushAddress(base + line, CACHE_LINE);   // no segment: no arena acquired per call
            }
            Pmem.drain();
            Pmem.persistAddress(base + POOL_LENGTH / 2, POOL_LENGTH / 2);
        }

        try (PmemMapping remapped = Pmem.map(pool)) {
            assertEquals(-1, firstMismatch(remapped.segment(), seed), "first offset that lost its byte");
        }
    }

    @Test
    void shouldReadBackBytesCopiedWithMemcpyPersist() {
        Path pool = dir.resolve("pool");
        try (PmemMapping mapping = Pmem.map(pool, POOL_LENGTH, EnumSet.of(Pmem.MapOption.CREATE), OWNER_ONLY);
             Arena arena = Arena.ofConfined()) {
            MemorySegment source = arena.allocate(POOL_LENGTH / 2);
            writePattern(source, 31);
            Pmem.memcpyPersist(mapping.segment(), POOL_LENGTH / 2, source);
        }

        try (PmemMapping remapped = Pmem.map(pool)) {
            assertEquals(-1, firstMismatch(remapped.segment().asSlice(POOL_LENGTH / 2), 31));
        }
    }

    @Test
    void shouldMapWithByteGranularityWhenForcedEvenIfCacheLineWasRequested() throws Exception {
        Path pool = sizedFile(dir.resolve("pool2"), POOL_LENGTH);

        try (Pmem2Mapping mapping = Pmem.map2(pool, StoreGranularity.CACHE_LINE)) {
            assertEquals(StoreGranularity.BYTE, mapping.granularity());
        }
    }

    @Test
    void shouldReadBackBytesPersistedThroughTheByteGranularityPersistFunctionAfterRemap() throws Exception {
        Path pool = sizedFile(dir.resolve("pool2"), POOL_LENGTH);
        long seed = 37;
        try (Pmem2Mapping mapping = Pmem.map2(pool, StoreGranularity.BYTE)) {
            assertEquals(StoreGranularity.BYTE, mapping.granularity());
            writePattern(mapping.segment(), seed);
            mapping.persist(0, POOL_LENGTH); // byte granularity: critical call of a fence-only persist
        }

        try (Pmem2Mapping remapped = Pmem.map2(pool, StoreGranularity.BYTE)) {
            assertEquals(-1, firstMismatch(remapped.segment(), seed), "first offset that lost its byte");
        }
    }
}
