package dev.engram.bench.store;

import dev.engram.region.AccessMode;
import dev.engram.region.Region;
import dev.engram.region.RegionOptions;
import dev.engram.region.Regions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What medium a directory is, as the {@code dax} field of a result reports it: {@code real} when a
 * MAP_SYNC mapping of a file there succeeds (a DAX mount), {@code emulated} on a memory-backed file
 * system (tmpfs: Engram's WALK emulates pmem there with libpmem flushes), else {@code none}.
 *
 * <p>Engram reports its own region's answer. A peer never maps with MAP_SYNC nor flushes cache lines;
 * it reports the answer for the directory its files are in, so that a table of results never mixes media
 * without saying so. The probe is Engram's own: a small WALK region created in the directory, whose
 * persistence path says whether MAP_SYNC succeeded; it is deleted at once.
 */
public final class Media {

    private static final long PROBE_BYTES = 1L << 20;
    private static final Map<Path, String> CACHE = new ConcurrentHashMap<>();

    private Media() {
    }

    /** {@code real}, {@code emulated} or {@code none} for files in {@code directory}. */
    public static String dax(Path directory) {
        return CACHE.computeIfAbsent(directory.toAbsolutePath(), Media::probe);
    }

    private static String probe(Path directory) {
        Path file;
        try {
            file = Files.createTempFile(directory, "engram-dax-probe-", ".region");
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot probe the medium of " + directory + ": " + e.getMessage(), e);
        }
        try (Region r = Regions.create(new RegionOptions(file).mode(AccessMode.WALK).size(PROBE_BYTES))) {
            return r.persistencePath().dax().name().toLowerCase(Locale.ROOT);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the probe " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
