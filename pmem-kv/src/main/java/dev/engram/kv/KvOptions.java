package dev.engram.kv;

import dev.engram.device.DeviceProfile;
import dev.engram.region.AccessMode;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to create or open a store: fluent setters, checked by {@link #conclude(boolean)} before any
 * file is touched. Sizes are in bytes.
 *
 * <pre>{@code
 * try (KvStore kv = KvStore.create(new KvOptions(Path.of("/dev/shm/pool")).engine(EngineKind.SORTED))) {
 *     kv.put("k".getBytes(), "v".getBytes());
 * }
 * }</pre>
 */
public final class KvOptions {

    /** 64 KiB: the largest key. */
    public static final int MAX_KEY_BYTES = 64 * 1024;
    /** 4 MiB: the default segment, the unit of growth and cleaning; a record must fit in one. */
    public static final int DEFAULT_SEGMENT_BYTES = 4 << 20;
    /** 64 MiB: the default initial pool size. */
    public static final long DEFAULT_SIZE = 64L << 20;

    private final Path path;
    private EngineKind engine = EngineKind.HASH;
    private AccessMode mode = AccessMode.WALK;
    private DeviceProfile device = DeviceProfile.NONE;
    private long size = DEFAULT_SIZE;
    private long maxSize = 64L << 30;
    private int segmentBytes = DEFAULT_SEGMENT_BYTES;
    private Durability durability = Durability.DURABLE;
    private String comparator = KeyComparators.BYTEWISE;
    private Path fastTier;
    private long fastTierSize = 64L << 20;
    private int lanes = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
    private boolean autoCompact = true;
    private boolean autoKeyOrder = true;
    private long expectedKeys;
    private boolean indexCheckpoint = true;
    private double compactLiveRatio = 0.5;
    private boolean compressColdValues;
    private LaneTails laneTails = LaneTails.EVERY_PERSIST;

    public KvOptions(Path path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    public KvOptions engine(EngineKind engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
        return this;
    }

    public KvOptions mode(AccessMode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** A device profile to emulate (latency, bandwidth, wear, faults); {@link DeviceProfile#NONE} by default. */
    public KvOptions device(DeviceProfile device) {
        this.device = Objects.requireNonNull(device, "device");
        return this;
    }

    /** Initial pool size on create (grows online as needed). */
    public KvOptions size(long bytes) {
        this.size = bytes;
        return this;
    }

    /**
     * About how many keys the store will hold: the index is sized for them when the store opens, so that
     * loading them never resizes it (a resize allocates a table twice the size, fresh memory the kernel
     * must zero, and rehashes every key while writers wait: the largest cost of a 1 M-key fill measured
     * in bench/results/2026-11-22-hot-path). 0, the default: sized from the pool (one key a KiB, at most
     * 512 k) or its index checkpoint, and grown as keys arrive. The hash table takes 64 bytes a slot,
     * at most 60 % of slots used: 1 M keys, 128 MB.
     */
    public KvOptions expectedKeys(long keys) {
        this.expectedKeys = keys;
        return this;
    }

    public long expectedKeys() {
        return expectedKeys;
    }

    /** How far the pool may grow while open. */
    public KvOptions maxSize(long bytes) {
        this.maxSize = bytes;
        return this;
    }

    /** Segment size on create; the largest record (key + value + 96 bytes) must fit in one. */
    public KvOptions segmentBytes(int bytes) {
        this.segmentBytes = bytes;
        return this;
    }

    /** The default durability of every write; each call can override it. */
    public KvOptions durability(Durability durability) {
        this.durability = Objects.requireNonNull(durability, "durability");
        return this;
    }

    /** The sorted engine's key order, by name (see {@link KeyComparators}); recorded in the pool. */
    public KvOptions comparator(String name) {
        this.comparator = Objects.requireNonNull(name, "comparator");
        return this;
    }

    /** RUN mode: the fast-tier file (default: the pool path + ".fast"). */
    public KvOptions fastTier(Path path) {
        this.fastTier = path;
        return this;
    }

    /** RUN mode: the fast tier's size. */
    public KvOptions fastTierSize(long bytes) {
        this.fastTierSize = bytes;
        return this;
    }

    /** Number of log lanes (independent append points for concurrent writers). */
    public KvOptions lanes(int lanes) {
        this.lanes = lanes;
        return this;
    }

    /**
     * Whether a background cleaner reclaims dead log space (default true). It starts once the log has
     * sealed segments, and cleans a segment when the log is under half live and the segment is at most
     * {@link #compactLiveRatio} live. {@link KvStore#compact()} works either way.
     */
    public KvOptions autoCompact(boolean on) {
        this.autoCompact = on;
        return this;
    }

    /**
     * Sorted engine: whether the background cleaner ({@link #autoCompact}) also rewrites the log in key
     * order when an ordered scan would read it out of order (default true): the work of {@link
     * KvStore#compactInKeyOrder()} without its skip-list rebuild, so a writer waits only while a key of
     * its stripe is copied, never for the whole pass. The cleaner samples how many steps of a scan land
     * next to the record before them; it starts a pass when fewer than half do, the store holds at least
     * 65,536 keys, the pool can take a copy of the live data, and either no write came for a second
     * (after a first pass since open, only once users wrote as much as the live data again) or users
     * wrote four times the live data since the last pass. So a bulk load is not slowed by passes, and
     * each pass after the first since open copies at most as much as users wrote since the one before.
     * A pass may grow the pool by up to the live data (within {@link #maxSize}); the segments it frees
     * are reused by later writes. Closing the store stops a pass; what it moved stays moved.
     * docs/engines.md has the measurements.
     */
    public KvOptions autoKeyOrder(boolean on) {
        this.autoKeyOrder = on;
        return this;
    }

    public boolean autoKeyOrder() {
        return autoKeyOrder;
    }

    /** The live share (0..1) at or below which the background cleaner takes a segment (default 0.5). */
    public KvOptions compactLiveRatio(double ratio) {
        this.compactLiveRatio = ratio;
        return this;
    }

    /**
     * Whether a clean close writes the index checkpoint ({@code <pool>.index}) that lets the next open
     * skip scanning the log (default true). A stale or damaged checkpoint is never trusted: open checks
     * it against the log and scans what it does not cover. Its size: the hash engine's is its table, 64
     * bytes a slot (107-213 bytes a key at the table's 30-60 % fill: 1.07 GB at 10 M keys); the sorted
     * engine's lists its keys, 32 bytes a key plus the key padded to 8 bytes.
     */
    public KvOptions indexCheckpoint(boolean on) {
        this.indexCheckpoint = on;
        return this;
    }

    public boolean indexCheckpoint() {
        return indexCheckpoint;
    }

    public boolean autoCompact() {
        return autoCompact;
    }

    public double compactLiveRatio() {
        return compactLiveRatio;
    }

    /**
     * Whether the cleaner stores the values it moves LZ4-compressed (default false). A value the cleaner
     * moves has outlived its segment, so it is cold: in RUN mode it is on its way to the capacity tier,
     * which then holds more records per byte. A value is kept compressed only when that saves at least
     * an eighth of it, and values written by put or a batch are never compressed (their latency is not
     * charged for it). Reads decompress into a new array (zero-copy reads of such a value get a view of
     * that array). Chosen at create and recorded in the pool (incompatible feature flag
     * {@link PoolFormat#INCOMPAT_LZ4_VALUES}); open follows the pool, like the engine.
     */
    public KvOptions compressColdValues(boolean on) {
        this.compressColdValues = on;
        return this;
    }

    public boolean compressColdValues() {
        return compressColdValues;
    }

    /**
     * When a lane commits its tail (step K2c of docs/durability.md, on byte-addressable media: WALK with
     * libpmem, RUN; default {@link LaneTails#EVERY_PERSIST}). The tail is what lets recovery tell a lane's
     * last records damaged by the media after they were acknowledged from a crash-torn tail: with it such
     * a record reads {@code MEDIA} after a crash; without it the record is dropped as torn and its key
     * reads its previous value. {@code EVERY_PERSIST} costs a second flush + drain per durable put;
     * {@code BACKGROUND} leaves it to the background agent, within about 100 ms (measured in
     * docs/durability.md). Not recorded in the pool: each open chooses, and a tail written earlier stays
     * true. Ignored on block devices (CRAWL, WALK by msync), where it would be a second fdatasync.
     */
    public KvOptions laneTails(LaneTails when) {
        this.laneTails = Objects.requireNonNull(when, "laneTails");
        return this;
    }

    /** {@code true}: {@link LaneTails#EVERY_PERSIST}; {@code false}: {@link LaneTails#OFF}. */
    public KvOptions laneTails(boolean on) {
        return laneTails(on ? LaneTails.EVERY_PERSIST : LaneTails.OFF);
    }

    public LaneTails laneTails() {
        return laneTails;
    }

    /** Validates every option; throws {@link KvException} with code INVALID_ARGUMENT. */
    public KvOptions conclude(boolean creating) {
        if (creating) {
            if (Integer.bitCount(segmentBytes) != 1 || segmentBytes < 64 * 1024 || segmentBytes > (1 << 30)) {
                throw invalid("segmentBytes " + segmentBytes + " must be a power of two from 64 KiB to 1 GiB");
            }
            if (size < PoolFormat.FIRST_SEGMENT_OFFSET + segmentBytes) {
                size = PoolFormat.FIRST_SEGMENT_OFFSET + (long) segmentBytes * 4;
            }
            KeyComparators.byName(comparator, path);
        }
        if (expectedKeys < 0) {
            throw invalid("expectedKeys " + expectedKeys + " must not be negative");
        }
        if (lanes < 1 || lanes > 256) {
            throw invalid("lanes " + lanes + " must be from 1 to 256");
        }
        if (!(compactLiveRatio >= 0 && compactLiveRatio <= 1)) {
            throw invalid("compactLiveRatio " + compactLiveRatio + " must be from 0 to 1");
        }
        return this;
    }

    private KvException invalid(String message) {
        return new KvException(KvException.Code.INVALID_ARGUMENT, path, message);
    }

    public Path path() {
        return path;
    }

    public EngineKind engine() {
        return engine;
    }

    public AccessMode mode() {
        return mode;
    }

    public DeviceProfile device() {
        return device;
    }

    public long size() {
        return size;
    }

    public long maxSize() {
        return maxSize;
    }

    public int segmentBytes() {
        return segmentBytes;
    }

    public Durability durability() {
        return durability;
    }

    public String comparator() {
        return comparator;
    }

    public Path fastTier() {
        return fastTier;
    }

    public long fastTierSize() {
        return fastTierSize;
    }

    public int lanes() {
        return lanes;
    }
}
