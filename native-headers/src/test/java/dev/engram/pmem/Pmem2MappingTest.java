package dev.engram.pmem;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static dev.engram.pmem.PmemTestSupport.firstMismatch;
import static dev.engram.pmem.PmemTestSupport.sizedFile;
import static dev.engram.pmem.PmemTestSupport.writePattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * libpmem2 on plain tmpfs: config &rarr; source &rarr; map &rarr; persist function, with the
 * granularity a non-DAX file really has ({@code PAGE}). Run by the default surefire execution, which
 * removes {@code PMEM2_FORCE_GRANULARITY}; {@link ForcedPmemTest} covers the forced-byte side.
 * Disabled in a JVM where libpmem2's granularity is forced.
 */
@DisabledIfEnvironmentVariable(named = "PMEM2_FORCE_GRANULARITY", matches = ".+")
class Pmem2MappingTest {

    private static final long POOL_LENGTH = 64 * 1024;
    /** {@code PMEM2_E_GRANULARITY_NOT_SUPPORTED} in libpmem2/base.h. */
    private static final int GRANULARITY_NOT_SUPPORTED = -100009;
    /** ENOENT on Linux. */
    private static final int NO_SUCH_FILE = 2;

    @TempDir(factory = PmemTestSupport.OnDevShm.class)
    Path dir;

    @BeforeEach
    void requireLibpmem2() {
        PmemTestSupport.requireLibpmem2();
    }

    @Test
    void shouldMapATmpfsFileWithPageGranularity() throws Exception {
        Path pool = sizedFile(dir.resolve("pool"), POOL_LENGTH);

        try (Pmem2Mapping mapping = Pmem.map2(pool, StoreGranularity.PAGE)) {
            assertEquals(StoreGranularity.PAGE, mapping.granularity());
            assertEquals(POOL_LENGTH, mapping.byteSize());
        }
    }

    @Test
    void shouldReadBackBytesPersistedThroughThePersistFunctionAfterRemap() throws Exception {
        Path pool = sizedFile(dir.resolve("pool"), POOL_LENGTH);
        long seed = 17;
        try (Pmem2Mapping mapping = Pmem.map2(pool, StoreGranularity.PAGE)) {
            writePattern(mapping.segment(), seed);
            mapping.persist(0, POOL_LENGTH); // page granularity: libpmem2's msync-based persist
        }

        try (Pmem2Mapping remapped = Pmem.map2(pool, StoreGranularity.PAGE)) {
            assertEquals(-1, firstMismatch(remapped.segment(), seed), "first offset that lost its byte");
        }
    }

    @Test
    void shouldRefuseByteGranularityOnTmpfsWithPmdkMessage() throws Exception {
        Path pool = sizedFile(dir.resolve("pool"), POOL_LENGTH);

        PmemException failure = assertThrows(PmemException.class, () -> Pmem.map2(pool, StoreGranularity.BYTE));

        assertEquals("pmem2_map_new", failure.operation());
        assertEquals(Optional.of(pool), failure.path());
        assertEquals(GRANULARITY_NOT_SUPPORTED, failure.errorCode());
        assertTrue(failure.nativeMessage().contains("granularity"), failure.nativeMessage());
    }

    @Test
    void shouldRaisePmemExceptionWithStrerrorWhenTheFileDoesNotExist() {
        Path missing = dir.resolve("no-such-pool");

        PmemException failure = assertThrows(PmemException.class, () -> Pmem.map2(missing, StoreGranularity.PAGE));

        assertEquals("open", failure.operation());
        assertEquals(Optional.of(missing), failure.path());
        assertEquals(NO_SUCH_FILE, failure.errorCode());
        assertEquals("No such file or directory", failure.nativeMessage());
    }

    @Test
    void shouldRejectAccessThroughTheSegmentOnceClosed() throws Exception {
        Path pool = sizedFile(dir.resolve("pool"), POOL_LENGTH);
        Pmem2Mapping mapping = Pmem.map2(pool, StoreGranularity.PAGE);
        mapping.close();

        assertThrows(IllegalStateException.class, () -> mapping.persist(0, 64));
        mapping.close(); // idempotent: no second pmem2_map_delete
    }
}
