package dev.engram.pmem;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Loading the facade never throws; a missing library is a value with a reason, not an exception. */
class PmemAvailabilityTest {

    @Test
    void shouldReportLibpmemAvailableWithTheApiVersionTheBindingsWereGeneratedFor() {
        PmemTestSupport.requireLibpmem();
        Pmem.Availability libpmem = Pmem.availability();

        assertEquals(new Pmem.Availability("libpmem.so.1", true, "", "1.1"), libpmem);
    }

    @Test
    void shouldReportLibpmem2AvailableWithTheAbiVersionOfItsSoname() {
        PmemTestSupport.requireLibpmem2();
        Pmem.Availability libpmem2 = Pmem.availability2();

        assertEquals(new Pmem.Availability("libpmem2.so.1", true, "", "1"), libpmem2);
    }

    @Test
    void shouldNameTheDebianPackageToInstallWhenTheLibraryIsMissing() {
        Pmem.Availability missing = Pmem.probe("libpmem-engram-absent.so.1", "libpmem1",
                soname -> fail("bind must not run when the library did not load"));

        assertFalse(missing.available());
        assertEquals("libpmem-engram-absent.so.1 not found: install Debian package libpmem1", missing.reason());
        assertEquals("", missing.version());
    }

    @Test
    void shouldReportABindFailureAsUnavailableInsteadOfThrowing() {
        Pmem.Availability unbound = Pmem.probe("libc.so.6", "libc6", soname -> {
            throw new IllegalArgumentException("Symbol not found: pmem_engram_absent");
        });

        assertFalse(unbound.available());
        assertTrue(unbound.reason().startsWith("libc.so.6 loaded but its symbols did not bind: "), unbound.reason());
        assertTrue(unbound.reason().contains("pmem_engram_absent"), unbound.reason());
    }
}
