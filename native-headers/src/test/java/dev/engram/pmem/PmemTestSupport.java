package dev.engram.pmem;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every pmem test needs: a verdict on whether PMDK is usable here, a tmpfs directory to map
 * files in, and a byte pattern whose every position is distinguishable.
 */
final class PmemTestSupport {

    /** rw------- : the pools tests create are nobody else's business. */
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private PmemTestSupport() {
    }

    /**
     * Skips the calling test (with the reason) when libpmem cannot be loaded, except under
     * {@code CI=true}, where a missing library means a broken build image and fails loudly.
     */
    static void requireLibpmem() {
        require(Pmem.availability());
    }

    /** As {@link #requireLibpmem()}, for libpmem2. */
    static void requireLibpmem2() {
        require(Pmem.availability2());
    }

    private static void require(Pmem.Availability availability) {
        if (availability.available()) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("CI=true and " + availability.library() + " is unavailable, so the pmem tests cannot run: "
                    + availability.reason());
        }
        assumeTrue(false, "skipped: " + availability.reason());
    }

    /** Byte {@code i} of the pattern: 251 is prime, so no power-of-two stride repeats it. */
    static byte patternByte(long seed, long i) {
        return (byte) ((seed + i * 7) % 251);
    }

    static void writePattern(MemorySegment segment, long seed) {
        for (long i = 0; i < segment.byteSize(); i++) {
            segment.set(JAVA_BYTE, i, patternByte(seed, i));
        }
    }

    /** @return the first offset that does not hold the pattern, or -1 if all of it does */
    static long firstMismatch(MemorySegment segment, long seed) {
        for (long i = 0; i < segment.byteSize(); i++) {
            if (segment.get(JAVA_BYTE, i) != patternByte(seed, i)) {
                return i;
            }
        }
        return -1;
    }

    /** Creates (or truncates) {@code file} to {@code length} zero bytes, as libpmem2 needs a sized file. */
    static Path sizedFile(Path file, long length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
        return file;
    }

    /**
     * {@code @TempDir(factory = OnDevShm.class)}: temporary directories on {@code /dev/shm}, the
     * tmpfs where PMDK's pmem emulation ({@code PMEM_IS_PMEM_FORCE}) is meant to run.
     */
    static final class OnDevShm implements TempDirFactory {
        @Override
        public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
            return Files.createTempDirectory(Path.of("/dev/shm"), "engram-pmem-test-");
        }
    }
}
