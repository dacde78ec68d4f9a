package dev.engram.region;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to create or open a region: fluent setters, then {@link #conclude(boolean)} validates everything
 * before any file is touched. Sizes are in bytes.
 *
 * <pre>{@code
 * Region r = Regions.create(new RegionOptions(Path.of("/dev/shm/pool")).mode(AccessMode.WALK).size(64 << 20));
 * }</pre>
 */
public final class RegionOptions {

    /** 64 MiB: the default initial size of a new region. */
    public static final long DEFAULT_SIZE = 64L << 20;
    /** 64 GiB: the default address-space reservation of a WALK region, i.e. how far it can grow online. */
    public static final long DEFAULT_MAX_SIZE = 64L << 30;
    /** 64 MiB: the default RUN fast tier. */
    public static final long DEFAULT_FAST_TIER_SIZE = 64L << 20;
    /** 4 KiB: the default RUN block (the unit of promotion and destage). */
    public static final int DEFAULT_BLOCK_BYTES = 4096;

    private final Path path;
    private AccessMode mode = AccessMode.WALK;
    private long size = DEFAULT_SIZE;
    private long maxSize = DEFAULT_MAX_SIZE;
    private PersistenceChoice persistence = PersistenceChoice.AUTO;
    private Path fastTierPath;
    private long fastTierSize = DEFAULT_FAST_TIER_SIZE;
    private int blockBytes = DEFAULT_BLOCK_BYTES;
    private boolean backgroundDestage = true;

    public RegionOptions(Path path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    public RegionOptions mode(AccessMode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** Initial size of a new region (rounded up to 4 KiB); ignored when opening. */
    public RegionOptions size(long bytes) {
        this.size = bytes;
        return this;
    }

    /** How far the region may grow while open (WALK reserves this much address space). */
    public RegionOptions maxSize(long bytes) {
        this.maxSize = bytes;
        return this;
    }

    public RegionOptions persistence(PersistenceChoice choice) {
        this.persistence = Objects.requireNonNull(choice, "persistence");
        return this;
    }

    /** RUN: the fast-tier file (default: the region's path with ".fast" appended). */
    public RegionOptions fastTier(Path fastTierPath) {
        this.fastTierPath = fastTierPath;
        return this;
    }

    /** RUN: the fast tier's size when it is created. */
    public RegionOptions fastTierSize(long bytes) {
        this.fastTierSize = bytes;
        return this;
    }

    /** RUN: the unit of promotion and destage, a power of two >= 4096. */
    public RegionOptions blockBytes(int bytes) {
        this.blockBytes = bytes;
        return this;
    }

    /** RUN: whether a background thread destages dirty blocks above the high-water mark. */
    public RegionOptions backgroundDestage(boolean enabled) {
        this.backgroundDestage = enabled;
        return this;
    }

    /**
     * Checks every option and fills defaults; returns this. The initial size is checked only when
     * {@code creating}: opening takes the size the file has.
     */
    public RegionOptions conclude(boolean creating) {
        size = roundUp(size);
        if (creating && size < 2L * RegionHeader.LENGTH) {
            throw invalid("size " + size + " is too small: at least " + 2 * RegionHeader.LENGTH + " bytes");
        }
        if (maxSize < size) {
            maxSize = size;
        }
        maxSize = roundUp(maxSize);
        if (mode == AccessMode.RUN) {
            if (fastTierPath == null) {
                fastTierPath = path.resolveSibling(path.getFileName() + ".fast");
            }
            if (blockBytes < 4096 || Integer.bitCount(blockBytes) != 1) {
                throw invalid("blockBytes " + blockBytes + " must be a power of two >= 4096");
            }
            long minFast = RunRegion.minimumFastTierBytes(blockBytes);
            if (fastTierSize < minFast) {
                throw invalid("fast tier size " + fastTierSize + " is too small: at least " + minFast
                        + " bytes for " + blockBytes + "-byte blocks");
            }
            fastTierSize = roundUp(fastTierSize);
        }
        return this;
    }

    private static long roundUp(long bytes) {
        return (bytes + RegionHeader.LENGTH - 1) & -(long) RegionHeader.LENGTH;
    }

    private RegionException invalid(String message) {
        return new RegionException(RegionException.Code.INVALID_ARGUMENT, path, message);
    }

    public Path path() {
        return path;
    }

    public AccessMode mode() {
        return mode;
    }

    public long size() {
        return size;
    }

    public long maxSize() {
        return maxSize;
    }

    public PersistenceChoice persistence() {
        return persistence;
    }

    public Path fastTierPath() {
        return fastTierPath;
    }

    public long fastTierSize() {
        return fastTierSize;
    }

    public int blockBytes() {
        return blockBytes;
    }

    public boolean backgroundDestage() {
        return backgroundDestage;
    }
}
