package dev.engram.kv;

import dev.engram.region.AccessMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cleaner's key-order policy ({@link KvOptions#autoKeyOrder}, the class comment of {@link Cleaner}):
 * each rule that holds a pass back, the pass when they all allow it, a pass ended by {@link Cleaner#stop}
 * half-way, and the background thread doing it while the store is open. The rules are driven through
 * {@link Cleaner#doWork} on stores opened without the background thread (quiet at once), so only the
 * last test waits, for the background thread.
 */
class KvBackgroundKeyOrderTest {

    private static final int SEGMENT = 64 * 1024;
    private static final int KEYS = 4000;

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    private KvOptions options(AccessMode mode) {
        return new KvOptions(dir.resolve("pool")).engine(EngineKind.SORTED).mode(mode).size(4 << 20)
                .segmentBytes(SEGMENT).fastTierSize(1 << 20).autoCompact(false).lanes(1);
    }

    private static byte[] key(int i) {
        return String.format("key%06d", i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int i, int round) {
        return ("value " + i + " round " + round + " " + "-".repeat(80)).getBytes(StandardCharsets.UTF_8);
    }

    /** Keys 0..KEYS-1 in a seeded random order (or ascending). */
    private static List<Integer> order(boolean random) {
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            keys.add(i);
        }
        if (random) {
            Collections.shuffle(keys, new Random(0x5EEDL));
        }
        return keys;
    }

    private static void fill(KvStore kv, boolean random, int round) {
        for (int i : order(random)) {
            kv.put(key(i), value(i, round));
        }
    }

    /** The policy's thresholds for a small store: 1,000 keys, and "quiet" at once. */
    private static Cleaner policy(KvStore kv) {
        Cleaner c = kv.cleaner();
        c.keyOrderMinKeys = 1000;
        c.keyOrderQuietNanos = 0;
        return c;
    }

    private static void assertValues(KvStore kv, int round) {
        for (int i = 0; i < KEYS; i++) {
            assertArrayEquals(value(i, round), kv.get(key(i)), "key " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void shouldLayARandomFillOutInKeyOrderOnceWhenQuiet(AccessMode mode) {
        try (KvStore kv = KvStore.create(options(mode))) {
            fill(kv, true, 0);
            Cleaner c = policy(kv);
            double before = c.sequentialShare();
            assertTrue(before < 0.1, "a random fill is out of order: " + before);

            drain(c);                          // in CRAWL, the padded durable puts' segments are cleaned first
            assertEquals(1, kv.stats().keyOrderPasses());
            double after = c.sequentialShare();
            assertTrue(after > 0.9, "in key order after the pass: " + after);
            assertValues(kv, 0);
            assertTrue(kv.check().clean(), kv.check().toString());

            for (int i = 0; i < 10; i++) {
                c.doWork();                    // nothing written since: no second pass
            }
            assertEquals(1, kv.stats().keyOrderPasses());
        }
        try (KvStore kv = KvStore.open(options(mode))) {
            assertValues(kv, 0);
            assertTrue(kv.cleaner().sequentialShare() > 0.9, "still in order after a reopen");
        }
    }

    @Test
    void shouldLeaveALogWrittenInKeyOrderAlone() {
        try (KvStore kv = KvStore.create(options(AccessMode.WALK))) {
            fill(kv, false, 0);
            Cleaner c = policy(kv);
            assertTrue(c.sequentialShare() > 0.9, "an ascending fill is in order: " + c.sequentialShare());
            c.doWork();
            assertEquals(0, kv.stats().keyOrderPasses());
        }
    }

    @Test
    void shouldWaitForEnoughKeys() {
        try (KvStore kv = KvStore.create(options(AccessMode.WALK))) {
            fill(kv, true, 0);
            Cleaner c = policy(kv);
            c.keyOrderMinKeys = KEYS + 1;
            c.doWork();
            assertEquals(0, kv.stats().keyOrderPasses());
            c.keyOrderMinKeys = KEYS;
            c.doWork();
            assertEquals(1, kv.stats().keyOrderPasses(), "due at the threshold");
        }
    }

    @Test
    void shouldNotInterruptWritesUntilTheyReachFourTimesTheLiveData() {
        try (KvStore kv = KvStore.create(options(AccessMode.WALK).size(16 << 20))) {
            fill(kv, true, 0);
            Cleaner c = policy(kv);
            c.keyOrderQuietNanos = Long.MAX_VALUE;           // writes never stop, as far as the policy knows
            c.doWork();
            assertEquals(0, kv.stats().keyOrderPasses(), "a load that is still writing is left alone");

            long perRound = kv.stats().userBytesWritten();
            int round = 0;
            while (kv.stats().userBytesWritten() + perRound
                    < (long) Cleaner.KEY_ORDER_BUSY_FACTOR * kv.stats().liveBytes()) {
                fill(kv, true, ++round);
                drain(c);
                assertEquals(0, kv.stats().keyOrderPasses(), "round " + round);
            }
            assertTrue(round >= 2, round + " rounds");
            for (int more = 0; more < 2 && kv.stats().keyOrderPasses() == 0; more++) {
                fill(kv, true, ++round);
                drain(c);
            }
            assertEquals(1, kv.stats().keyOrderPasses(), "after " + round + " rounds of overwrites: " + kv.stats());
            assertValues(kv, round);
        }
    }

    /**
     * Duty cycles until one does nothing or passes in key order: the periodic cleaning of overwritten
     * segments comes before a pass.
     */
    private static void drain(Cleaner c) {
        long passes = c.keyOrderPasses();
        for (int i = 0; i < 10_000; i++) {
            if (c.doWork() == 0 || c.keyOrderPasses() != passes) {
                return;
            }
        }
    }

    @Test
    void shouldWaitForWritesWorthTheLiveDataBeforeASecondPass() {
        try (KvStore kv = KvStore.create(options(AccessMode.WALK).size(16 << 20))) {
            fill(kv, true, 0);
            Cleaner c = policy(kv);
            c.doWork();
            assertEquals(1, kv.stats().keyOrderPasses());
            // Half the keys rewritten at random: out of order again, but less written than is live.
            List<Integer> half = order(true).subList(0, KEYS / 2);
            for (int i : half) {
                kv.put(key(i), value(i, 1));
            }
            drain(c);
            assertTrue(c.sequentialShare() < 0.5, "out of order again: " + c.sequentialShare());
            assertEquals(1, kv.stats().keyOrderPasses(), "half the live data written since the pass");
            for (int i : order(true)) {
                kv.put(key(i), value(i, 2));
            }
            drain(c);
            assertEquals(2, kv.stats().keyOrderPasses(), "as much as the live data written since the pass");
            assertValues(kv, 2);
        }
    }

    @Test
    void shouldNeedRoomForACopyOfTheLiveData() {
        // Room for the keys (about 10 segments of 64 KiB) but not for a second copy of them.
        long size = PoolFormat.FIRST_SEGMENT_OFFSET + 14L * SEGMENT;
        try (KvStore kv = KvStore.create(options(AccessMode.WALK).size(size).maxSize(size))) {
            fill(kv, true, 0);
            Cleaner c = policy(kv);
            c.doWork();
            assertEquals(0, kv.stats().keyOrderPasses());
            assertValues(kv, 0);
        }
        try (KvStore kv = KvStore.open(options(AccessMode.WALK).maxSize(4 * size))) {
            Cleaner c = policy(kv);
            c.doWork();
            assertEquals(1, kv.stats().keyOrderPasses(), "with room to grow into");
        }
    }

    @Test
    void shouldBeOffWhenAskedAndOnTheHashEngine() {
        try (KvStore kv = KvStore.create(options(AccessMode.WALK).autoKeyOrder(false))) {
            fill(kv, true, 0);
            policy(kv).doWork();
            assertEquals(0, kv.stats().keyOrderPasses());
        }
        try (KvStore kv = KvStore.create(new KvOptions(dir.resolve("hash")).engine(EngineKind.HASH)
                .segmentBytes(SEGMENT).autoCompact(false))) {
            fill(kv, true, 0);
            policy(kv).doWork();
            assertEquals(0, kv.stats().keyOrderPasses());
        }
    }

    @ParameterizedTest
    @EnumSource(AccessMode.class)
    void shouldKeepWhatAStoppedPassMovedAndNothingElseChanges(AccessMode mode) {
        int stopAt = KEYS / 3;
        try (KvStore kv = KvStore.create(options(mode))) {
            fill(kv, true, 0);
            Cleaner c = kv.cleaner();
            Iterator<Map.Entry<byte[], Entry>> inOrder = ((Index.Sorted) kv.index()).view().entrySet().iterator();
            Iterator<Map.Entry<byte[], Entry>> stopping = new Iterator<>() {
                int handed;

                @Override
                public boolean hasNext() {
                    return inOrder.hasNext();
                }

                @Override
                public Map.Entry<byte[], Entry> next() {
                    if (++handed == stopAt) {
                        c.stop();              // as close() does, from another thread
                    }
                    return inOrder.next();
                }
            };
            CompactionReport r = c.compactInKeyOrder(stopping, true);
            assertEquals(stopAt, r.recordsCopied(), r.toString());
            assertEquals(0, r.segmentsCleaned(), "the sources are left to the periodic cleaning: " + r);
            assertEquals(0, c.keyOrderPasses(), "a stopped pass is not counted");
            assertValues(kv, 0);
            assertTrue(kv.check().clean(), kv.check().toString());
            c.keyOrderQuietNanos = 0;
            c.keyOrderMinKeys = 1;
            c.doWork();
            assertEquals(0, c.keyOrderPasses(), "no pass starts after stop()");
        }
        try (KvStore kv = KvStore.open(options(mode))) {
            assertValues(kv, 0);
            assertTrue(kv.check().clean(), kv.check().toString());
        }
    }

    @Test
    void shouldRunInTheBackgroundOnceWritesStopAndKeepEveryWrite() throws Exception {
        KvOptions o = options(AccessMode.WALK).autoCompact(true).size(16 << 20);
        try (KvStore kv = KvStore.create(o)) {
            kv.cleaner().keyOrderMinKeys = 1000;
            kv.cleaner().keyOrderQuietNanos = 50_000_000L;
            fill(kv, true, 0);
            // A writer rewrites a tenth of the keys 20 times, then stops; a pass may also start in a pause.
            Thread writer = new Thread(() -> {
                for (int round = 1; round <= 20; round++) {
                    for (int i = 0; i < KEYS / 10; i++) {
                        kv.put(key(i), value(i, round));
                    }
                }
            });
            writer.start();
            writer.join();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (kv.stats().keyOrderPasses() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(kv.stats().keyOrderPasses() >= 1, "no background pass within a minute: " + kv.stats());
            for (int i = 0; i < KEYS; i++) {
                assertArrayEquals(value(i, i < KEYS / 10 ? 20 : 0), kv.get(key(i)), "key " + i);
            }
        }
        try (KvStore kv = KvStore.open(o)) {
            for (int i = 0; i < KEYS; i++) {
                assertArrayEquals(value(i, i < KEYS / 10 ? 20 : 0), kv.get(key(i)), "after reopen, key " + i);
            }
            assertTrue(kv.check().clean(), kv.check().toString());
        }
    }
}
