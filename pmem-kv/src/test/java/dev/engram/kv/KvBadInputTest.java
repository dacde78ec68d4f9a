package dev.engram.kv;

import dev.engram.region.AccessMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad-input matrix (issue #6, deliverable 5): every bad input is its own test asserting the
 * error's type (a {@link KvException} code, or {@link NullPointerException} for a null argument),
 * its message (the pool's path, the field, what was found and what was expected), and that the
 * file's bytes are unchanged afterwards.
 */
class KvBadInputTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    private Path pool() {
        Path p = dir.resolve("pool");
        try (KvStore kv = KvStore.create(new KvOptions(p).size(1 << 20).segmentBytes(64 * 1024))) {
            kv.put(bytes("kept"), bytes("value"));
        }
        return p;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void patch(Path p, long offset, long value, int bytes) throws IOException {
        byte[] all = Files.readAllBytes(p);
        byte[] v = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
        System.arraycopy(v, 0, all, (int) offset, bytes);
        Files.write(p, all);
    }

    /** Patches a pool-header field and recomputes the header's checksum, so the field itself is what is refused. */
    private static void patchHeaderField(Path p, int fieldOffset, long value, int bytes) throws IOException {
        patch(p, PoolFormat.POOL_HEADER_OFFSET + fieldOffset, value, bytes);
        byte[] all = Files.readAllBytes(p);
        CRC32C c = new CRC32C();
        c.update(all, PoolFormat.POOL_HEADER_OFFSET, PoolFormat.HEADER_CHECKED_LENGTH);
        patch(p, PoolFormat.POOL_HEADER_OFFSET + PoolFormat.HEADER_CRC_OFFSET, (int) c.getValue(), 4);
    }

    /** Opening {@code p} in CRAWL and in WALK fails with {@code code}, naming the path and {@code part}; the file is unchanged. */
    private static void assertRefused(Path p, KvException.Code code, String part) throws IOException {
        byte[] before = Files.readAllBytes(p);
        for (AccessMode mode : new AccessMode[]{AccessMode.CRAWL, AccessMode.WALK}) {
            KvException e = assertThrows(KvException.class, () -> KvStore.open(new KvOptions(p).mode(mode)));
            assertEquals(code, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains(part), mode + ": '" + e.getMessage() + "' should say '" + part + "'");
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(p), "a refused open leaves the file unchanged");
    }

    /** A call on an open store fails with {@code type} and a message containing {@code part}; the file is unchanged. */
    private static <T extends Throwable> T assertRefusedCall(Path p, Class<T> type, String part, Executable call)
            throws IOException {
        byte[] before = Files.readAllBytes(p);
        T e = assertThrows(type, call);
        assertTrue(String.valueOf(e.getMessage()).contains(part), "'" + e.getMessage() + "' should say '" + part + "'");
        assertArrayEquals(before, Files.readAllBytes(p), "a refused call leaves the file unchanged");
        return e;
    }

    private static void assertCode(KvException.Code code, KvException e) {
        assertEquals(code, e.code(), e.getMessage());
    }

    // ------------------------------------------------------------------ files that are not pools

    @Test
    void shouldRefuseAnEmptyFile() throws IOException {
        Path p = dir.resolve("empty");
        Files.write(p, new byte[0]);
        assertRefused(p, KvException.Code.CORRUPT, "file length 0 is not a non-zero multiple of 4096");
    }

    @Test
    void shouldRefuseATruncatedPool() throws IOException {
        Path p = pool();
        Files.write(p, java.util.Arrays.copyOf(Files.readAllBytes(p), 20000));
        assertRefused(p, KvException.Code.CORRUPT, "file length 20000");
    }

    @Test
    void shouldRefuseAPoolTruncatedToAWholeNumberOfPages() throws IOException {
        Path p = pool();
        Files.write(p, java.util.Arrays.copyOf(Files.readAllBytes(p), 8192));
        assertRefused(p, KvException.Code.CORRUPT, "smaller than a pool's 16384-byte header area");
    }

    @Test
    void shouldRefuseAnAllZeroFile() throws IOException {
        Path p = dir.resolve("zero");
        Files.write(p, new byte[1 << 16]);
        assertRefused(p, KvException.Code.CORRUPT, "magic is 0x0, expected 0x" + Long.toHexString(dev.engram.region.RegionHeader.MAGIC));
    }

    @Test
    void shouldRefuseRandomBytes() throws IOException {
        Path p = dir.resolve("random");
        byte[] r = new byte[1 << 16];
        new Random(5).nextBytes(r);
        Files.write(p, r);
        assertRefused(p, KvException.Code.CORRUPT, "not an Engram region");
    }

    @Test
    void shouldRefuseATextFile() throws IOException {
        Path p = dir.resolve("notes.txt");
        Files.writeString(p, "key,value\nuser:1,alice\n".repeat(1024).substring(0, 8192));
        assertRefused(p, KvException.Code.CORRUPT, "not an Engram region");
    }

    /** A real SQLite 3.40 database (sqlite3 pool "create table kv(k text primary key, v blob); insert ..."). */
    @Test
    void shouldRefuseAForeignSqliteFile() throws IOException {
        Path p = copyResource("foreign/sqlite.db");
        assertTrue(new String(Files.readAllBytes(p), 0, 15, StandardCharsets.US_ASCII).equals("SQLite format 3"));
        assertRefused(p, KvException.Code.CORRUPT, "not an Engram region");
    }

    /** A real LMDB 0.9.24 data file (mdb_load -n), one key. */
    @Test
    void shouldRefuseAForeignLmdbFile() throws IOException {
        Path p = copyResource("foreign/lmdb.mdb");
        assertEquals(0xBEEFC0DE, ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN).getInt(16),
                "the LMDB meta page's magic");
        assertRefused(p, KvException.Code.CORRUPT, "not an Engram region");
    }

    @Test
    void shouldRefuseARegionThatIsNotAPool() throws IOException {
        Path p = dir.resolve("region");
        try (var r = dev.engram.region.Regions.create(new dev.engram.region.RegionOptions(p).size(1 << 17))) {
            r.putLong(PoolFormat.POOL_HEADER_OFFSET + 64, 42);        // something of the region's own user
        }
        assertRefused(p, KvException.Code.CORRUPT, "not a key-value pool");
    }

    /** A crash between making the file and writing the pool header: open says so, openOrCreate finishes it. */
    @Test
    void shouldFinishAnInterruptedCreateOnlyInOpenOrCreate() throws IOException {
        Path p = dir.resolve("unfinished");
        // the region exactly as create() makes it for these options, with nothing written after it
        long size = PoolFormat.FIRST_SEGMENT_OFFSET + 4L * (1 << 16);
        dev.engram.region.Regions.create(new dev.engram.region.RegionOptions(p).size(size)).close();
        assertRefused(p, KvException.Code.CORRUPT, "creating this pool did not finish");
        try (KvStore kv = KvStore.openOrCreate(new KvOptions(p).segmentBytes(1 << 16))) {
            kv.put("k".getBytes(), "v".getBytes());
        }
        try (KvStore kv = KvStore.open(new KvOptions(p))) {
            assertEquals("v", new String(kv.get("k".getBytes())));
        }
    }

    /** A crash inside the region's own creation (the file all zero): open says so, openOrCreate finishes it. */
    @Test
    void shouldFinishAnInterruptedRegionCreateOnlyInOpenOrCreate() throws IOException {
        Path p = dir.resolve("unfinished-region");
        Files.write(p, new byte[1 << 20]);                   // created and sized, the header never written
        assertRefused(p, KvException.Code.CORRUPT, "creating this region did not finish");
        try (KvStore kv = KvStore.openOrCreate(new KvOptions(p).segmentBytes(1 << 16))) {
            kv.put("k".getBytes(), "v".getBytes());
        }
        try (KvStore kv = KvStore.open(new KvOptions(p))) {
            assertEquals("v", new String(kv.get("k".getBytes())));
        }
    }

    // ------------------------------------------------------------------ pools from elsewhere, or damaged

    @Test
    void shouldRefuseANewerPoolVersion() throws IOException {
        Path p = pool();
        patch(p, PoolFormat.POOL_HEADER_OFFSET + PoolFormat.MAJOR_OFFSET, 9, 2);
        assertRefused(p, KvException.Code.VERSION, "pool format version is 9." + PoolFormat.MINOR
                + ", this library reads 1.x");
    }

    @Test
    void shouldRefuseUnknownFeatureFlags() throws IOException {
        Path p = pool();
        patch(p, PoolFormat.POOL_HEADER_OFFSET + PoolFormat.INCOMPAT_FLAGS_OFFSET, 4, 4);
        assertRefused(p, KvException.Code.VERSION, "unknown incompatible pool feature flags 0x4");
    }

    @Test
    void shouldRefuseAPoolHeaderChecksumMismatch() throws IOException {
        Path p = pool();
        patch(p, PoolFormat.POOL_HEADER_OFFSET + PoolFormat.CREATED_MILLIS_OFFSET, 1, 8);
        assertRefused(p, KvException.Code.CORRUPT, "pool header checksum");
    }

    @Test
    void shouldRefuseASegmentSizeOutOfRange() throws IOException {
        Path p = pool();
        patchHeaderField(p, PoolFormat.SEGMENT_BYTES_OFFSET, 3, 4);
        assertRefused(p, KvException.Code.CORRUPT, "segment size 3 is out of range");
    }

    @Test
    void shouldRefuseASegmentSizeThatDoesNotDivideThePool() throws IOException {
        Path p = pool();
        patchHeaderField(p, PoolFormat.SEGMENT_BYTES_OFFSET, 1 << 30, 4);
        assertRefused(p, KvException.Code.CORRUPT, "segment size 1073741824 is out of range or does not divide");
    }

    @Test
    void shouldRefuseAnUnknownEngineId() throws IOException {
        Path p = pool();
        patchHeaderField(p, PoolFormat.ENGINE_OFFSET, 7, 4);
        assertRefused(p, KvException.Code.CORRUPT, "engine id is 7");
    }

    /** A record whose checksum is valid but whose key length points past its end: corruption, not a torn tail. */
    @Test
    void shouldRefuseARecordWhoseKeyLengthRunsPastItsEnd() throws IOException {
        Path p = pool();
        long record = PoolFormat.FIRST_SEGMENT_OFFSET + PoolFormat.SEG_HEADER_LENGTH;
        byte[] all = Files.readAllBytes(p);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int length = b.getInt((int) record + PoolFormat.REC_LENGTH_OFFSET);
        b.putInt((int) record + PoolFormat.REC_KEY_LENGTH_OFFSET, 1 << 20);
        CRC32C c = new CRC32C();
        c.update(all, (int) record + 4, length - 4);
        b.putInt((int) record + PoolFormat.REC_CRC_OFFSET, (int) c.getValue());
        Files.write(p, all);
        // Open validates records when it scans the log; with an index checkpoint it reads no record at
        // all (check() and every read verify them then), so this case is the scan's: remove the checkpoint.
        Files.deleteIfExists(Checkpoint.pathOf(p));
        assertRefused(p, KvException.Code.CORRUPT, "has a valid checksum but is malformed");
    }

    @Test
    void shouldRefuseASecondOpenerAsInUse() throws IOException {
        Path p = pool();
        try (KvStore first = KvStore.open(new KvOptions(p))) {
            KvException e = assertRefusedCall(p, KvException.class, p.toString(), () -> KvStore.open(new KvOptions(p)));
            assertCode(KvException.Code.IN_USE, e);
            first.put(new byte[]{1}, new byte[]{2});
        }
    }

    // ------------------------------------------------------------------ bad arguments on an open store

    @Test
    void shouldRefuseAnEmptyKey() throws IOException {
        Path p = pool();
        try (KvStore kv = KvStore.open(new KvOptions(p))) {
            assertCode(KvException.Code.INVALID_ARGUMENT, assertRefusedCall(p, KvException.class,
                    "key length 0 is outside 1..65536 bytes", () -> kv.put(new byte[0], bytes("v"))));
        }
    }

    @Test
    void shouldRefuseAnOversizeKey() throws IOException {
        Path p = pool();
        try (KvStore kv = KvStore.open(new KvOptions(p))) {
            assertCode(KvException.Code.INVALID_ARGUMENT, assertRefusedCall(p, KvException.class,
                    "key length 65537 is outside 1..65536 bytes",
                    () -> kv.put(new byte[KvOptions.MAX_KEY_BYTES + 1], bytes("v"))));
        }
    }

    @Test
    void shouldRefuseAnOversizeValue() throws IOException {
        Path p = pool();
        try (KvStore kv = KvStore.open(new KvOptions(p))) {
            int tooLong = kv.maxValueBytes() + 1;
            assertCode(KvException.Code.INVALID_ARGUMENT, assertRefusedCall(p, KvException.class,
                    "value length " + tooLong + " exceeds this pool's limit of " + kv.maxValueBytes(),
                    () -> kv.put(bytes("k"), new byte[tooLong])));
        }
    }

    @Test
    void shouldRefuseAKeyAndValueThatTogetherExceedTheRecordLimit() throws IOException {
        Path p = pool();
        try (KvStore kv = KvStore.open(new KvOptions(p))) {
            byte[] key = new byte[100];
            assertCode(KvException.Code.INVALID_ARGUMENT, assertRefusedCall(p, KvException.class,
                    "together exceed this pool's record limit", () -> kv.put(key, new byte[kv.maxValueBytes()])));
        }
    }

    @Test
    void shouldRefuseAnOversizeValueInABatch() throws IOException {
        Path p = pool();
        try (KvStore kv = KvStore.open(new KvOptions(p))) {
            WriteBatch batch = new WriteBatch().put(bytes("a"), bytes("1")).put(bytes("b"), new byte[kv.maxValueBytes() + 1]);
            assertCode(KvException.Code.INVALID_ARGUMENT, assertRefusedCall(p, KvException.class,
                    "exceeds this pool's limit", () -> kv.write(batch)));
            assertEquals(null, kv.get(bytes("a")), "none of a refused batch is applied");
        }
    }

    @Test
    void shouldRefuseANullKey() throws IOException {
        Path p = pool();
        try (KvStore kv = KvStore.open(new KvOptions(p))) {
            assertEquals("key", assertRefusedCall(p, NullPointerException.class, "key", () -> kv.put(null, bytes("v")))
                    .getMessage());
            assertEquals("key", assertRefusedCall(p, NullPointerException.class, "key", () -> kv.get(null)).getMessage());
            assertEquals("key", assertRefusedCall(p, NullPointerException.class, "key", () -> kv.delete(null)).getMessage());
        }
    }

    @Test
    void shouldRefuseANullValue() throws IOException {
        Path p = pool();
        try (KvStore kv = KvStore.open(new KvOptions(p))) {
            assertEquals("value", assertRefusedCall(p, NullPointerException.class, "value",
                    () -> kv.put(bytes("k"), null)).getMessage());
            assertEquals("expected", assertRefusedCall(p, NullPointerException.class, "expected",
                    () -> kv.replace(bytes("kept"), null, bytes("v"))).getMessage());
        }
    }

    @Test
    void shouldRefuseANullBatchOrDurability() throws IOException {
        Path p = pool();
        try (KvStore kv = KvStore.open(new KvOptions(p))) {
            assertEquals("batch", assertRefusedCall(p, NullPointerException.class, "batch", () -> kv.write(null))
                    .getMessage());
            assertEquals("durability", assertRefusedCall(p, NullPointerException.class, "durability",
                    () -> kv.put(bytes("k"), bytes("v"), null)).getMessage());
        }
    }

    @Test
    void shouldRefuseEveryCallAfterClose() throws IOException {
        Path p = pool();
        KvStore kv = KvStore.open(new KvOptions(p));
        kv.close();
        kv.close();                                                      // idempotent
        for (Executable call : new Executable[]{() -> kv.get(bytes("kept")), () -> kv.put(bytes("k"), bytes("v")),
                () -> kv.delete(bytes("kept")), () -> kv.write(new WriteBatch().put(bytes("k"), bytes("v"))),
                kv::snapshot, kv::cursor, kv::sync, kv::check, kv::stats, kv::count}) {
            assertCode(KvException.Code.CLOSED, assertRefusedCall(p, KvException.class, "the store is closed", call));
        }
    }

    @Test
    void shouldRefuseAReleasedSnapshot() throws IOException {
        Path p = pool();
        try (KvStore kv = KvStore.open(new KvOptions(p))) {
            Snapshot s = kv.snapshot();
            s.close();
            assertCode(KvException.Code.CLOSED, assertRefusedCall(p, KvException.class, "the snapshot was released",
                    () -> s.get(bytes("kept"))));
        }
    }

    @Test
    void shouldReportAMediaErrorForAKeyWhoseRecordIsDamagedNeverWrongData() throws IOException {
        Path p = dir.resolve("media");
        try (KvStore kv = KvStore.create(new KvOptions(p).size(1 << 20).segmentBytes(64 * 1024))) {
            kv.put("victim".getBytes(), "AAAAAAAAAAAAAAAA".getBytes());
            kv.put("bystander".getBytes(), "BBBB".getBytes());
        }
        byte[] all = Files.readAllBytes(p);
        int at = indexOf(all, "AAAAAAAAAAAAAAAA".getBytes());
        all[at + 3] ^= 0x20;   // one flipped bit in the stored value
        Files.write(p, all);
        try (KvStore kv = KvStore.open(new KvOptions(p))) {
            KvException e = assertRefusedCall(p, KvException.class, "'victim'", () -> kv.get("victim".getBytes()));
            assertCode(KvException.Code.MEDIA, e);
            assertArrayEquals("BBBB".getBytes(), kv.get("bystander".getBytes()), "the rest stays readable");
            CheckReport report = kv.check();
            assertEquals(java.util.List.of("'victim'"), report.damagedKeys(), report.toString());
        }
    }

    private Path copyResource(String name) throws IOException {
        Path p = dir.resolve(Path.of(name).getFileName());
        try (InputStream in = KvBadInputTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
