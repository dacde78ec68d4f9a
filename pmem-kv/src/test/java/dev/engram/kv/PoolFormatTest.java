package dev.engram.kv;

import dev.engram.region.AccessMode;
import dev.engram.region.Region;
import dev.engram.region.RegionOptions;
import dev.engram.region.RegionStats;
import dev.engram.region.Regions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pins every offset of the pool format; docs/on-media-format.md states the same numbers. */
class PoolFormatTest {

    @Test
    void shouldPinEveryPoolHeaderOffset() {
        assertEquals(4096, PoolFormat.POOL_HEADER_OFFSET);
        assertEquals(0, PoolFormat.MAGIC_OFFSET);
        assertEquals(8, PoolFormat.MAJOR_OFFSET);
        assertEquals(10, PoolFormat.MINOR_OFFSET);
        assertEquals(12, PoolFormat.HEADER_LENGTH_OFFSET);
        assertEquals(16, PoolFormat.INCOMPAT_FLAGS_OFFSET);
        assertEquals(20, PoolFormat.RO_COMPAT_FLAGS_OFFSET);
        assertEquals(24, PoolFormat.UUID_HI_OFFSET);
        assertEquals(32, PoolFormat.UUID_LO_OFFSET);
        assertEquals(40, PoolFormat.ENGINE_OFFSET);
        assertEquals(44, PoolFormat.SEGMENT_BYTES_OFFSET);
        assertEquals(48, PoolFormat.MAX_KEY_OFFSET);
        assertEquals(52, PoolFormat.MAX_VALUE_OFFSET);
        assertEquals(56, PoolFormat.COMPARATOR_OFFSET);
        assertEquals(32, PoolFormat.COMPARATOR_LENGTH);
        assertEquals(88, PoolFormat.CREATED_MILLIS_OFFSET);
        assertEquals(124, PoolFormat.HEADER_CRC_OFFSET);
        assertEquals(16384, PoolFormat.FIRST_SEGMENT_OFFSET);
        assertEquals(8192, PoolFormat.LANE_TAILS_OFFSET);
        assertEquals(64, PoolFormat.LANE_TAIL_STRIDE);
        assertEquals(128, PoolFormat.LANE_TAILS_PER_ROW);
        assertEquals(16, PoolFormat.LANE_TAIL_LENGTH);
        assertEquals(0, PoolFormat.LANE_TAIL_GENERATION_OFFSET);
        assertEquals(4, PoolFormat.LANE_TAIL_SEGMENT_OFFSET);
        assertEquals(8, PoolFormat.LANE_TAIL_END_OFFSET);
        assertEquals(12, PoolFormat.LANE_TAIL_CRC_OFFSET);
        assertEquals(12, PoolFormat.LANE_TAIL_CHECKED_LENGTH);
        assertEquals(257, PoolFormat.LANE_TAIL_SLOTS);
        assertEquals(8192, PoolFormat.laneTailOffset(0));
        assertEquals(8192 + 64 * 127, PoolFormat.laneTailOffset(127));
        assertEquals(8192 + 16, PoolFormat.laneTailOffset(128));
        assertEquals(8192 + 32, PoolFormat.laneTailOffset(256));
        assertTrue(PoolFormat.laneTailOffset(255) + PoolFormat.LANE_TAIL_LENGTH <= PoolFormat.FIRST_SEGMENT_OFFSET);
    }

    @Test
    void shouldPinEverySegmentAndRecordOffset() {
        assertEquals(0, PoolFormat.SEG_MAGIC_OFFSET);
        assertEquals(4, PoolFormat.SEG_STATE_OFFSET);
        assertEquals(8, PoolFormat.SEG_GENERATION_OFFSET);
        assertEquals(16, PoolFormat.SEG_LANE_OFFSET);
        assertEquals(28, PoolFormat.SEG_CRC_OFFSET);
        assertEquals(32, PoolFormat.SEG_SEAL_GENERATION_OFFSET);
        assertEquals(40, PoolFormat.SEG_SEAL_END_OFFSET);
        assertEquals(48, PoolFormat.SEG_SEAL_SEGMENT_OFFSET);
        assertEquals(56, PoolFormat.SEG_SEAL_CRC_OFFSET);
        assertEquals(24, PoolFormat.SEG_SEAL_CHECKED_LENGTH);
        assertEquals(64, PoolFormat.SEG_HEADER_LENGTH);
        assertEquals(0, PoolFormat.REC_CRC_OFFSET);
        assertEquals(4, PoolFormat.REC_LENGTH_OFFSET);
        assertEquals(8, PoolFormat.REC_SEQ_OFFSET);
        assertEquals(16, PoolFormat.REC_GENERATION_OFFSET);
        assertEquals(20, PoolFormat.REC_TYPE_OFFSET);
        assertEquals(21, PoolFormat.REC_FLAGS_OFFSET);
        assertEquals(24, PoolFormat.REC_KEY_LENGTH_OFFSET);
        assertEquals(28, PoolFormat.REC_VALUE_LENGTH_OFFSET);
        assertEquals(32, PoolFormat.REC_HEADER_LENGTH);
        assertEquals(0, PoolFormat.ENTRY_TYPE_OFFSET);
        assertEquals(4, PoolFormat.ENTRY_KEY_LENGTH_OFFSET);
        assertEquals(8, PoolFormat.ENTRY_VALUE_LENGTH_OFFSET);
        assertEquals(16, PoolFormat.ENTRY_HEADER_LENGTH);
        assertEquals(1, PoolFormat.FLAG_PREFIX_DURABLE);
        assertEquals(2, PoolFormat.FLAG_LZ4);
        assertEquals(0, PoolFormat.LZ4_RAW_LENGTH_OFFSET);
        assertEquals(4, PoolFormat.LZ4_HEADER_LENGTH);
        assertEquals(1, PoolFormat.INCOMPAT_LZ4_VALUES);
        assertEquals(1, PoolFormat.KNOWN_INCOMPAT_FLAGS);
        assertEquals(1, PoolFormat.TYPE_PUT);
        assertEquals(2, PoolFormat.TYPE_DELETE);
        assertEquals(3, PoolFormat.TYPE_BATCH);
        assertEquals(4, PoolFormat.TYPE_PAD);
        assertEquals(5, PoolFormat.TYPE_NOTE);
        assertEquals(0, PoolFormat.NOTE_RECORD_OFFSET_OFFSET);
        assertEquals(8, PoolFormat.NOTE_RECORD_LENGTH_OFFSET);
        assertEquals(12, PoolFormat.NOTE_VALUE_DELTA_OFFSET);
        assertEquals(16, PoolFormat.NOTE_VALUE_LENGTH_OFFSET);
        assertEquals(20, PoolFormat.NOTE_ENTRY_TYPE_OFFSET);
        assertEquals(24, PoolFormat.NOTE_BODY_LENGTH);
        assertEquals(2048, PoolFormat.notesBytes(64 * 1024));
        assertEquals(64 * 1024, PoolFormat.notesBytes(4 << 20));
        assertEquals(64 * 1024, PoolFormat.notesBytes(1 << 30));
        assertEquals(4096, PoolFormat.TORN_WRITE_UNIT);
        assertEquals(1, PoolFormat.MAJOR);
        assertEquals(4, PoolFormat.MINOR);
    }

    /**
     * BUG-1's invariant on media (format 1.3): on CRAWL a segment's first record starts one torn-write
     * unit in, and every durable write starts in a unit no earlier persist reached, the gaps filled by
     * valid PAD records; the same pool then opens in WALK with the same contents.
     */
    @Test
    void shouldStartEveryDurableRecordOnCrawlInAFreshTornWriteUnit(@TempDir Path dir) {
        int segment = 64 * 1024;
        KvOptions options = new KvOptions(dir.resolve("pool")).engine(EngineKind.HASH).mode(AccessMode.CRAWL)
                .segmentBytes(segment).size(PoolFormat.FIRST_SEGMENT_OFFSET + 8L * segment).lanes(1).autoCompact(false);
        Map<String, String> model = new TreeMap<>();
        try (KvStore kv = KvStore.create(options)) {
            for (int i = 0; i < 20; i++) {         // 20 durable puts: more than one segment holds at 4 KiB each
                String value = "v".repeat(50 + 30 * i);
                kv.put(("k" + i).getBytes(StandardCharsets.US_ASCII), value.getBytes(StandardCharsets.US_ASCII));
                model.put("k" + i, value);
            }
            Region region = kv.region();
            int puts = 0;
            int pads = 0;
            for (long base = PoolFormat.FIRST_SEGMENT_OFFSET; base < region.size(); base += segment) {
                if (region.getInt(base + PoolFormat.SEG_STATE_OFFSET) != PoolFormat.SEG_STATE_LIVE) {
                    continue;
                }
                long pos = base + PoolFormat.SEG_HEADER_LENGTH;
                while (pos + PoolFormat.REC_HEADER_LENGTH <= base + segment) {
                    int length = region.getInt(pos + PoolFormat.REC_LENGTH_OFFSET);
                    byte[] record = new byte[Math.max(length, PoolFormat.REC_HEADER_LENGTH)];
                    region.read(pos, record, 0, record.length);
                    if (length < PoolFormat.REC_HEADER_LENGTH || record[PoolFormat.REC_TYPE_OFFSET] == 0) {
                        break;
                    }
                    CRC32C crc = new CRC32C();
                    crc.update(record, 4, length - 4);
                    assertEquals((int) crc.getValue(), region.getInt(pos), "record at " + pos + ": its checksum");
                    if (record[PoolFormat.REC_TYPE_OFFSET] == PoolFormat.TYPE_PAD) {
                        pads++;
                    } else {
                        assertEquals(PoolFormat.TYPE_PUT, record[PoolFormat.REC_TYPE_OFFSET]);
                        assertEquals(0, (pos - base) % PoolFormat.TORN_WRITE_UNIT,
                                "a durable put at segment offset " + (pos - base) + " shares a unit with durable bytes");
                        puts++;
                    }
                    pos += (length + 7) & ~7;
                }
            }
            assertEquals(20, puts);
            assertTrue(pads >= 20, pads + " PAD records: one after each segment header and each put");
        }
        try (KvStore walk = KvStore.open(options.mode(AccessMode.WALK))) {
            for (Map.Entry<String, String> e : model.entrySet()) {
                assertArrayEquals(e.getValue().getBytes(StandardCharsets.US_ASCII),
                        walk.get(e.getKey().getBytes(StandardCharsets.US_ASCII)), e.getKey());
            }
        }
    }

    /**
     * A durable put on CRAWL is one write and one fdatasync: its record and the PAD after it go down
     * together (Log.writeWithPad). On a segment never used before the PAD's zeros are already on the
     * media, so only its header is written; on a reused segment, whose old records are still there, the
     * whole PAD is. Either way every PAD's checksum holds: check() and a reopen that scans the log (no
     * checkpoint) find every key. The old values are longer than the new ones, so a PAD written as its
     * header alone over a reused segment would cover old bytes and fail its checksum.
     */
    @Test
    void shouldWriteADurableCrawlPutAndItsPadAsOneWriteAndPadReusedSegmentsWhole(@TempDir Path dir) {
        int segment = 64 * 1024;
        KvOptions options = new KvOptions(dir.resolve("pool")).engine(EngineKind.HASH).mode(AccessMode.CRAWL)
                .segmentBytes(segment).size(PoolFormat.FIRST_SEGMENT_OFFSET + 8L * segment).lanes(1)
                .autoCompact(false).indexCheckpoint(false);
        Map<String, String> model = new TreeMap<>();
        try (KvStore kv = KvStore.create(options)) {
            long[][] fresh = durablePuts(kv, model, "old", 30, 1000);
            int twoCalls = 0;
            for (long[] put : fresh) {
                assertTrue(put[0] == 2 || put[0] == 6, put[0] + " system calls for one put (2, or 6 when it opens a"
                        + " segment: its zeros, header and first PAD, and their fdatasync)");
                if (put[0] == 2) {
                    twoCalls++;
                    assertTrue(put[1] < 1000 + 200, put[1] + " bytes written for a put of 1000: more than the record"
                            + " and a PAD header");
                }
            }
            assertTrue(twoCalls >= 25, twoCalls + " of 30 puts as one pwrite and one fdatasync (the rest open a segment)");
            for (int i = 0; i < 30; i++) {
                kv.delete(("old" + i).getBytes(StandardCharsets.US_ASCII));
                model.remove("old" + i);
            }
            assertTrue(kv.compact().segmentsFreed() > 0, "segments freed for reuse");
            long[][] reused = durablePuts(kv, model, "new", 40, 40);
            long wholeUnits = Arrays.stream(reused).filter(put -> put[1] >= PoolFormat.TORN_WRITE_UNIT - 200).count();
            assertTrue(wholeUnits > 0, "no put wrote a whole unit: the lane never reached a reused segment");
            assertTrue(kv.check().clean(), kv.check().toString());
        }
        try (KvStore kv = KvStore.open(options)) {
            assertEquals(model.size(), kv.count());
            for (Map.Entry<String, String> e : model.entrySet()) {
                assertArrayEquals(e.getValue().getBytes(StandardCharsets.US_ASCII),
                        kv.get(e.getKey().getBytes(StandardCharsets.US_ASCII)), e.getKey());
            }
            assertTrue(kv.check().clean(), kv.check().toString());
        }
    }

    /** {@code count} durable puts of {@code valueBytes}; per put, the region's system calls and bytes written. */
    private static long[][] durablePuts(KvStore kv, Map<String, String> model, String prefix, int count, int valueBytes) {
        long[][] perPut = new long[count][];
        for (int i = 0; i < count; i++) {
            String key = prefix + i;
            String value = (char) ('a' + i % 26) + "v".repeat(valueBytes - 1);
            RegionStats before = kv.region().stats();
            kv.put(key.getBytes(StandardCharsets.US_ASCII), value.getBytes(StandardCharsets.US_ASCII));
            RegionStats after = kv.region().stats();
            perPut[i] = new long[]{after.syscalls() - before.syscalls(), after.bytesWritten() - before.bytesWritten()};
            model.put(key, value);
        }
        return perPut;
    }

    @Test
    void shouldPinEveryIndexCheckpointOffset() {
        assertEquals(0, Checkpoint.MAGIC_OFFSET);
        assertEquals(8, Checkpoint.VERSION_OFFSET);
        assertEquals(12, Checkpoint.HEADER_LENGTH_OFFSET);
        assertEquals(16, Checkpoint.UUID_HI_OFFSET);
        assertEquals(24, Checkpoint.UUID_LO_OFFSET);
        assertEquals(32, Checkpoint.MAX_GENERATION_OFFSET);
        assertEquals(40, Checkpoint.MAX_SEQ_OFFSET);
        assertEquals(48, Checkpoint.SEGMENT_COUNT_OFFSET);
        assertEquals(52, Checkpoint.ENGINE_OFFSET);
        assertEquals(56, Checkpoint.KEY_COUNT_OFFSET);
        assertEquals(64, Checkpoint.BODY_LENGTH_OFFSET);
        assertEquals(72, Checkpoint.BODY_CRC_OFFSET);
        assertEquals(96, Checkpoint.BODY_KIND_OFFSET);
        assertEquals(104, Checkpoint.TABLE_SLOTS_OFFSET);
        assertEquals(112, Checkpoint.LONG_KEY_COUNT_OFFSET);
        assertEquals(0, Checkpoint.BODY_KEY_ENTRIES);
        assertEquals(1, Checkpoint.BODY_HASH_TABLE);
        assertEquals(16384, Checkpoint.TABLE_BLOCK_SLOTS);
        assertEquals(8, Checkpoint.LONG_KEY_HEADER_LENGTH);
        assertEquals(64, Index.Hash.IMAGE_SLOT_BYTES);
        assertEquals(124, Checkpoint.HEADER_CRC_OFFSET);
        assertEquals(128, Checkpoint.HEADER_LENGTH);
        assertEquals(40, Checkpoint.SEGMENT_ENTRY_LENGTH);
        assertEquals(32, Checkpoint.KEY_ENTRY_HEADER_LENGTH);
        assertEquals(2, Checkpoint.VERSION);
        byte[] magic = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(Checkpoint.MAGIC).array();
        assertEquals("EKVINDX1", new String(magic, java.nio.charset.StandardCharsets.US_ASCII));
    }

    /**
     * Format 1.2 added the segment header's seal; a 1.1 pool (minor 1, zeros where the seal goes) must
     * open and read as before, and so must a 1.0 pool (minor 0: every record read as PREFIX_DURABLE).
     * Pools before 1.4 hold zeros where the lane tails go (minor 3 here: no seals either, no lane tails).
     */
    @ParameterizedTest(name = "format 1.{0}")
    @ValueSource(ints = {0, 1, 3})
    void shouldOpenAnOlderPoolWhoseSegmentHeadersCarryNoSeal(int minor, @TempDir Path dir) {
        KvOptions options = new KvOptions(Path.of("old-pool")).engine(EngineKind.HASH).segmentBytes(64 * 1024)
                .size(PoolFormat.FIRST_SEGMENT_OFFSET + 8 * 64 * 1024).lanes(1).autoCompact(false);
        Region region = Regions.create(new RegionOptions(dir.resolve("pool")).mode(AccessMode.WALK)
                .size(PoolFormat.FIRST_SEGMENT_OFFSET + 8 * 64 * 1024));
        Map<String, String> model = new TreeMap<>();
        KvStore kv = KvStore.create(options, region);
        for (int i = 0; i < 600; i++) {      // about 4 segments, so three headers carry a seal
            String value = ("v" + i).repeat(100);
            kv.put(("k" + i).getBytes(StandardCharsets.US_ASCII), value.getBytes(StandardCharsets.US_ASCII));
            model.put("k" + i, value);
        }
        kv.sync();
        int sealed = 0;
        for (long at = PoolFormat.FIRST_SEGMENT_OFFSET; at < region.size(); at += 64 * 1024) {
            if (region.getLong(at + PoolFormat.SEG_SEAL_GENERATION_OFFSET) != 0) {
                sealed++;
            }
            region.write(at + PoolFormat.SEG_SEAL_GENERATION_OFFSET, new byte[32], 0, 32);   // what 1.1 wrote there
        }
        assertTrue(sealed >= 2, sealed + " sealed segment headers");
        region.write(PoolFormat.LANE_TAILS_OFFSET, new byte[8192], 0, 8192);      // what 1.0 to 1.3 left there
        byte[] header = new byte[PoolFormat.HEADER_CHECKED_LENGTH];
        region.read(PoolFormat.POOL_HEADER_OFFSET, header, 0, header.length);
        ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).putShort(PoolFormat.MINOR_OFFSET, (short) minor);
        CRC32C crc = new CRC32C();
        crc.update(header, 0, header.length);
        region.write(PoolFormat.POOL_HEADER_OFFSET, header, 0, header.length);
        region.write(PoolFormat.POOL_HEADER_OFFSET + PoolFormat.HEADER_CRC_OFFSET,
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).array(), 0, 4);
        try (KvStore reopened = KvStore.open(options, region)) {     // the first store is abandoned: a restart
            assertEquals(minor, reopened.formatMinor());
            for (Map.Entry<String, String> e : model.entrySet()) {
                assertArrayEquals(e.getValue().getBytes(StandardCharsets.US_ASCII),
                        reopened.get(e.getKey().getBytes(StandardCharsets.US_ASCII)), e.getKey());
            }
            assertTrue(reopened.check().clean(), reopened.check().toString());
        }
    }

    @Test
    void shouldWriteTheMagicsAsTheirDocumentedBytes() {
        byte[] pool = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(PoolFormat.MAGIC).array();
        assertArrayEquals(new byte[]{(byte) 0x89, 'E', 'K', 'V', '\r', '\n', 0x1A, '\n'}, pool);
        byte[] seg = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(PoolFormat.SEG_MAGIC).array();
        assertEquals("SEG1", new String(seg, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(8, Arrays.asList(PoolFormat.align8(1), PoolFormat.align8(8)).get(0));
    }
}
