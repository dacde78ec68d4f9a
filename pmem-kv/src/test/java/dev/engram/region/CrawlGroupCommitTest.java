package dev.engram.region;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CRAWL's group commit: a drain skips its fdatasync only when a sync that started after every write
 * the caller made has completed; alone, each drain after a write syncs, and the first drain after
 * open always does (it may be asked to make an earlier process's unsynced writes durable).
 */
class CrawlGroupCommitTest {

    private static final long BASE = RegionHeader.LENGTH;

    @Test
    void aloneEveryDrainAfterAWriteSyncsAndOnlyThen() {
        try (RegionFiles files = RegionFiles.onDisk();
             Region r = Regions.create(new RegionOptions(files.file("c")).mode(AccessMode.CRAWL).size(1 << 20))) {
            long s = r.stats().syscalls();
            r.drain();
            assertEquals(s + 1, r.stats().syscalls(), "the first drain syncs, even with no write of this process");
            r.drain();
            assertEquals(s + 1, r.stats().syscalls(), "nothing written since the last sync: no fdatasync");
            r.putLong(BASE, 1);
            r.drain();
            assertEquals(s + 3, r.stats().syscalls(), "pwrite, then a drain that syncs it");
            r.write(BASE, new byte[100], 0, 100);
            r.persist(BASE, 100);
            assertEquals(s + 5, r.stats().syscalls(), "pwrite, then a persist that syncs it");
        }
    }

    @Test
    void concurrentDrainersShareSyncsAndEachReturnsOnlyAfterOneCoveringItsWrite() throws Exception {
        int threads = 4;
        int rounds = 300;
        try (RegionFiles files = RegionFiles.onDisk();
             Region r = Regions.create(new RegionOptions(files.file("c")).mode(AccessMode.CRAWL).size(1 << 20))) {
            r.drain();
            long before = r.stats().syscalls();
            CyclicBarrier start = new CyclicBarrier(threads);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers[t] = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < rounds; i++) {
                            r.putLong(BASE + 8L * id, i);
                            r.drain();
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                workers[t].start();
            }
            for (Thread w : workers) {
                w.join();
            }
            assertNull(failure.get());
            long syncs = r.stats().syscalls() - before - (long) threads * rounds;   // minus the pwrites
            assertTrue(syncs >= rounds && syncs <= (long) threads * rounds,
                    "fdatasyncs " + syncs + ": at least one per round of one thread, at most one per drain");
            for (int t = 0; t < threads; t++) {
                assertEquals(rounds - 1, r.getLong(BASE + 8L * t));
            }
        }
    }
}
