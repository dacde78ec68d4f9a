package dev.engram.region;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@code close()} racing threads that flush, persist, store and load: each racing call either
 * succeeds or fails with the region's own {@code CLOSED} error (the code, and the region's path, not
 * a fast tier's); nothing else, never an {@code IO} error, never a fault that kills the JVM, and
 * close() itself returns normally. WALK flushes by raw address with no arena held (see
 * {@link WalkRegion}), so before its flush pin a close could unmap a range under a flush; RUN's fast
 * tier is such a WALK region. CRAWL's pread/pwrite/fdatasync used to find the channel closed under
 * them ({@code AsynchronousCloseException}, {@code ClosedChannelException}: reported as {@code IO});
 * RUN reaches its CRAWL capacity file on a miss, so the RUN case whose threads touch more blocks than
 * the fast tier holds races close() against promotions and dirty evictions too.
 *
 * <p>Each round opens a region, starts two threads looping over the operations until one fails, waits
 * until both have done a hundred, sleeps a seeded random 0-300 microseconds (not synchronisation: it
 * moves the close across the loop) and closes: so every thread is mid-loop when the close begins, and
 * each must end on a {@code CLOSED}. The seed is printed; a failing round names it.
 */
class RegionCloseRaceTest {

    private static final long SEED = 0x20261122_3L;
    private static final int ROUNDS = 200;
    private static final int THREADS = 2;
    private static final long BASE = RegionHeader.LENGTH;
    private static final long SIZE = 1L << 20;

    /** A thread that has not ended this long after close() returned is taken as hung. */
    private static final long JOIN_MILLIS = 60_000;
    /** Blocks the threads touch; RUN's fast tier holds 64, so 200 make every few accesses a miss. */
    private static final int FEW_BLOCKS = 8;
    private static final int MANY_BLOCKS = 200;

    static Stream<Arguments> setups() {
        return Stream.of(
                Arguments.of(AccessMode.WALK, PersistenceChoice.AUTO, FEW_BLOCKS),    // libpmem by address on /dev/shm
                Arguments.of(AccessMode.WALK, PersistenceChoice.MSYNC, FEW_BLOCKS),
                Arguments.of(AccessMode.CRAWL, PersistenceChoice.AUTO, FEW_BLOCKS),   // pread/pwrite/fdatasync
                Arguments.of(AccessMode.RUN, PersistenceChoice.AUTO, FEW_BLOCKS),     // resident: the fast tier only
                Arguments.of(AccessMode.RUN, PersistenceChoice.AUTO, MANY_BLOCKS));   // misses: the capacity file too
    }

    @ParameterizedTest(name = "{0} {1} over {2} blocks")
    @MethodSource("setups")
    void shouldFailOnlyWithClosedWhenCloseRacesFlushingThreads(AccessMode mode, PersistenceChoice persistence,
                                                              int blocks) throws Exception {
        System.out.printf("close race %s %s over %d blocks: seed 0x%x, %d rounds%n", mode, persistence, blocks,
                SEED, ROUNDS);
        Random random = new Random(SEED);
        for (int round = 0; round < ROUNDS; round++) {
            try (RegionFiles files = RegionFiles.onShm()) {
                raceOneClose(mode, persistence, blocks, random, round, files);
            }
        }
    }

    private static void raceOneClose(AccessMode mode, PersistenceChoice persistence, int blocks, Random random,
                                     int round, RegionFiles files) throws InterruptedException {
        Path file = files.file("race");
        Region r = Regions.create(new RegionOptions(file).mode(mode).size(SIZE)
                .persistence(persistence).fastTier(files.file("race.fast"))
                .fastTierSize(RunRegion.minimumFastTierBytes(4096) + 64 * 4096).backgroundDestage(false));
        for (long at = BASE; at < BASE + Math.min(blocks, 64) * 4096L; at += 4096) {
            r.putLong(at, at);                          // RUN: resident and dirty before the race
        }
        AtomicReference<Throwable> unexpected = new AtomicReference<>();
        AtomicInteger endedOnClosed = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(THREADS);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                long done = 0;
                try {
                    for (int i = 0; ; i++) {
                        long at = BASE + ((i * 7L + thread) % blocks) * 4096 + (i % 32) * 64;
                        switch (i % 4) {
                            case 0 -> r.persist(at, 64);
                            case 1 -> {
                                r.flush(at, 256);
                                r.drain();
                            }
                            case 2 -> {
                                r.putLong(at, i);
                                r.persist(at, 8);
                            }
                            default -> r.getLong(at);
                        }
                        if (++done == 100) {
                            running.countDown();
                        }
                    }
                } catch (RegionException e) {
                    if (e.code() == RegionException.Code.CLOSED && file.equals(e.path())) {
                        endedOnClosed.incrementAndGet();
                    } else {
                        unexpected.compareAndSet(null, e);
                    }
                } catch (Throwable e) {
                    unexpected.compareAndSet(null, e);
                } finally {
                    if (done < 100) {
                        running.countDown();
                    }
                }
            }));
        }
        running.await();
        LockSupport.parkNanos(random.nextInt(300_000));
        String where = mode + " " + persistence + " over " + blocks + " blocks, round " + round
                + " (seed 0x" + Long.toHexString(SEED) + ")";
        r.close();                                      // must return normally, whatever is in flight
        for (Thread t : threads) {
            t.join(JOIN_MILLIS);
            assertFalse(t.isAlive(), where + ": a thread still runs " + JOIN_MILLIS + " ms after close()");
        }
        assertNull(unexpected.get(), () -> where + ": " + unexpected.get());
        assertEquals(THREADS, endedOnClosed.get(), where + ": every thread was mid-loop and must end on CLOSED");
    }
    /**
     * A JDK FileChannel closes itself when a thread in it (or entering it) is interrupted, and its file
     * lock goes with it: CRAWL's pread, pwrite and fdatasync, and RUN's capacity file. The region
     * cannot go on, so it closes: the interrupted thread's call fails with {@code CLOSED} (caused by
     * the {@code ClosedByInterruptException}, its interrupt status kept), every other thread's call and
     * every later call with {@code CLOSED}, close() returns normally, and the file opens again (the lock
     * is released, the data written before is there). Before, the interrupted call and the others
     * failed with {@code IO}, and close() with {@code IO} ("close failed": the lock's channel was closed).
     */
    @ParameterizedTest(name = "{0} over {1} blocks")
    @MethodSource("interruptSetups")
    void shouldCloseTheRegionWithClosedWhenAThreadIsInterruptedInItsChannel(AccessMode mode, int blocks)
            throws Exception {
        Random random = new Random(SEED);
        System.out.printf("interrupt %s over %d blocks: seed 0x%x, 20 rounds%n", mode, blocks, SEED);
        for (int round = 0; round < 20; round++) {
            try (RegionFiles files = RegionFiles.onShm()) {
                interruptOne(mode, blocks, random, round, files);
            }
        }
    }

    static Stream<Arguments> interruptSetups() {
        return Stream.of(Arguments.of(AccessMode.CRAWL, FEW_BLOCKS), Arguments.of(AccessMode.RUN, MANY_BLOCKS));
    }

    private static void interruptOne(AccessMode mode, int blocks, Random random, int round, RegionFiles files)
            throws InterruptedException {
        Path file = files.file("race");
        RegionOptions options = new RegionOptions(file).mode(mode).size(SIZE).fastTier(files.file("race.fast"))
                .fastTierSize(RunRegion.minimumFastTierBytes(4096) + 64 * 4096).backgroundDestage(false);
        Region r = Regions.create(options);
        r.putLong(BASE, 0x5EED);
        r.persist(BASE, 8);
        AtomicReference<Throwable>[] ended = new AtomicReference[THREADS];
        boolean[] interruptStatus = new boolean[THREADS];
        CountDownLatch running = new CountDownLatch(THREADS);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            ended[t] = new AtomicReference<>();
            threads.add(Thread.ofPlatform().start(() -> {
                long done = 0;
                try {
                    for (int i = 0; ; i++) {
                        long at = BASE + 8 + ((i * 7L + thread) % blocks) * 4096 + (i % 32) * 64;
                        if (i % 2 == 0) {
                            r.putLong(at, i);
                            r.persist(at, 8);
                        } else {
                            r.getLong(at);
                        }
                        if (++done == 100) {
                            running.countDown();
                        }
                    }
                } catch (Throwable e) {
                    ended[thread].set(e);
                } finally {
                    interruptStatus[thread] = Thread.currentThread().isInterrupted();
                    if (done < 100) {
                        running.countDown();
                    }
                }
            }));
        }
        running.await();
        LockSupport.parkNanos(random.nextInt(300_000));
        threads.get(0).interrupt();
        String where = mode + " round " + round + " (seed 0x" + Long.toHexString(SEED) + ")";
        for (Thread t : threads) {
            t.join(JOIN_MILLIS);
            assertFalse(t.isAlive(), where + ": a thread still runs " + JOIN_MILLIS + " ms after the interrupt");
        }
        for (int t = 0; t < THREADS; t++) {
            Throwable e = ended[t].get();
            String who = where + ", thread " + t + ": ";
            RegionException closed = assertInstanceOf(RegionException.class, e, () -> who + e);
            assertEquals(RegionException.Code.CLOSED, closed.code(), () -> who + e);
            assertEquals(file, closed.path(), () -> who + e);
        }
        assertTrue(causedBy(ended[0].get(), ClosedByInterruptException.class),
                () -> where + ": the interrupted thread's CLOSED names the interrupt: " + ended[0].get());
        assertTrue(interruptStatus[0], where + ": the interrupted thread keeps its interrupt status");
        RegionException after = assertThrows(RegionException.class, () -> r.getLong(BASE));
        assertEquals(RegionException.Code.CLOSED, after.code(), where);
        r.close();                                      // returns normally: the region closed itself
        try (Region again = Regions.open(options)) {
            assertEquals(0x5EED, again.getLong(BASE), where + ": reopened after the interrupt");
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
