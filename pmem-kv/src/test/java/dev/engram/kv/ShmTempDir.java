package dev.engram.kv;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code @TempDir(factory = ShmTempDir.class)}: a temporary directory on /dev/shm, where WALK regions
 * are emulated pmem (libpmem's flush + drain) rather than msync'd page cache. JUnit deletes it.
 */
public final class ShmTempDir implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext extension) throws IOException {
        return Files.createTempDirectory(Path.of("/dev/shm"), "engram-test-");
    }
}
