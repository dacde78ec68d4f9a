package dev.engram.pmem;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import static dev.engram.pmem.PmemTestSupport.OWNER_ONLY;
import static dev.engram.pmem.PmemTestSupport.firstMismatch;
import static dev.engram.pmem.PmemTestSupport.writePattern;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libpmem on plain tmpfs, as PMDK sees it without emulation: the mapping is <em>not</em> pmem, so
 * {@link PmemMapping#persist} takes the msync path. Run by the default surefire execution, which
 * pins {@code PMEM_IS_PMEM_FORCE=0}; {@link ForcedPmemTest} covers the emulated-pmem side. Disabled
 * in a forced JVM (e.g. when {@code -Dtest=...} makes the pmem-forced execution pick it up too).
 */
@DisabledIfEnvironmentVariable(named = "PMEM_IS_PMEM_FORCE", matches = "1")
class PmemMappingTest {

    private static final long POOL_LENGTH = 64 * 1024;

    @TempDir(factory = PmemTestSupport.OnDevShm.class)
    Path dir;

    @BeforeEach
    void requireLibpmem() {
        PmemTestSupport.requireLibpmem();
    }

    @Test
    void shouldReportATmpfsMappingAsNotPmem() {
        try (PmemMapping mapping = Pmem.map(dir.resolve("pool"), POOL_LENGTH, EnumSet.of(Pmem.MapOption.CREATE), OWNER_ONLY)) {
            assertFalse(mapping.isPmem(), "pmem_map_file's is_pmem on tmpfs");
            assertFalse(Pmem.isPmem(mapping.segment()), "pmem_is_pmem on tmpfs");
        }
    }

    @Test
    void shouldCreateTheFileWithTheRequestedLengthAndPermissions() throws Exception {
        Path pool = dir.resolve("pool");
        try (PmemMapping mapping = Pmem.map(pool, POOL_LENGTH, EnumSet.of(Pmem.MapOption.CREATE), OWNER_ONLY)) {
            assertEquals(POOL_LENGTH, mapping.byteSize());
            assertEquals(POOL_LENGTH, mapping.segment().byteSize());
        }
        assertEquals(POOL_LENGTH, Files.size(pool));
        assertEquals(OWNER_ONLY, Files.getPosixFilePermissions(pool));
    }

    @Test
    void shouldReadBackPersistedBytesAfterUnmapAndRemap() {
        Path pool = dir.resolve("pool");
        long seed = 11;
        try (PmemMapping mapping = Pmem.map(pool, POOL_LENGTH, EnumSet.of(Pmem.MapOption.CREATE), OWNER_ONLY)) {
            writePattern(mapping.segment(), seed);
            mapping.persist(0, POOL_LENGTH); // not pmem: pmem_msync
        }

        try (PmemMapping remapped = Pmem.map(pool)) {
            assertEquals(POOL_LENGTH, remapped.byteSize());
            assertEquals(-1, firstMismatch(remapped.segment(), seed), "first offset that lost its byte");
        }
    }

    @Test
    void shouldReadBackBytesCopiedWithMemcpyPersistFromNativeAndHeapSources() {
        Path pool = dir.resolve("pool");
        try (PmemMapping mapping = Pmem.map(pool, POOL_LENGTH, EnumSet.of(Pmem.MapOption.CREATE), OWNER_ONLY);
             Arena arena = Arena.ofConfined()) {
            MemorySegment nativeSource = arena.allocate(4096);
            writePattern(nativeSource, 3);
            MemorySegment heapSource = MemorySegment.ofArray(new byte[4096]);
            writePattern(heapSource, 5);

            Pmem.memcpyPersist(mapping.segment(), 0, nativeSource);
            Pmem.memcpyPersist(mapping.segment(), 4096, heapSource);
        }

        try (PmemMapping remapped = Pmem.map(pool)) {
            assertEquals(-1, firstMismatch(remapped.segment().asSlice(0, 4096), 3));
            assertEquals(-1, firstMismatch(remapped.segment().asSlice(4096, 4096), 5));
        }
    }

    @Test
    void shouldRaisePmemExceptionCarryingPmdkMessageWhenTheDirectoryDoesNotExist() {
        Path pool = dir.resolve("no-such-directory").resolve("pool");

        PmemException failure = assertThrows(PmemException.class,
                () -> Pmem.map(pool, POOL_LENGTH, EnumSet.of(Pmem.MapOption.CREATE), OWNER_ONLY));

        assertEquals("pmem_map_file", failure.operation());
        assertEquals(Optional.of(pool), failure.path());
        assertTrue(failure.nativeMessage().contains("No such file or directory"), failure.nativeMessage());
        assertTrue(failure.getMessage().startsWith("pmem_map_file failed for " + pool + ": "), failure.getMessage());
        assertFalse(Files.exists(pool.getParent()), "a failed map must not create the directory");
    }

    @Test
    void shouldRaisePmemExceptionWhenAnExclusiveCreateFindsTheFile() throws Exception {
        Path pool = Files.createFile(dir.resolve("pool"));

        PmemException failure = assertThrows(PmemException.class, () -> Pmem.map(pool, POOL_LENGTH,
                EnumSet.of(Pmem.MapOption.CREATE, Pmem.MapOption.EXCLUSIVE), OWNER_ONLY));

        assertEquals("pmem_map_file", failure.operation());
        assertTrue(failure.nativeMessage().contains("File exists"), failure.nativeMessage());
    }

    @Test
    void shouldRejectAccessThroughTheSegmentOnceClosedInsteadOfFaulting() {
        PmemMapping mapping = Pmem.map(dir.resolve("pool"), POOL_LENGTH, EnumSet.of(Pmem.MapOption.CREATE), OWNER_ONLY);
        MemorySegment segment = mapping.segment();
        mapping.close();

        assertThrows(IllegalStateException.class, () -> segment.get(JAVA_LONG, 0));
        assertThrows(IllegalStateException.class, () -> mapping.persist(0, 64));
        mapping.close(); // idempotent: no second pmem_unmap
    }

    @Test
    void shouldRejectAPersistRangeOutsideTheMapping() {
        try (PmemMapping mapping = Pmem.map(dir.resolve("pool"), POOL_LENGTH, EnumSet.of(Pmem.MapOption.CREATE), OWNER_ONLY)) {
            assertThrows(IndexOutOfBoundsException.class, () -> mapping.persist(POOL_LENGTH - 8, 16));
            assertThrows(IndexOutOfBoundsException.class, () -> Pmem.persist(mapping.segment(), -1, 8));
        }
    }

    @Test
    void shouldRejectANegativeLengthInTheByRawAddressCallsBeforeAnyDowncall() {
        try (PmemMapping mapping = Pmem.map(dir.resolve("pool"), POOL_LENGTH, EnumSet.of(Pmem.MapOption.CREATE), OWNER_ONLY)) {
            long base = mapping.segment().address();
            IllegalArgumentException flush = assertThrows(IllegalArgumentException.class, () -> Pmem.flushAddress(base, -1));
            assertTrue(flush.getMessage().contains("-1"), flush.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Pmem.persistAddress(base, -64));
            Pmem.flushAddress(base, 0);   // an empty range is a no-op, as pmem_flush's own contract says
            Pmem.drain();
        }
    }

    @Test
    void shouldMapTheWholeExistingFileWhenNoLengthIsGiven() throws Exception {
        Path pool = PmemTestSupport.sizedFile(dir.resolve("pool"), 12288);

        try (PmemMapping mapping = Pmem.map(pool, 0, Set.of(), Set.of())) {
            assertEquals(12288, mapping.byteSize());
        }
    }
}
