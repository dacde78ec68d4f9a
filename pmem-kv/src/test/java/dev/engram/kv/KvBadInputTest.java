package dev.engram.kv;

import dev.engram.region.AccessMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad input is a typed error naming the pool, the field, what was found and what was expected; files stay untouched. */
class KvBadInputTest {

    private Path dir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "engram-bad-");
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private Path pool() {
        Path p = dir.resolve("pool");
        KvStore.create(new KvOptions(p).size(1 << 20).segmentBytes(64 * 1024)).close();
        return p;
    }

    private static void patch(Path p, long offset, long value, int bytes) throws IOException {
        byte[] all = Files.readAllBytes(p);
        byte[] v = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
        System.arraycopy(v, 0, all, (int) offset, bytes);
        Files.write(p, all);
    }

    private void assertRefused(Path p, KvException.Code code, String part) throws IOException {
        byte[] before = Files.readAllBytes(p);
        for (AccessMode mode : new AccessMode[]{AccessMode.CRAWL, AccessMode.WALK}) {
            KvException e = assertThrows(KvException.class, () -> KvStore.open(new KvOptions(p).mode(mode)));
            assertEquals(code, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains(part), e.getMessage());
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(p), "a refused open leaves the file unchanged");
    }

    @Test
    void shouldRefuseAnEmptyFile() throws IOException {
        Path p = dir.resolve("empty");
        Files.write(p, new byte[0]);
        assertRefused(p, KvException.Code.CORRUPT, "not a non-zero multiple");
    }

    @Test
    void shouldRefuseATruncatedPool() throws IOException {
        Path p = pool();
        Files.write(p, java.util.Arrays.copyOf(Files.readAllBytes(p), 20000));
        assertRefused(p, KvException.Code.CORRUPT, "file length 20000");
    }

    @Test
    void shouldRefuseAllZeroAndRandomFiles() throws IOException {
        Path zero = dir.resolve("zero");
        Files.write(zero, new byte[1 << 16]);
        assertRefused(zero, KvException.Code.CORRUPT, "not an Engram region");
        Path random = dir.resolve("random");
        byte[] r = new byte[1 << 16];
        new Random(5).nextBytes(r);
        Files.write(random, r);
        assertRefused(random, KvException.Code.CORRUPT, "not an Engram region");
    }

    @Test
    void shouldRefuseARegionThatIsNotAPool() throws IOException {
        Path p = dir.resolve("region");
        dev.engram.region.Regions.create(new dev.engram.region.RegionOptions(p).size(1 << 17)).close();
        assertRefused(p, KvException.Code.CORRUPT, "not a key-value pool");
    }

    @Test
    void shouldRefuseANewerPoolVersion() throws IOException {
        Path p = pool();
        patch(p, PoolFormat.POOL_HEADER_OFFSET + PoolFormat.MAJOR_OFFSET, 9, 2);
        assertRefused(p, KvException.Code.VERSION, "pool format version is 9");
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
    void shouldRefuseOversizeKeysAndValuesNullsAndUseAfterClose() {
        KvStore kv = KvStore.open(new KvOptions(pool()));
        byte[] k = {1};
        assertCode(KvException.Code.INVALID_ARGUMENT, () -> kv.put(new byte[0], k));
        assertCode(KvException.Code.INVALID_ARGUMENT, () -> kv.put(new byte[KvOptions.MAX_KEY_BYTES + 1], k));
        KvException big = assertThrows(KvException.class, () -> kv.put(k, new byte[kv.maxValueBytes() + 1]));
        assertTrue(big.getMessage().contains("limit"), big.getMessage());
        assertThrows(NullPointerException.class, () -> kv.put(null, k));
        assertThrows(NullPointerException.class, () -> kv.put(k, null));
        assertThrows(NullPointerException.class, () -> kv.get(null));
        kv.close();
        assertCode(KvException.Code.CLOSED, () -> kv.get(k));
        assertCode(KvException.Code.CLOSED, () -> kv.put(k, k));
        assertCode(KvException.Code.CLOSED, kv::snapshot);
    }

    @Test
    void shouldRefuseASecondOpenerAsInUse() {
        Path p = pool();
        try (KvStore first = KvStore.open(new KvOptions(p))) {
            assertCode(KvException.Code.IN_USE, () -> KvStore.open(new KvOptions(p)));
            first.put(new byte[]{1}, new byte[]{2});
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
            KvException e = assertThrows(KvException.class, () -> kv.get("victim".getBytes()));
            assertEquals(KvException.Code.MEDIA, e.code());
            assertTrue(e.getMessage().contains("'victim'"), e.getMessage());
            assertArrayEquals("BBBB".getBytes(), kv.get("bystander".getBytes()), "the rest stays readable");
            CheckReport report = kv.check();
            assertEquals(java.util.List.of("'victim'"), report.damagedKeys(), report.toString());
        }
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

    private static void assertCode(KvException.Code code, Executable call) {
        assertEquals(code, assertThrows(KvException.class, call).code());
    }
}
