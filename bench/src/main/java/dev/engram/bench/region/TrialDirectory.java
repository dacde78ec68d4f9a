package dev.engram.bench.region;

import dev.engram.bench.WorkFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fresh directory for one benchmark trial's files, under a parent chosen by a {@code @Param} (such as
 * /dev/shm or /tmp), deleted with everything in it at teardown. A fresh directory per trial means a
 * region is always created, never reopened from an earlier run.
 */
final class TrialDirectory implements AutoCloseable {

    private final Path directory;

    TrialDirectory(String parent) {
        Path p = Path.of(parent);
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException("benchmark directory " + parent + " does not exist or is not a directory");
        }
        try {
            this.directory = Files.createTempDirectory(p, "engram-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a trial directory under " + parent, e);
        }
    }

    Path file(String name) {
        return directory.resolve(name);
    }

    /** The file-system type (tmpfs, ext4, ...) as the JDK reports it, for the setup line of each trial. */
    String fileSystemType() {
        try {
            return Files.getFileStore(directory).type();
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        WorkFiles.deleteTree(directory);
    }

    @Override
    public String toString() {
        return directory + " (" + fileSystemType() + ")";
    }
}
