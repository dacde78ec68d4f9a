package dev.engram.region;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@code close()} racing threads that flush, persist, store and load: each racing call either
 * succeeds or fails with {@code CLOSED}; nothing else, and never a fault that kills the JVM. WALK
 * flushes by raw address with no arena held (see {@link WalkRegion}), so before its flush pin a
 * close could unmap a range under a flush; RUN's fast tier is such a WALK region.
 *
 * <p>Each round opens a region, starts two threads looping over the operations until one fails, waits
 * until both have done a hundred, sleeps a seeded random 0-300 microseconds and closes: so every
 * thread is mid-loop when the close begins, and each must end on a {@code CLOSED}. The seed is
 * printed; a failing round names it.
 */
class RegionCloseRaceTest {

    private static final long SEED = 0x20261122_3L;
    private static final int ROUNDS = 200;
    private static final int THREADS = 2;
    private static final long BASE = RegionHeader.LENGTH;
    private static final long SIZE = 1L << 20;

    static Stream<Arguments> setups() {
        return Stream.of(
                Arguments.of(AccessMode.WALK, PersistenceChoice.AUTO),    // libpmem by address on /dev/shm
                Arguments.of(AccessMode.WALK, PersistenceChoice.MSYNC),
                Arguments.of(AccessMode.RUN, PersistenceChoice.AUTO));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("setups")
    void shouldFailOnlyWithClosedWhenCloseRacesFlushingThreads(AccessMode mode, PersistenceChoice persistence)
            throws Exception {
        System.out.printf("close race %s %s: seed 0x%x, %d rounds%n", mode, persistence, SEED, ROUNDS);
        Random random = new Random(SEED);
        for (int round = 0; round < ROUNDS; round++) {
            try (RegionFiles files = RegionFiles.onShm()) {
                raceOneClose(mode, persistence, random, round, files);
            }
        }
    }

    private static void raceOneClose(AccessMode mode, PersistenceChoice persistence, Random random, int round,
                                     RegionFiles files) throws InterruptedException {
        Region r = Regions.create(new RegionOptions(files.file("race")).mode(mode).size(SIZE)
                .persistence(persistence).fastTier(files.file("race.fast"))
                .fastTierSize(RunRegion.minimumFastTierBytes(4096) + 64 * 4096).backgroundDestage(false));
        for (long at = BASE; at < BASE + 8 * 4096; at += 4096) {
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
                        long at = BASE + ((i * 7L + thread) % 8) * 4096 + (i % 32) * 64;
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
                    if (e.code() == RegionException.Code.CLOSED) {
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
        r.close();
        for (Thread t : threads) {
            t.join();
        }
        String where = mode + " " + persistence + " round " + round + " (seed 0x" + Long.toHexString(SEED) + ")";
        assertNull(unexpected.get(), () -> where + ": " + unexpected.get());
        assertEquals(THREADS, endedOnClosed.get(), where + ": every thread was mid-loop and must end on CLOSED");
    }
}
