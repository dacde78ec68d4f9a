package dev.engram.kv;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flat hash index on its own, against a {@link HashMap} model: keys of every length class (inline up
 * to 16 bytes, longer ones beside the table), removals and re-insertions into a removed key's slot, and
 * the resizes a tiny starting table forces, also with every hash tag colliding; then a reader racing
 * a writer through resizes, and readers racing a writer that replaces the versions of a few keys (a
 * slot's version is several words: a reader must never see parts of two).
 */
class IndexHashTest {

    private static Entry entry(long offset) {
        return new Entry(offset, 40, offset + 24, 8, offset, false, null);
    }

    private static byte[] key(SplittableRandom r, int space) {
        int id = r.nextInt(space);
        int length = switch (id % 5) {
            case 0 -> 1 + id % 8;        // shorter than a word
            case 1 -> 8;
            case 2 -> 9 + id % 8;        // second word partly used
            case 3 -> 16;
            default -> 17 + id % 40;     // beyond the inline bytes
        };
        // Longer keys share their leading inline words, so only their last bytes tell them apart.
        int shared = length > 16 ? 16 : length > 8 ? 8 : 0;
        byte[] k = new byte[length];
        for (int i = 0; i < length; i++) {
            k[i] = i < shared ? (byte) 0x5A : (byte) (id >>> (8 * ((i - shared) % 4)) ^ i);
        }
        return k;
    }

    @Test
    void agreesWithAHashMapThroughRemovalsAndResizes() {
        agreesWithAHashMap(false);
    }

    /** Every tag collides (3 hash bits kept): keys are told apart by their bytes alone, in long probe runs. */
    @Test
    void agreesWithAHashMapWhenTagsCollide() {
        agreesWithAHashMap(true);
    }

    private static void agreesWithAHashMap(boolean collide) {
        for (long seed = 1; seed <= 5; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Index.Hash index = new Index.Hash(4, collide);
            Map<String, Entry> model = new HashMap<>();
            Map<String, byte[]> keys = new HashMap<>();
            for (int op = 0; op < 40_000; op++) {
                byte[] k = key(r, 3_000);
                String name = Arrays.toString(k);
                keys.put(name, k);
                if (r.nextInt(4) == 0) {
                    Entry current = model.get(name);
                    // remove with a wrong expectation first: must change nothing
                    index.remove(k.clone(), entry(-1));
                    index.remove(k.clone(), current);
                    model.remove(name);
                } else {
                    Entry e = entry(op);
                    index.put(k.clone(), e);
                    model.put(name, e);
                }
                byte[] probe = key(r, 3_000);
                assertEquals(model.get(Arrays.toString(probe)), index.get(probe.clone()), "seed " + seed + " op " + op);
            }
            for (Map.Entry<String, byte[]> k : keys.entrySet()) {
                Index.Probe probe = new Index.Probe();
                Entry found = index.get(k.getValue());
                assertEquals(model.get(k.getKey()), found, "seed " + seed + " key " + k.getKey());
                assertEquals(found != null, index.probe(k.getValue(), probe));
                if (found != null) {
                    assertEquals(found.recordOffset, probe.recordOffset);
                    assertEquals(found.valueOffset, probe.valueOffset);
                    assertEquals(found.recordLength, probe.recordLength);
                    assertEquals(found.valueLength, probe.valueLength);
                    assertEquals(found, probe.toEntry());
                }
            }
            Map<String, Entry> iterated = new HashMap<>();
            for (Iterator<Map.Entry<byte[], Entry>> it = index.entries(); it.hasNext(); ) {
                Map.Entry<byte[], Entry> me = it.next();
                assertNull(iterated.put(Arrays.toString(me.getKey()), me.getValue()), "a key iterated twice");
            }
            assertEquals(model, iterated, "seed " + seed);
        }
    }

    /**
     * The checkpoint's table image, loaded on two threads into a table of the image's size: with every key
     * length class, colliding tags or not, removed keys, tombstones and versions in segments that changed
     * since (not kept), the loaded index must hold exactly the other versions, charge each to its segment
     * as the cleaner does, count its slots so that it resizes when puts would, and take the long keys
     * only where their slots say so. A slot whose sequence lock was left odd in the image must still read.
     */
    @Test
    void loadsItsTableImageOnTwoThreadsAsItWasLessTombstonesAndChangedSegments() throws Exception {
        long segmentBytes = 1 << 16;
        for (boolean collide : new boolean[]{false, true}) {
            SplittableRandom r = new SplittableRandom(collide ? 3 : 5);
            Index.Hash index = new Index.Hash(4, collide);
            Map<ByteBuffer, Entry> model = new HashMap<>();
            while (model.size() < 20_000) {
                byte[] k = key(r, 1 << 30);
                long offset = PoolFormat.FIRST_SEGMENT_OFFSET + r.nextInt(8) * segmentBytes + r.nextLong(segmentBytes - 64) / 8 * 8;
                Entry e = r.nextInt(10) == 0 ? new Entry(offset, 40, offset + 24, 0, offset, true, null) : entry(offset);
                model.put(ByteBuffer.wrap(k), e);
                index.put(k.clone(), e);
            }
            List<byte[]> removed = new ArrayList<>();
            for (var it = model.entrySet().iterator(); removed.size() < 500; ) {
                var me = it.next();
                index.remove(me.getKey().array().clone(), me.getValue());
                removed.add(me.getKey().array());
                it.remove();
            }
            boolean[] kept = new boolean[8];
            Arrays.fill(kept, true);
            kept[3] = false;
            int slots = index.slots();
            MemorySegment image = Arena.ofAuto().allocate((long) slots * Index.Hash.IMAGE_SLOT_BYTES + 8);
            index.copySlotsTo(0, slots / 3, image, 8);        // in two calls, as blocks are written
            index.copySlotsTo(slots / 3, slots - slots / 3, image, 8 + (long) (slots / 3) * Index.Hash.IMAGE_SLOT_BYTES);
            int odd = index.slotOf(model.keySet().iterator().next().array());
            long stampAt = 8 + (long) odd * Index.Hash.IMAGE_SLOT_BYTES + 3 * 8;
            image.set(ValueLayout.JAVA_LONG_UNALIGNED, stampAt, image.get(ValueLayout.JAVA_LONG_UNALIGNED, stampAt) | 1);

            Index.Hash loaded = Index.Hash.ofSlots(slots, collide);
            long[] liveBytes = new long[kept.length];
            long[] helperLive = new long[kept.length];
            var first = new java.util.concurrent.FutureTask<>(
                    () -> loaded.loadImagePart(image, 8, 0, slots / 2, segmentBytes, kept, helperLive));
            Thread.ofPlatform().start(first);
            long[] sums = loaded.loadImagePart(image, 8, slots / 2, slots, segmentBytes, kept, liveBytes);
            long[] other = first.get();
            for (int i = 0; i < 4; i++) {
                sums[i] += other[i];
            }
            assertEquals(0, sums[3], "versions whose record runs past its segment");
            long longKeys = 0;
            for (int s = 0; s < slots; s++) {
                byte[] k = index.longKeyAt(s);
                if (k != null) {
                    byte[] wrong = k.clone();
                    wrong[0] ^= 1;
                    assertTrue(!loaded.loadLongKey(s, wrong), "a long key whose first bytes differ from its slot's");
                    assertTrue(!loaded.loadLongKey(s, Arrays.copyOf(k, k.length + 1)), "a long key of another length");
                    assertTrue(loaded.loadLongKey(s, k.clone()), "slot " + s);
                    longKeys++;
                }
            }
            assertTrue(longKeys > 1_000, "long keys: " + longKeys);
            assertEquals(longKeys, sums[2], "claimed slots whose key is long");
            loaded.imageLoaded(sums[0], sums[1]);

            Map<ByteBuffer, Entry> expected = new HashMap<>();
            long[] expectedLive = new long[kept.length];
            for (var me : model.entrySet()) {
                Entry e = me.getValue();
                int segment = (int) ((e.recordOffset - PoolFormat.FIRST_SEGMENT_OFFSET) / segmentBytes);
                if (!e.tombstone && kept[segment]) {
                    expected.put(me.getKey(), e);
                    expectedLive[segment] += Cleaner.charge(me.getKey().array(), e);
                }
            }
            for (int s = 0; s < kept.length; s++) {
                liveBytes[s] += helperLive[s];
            }
            assertTrue(expected.size() > 15_000 && expected.size() < model.size() - 2_000, "kept " + expected.size());
            assertEquals(expected.size(), sums[1], "live keys");
            assertArrayEquals(expectedLive, liveBytes, "live bytes by segment");
            List<byte[]> keys = new ArrayList<>(model.keySet().stream().map(ByteBuffer::array).toList());
            keys.addAll(removed);
            assertAgrees(expected, keys, loaded);
            // Claimed slots (removed keys keep theirs; every key was put before the first removal, so no
            // resize dropped one) count toward the limit as in the table written.
            long claimed = model.size() + removed.size();
            assertEquals(claimed, sums[0], "claimed slots");
            int room = (int) (slots * 0.6) - (int) claimed;
            for (int i = 0; i < room; i++) {
                loaded.put(numbered(1 << 24 | i), entry(PoolFormat.FIRST_SEGMENT_OFFSET));
            }
            assertEquals(slots, loaded.slots(), "no resize while a slot is left");
            loaded.put(numbered(1 << 25), entry(PoolFormat.FIRST_SEGMENT_OFFSET));
            assertTrue(loaded.slots() > slots, "resized at the limit");
            for (var me : expected.entrySet()) {
                assertEquals(me.getValue(), loaded.get(me.getKey().array().clone()), "after the resize");
            }
        }
    }

    /**
     * A table of at least four chunks (2^20 slots in chunks of 2^12, as the pom sets {@code
     * engram.index.chunkShift} for the tests; four chunks of the default size otherwise). Keys whose
     * probes start on the last slot of a chunk continue into the next chunk, and those starting on the
     * table's last slot wrap to slot 0 of the first; with more keys, removals, a resize into a table of
     * twice the chunks, and a load in two parts on two threads, every key must be found with its
     * version, as a {@link HashMap} holds it.
     */
    @Test
    void keepsKeysWhoseProbesCrossChunksAndWrapAround() throws Exception {
        int chunk = Index.Hash.CHUNK_SLOTS;
        int tableSlots = Math.max(1 << 20, 4 * chunk);
        int count = (int) (tableSlots * 0.38);
        Index.Hash index = new Index.Hash(count);
        int slots = index.slots();
        assertEquals(tableSlots, slots, "the table this test is about");
        int[] boundaries = {chunk - 1, 2 * chunk - 1, slots - 1};
        // Keys by content (a ByteBuffer compares its bytes), each with its newest version.
        Map<ByteBuffer, Entry> model = new HashMap<>();
        // Three keys homed on each boundary slot: the second and third must be placed past it.
        int[] found = new int[boundaries.length];
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; Arrays.stream(found).anyMatch(n -> n < 3); i++) {
            byte[] k = numbered(i);
            int home = index.homeOf(k);
            for (int b = 0; b < boundaries.length; b++) {
                if (home == boundaries[b] && found[b] < 3) {
                    found[b]++;
                    keys.add(k);
                }
            }
        }
        SplittableRandom r = new SplittableRandom(11);
        long offset = PoolFormat.FIRST_SEGMENT_OFFSET;        // in a segment, as the image load asks
        while (model.size() < count) {
            boolean engineered = model.size() < 9;      // the nine keys above go in first
            byte[] k = engineered ? keys.get(model.size()) : key(r, 1 << 30);
            Entry e = entry(offset += 64);
            if (model.put(ByteBuffer.wrap(k), e) == null && !engineered) {
                keys.add(k);
            }
            index.put(k.clone(), e);
        }
        assertEquals(slots, index.slots(), "no resize yet");
        int crossed = 0;
        int wrapped = 0;
        for (byte[] k : keys) {
            int home = index.homeOf(k);
            int slot = index.slotOf(k);
            assertTrue(slot >= 0, "key " + Arrays.toString(k) + " has a slot");
            if (slot / chunk != home / chunk) {
                crossed++;
            }
            if (slot < home) {
                wrapped++;
            }
        }
        assertTrue(crossed >= 4 && wrapped >= 2,
                "probes crossed chunks " + crossed + " times, wrapped " + wrapped + " times");
        assertAgrees(model, keys, index);
        // Removals, then enough keys to resize into twice the slots.
        for (int i = 0; i < keys.size(); i += 7) {
            byte[] k = keys.get(i);
            index.remove(k.clone(), model.remove(ByteBuffer.wrap(k)));
        }
        while (index.slots() == slots) {
            byte[] k = key(r, 1 << 30);
            Entry e = entry(offset += 64);
            if (model.put(ByteBuffer.wrap(k), e) == null) {
                keys.add(k);
            }
            index.put(k.clone(), e);
        }
        assertEquals(2 * slots, index.slots(), "resized once, into twice the slots");
        assertAgrees(model, keys, index);
        // The table's image loaded in two parts on two threads: the parts split at its middle slot, a chunk
        // boundary, and copy chunk by chunk.
        int grown = index.slots();
        MemorySegment image = Arena.ofAuto().allocate((long) grown * Index.Hash.IMAGE_SLOT_BYTES);
        index.copySlotsTo(0, grown, image, 0);
        Index.Hash loaded = Index.Hash.ofSlots(grown);
        boolean[] kept = new boolean[1 << 20];
        Arrays.fill(kept, true);
        var first = new java.util.concurrent.FutureTask<>(
                () -> loaded.loadImagePart(image, 0, 0, grown / 2, 1 << 20, kept, new long[kept.length]));
        Thread.ofPlatform().start(first);
        long[] sums = loaded.loadImagePart(image, 0, grown / 2, grown, 1 << 20, kept, new long[kept.length]);
        sums[2] += first.get()[2];
        for (int s = 0; s < grown; s++) {
            byte[] k = index.longKeyAt(s);
            if (k != null) {
                assertTrue(loaded.loadLongKey(s, k), "slot " + s);
                sums[2]--;
            }
        }
        assertEquals(0, sums[2], "every long key placed");
        assertAgrees(model, keys, loaded);
    }

    /**
     * The chunk size follows the region size G1 itself picks: for five heap sizes, a JVM started with G1
     * and that heap reports its region size (HotSpot's flag G1HeapRegionSize), and {@link
     * Index.Hash#g1RegionBytes} must compute the same from that JVM's {@code Runtime.maxMemory()}; from
     * it, chunks of 16 regions.
     */
    @Test
    void chunksAreSixteenOfTheRegionsG1PicksForTheHeap() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        long[] expectedRegions = {1 << 20, 2 << 20, 4 << 20, 16 << 20, 32 << 20};
        String[] heaps = {"64m", "3g", "6g", "20g", "80g"};
        for (int i = 0; i < heaps.length; i++) {
            Path log = Files.createTempFile("engram-g1-region", ".txt");
            Process p = new ProcessBuilder(java, "-XX:+UseG1GC", "-Xmx" + heaps[i], "-cp",
                    System.getProperty("java.class.path"), G1RegionOfThisJvm.class.getName())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean exited = p.waitFor(2, TimeUnit.MINUTES);   // a JVM that hangs fails the test, not the build
            if (!exited) {
                p.destroyForcibly();
            }
            String out = Files.readString(log).strip();
            Files.delete(log);
            assertTrue(exited, "the JVM with -Xmx" + heaps[i] + " did not exit in 2 minutes: " + out);
            assertEquals(0, p.exitValue(), out);
            String[] fields = out.split(" ");
            long maxMemory = Long.parseLong(fields[0]);
            long region = Long.parseLong(fields[1]);
            assertEquals(expectedRegions[i], region, "G1's region for -Xmx" + heaps[i] + ": " + out);
            assertEquals(region, Index.Hash.g1RegionBytes(maxMemory), "-Xmx" + heaps[i] + ": " + out);
            assertEquals(16 * region, (1L << Index.Hash.chunkShift(null, maxMemory)) * 64, "-Xmx" + heaps[i]);
        }
    }

    /** Run in a child JVM: prints its {@code Runtime.maxMemory()} and G1's region size. */
    static final class G1RegionOfThisJvm {
        public static void main(String[] args) {
            var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            System.out.println(Runtime.getRuntime().maxMemory() + " "
                    + hotspot.getVMOption("G1HeapRegionSize").getValue());
        }
    }

    /** The property that sets the chunk shift: taken when it is a whole number from 4 to 27, else refused by name. */
    @Test
    void chunkShiftPropertyIsCheckedAndTaken() {
        assertEquals(12, Index.Hash.chunkShift(" 12 ", 1L << 40));
        assertEquals(4, Index.Hash.chunkShift("4", 0));
        assertEquals(27, Index.Hash.chunkShift("27", 0));
        for (String bad : new String[] {"3", "28", "", "twelve", "1e3"}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> Index.Hash.chunkShift(bad, 0), bad);
            assertTrue(e.getMessage().contains("engram.index.chunkShift") && e.getMessage().contains("'" + bad + "'"),
                    e.getMessage());
        }
        assertEquals(Integer.getInteger("engram.index.chunkShift", Index.Hash.CHUNK_SHIFT), Index.Hash.CHUNK_SHIFT,
                "the running JVM's shift");
    }

    /** Every key of {@code keys} reads as {@code model} holds it (absent where it holds none); iteration agrees. */
    private static void assertAgrees(Map<ByteBuffer, Entry> model, List<byte[]> keys, Index.Hash index) {
        for (byte[] k : keys) {
            assertEquals(model.get(ByteBuffer.wrap(k)), index.get(k.clone()), "key " + Arrays.toString(k));
        }
        Map<ByteBuffer, Entry> iterated = new HashMap<>();
        for (Iterator<Map.Entry<byte[], Entry>> it = index.entries(); it.hasNext(); ) {
            Map.Entry<byte[], Entry> me = it.next();
            assertNull(iterated.put(ByteBuffer.wrap(me.getKey()), me.getValue()), "a key iterated twice");
        }
        assertEquals(model, iterated);
    }

    @Test
    void readersSeeEveryKeyThroughConcurrentResizes() throws Exception {
        Index.Hash index = new Index.Hash(4);
        int keys = 200_000;
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        // Keys below `published` were all put before it was raised: a reader must find each of them.
        java.util.concurrent.atomic.AtomicInteger published = new java.util.concurrent.atomic.AtomicInteger();
        Thread reader = new Thread(() -> {
            SplittableRandom r = new SplittableRandom(7);
            while (!done.get() && failure.get() == null) {
                int upTo = published.get();
                if (upTo == 0) {
                    continue;
                }
                int i = r.nextInt(upTo);
                Entry e = index.get(numbered(i));
                if (e == null || e.recordOffset != i) {
                    failure.set("key " + i + " (of " + upTo + " published) read as " + (e == null ? "absent" : e.recordOffset));
                }
            }
        });
        reader.start();
        for (int i = 0; i < keys; i++) {
            index.put(numbered(i), entry(i));
            published.set(i + 1);
        }
        done.set(true);
        reader.join();
        assertNull(failure.get());
        for (int i = 0; i < keys; i++) {
            assertTrue(index.get(numbered(i)) != null, "key " + i);
        }
    }

    /** Version {@code n} of a key: every field a function of n, so a reader can tell a torn read. */
    private static Entry version(long n, Entry prev) {
        return new Entry(n * 64, 40 + (int) (n % 7), n * 64 + 24 + n % 5, (int) (n % 11), n, n + 1_000_000, n % 13 == 0, prev);
    }

    private static String tornIn(Entry e) {
        if (e == null) {
            return null;
        }
        long n = e.seq;
        Entry whole = version(n, null);
        if (!whole.equals(e)) {
            return "version " + n + " read as " + e.recordOffset + "/" + e.recordLength + "/" + e.valueOffset + "/"
                    + e.valueLength + "/" + e.recordSeq + "/" + e.tombstone;
        }
        return e.prev == null || e.prev.seq == n - 3 ? null : "version " + n + " chained to " + e.prev.seq;
    }

    @Test
    void readersNeverSeeHalfOfAVersionAWriterIsReplacing() throws Exception {
        Index.Hash index = new Index.Hash(64);
        byte[][] keys = {numbered(1), numbered(2), numbered(3)};   // 12, 12 and 20 bytes; chains reach back 3
        for (byte[] k : keys) {
            index.put(k, version(1, null));
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread[] readers = new Thread[2];
        for (int t = 0; t < readers.length; t++) {
            int seed = t;
            readers[t] = new Thread(() -> {
                SplittableRandom r = new SplittableRandom(seed);
                Index.Probe p = new Index.Probe();
                while (!done.get() && failure.get() == null) {
                    byte[] k = keys[r.nextInt(keys.length)];
                    String torn = tornIn(index.get(k));
                    if (torn == null && index.probe(k, p)) {
                        torn = tornIn(p.toEntry());
                    }
                    if (torn != null) {
                        failure.set(torn);
                    }
                }
            });
            readers[t].start();
        }
        Entry[] last = new Entry[keys.length];
        for (int n = 2; n < 2_000_000 && failure.get() == null; n++) {
            int i = n % keys.length;
            // Every third version keeps the one before it, as a write under an open snapshot does.
            Entry e = version(n, n % 3 == 0 ? last[i] : null);
            index.put(keys[i], e);
            last[i] = e;
        }
        done.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertNull(failure.get());
    }

    private static byte[] numbered(int i) {
        byte[] k = new byte[i % 3 == 0 ? 20 : 12];
        for (int b = 0; b < 4; b++) {
            k[k.length - 1 - b] = (byte) (i >>> (8 * b));
        }
        return k;
    }
}
