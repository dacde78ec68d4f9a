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

    /**
     * Whether this kernel takes {@code madvise(MADV_POPULATE_WRITE)}, which {@link Region#prefault} uses:
     * Linux 5.14 and later ({@code os.version} is the kernel's release, e.g. {@code 6.18.0-1-amd64}).
     */
    public static boolean kernelPopulatesWrite() {
        String[] v = System.getProperty("os.version", "0.0").split("[.-]");
        try {
            int major = Integer.parseInt(v[0]);
            int minor = v.length > 1 ? Integer.parseInt(v[1]) : 0;
            return major > 5 || (major == 5 && minor >= 14);
        } catch (NumberFormatException e) {
            return false;
        }
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
