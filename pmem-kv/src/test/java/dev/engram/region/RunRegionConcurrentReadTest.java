package dev.engram.region;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lock-free RUN loads racing eviction: a region eight times its fast tier, every 8-byte word stamped
 * with a function of its offset, two threads reading at random (8 B {@code getLong}, 64 B
 * {@code read}, 4 B {@code getInt}) while a third stores the same stamps back (so blocks go dirty and
 * every miss may destage, evict and reuse a slot under the readers). Every value read must be its
 * offset's stamp; a load served from the wrong slot returns another block's bytes.
 *
 * <p>What it catches, tried by mutation: a reference-bit update that writes a wrong word (the slot
 * field flipped in the CAS) fails at once. What it does not reliably catch: the fast path without the
 * seqlock's second read of the word. That needs a reader preempted between its two loads for the
 * microseconds an eviction and promotion take; 118,000 evictions on two cores did not produce one.
 */
class RunRegionConcurrentReadTest {

    private static final long SEED = 0x5EC10CL;
    private static final int BLOCK = 4096;
    private static final int DATA_BLOCKS = 64;
    private static final long SIZE = (long) (DATA_BLOCKS + 1) * BLOCK;   // header block + data
    private static final int READS_PER_THREAD = 60_000;

    private static long stamp(long offset) {
        return offset * 0x9E37_79B9_7F4A_7C15L ^ 0x2026_1122L;
    }

    @Test
    void shouldReadOnlyTheStampedBytesWhileEvictionReusesSlotsUnderTheReaders() throws Exception {
        System.out.printf("RUN concurrent reads: seed 0x%x%n", SEED);
        try (RegionFiles files = RegionFiles.onShm();
             Region r = Regions.create(new RegionOptions(files.file("run")).mode(AccessMode.RUN).size(SIZE)
                     .fastTier(files.file("run.fast")).fastTierSize(RunRegion.minimumFastTierBytes(BLOCK)))) {
            ByteBuffer block = ByteBuffer.allocate(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
            for (long at = BLOCK; at < SIZE; at += BLOCK) {
                for (int i = 0; i < BLOCK; i += 8) {
                    block.putLong(i, stamp(at + i));
                }
                r.write(at, block.array(), 0, BLOCK);
            }
            ((TieredRegion) r).destage();

            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                SplittableRandom random = new SplittableRandom(SEED + t);
                boolean writer = t == 2;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        if (writer) {
                            storeStamps(r, random);
                        } else {
                            readStamps(r, random);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertNull(failure.get(), () -> "seed 0x" + Long.toHexString(SEED) + ": " + failure.get());
            TieredRegion.TierStats stats = ((TieredRegion) r).tierStats();
            System.out.println("RUN concurrent reads: " + stats);
            assertTrue(stats.evictions() > 1_000, "the readers must have raced many evictions: " + stats);
        }
    }

    private static void readStamps(Region r, SplittableRandom random) {
        byte[] line = new byte[64];
        ByteBuffer view = ByteBuffer.wrap(line).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < READS_PER_THREAD; i++) {
            long word = BLOCK + 8L * random.nextLong((SIZE - BLOCK) / 8);
            switch (i % 3) {
                case 0 -> check(word, stamp(word), r.getLong(word));
                case 1 -> {
                    long at = word & -64L;
                    r.read(at, line, 0, line.length);
                    for (int k = 0; k < line.length; k += 8) {
                        check(at + k, stamp(at + k), view.getLong(k));
                    }
                }
                default -> check(word + 4, stamp(word) >>> 32, r.getInt(word + 4) & 0xFFFF_FFFFL);
            }
        }
    }

    /** Stores every word's own stamp again: the contents never change, but blocks go dirty. */
    private static void storeStamps(Region r, SplittableRandom random) {
        for (int i = 0; i < READS_PER_THREAD / 4; i++) {
            long word = BLOCK + 8L * random.nextLong((SIZE - BLOCK) / 8);
            r.putLong(word, stamp(word));
        }
    }

    private static void check(long offset, long expected, long seen) {
        if (seen != expected) {
            throw new AssertionError("offset " + offset + ": read 0x" + Long.toHexString(seen) + ", stamped 0x"
                    + Long.toHexString(expected));
        }
    }
}
