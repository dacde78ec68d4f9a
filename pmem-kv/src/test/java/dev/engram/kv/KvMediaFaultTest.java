package dev.engram.kv;

import dev.engram.device.DeviceProfile;
import dev.engram.device.DeviceRegion;
import dev.engram.device.MediaFault;
import dev.engram.region.AccessMode;
import dev.engram.region.Region;
import dev.engram.region.RegionOptions;
import dev.engram.region.Regions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Media faults under a store (issue #6, deliverable 6): the device emulation sticks bits or kills
 * whole 256 B media lines in 0.01 %, 0.1 % or 1 % of the lines of the log, the store then takes a
 * seeded workload (puts, overwrites, deletes, batches), and
 * <ul>
 *   <li>a read never returns wrong data: each key reads its last written value or fails with
 *       {@link KvException.Code#MEDIA} (never an older value, another value or nothing);</li>
 *   <li>{@link KvStore#check()} names exactly the affected keys;</li>
 *   <li>every other key stays readable.</li>
 * </ul>
 * "Affected" is decided without the engine's checksums: a twin store takes the same workload on a
 * fault-free region (records land at the same offsets, since the workload is single-threaded), and a
 * key is affected when the bytes of its current record differ between the two regions.
 */
class KvMediaFaultTest {

    private static final long SEED = Long.getLong("engram.seed", 0xFA_017L);
    private static final int SEGMENT_BYTES = 64 * 1024;
    private static final long POOL_BYTES = PoolFormat.FIRST_SEGMENT_OFFSET + 128L * SEGMENT_BYTES;   // 8 MiB + 16 KiB
    private static final int KEYS = 6000;

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    enum FaultKind { STUCK_BITS, DEAD_LINES }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (double fraction : new double[]{0.0001, 0.001, 0.01}) {
            for (FaultKind kind : FaultKind.values()) {
                for (EngineKind engine : EngineKind.values()) {
                    cases.add(Arguments.of(fraction, kind, engine));
                }
            }
        }
        return cases.stream();
    }

    /** A store and its fault-free twin after the same workload, with the model of what was written. */
    private record Pair(KvStore faulty, DeviceRegion device, KvStore twin, Region twinRegion, Map<String, String> model,
                        List<MediaFault> faults) {
    }

    @ParameterizedTest(name = "{0} of lines, {1}, {2}")
    @MethodSource("cases")
    void shouldNeverReturnWrongDataAndNameExactlyTheDamagedKeys(double fraction, FaultKind kind, EngineKind engine) {
        long seed = SEED ^ Double.doubleToLongBits(fraction) ^ kind.ordinal() * 31L ^ engine.ordinal();
        System.out.println("media faults: " + fraction + " of lines, " + kind + ", " + engine + ", seed=" + seed);
        Pair p = faultyPair(fraction, kind, engine, seed);
        try {
            TreeSet<String> affected = affectedKeys(p);
            TreeSet<String> failed = assertReadsAreRightOrMedia(p.faulty(), p.model(), "seed=" + seed);
            assertEquals(affected, failed, "seed=" + seed + ": keys whose reads fail vs keys whose record bytes differ");
            CheckReport report = p.faulty().check();
            assertEquals(printable(affected), new TreeSet<>(report.damagedKeys()), "seed=" + seed + ": " + report);
            System.out.printf("  %d faults, %d of %d keys affected, check: %d records, %d problems%n", p.faults().size(),
                    affected.size(), p.model().size(), report.recordsChecked(), report.problems().size());
            if (fraction >= 0.001) {
                assertTrue(!affected.isEmpty(), "seed=" + seed + ": the faults hit no key; the test would prove nothing");
            }
        } finally {
            p.faulty().close();
            p.twin().close();
        }
    }

    /**
     * Damage found after a restart: the faults stay, the store is reopened on the faulty device, and
     * recovery must index every damaged record so its key reads MEDIA instead of an older version.
     * Faults here are stuck bits inside the value bytes of single put records that another record of
     * their segment follows, injected after the workload. (Batches, headers, keys, sealed segments' and
     * lanes' last records: below.)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void shouldReadDamagedValuesAsMediaErrorsAfterReopening(EngineKind engine) {
        long seed = SEED ^ 0x5E0BEL ^ engine.ordinal();
        Pair p = faultyPair(0, FaultKind.STUCK_BITS, engine, seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        TreeSet<String> hit = new TreeSet<>();
        List<String> keys = new ArrayList<>(p.model().keySet());
        while (hit.size() < 25) {
            String key = keys.get(rnd.nextInt(keys.size()));
            Entry e = p.faulty().index().get(key.getBytes(StandardCharsets.US_ASCII));
            if (e.valueLength == 0 || p.device().getByte(e.recordOffset + PoolFormat.REC_TYPE_OFFSET) != PoolFormat.TYPE_PUT
                    || !followedByARecord(p.twinRegion(), e)) {
                continue;
            }
            long at = e.valueOffset + rnd.nextInt(e.valueLength);
            byte current = p.device().getByte(at);
            int bit = rnd.nextInt(8);
            p.device().injectStuckBit(at, bit, ((current >> bit) & 1) == 0);     // the opposite of what is there
            hit.add(key);
        }
        // The first store is abandoned, not closed (closing it would close the device): a restart.
        try (KvStore reopened = KvStore.open(options(engine), p.device())) {
            TreeSet<String> failed = assertReadsAreRightOrMedia(reopened, p.model(), "seed=" + seed);
            assertEquals(hit, failed, "seed=" + seed);
            assertEquals(printable(hit), new TreeSet<>(reopened.check().damagedKeys()), "seed=" + seed);
        } finally {
            p.twin().close();
        }
    }

    /** Whether another record follows {@code e}'s in its segment, so recovery can tell damage from a torn tail. */
    private static boolean followedByARecord(Region region, Entry e) {
        long segment = (e.recordOffset - PoolFormat.FIRST_SEGMENT_OFFSET) / SEGMENT_BYTES;
        long end = PoolFormat.FIRST_SEGMENT_OFFSET + (segment + 1) * SEGMENT_BYTES;
        long next = PoolFormat.align8(e.recordOffset + e.recordLength);
        return next + PoolFormat.REC_HEADER_LENGTH <= end
                && region.getInt(next + PoolFormat.REC_LENGTH_OFFSET) >= PoolFormat.REC_HEADER_LENGTH;
    }

    static Stream<EngineKind> engines() {
        return Stream.of(EngineKind.values());
    }

    /** BUG-6, fixed: recovery indexes the keys of a damaged batch record, so they read MEDIA, not their previous values. */
    @Test
    void shouldReadTheKeysOfADamagedBatchAsMediaErrorsAfterReopening() {
        Region region = region("batch");
        KvStore kv = KvStore.create(options(EngineKind.HASH), region);
        kv.put(bytes("k"), bytes("old value"));
        kv.write(new WriteBatch().put(bytes("k"), bytes("new value")).put(bytes("j"), bytes("other")));
        kv.put(bytes("after"), bytes("a record after the batch: the damage is provably not a torn tail"));
        Entry e = kv.index().get(bytes("k"));
        long at = e.valueOffset;                       // the first byte of "new value" in the batch record
        region.putByte(at, (byte) (region.getByte(at) ^ 0x01));   // the media flips one bit
        KvStore reopened = KvStore.open(options(EngineKind.HASH), region);    // a restart: the first store is abandoned
        KvException thrown = org.junit.jupiter.api.Assertions.assertThrows(KvException.class,
                () -> reopened.get(bytes("k")), "k must not read its previous value 'old value'");
        assertEquals(KvException.Code.MEDIA, thrown.code());
        reopened.close();
    }

    /**
     * BUG-5, the damaged last record of a segment the lane left: the seal that K0 of the lane's next
     * segment wrote says the segment was durable up to its tail, so a record there that fails its
     * checksum is media damage, not a torn tail. Two flipped bits: no single-bit repair, the seal alone.
     */
    @Test
    void shouldReadADamagedLastRecordOfASealedSegmentAsAMediaErrorAfterReopening() {
        Region region = region("sealed");
        KvStore kv = KvStore.create(options(EngineKind.SORTED), region);
        kv.put(bytes("k"), bytes("old value"));
        String filler = "f".repeat(1000);
        int i = 0;
        long segmentOfK;
        do {      // fill segment 0 until the record after k opens segment 1
            kv.put(bytes("k"), bytes("new value " + i));
            segmentOfK = (kv.index().get(bytes("k")).recordOffset - PoolFormat.FIRST_SEGMENT_OFFSET) / SEGMENT_BYTES;
            kv.put(bytes("filler-" + i), bytes(filler));
            i++;
        } while ((kv.index().get(bytes("filler-" + (i - 1))).recordOffset - PoolFormat.FIRST_SEGMENT_OFFSET) / SEGMENT_BYTES
                == segmentOfK);
        String expected = "new value " + (i - 1);
        Entry e = kv.index().get(bytes("k"));
        assertEquals(e.recordOffset + PoolFormat.align8(e.recordLength) + 0L, nextRecordOrTail(region, e),
                "k's record must be the last of its segment");
        region.putByte(e.valueOffset, (byte) (region.getByte(e.valueOffset) ^ 0x01));          // the media flips two bits
        region.putByte(e.valueOffset + 2, (byte) (region.getByte(e.valueOffset + 2) ^ 0x10));
        KvStore reopened = KvStore.open(options(EngineKind.SORTED), region);      // a restart: the first store is abandoned
        KvException thrown = org.junit.jupiter.api.Assertions.assertThrows(KvException.class,
                () -> reopened.get(bytes("k")), "k must not read an older value than '" + expected + "'");
        assertEquals(KvException.Code.MEDIA, thrown.code());
        assertEquals(List.of("'k'"), reopened.check().damagedKeys());
        reopened.close();
    }

    /** Where the record after {@code e} would start: nothing of e's generation is there (it was the last). */
    private static long nextRecordOrTail(Region region, Entry e) {
        long next = PoolFormat.align8(e.recordOffset + e.recordLength);
        int generation = region.getInt(e.recordOffset + PoolFormat.REC_GENERATION_OFFSET);
        long segmentEnd = PoolFormat.FIRST_SEGMENT_OFFSET
                + ((e.recordOffset - PoolFormat.FIRST_SEGMENT_OFFSET) / SEGMENT_BYTES + 1) * SEGMENT_BYTES;
        boolean another = next + PoolFormat.REC_HEADER_LENGTH <= segmentEnd
                && region.getInt(next + PoolFormat.REC_GENERATION_OFFSET) == generation;
        return another ? -1 : next;
    }

    /**
     * After a clean close the index checkpoint records each segment's last record, and every lane was
     * persisted before it was written: the lane's last record, damaged after the close, is media damage,
     * not a torn tail (after a crash the lane tail slot does: {@link #shouldReadADamagedLastRecordAsAMediaErrorAfterACrash}).
     */
    @Test
    void shouldReadADamagedLastRecordAsAMediaErrorAfterACleanCloseWithItsCheckpoint() throws IOException {
        Path pool = dir.resolve("closed");
        KvOptions options = new KvOptions(pool).engine(EngineKind.HASH).mode(AccessMode.WALK).size(POOL_BYTES)
                .segmentBytes(SEGMENT_BYTES).autoCompact(false);
        long valueOffset;
        try (KvStore kv = KvStore.create(options)) {
            kv.put(bytes("k"), bytes("old value"));
            kv.put(bytes("k"), bytes("new value"));
            valueOffset = kv.index().get(bytes("k")).valueOffset;
        }
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(pool.toFile(), "rw")) {
            for (long at : new long[]{valueOffset, valueOffset + 2}) {      // two flipped bits: no single-bit repair
                f.seek(at);
                int x = f.read();
                f.seek(at);
                f.write(x ^ 0x08);
            }
        }
        try (KvStore reopened = KvStore.open(options)) {
            KvException thrown = org.junit.jupiter.api.Assertions.assertThrows(KvException.class,
                    () -> reopened.get(bytes("k")), "k must not read its previous value 'old value'");
            assertEquals(KvException.Code.MEDIA, thrown.code());
            assertEquals("checkpoint+scan", reopened.recovery().method(), reopened.recovery().toString());
        }
    }

    /**
     * BUG-5, C2 on a dead header line: the cleaner frees a segment whose header line died after its K0,
     * so the FREE header does not take and the segment still reads LIVE on media. It must not be handed
     * out again (a K0 there would not take either, and the records of the new generation would vanish
     * after a restart under the old header): it stays in the log, and after a restart every key reads
     * its value and a deleted key reads nothing.
     */
    @Test
    void shouldNeverReuseASegmentWhoseFreeHeaderTheMediaDidNotTake() {
        DeviceRegion device = DeviceRegion.builder(region("free"), DeviceProfile.NONE).calibrate(false).build();
        KvOptions options = options(EngineKind.HASH).lanes(1);
        KvStore kv = KvStore.create(options, device);
        Map<String, String> model = new TreeMap<>();
        kv.put(bytes("gone"), bytes("deleted later"));
        for (int i = 0; i < 200; i++) {       // segment 0 fills, then every key is overwritten elsewhere
            kv.put(bytes("k" + i), bytes("first " + "x".repeat(500)));
        }
        for (int i = 0; i < 200; i++) {
            String v = "second " + i + "y".repeat(500);
            kv.put(bytes("k" + i), bytes(v));
            model.put("k" + i, v);
        }
        kv.delete(bytes("gone"));
        device.injectDeadLine(PoolFormat.FIRST_SEGMENT_OFFSET);     // segment 0's header line dies, LIVE as it is
        kv.compact();
        assertTrue(kv.stats().lostWrites() >= 1, kv.stats().toString());
        for (int i = 0; i < 400; i++) {       // enough new segments that a reused segment 0 would be among them
            String v = "third " + i + "z".repeat(500);
            kv.put(bytes("n" + i), bytes(v));
            model.put("n" + i, v);
        }
        try (KvStore reopened = KvStore.open(options, device)) {     // a restart: the first store is abandoned
            assertTrue(assertReadsAreRightOrMedia(reopened, model, "reopened").isEmpty(), "every key reads its value");
            assertNull(reopened.get(bytes("gone")), "a deleted key must stay deleted");
            assertTrue(reopened.check().damagedKeys().isEmpty(), reopened.check().toString());
        }
    }

    /** The repair recovery uses to name a damaged record's key: every single flipped bit is found from the checksum. */
    @Test
    void shouldFindEverySingleFlippedBitOfARecordFromItsChecksum() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        byte[] original = new byte[300];
        rnd.nextBytes(original);
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(original, 4, original.length - 4);
        int crc = (int) c.getValue();
        for (int bit = 32; bit < original.length * 8; bit++) {
            byte[] damaged = original.clone();
            damaged[bit / 8] ^= (byte) (1 << (bit % 8));
            assertTrue(Recovery.repairOneBit(damaged, 4, damaged.length - 4, crc), "bit " + bit);
            assertArrayEquals(original, damaged, "bit " + bit);
        }
        byte[] twoBits = original.clone();
        twoBits[10] ^= 1;
        twoBits[200] ^= 4;
        assertTrue(!Recovery.repairOneBit(twoBits.clone(), 4, twoBits.length - 4, crc), "two flipped bits are not one");
        assertTrue(Recovery.repairOneBit(original.clone(), 4, original.length - 4, crc ^ 0x100),
                "a flip in the stored checksum leaves the data as it is");
    }

    /**
     * BUG-5, the last record a lane wrote before a crash, damaged by the media: nothing after it says it
     * was whole once (no later PREFIX_DURABLE record, no seal: the lane never left the segment), but the
     * lane's tail slot (format 1.4, K2c) says the lane persisted it before the put returned, so it is
     * media damage, not a torn tail, and the key reads MEDIA instead of its previous value.
     */
    @Test
    void shouldReadADamagedLastRecordAsAMediaErrorAfterACrash() {
        Region region = region("last");
        KvStore kv = KvStore.create(options(EngineKind.HASH), region);
        kv.put(bytes("k"), bytes("old value"));
        kv.put(bytes("k"), bytes("new value"));            // acknowledged durable, then the process dies
        flipABitOfTheValue(kv, region);                    // the media flips one bit
        assertReadsMediaAfterACrash(region);
    }

    /**
     * The trade-off {@link KvOptions#laneTails} documents: without the lane tail (K2c) nothing proves the
     * lane's last record was ever whole, so after a crash its damage reads as a torn tail and the key
     * reads its previous value. Pins that the option really turns K2c off (and that the test above
     * depends on it).
     */
    @Test
    void shouldReadTheDamagedLastRecordAsTornWithoutLaneTails() {
        Region region = region("no-tails");
        KvStore kv = KvStore.create(options(EngineKind.HASH).laneTails(false), region);
        kv.put(bytes("k"), bytes("old value"));
        kv.put(bytes("k"), bytes("new value"));
        flipABitOfTheValue(kv, region);
        assertReadsTheOldValueAfterACrash(region, options(EngineKind.HASH).laneTails(false));
    }

    /**
     * {@link LaneTails#BACKGROUND}'s window, as documented: a durable put returns before its lane's tail
     * is committed, so until the background agent (or sync, or close) commits it, the lane's last record
     * damaged by the media reads as torn after a crash: the key's previous value. Pins that the put
     * itself skips K2c (the tests below pin who commits it).
     */
    @Test
    void shouldReadTheDamagedLastRecordAsTornWhileItsTailIsStillDue() {
        Region region = region("tail-due");
        KvStore kv = KvStore.create(options(EngineKind.HASH).laneTails(LaneTails.BACKGROUND), region);
        kv.put(bytes("k"), bytes("old value"));
        kv.put(bytes("k"), bytes("new value"));            // acknowledged durable; the tail is left due
        assertEquals(1, kv.log().tailsDue(), "the put's lane has a tail to commit");
        flipABitOfTheValue(kv, region);
        assertReadsTheOldValueAfterACrash(region, options(EngineKind.HASH));
    }

    /**
     * With {@link LaneTails#BACKGROUND}, once the background agent's round ({@link Cleaner#doWork}, run
     * here on the test's thread) or a {@code sync()} has committed the tail, the damaged last record
     * reads MEDIA after a crash, as with the default.
     */
    @ParameterizedTest
    @ValueSource(strings = {"round", "sync"})
    void shouldReadADamagedLastRecordAsAMediaErrorOnceItsTailIsCommittedInTheBackground(String by) {
        Region region = region("tail-" + by);
        KvStore kv = KvStore.create(options(EngineKind.HASH).laneTails(LaneTails.BACKGROUND), region);
        kv.put(bytes("k"), bytes("old value"));
        kv.put(bytes("k"), bytes("new value"));
        if (by.equals("round")) {
            kv.cleaner().doWork();
        } else {
            kv.sync();
        }
        assertEquals(0, kv.log().tailsDue(), "committed by the " + by);
        flipABitOfTheValue(kv, region);
        assertReadsMediaAfterACrash(region);
    }

    /**
     * With {@link LaneTails#BACKGROUND} the store starts its background agent at open, not only once the
     * log has sealed segments, and the agent commits a due tail by itself (it sleeps 100 ms between
     * rounds; 10 s is the bound of a loaded machine, not the promise).
     */
    @Test
    void shouldCommitADueTailWithTheBackgroundAgentOfAFreshStore() throws InterruptedException {
        Region region = region("tail-agent");
        KvOptions options = options(EngineKind.HASH).laneTails(LaneTails.BACKGROUND).autoCompact(true);
        try (KvStore kv = KvStore.create(options, region)) {
            kv.put(bytes("k"), bytes("v"));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (kv.log().tailsDue() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0, kv.log().tailsDue(), "the agent committed the tail");
        }
    }

    /**
     * A background pass in key order over a large sorted store runs for seconds inside one round of the
     * agent; it commits the due tails on the way (between keys and between the segments it then cleans,
     * {@link Cleaner#TAIL_ROUND_NANOS} apart), so that the
     * window {@link LaneTails#BACKGROUND} documents holds during it too. Here the pass runs on the test's
     * thread, with no round before it: the writer's lane, left due by its durable put, is committed.
     */
    @Test
    void shouldCommitDueTailsDuringABackgroundPassInKeyOrder() {
        KvStore kv = KvStore.create(options(EngineKind.SORTED).laneTails(LaneTails.BACKGROUND), region("tail-pass"));
        for (int i = 0; i < 20; i++) {
            kv.put(bytes("k" + i), bytes("v" + i));
        }
        Log.Lane writer = kv.log().laneForThread();
        assertTrue(writer.tailDue, "the durable puts left the writer's tail due");
        kv.cleaner().compactInKeyOrder(((Index.Sorted) kv.index()).view().entrySet().iterator(), true);
        assertTrue(!writer.tailDue, "the pass committed it");
        kv.close();
    }

    /**
     * A store reports the lane tails it runs: what it was asked for on byte-addressable media, and OFF on
     * a block device (CRAWL here), where no tail is written whatever was asked.
     */
    @Test
    void shouldReportTheLaneTailsItRunsAndOffOnABlockDevice() {
        try (KvStore walk = KvStore.create(options(EngineKind.HASH).laneTails(LaneTails.BACKGROUND), region("walk"))) {
            assertEquals(LaneTails.BACKGROUND, walk.laneTails());
        }
        Region crawl = Regions.create(new RegionOptions(dir.resolve("crawl")).mode(AccessMode.CRAWL).size(POOL_BYTES));
        try (KvStore kv = KvStore.create(options(EngineKind.HASH).laneTails(LaneTails.EVERY_PERSIST), crawl)) {
            assertEquals(LaneTails.OFF, kv.laneTails());
            kv.put(bytes("k"), bytes("v"));
            assertEquals(0, kv.log().tailsDue());
        }
    }

    /** Flips one bit of k's newest value, as the media might after the put returned. */
    private static void flipABitOfTheValue(KvStore kv, Region region) {
        Entry e = kv.index().get(bytes("k"));
        region.putByte(e.valueOffset, (byte) (region.getByte(e.valueOffset) ^ 0x01));
    }

    /** Opens the pool as after a crash: k, whose last record the media damaged, reads MEDIA. */
    private static void assertReadsMediaAfterACrash(Region region) {
        try (KvStore reopened = KvStore.open(options(EngineKind.HASH), region)) {
            KvException thrown = org.junit.jupiter.api.Assertions.assertThrows(KvException.class,
                    () -> reopened.get(bytes("k")), "k must not read its previous value 'old value'");
            assertEquals(KvException.Code.MEDIA, thrown.code());
        }
    }

    /** Opens the pool as after a crash: k's damaged last record is dropped as a torn tail. */
    private static void assertReadsTheOldValueAfterACrash(Region region, KvOptions options) {
        try (KvStore reopened = KvStore.open(options, region)) {
            assertArrayEquals(bytes("old value"), reopened.get(bytes("k")), "dropped as a torn tail, as documented");
            assertEquals(1, reopened.recovery().tornTailRecords(), reopened.recovery().toString());
        }
    }

    /**
     * {@link KvOptions#laneTails} is chosen per open, so a tail written by an earlier open must stay true:
     * opens with K2c after every persist, left to the background (here never run: no agent) and off, each
     * ended by a crash, lose no acknowledged write and leave check() clean.
     */
    @Test
    void shouldRecoverEveryAcknowledgedWriteAcrossOpensWithAndWithoutLaneTails() {
        Region region = region("mixed-tails");
        KvStore first = KvStore.create(options(EngineKind.HASH), region);
        Map<String, String> model = new java.util.TreeMap<>();
        for (int round = 0; round < 6; round++) {
            KvStore kv = round == 0 ? first
                    : KvStore.open(options(EngineKind.HASH).laneTails(LaneTails.values()[round % 3]), region);
            for (int k = 0; k < 50; k++) {                 // durable: acknowledged when put returns
                String v = "round" + round + "-" + k;
                kv.put(bytes("k" + (k + round * 17) % 80), bytes(v));
                model.put("k" + (k + round * 17) % 80, v);
            }
            // no close: the next open recovers from the log, as after a crash
        }
        try (KvStore reopened = KvStore.open(options(EngineKind.HASH), region)) {
            for (Map.Entry<String, String> e : model.entrySet()) {
                assertArrayEquals(bytes(e.getValue()), reopened.get(bytes(e.getKey())), e.getKey());
            }
            assertTrue(reopened.check().clean(), reopened.check().toString());
        }
    }

    /**
     * BUG-5 and BUG-6, fixed for stuck bits: 1 % of the log's lines hold a stuck bit before the workload
     * (segment headers, record headers, keys, SEQs, batches, last records of sealed segments included),
     * and after a restart every key reads its value or MEDIA, exactly the affected ones fail, and check()
     * names them. Recovery resynchronises past damaged record headers, finds each single flipped bit
     * from the checksum to name the damaged record's keys and SEQ, and takes a damaged segment header
     * that its own records vouch for as live.
     */
    @Test
    void shouldReadEveryKeyRightOrAsMediaAfterReopeningWithRandomFaults() {
        assertEveryKeyRightOrMediaAfterReopening(FaultKind.STUCK_BITS);
    }

    /**
     * BUG-5, dead lines: a dead line garbles a whole 256 B line before the workload, so a record header
     * or key it covers cannot be repaired from the record's own bytes, and a segment header it covers
     * never takes. The store learns at write time that the media did not take the record (the region's
     * bad-line report) and names its keys in media notes (format 1.4) before acknowledging it; recovery
     * indexes the noted keys to read MEDIA, and finds a dead header's generation in its records.
     */
    @Test
    void shouldReadEveryKeyRightOrAsMediaAfterReopeningWithDeadLines() {
        assertEveryKeyRightOrMediaAfterReopening(FaultKind.DEAD_LINES);
    }

    private void assertEveryKeyRightOrMediaAfterReopening(FaultKind kind) {
        for (EngineKind engine : EngineKind.values()) {
            long seed = SEED ^ 0xB065L ^ engine.ordinal();
            System.out.println("media faults after a restart: 0.01 of lines, " + kind + ", " + engine + ", seed=" + seed);
            Pair p = faultyPair(0.01, kind, engine, seed);
            TreeSet<String> affected = affectedKeys(p);
            try (KvStore reopened = KvStore.open(options(engine), p.device())) {
                TreeSet<String> failed = assertReadsAreRightOrMedia(reopened, p.model(), "reopened, seed=" + seed);
                assertEquals(affected, failed, "seed=" + seed);
                assertEquals(printable(affected), new TreeSet<>(reopened.check().damagedKeys()), "seed=" + seed);
                System.out.printf("  %d faults, %d of %d keys affected, each read as MEDIA after the restart; %s%n",
                        p.faults().size(), affected.size(), p.model().size(), reopened.recovery());
            } finally {
                p.twin().close();
                deleteRegions();      // the next engine creates its own pair
            }
        }
    }

    private void deleteRegions() {
        for (String name : new String[]{"faulty", "twin"}) {
            dir.resolve(name).toFile().delete();
        }
    }

    // ------------------------------------------------------------------ the workload and its oracle

    private static KvOptions options(EngineKind engine) {
        // No background cleaner: the twin must put every record where the faulty store puts it.
        return new KvOptions(Path.of("media-pool")).engine(engine).segmentBytes(SEGMENT_BYTES).size(POOL_BYTES).lanes(2)
                .autoCompact(false);
    }

    private Region region(String name) {
        return Regions.create(new RegionOptions(dir.resolve(name)).mode(AccessMode.WALK).size(POOL_BYTES));
    }

    /** Injects the faults into the log area of a fresh faulty device, then runs the same workload on it and on a twin. */
    private Pair faultyPair(double fraction, FaultKind kind, EngineKind engine, long seed) {
        DeviceRegion device = DeviceRegion.builder(region("faulty"), DeviceProfile.NONE).calibrate(false).build();
        Region twinRegion = region("twin");
        KvStore faulty = KvStore.create(options(engine), device);
        KvStore twin = KvStore.create(options(engine), twinRegion);
        long from = PoolFormat.FIRST_SEGMENT_OFFSET;
        long length = POOL_BYTES - from;
        List<MediaFault> faults = new ArrayList<>();
        if (fraction > 0) {
            if (kind == FaultKind.DEAD_LINES) {
                faults.addAll(device.injectRandomDeadLines(from, length, fraction, seed));
            } else {
                // One stuck bit in each chosen line: the fraction is of lines, as for dead lines.
                long lines = length / device.lineBytes();
                double bitsPerLine = device.lineBytes() * 8.0;
                faults.addAll(device.injectRandomStuckBits(from, length, fraction / 2 / bitsPerLine, true, seed));
                faults.addAll(device.injectRandomStuckBits(from, length, fraction / 2 / bitsPerLine, false, seed + 1));
                assertTrue(faults.size() >= 2 * Math.round(fraction / 2 * lines), faults.size() + " faults");
            }
        }
        Map<String, String> model = new TreeMap<>();
        SplittableRandom rnd = new SplittableRandom(seed);
        List<String> live = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            int pick = rnd.nextInt(100);
            if (pick < 70 || live.size() < 10) {
                String key = "key-" + i;
                String value = value(rnd, key);
                both(faulty, twin, s -> s.put(bytes(key), bytes(value)));
                model.put(key, value);
                live.add(key);
            } else if (pick < 85) {
                String key = live.get(rnd.nextInt(live.size()));
                String value = value(rnd, key);
                both(faulty, twin, s -> s.put(bytes(key), bytes(value)));
                model.put(key, value);
            } else if (pick < 93) {
                String key = live.remove(rnd.nextInt(live.size()));
                both(faulty, twin, s -> s.delete(bytes(key)));
                model.remove(key);
            } else {
                String a = "batch-" + i + "-a";
                String b = live.get(rnd.nextInt(live.size()));
                String va = value(rnd, a);
                String vb = value(rnd, b);
                both(faulty, twin, s -> s.write(new WriteBatch().put(bytes(a), bytes(va)).put(bytes(b), bytes(vb))));
                model.put(a, va);
                model.put(b, vb);
                live.add(a);
            }
        }
        return new Pair(faulty, device, twin, twinRegion, model, faults);
    }

    private interface Call {
        void on(KvStore store);
    }

    private static void both(KvStore a, KvStore b, Call call) {
        call.on(a);
        call.on(b);
    }

    /** Values from empty to 2 KiB; the key is in it so a value read for the wrong key shows. */
    private static String value(SplittableRandom rnd, String key) {
        int length = rnd.nextInt(100) < 80 ? rnd.nextInt(200) : 200 + rnd.nextInt(1800);
        StringBuilder sb = new StringBuilder(key).append('=');
        while (sb.length() < length) {
            sb.append((char) ('a' + rnd.nextInt(26)));
        }
        return sb.toString();
    }

    /**
     * The keys whose current record differs, byte for byte, between the faulty device and the twin.
     * Batch records are compared whole: one damaged byte anywhere in a batch damages every key it holds.
     */
    private static TreeSet<String> affectedKeys(Pair p) {
        TreeSet<String> affected = new TreeSet<>();
        for (String key : p.model().keySet()) {
            Entry e = p.twin().index().get(bytes(key));
            byte[] expected = new byte[e.recordLength];
            byte[] actual = new byte[e.recordLength];
            p.twinRegion().read(e.recordOffset, expected, 0, expected.length);
            p.device().read(e.recordOffset, actual, 0, actual.length);
            if (!Arrays.equals(expected, actual)) {
                affected.add(key);
            }
        }
        return affected;
    }

    /** Reads every key of the model: right value, or MEDIA; returns the keys that failed. Deleted keys read nothing. */
    private static TreeSet<String> assertReadsAreRightOrMedia(KvStore kv, Map<String, String> model, String where) {
        TreeSet<String> failed = new TreeSet<>();
        for (Map.Entry<String, String> e : model.entrySet()) {
            byte[] key = bytes(e.getKey());
            String copied = readOrMedia(() -> kv.get(key), e.getKey(), where);
            String inPlace = readOrMedia(() -> kv.get(key, KvMediaFaultTest::copyOf), e.getKey(), where + ", in place");
            assertEquals(copied, inPlace, where + ": " + e.getKey() + " reads differently in place");
            if (copied == null) {
                fail(where + ": " + e.getKey() + " reads nothing, it was written");
            } else if (copied.equals(MEDIA_READ)) {
                failed.add(e.getKey());
            } else {
                assertEquals(e.getValue(), copied, where + ": " + e.getKey() + " reads a wrong value");
            }
        }
        for (int i = 0; i < 2 * KEYS; i++) {
            String key = i < KEYS ? "key-" + i : "batch-" + (i - KEYS) + "-a";
            if (!model.containsKey(key)) {
                try {
                    assertNull(kv.get(bytes(key)), where + ": deleted or never written " + key + " reads a value");
                } catch (KvException ex) {
                    fail(where + ": deleted " + key + " reads " + ex.getMessage());
                }
            }
        }
        return failed;
    }

    /** What {@link #readOrMedia} returns for a read that raised MEDIA (no value of these tests looks like it). */
    private static final String MEDIA_READ = "<MEDIA error>";

    /** The value {@code read} returns as text (null: none), or {@link #MEDIA_READ} when it raises MEDIA naming {@code key}. */
    private static String readOrMedia(Supplier<byte[]> read, String key, String where) {
        try {
            byte[] v = read.get();
            return v == null ? null : new String(v, StandardCharsets.US_ASCII);
        } catch (KvException ex) {
            assertEquals(KvException.Code.MEDIA, ex.code(), where + ": " + ex.getMessage());
            assertTrue(ex.getMessage().contains(key), ex.getMessage());
            return MEDIA_READ;
        }
    }

    private static byte[] copyOf(ByteBuffer value) {
        byte[] out = new byte[value.remaining()];
        value.get(out);
        return out;
    }

    private static TreeSet<String> printable(TreeSet<String> keys) {
        TreeSet<String> out = new TreeSet<>();
        for (String k : keys) {
            out.add("'" + k + "'");
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
