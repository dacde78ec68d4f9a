package dev.engram.region;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Scratch directories for region tests: on /dev/shm (memory-backed, emulated pmem) or /tmp (ext4). */
final class RegionFiles implements AutoCloseable {

    static final Path SHM = Path.of("/dev/shm");

    final Path dir;

    private RegionFiles(Path dir) {
        this.dir = dir;
    }

    static RegionFiles onShm() {
        return in(Files.isDirectory(SHM) ? SHM : Path.of(System.getProperty("java.io.tmpdir")));
    }

    static RegionFiles onDisk() {
        return in(Path.of(System.getProperty("java.io.tmpdir")));
    }

    private static RegionFiles in(Path parent) {
        try {
            return new RegionFiles(Files.createTempDirectory(parent, "engram-test-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
