package dev.engram.powerfail;

import dev.engram.region.Region;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checker: stores still pending when an operation returns, and flushes that write back nothing. */
class DurabilityCheckerTest {

    private static final long SEED = 1;

    @Test
    void shouldReportAStoreLeftUnflushedWhenTheOperationReturns() {
        var sim = new PowerFailSimulator(SEED, Checking.REPORT);
        Region pmem = sim.memoryDevice("pmem", 1024);
        try (var _ = sim.operation("put")) {
            pmem.putLong(128, 1);
            pmem.putLong(256, 2);
            pmem.persist(256, 8);
        }

        assertEquals(List.of(new Finding(Finding.Kind.UNFLUSHED_AT_OPERATION_END, 0, "put", "pmem", 128, 8)),
                sim.findings());
        assertTrue(sim.findings().getFirst().toString().contains("missing flush"), sim.findings().toString());
    }

    @Test
    void shouldReportAFlushedStoreLeftUnfencedWhenTheOperationReturns() {
        var sim = new PowerFailSimulator(SEED, Checking.REPORT);
        Region pmem = sim.memoryDevice("pmem", 1024);
        try (var _ = sim.operation("put")) {
            pmem.putLong(128, 1);
            pmem.flush(128, 8);
        }

        assertEquals(List.of(new Finding(Finding.Kind.UNFENCED_AT_OPERATION_END, 0, "put", "pmem", 128, 8)),
                sim.findings());
    }

    @Test
    void shouldReportAFlushOfACleanLine() {
        var sim = new PowerFailSimulator(SEED, Checking.REPORT);
        Region pmem = sim.memoryDevice("pmem", 1024);
        try (var _ = sim.operation("put")) {
            pmem.putLong(64, 1);
            pmem.persist(64, 8);
            pmem.persist(64, 8);   // again: nothing new in the line
            pmem.putLong(256, 1);
            pmem.persist(192, 128); // lines @192 and @256: only @256 is dirty
        }

        assertEquals(List.of(
                new Finding(Finding.Kind.FLUSH_OF_CLEAN_LINES, 0, "put", "pmem", 64, 64),
                new Finding(Finding.Kind.FLUSH_OF_CLEAN_LINES, 0, "put", "pmem", 192, 64)), sim.findings());
    }

    @Test
    void shouldReportNothingForStoresFlushedAndFencedBeforeTheOperationReturns() {
        var sim = new PowerFailSimulator(SEED, Checking.REPORT);
        Region pmem = sim.memoryDevice("pmem", 1024);
        for (int i = 0; i < 4; i++) {
            try (var _ = sim.operation("put")) {
                pmem.putLong(i * 64L, i + 1L);
                pmem.putLong(i * 64L + 8, i + 1L);
                pmem.persist(i * 64L, 16);
            }
        }
        assertEquals(List.of(), sim.findings());
    }

    @Test
    void shouldCoalesceAdjacentPendingWordsIntoOneFinding() {
        var sim = new PowerFailSimulator(SEED, Checking.REPORT);
        Region pmem = sim.memoryDevice("pmem", 1024);
        try (var _ = sim.operation("write")) {
            pmem.write(64, new byte[100], 0, 100); // words @64..@160
            pmem.flush(128, 64);                   // words @128..@160 flushed, not fenced
        }
        assertEquals(List.of(
                new Finding(Finding.Kind.UNFLUSHED_AT_OPERATION_END, 0, "write", "pmem", 64, 64),
                new Finding(Finding.Kind.UNFENCED_AT_OPERATION_END, 0, "write", "pmem", 128, 40)), sim.findings());
    }

    @Test
    void shouldReportAnUnsyncedBlockWriteAsAMissingDrain() {
        var sim = new PowerFailSimulator(SEED, Checking.REPORT);
        Region disk = sim.blockDevice("disk", 4096, 512);
        try (var _ = sim.operation("append")) {
            disk.putLong(0, 1);
            disk.flush(0, 8); // no-op on a block device, not reported as wasted either
        }
        assertEquals(List.of(new Finding(Finding.Kind.UNFENCED_AT_OPERATION_END, 0, "append", "disk", 0, 8)),
                sim.findings());
    }

    @Test
    void shouldReportAPendingWordOnlyOnce() {
        var sim = new PowerFailSimulator(SEED, Checking.REPORT);
        Region pmem = sim.memoryDevice("pmem", 1024);
        try (var _ = sim.operation("batch")) {
            try (var _ = sim.operation("put")) {
                pmem.putLong(0, 1);
            }
            pmem.putLong(512, 1);
        }
        try (var _ = sim.operation("get")) {
            pmem.getLong(0);
        }
        assertEquals(List.of(
                new Finding(Finding.Kind.UNFLUSHED_AT_OPERATION_END, 1, "put", "pmem", 0, 8),
                new Finding(Finding.Kind.UNFLUSHED_AT_OPERATION_END, 0, "batch", "pmem", 512, 8)), sim.findings());
    }

    @Test
    void shouldThrowInStrictModeWhenAnOperationEndsWithFindings() {
        var sim = new PowerFailSimulator(SEED, Checking.STRICT);
        Region pmem = sim.memoryDevice("pmem", 1024);
        sim.beginOperation("put");
        pmem.putLong(8, 1);
        var e = assertThrows(DurabilityCheckException.class, sim::endOperation);
        assertEquals(1, e.findings().size());
        assertTrue(e.getMessage().contains("op 0 'put'"), e.getMessage());
        assertTrue(sim.operations().getFirst().ended(), "the end marker is recorded before the check throws");

        try (var _ = sim.operation("fixed")) {
            pmem.putLong(16, 1);
            pmem.persist(8, 16);
        }
        assertEquals(1, sim.findings().size(), "a correct operation passes strict mode");
    }

    @Test
    void shouldReportNothingWhenCheckingIsOff() {
        var sim = new PowerFailSimulator(SEED);
        Region pmem = sim.memoryDevice("pmem", 1024);
        try (var _ = sim.operation("put")) {
            pmem.putLong(8, 1);
            pmem.flush(512, 64);
        }
        assertEquals(List.of(), sim.findings());
    }
}
