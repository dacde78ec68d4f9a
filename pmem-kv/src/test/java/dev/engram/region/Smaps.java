package dev.engram.region;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the kernel says of this process's mappings (Linux's /proc/self/smaps), for tests of page residency. */
public final class Smaps {
    private Smaps() {
    }

    /** The resident KiB (Rss) of this process's mapping of {@code file}; fails when it has none. */
    public static long rssKiB(Path file) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
            String name = file.toRealPath().toString();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).endsWith(" " + name)) {
                    for (int j = i + 1; j < lines.size(); j++) {
                        if (lines.get(j).startsWith("Rss:")) {
                            return Long.parseLong(lines.get(j).replaceAll("[^0-9]", ""));
                        }
                    }
                }
            }
            throw new AssertionError("no mapping of " + name + " in /proc/self/smaps");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
