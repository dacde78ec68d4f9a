package dev.engram.kv;

import dev.engram.device.DeviceProfile;
import dev.engram.device.DeviceRegion;
import dev.engram.region.AccessMode;
import dev.engram.region.PersistencePath;
import dev.engram.region.Region;
import dev.engram.region.RegionException;
import dev.engram.region.RegionOptions;
import dev.engram.region.Regions;
import dev.engram.region.TieredRegion;

import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

import static dev.engram.kv.PoolFormat.*;

/**
 * An embedded, crash-consistent, concurrent key-value store on a persistent region.
 *
 * <ul>
 *   <li>By default a write is durable when it returns ({@link Durability#DURABLE}); with
 *       {@link Durability#BUFFERED} it is acknowledged earlier and durable at {@link #sync()}.</li>
 *   <li>Any number of threads may read and write; readers never block and never wait for writers.
 *       Writes to one key are serialized; writes to different keys proceed in parallel.</li>
 *   <li>"Not found" is a value: {@code null} or {@code false}. Failures are {@link KvException}s with
 *       stable codes.</li>
 *   <li>Every read verifies the record's CRC32C: media that returns wrong bytes raises
 *       {@link KvException.Code#MEDIA} for that key, never a wrong value.</li>
 * </ul>
 * Limits: keys 1 byte to 64 KiB; a record (key + value + 32 bytes) must fit in a segment (4 MiB by
 * default, so values up to about 4 MiB; create with a larger segment for more).
 *
 * <p>Design: an append-only log of checksummed records in segments (see {@link Log} for the
 * durability protocol K0–K3), a DRAM index from key to newest version (hash or skip list), and
 * version chains kept only while snapshots need them. Recovery scans the log.
 */
public final class KvStore implements AutoCloseable {

    private static final int STRIPES = 1024;
    /** A reading thread's state: one ThreadLocal lookup per read finds both its probe and its record buffer. */
    private static final ThreadLocal<Reader> READER = ThreadLocal.withInitial(Reader::new);

    private static final class Reader {
        final Index.Probe probe = new Index.Probe();
        byte[] record = new byte[256];
        /**
         * True while a {@link ValueReader} holds a view of {@link #record}: a read made inside its callback
         * (of any store: the buffer is per thread) then gets an array of its own, so the view never changes
         * under the callback.
         */
        boolean lent;

        byte[] record(int length) {
            if (lent) {
                return new byte[length];
            }
            if (record.length < length) {
                record = new byte[Math.max(length, record.length * 2)];
            }
            return record;
        }
    }

    private final Path path;
    private final KvOptions options;
    private final Region region;
    private final Log log;
    private final Index index;
    private final EngineKind engine;
    private final String comparatorName;
    private final Comparator<byte[]> comparator;
    private final UUID uuid;
    private final int maxValueBytes;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    /** Summed by count(): a counter shared by all writers cost each new key a cache line from the other core. */
    private final LongAdder liveKeys = new LongAdder();
    private final TreeMap<Long, Integer> openSnapshots = new TreeMap<>();
    /** The oldest open snapshot's sequence, or MAX_VALUE: writers keep older versions only below it. */
    private volatile long oldestSnapshot = Long.MAX_VALUE;
    private final AtomicLong tombstonesKept = new AtomicLong();
    private final int formatMinor;
    /** The pool's INCOMPAT_LZ4_VALUES: the cleaner stores the values it moves compressed (Lz4Values). */
    private final boolean compressColdValues;
    /** Where the index checkpoint is read and written, or null when this store keeps none. */
    private final Path checkpointFile;
    private final RecoveryReport recovery;
    private final Cleaner cleaner;
    /** The background cleaner, started once the log has sealed segments (null before, or when off). */
    private AgentRunner cleanerRunner;
    private volatile boolean closed;

    // ------------------------------------------------------------------ lifecycle

    /** Creates a new pool; fails if the file exists. */
    public static KvStore create(KvOptions options) {
        options.conclude(true);
        Comparator<byte[]> order = KeyComparators.byName(options.comparator(), options.path());
        Region region = openRegion(options, RegionOpen.CREATE, poolBytes(options));
        try {
            writePoolHeader(options, region);
            return new KvStore(options, region, order, true);
        } catch (RuntimeException e) {
            region.close();
            throw e;
        }
    }

    /** Opens an existing pool, recovering it after a crash. */
    public static KvStore open(KvOptions options) {
        options.conclude(false);
        Region region = openRegion(options, RegionOpen.OPEN, 0);
        try {
            return new KvStore(options, region, null, true);
        } catch (RuntimeException e) {
            region.close();
            throw e;
        }
    }

    /**
     * Opens the pool if the file exists, else creates it. A pool whose creation stopped before its pool
     * header was durable (a crash between making the region and writing the header: nothing was ever
     * stored in it) is created now, in place.
     */
    public static KvStore openOrCreate(KvOptions options) {
        if (!Files.exists(options.path())) {
            return create(options);
        }
        options.conclude(false);
        // A region whose own creation did not finish (empty or all zero) is created again at the pool's size.
        Region region = openRegion(options, RegionOpen.OPEN_OR_FINISH, poolBytes(options));
        try {
            if (!unfinishedCreate(region)) {
                return new KvStore(options, region, null, true);
            }
            options.conclude(true);
            writePoolHeader(options, region);
            return new KvStore(options, region, KeyComparators.byName(options.comparator(), options.path()), true);
        } catch (RuntimeException e) {
            region.close();
            throw e;
        }
    }

    /**
     * Whether the region holds a pool whose creation never finished: its pool header and its first
     * segment's header are all zero (create writes the region, then the pool header, before any segment
     * can be opened), so nothing was ever stored in it.
     */
    private static boolean unfinishedCreate(Region region) {
        if (region.size() < FIRST_SEGMENT_OFFSET + SEG_HEADER_LENGTH) {
            return false;
        }
        return allZero(region, POOL_HEADER_OFFSET, POOL_HEADER_LENGTH) && allZero(region, FIRST_SEGMENT_OFFSET, SEG_HEADER_LENGTH);
    }

    private static boolean allZero(Region region, long offset, int length) {
        byte[] h = new byte[length];
        region.read(offset, h, 0, length);
        for (byte x : h) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** Opens a store over a region the caller opened and owns (tests, the power-fail simulator). */
    static KvStore open(KvOptions options, Region region) {
        return new KvStore(options.conclude(false), region, null, false);
    }

    /** Formats a pool in a region the caller opened (its region header already written). */
    static KvStore create(KvOptions options, Region region) {
        options.conclude(true);
        writePoolHeader(options, region);
        return new KvStore(options, region, KeyComparators.byName(options.comparator(), options.path()), false);
    }

    /** Create's one write to the pool: the pool header with a new UUID, persisted before the store serves. */
    private static void writePoolHeader(KvOptions options, Region region) {
        byte[] header = poolHeader(options, UUID.randomUUID());
        region.write(POOL_HEADER_OFFSET, header, 0, header.length);
        region.persist(POOL_HEADER_OFFSET, header.length);          // create: the pool header durable
    }

    /** The region size a new pool gets: the first segment's offset and whole segments. */
    private static long poolBytes(KvOptions options) {
        return FIRST_SEGMENT_OFFSET
                + Math.max(1, (options.size() - FIRST_SEGMENT_OFFSET) / options.segmentBytes()) * options.segmentBytes();
    }

    private enum RegionOpen { CREATE, OPEN, OPEN_OR_FINISH }

    private static Region openRegion(KvOptions o, RegionOpen how, long size) {
        RegionOptions ro = new RegionOptions(o.path()).mode(o.mode()).size(size).maxSize(Math.max(o.maxSize(), size));
        if (o.mode() == AccessMode.RUN) {
            ro.fastTierSize(o.fastTierSize());
            if (o.fastTier() != null) {
                ro.fastTier(o.fastTier());
            }
        }
        Region r;
        try {
            r = switch (how) {
                case CREATE -> Regions.create(ro);
                case OPEN -> Regions.open(ro);
                case OPEN_OR_FINISH -> Regions.openOrCreate(ro);
            };
        } catch (RegionException e) {
            throw translate(o.path(), e);
        }
        return o.device() == DeviceProfile.NONE ? r : DeviceRegion.over(r, o.device());
    }

    static KvException translate(Path path, RegionException e) {
        KvException.Code code = switch (e.code()) {
            case BAD_FORMAT -> KvException.Code.CORRUPT;
            case VERSION -> KvException.Code.VERSION;
            case IN_USE -> KvException.Code.IN_USE;
            case CLOSED -> KvException.Code.CLOSED;
            case MEDIA -> KvException.Code.MEDIA;
            case TOO_LARGE -> KvException.Code.FULL;
            case INVALID_ARGUMENT -> KvException.Code.INVALID_ARGUMENT;
            default -> KvException.Code.IO;
        };
        return new KvException(code, path, e.getMessage(), e);
    }

    private static byte[] poolHeader(KvOptions o, UUID uuid) {
        ByteBuffer b = ByteBuffer.allocate(POOL_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(MAGIC_OFFSET, MAGIC);
        b.putShort(MAJOR_OFFSET, (short) MAJOR);
        b.putShort(MINOR_OFFSET, (short) MINOR);
        b.putInt(HEADER_LENGTH_OFFSET, POOL_HEADER_LENGTH);
        b.putInt(INCOMPAT_FLAGS_OFFSET, o.compressColdValues() ? INCOMPAT_LZ4_VALUES : 0);
        b.putLong(UUID_HI_OFFSET, uuid.getMostSignificantBits());
        b.putLong(UUID_LO_OFFSET, uuid.getLeastSignificantBits());
        b.putInt(ENGINE_OFFSET, o.engine().id);
        b.putInt(SEGMENT_BYTES_OFFSET, o.segmentBytes());
        b.putInt(MAX_KEY_OFFSET, KvOptions.MAX_KEY_BYTES);
        b.putInt(MAX_VALUE_OFFSET, maxValue(o.segmentBytes()));
        byte[] name = o.comparator().getBytes(StandardCharsets.US_ASCII);
        if (name.length > COMPARATOR_LENGTH) {
            throw new KvException(KvException.Code.INVALID_ARGUMENT, o.path(), "comparator name longer than 32 bytes");
        }
        b.put(COMPARATOR_OFFSET, name);
        b.putLong(CREATED_MILLIS_OFFSET, System.currentTimeMillis());
        CRC32C c = new CRC32C();
        c.update(b.array(), 0, HEADER_CHECKED_LENGTH);
        b.putInt(HEADER_CRC_OFFSET, (int) c.getValue());
        return b.array();
    }

    /**
     * The largest value, with a 1-byte key: a record (32 + key + value bytes) must fit in a segment after
     * its header and before its notes area (format 1.4), and on a block device the first record starts
     * one torn-write unit in (see {@link Log}), so the limit is the same in every access mode.
     */
    private static int maxValue(int segmentBytes) {
        return segmentBytes - TORN_WRITE_UNIT - notesBytes(segmentBytes) - REC_HEADER_LENGTH - 1;
    }

    /**
     * @param ownsFiles whether the store opened its region from its path (then it reads and writes the
     *                  index checkpoint beside it); false for a region handed in (tests, the simulator)
     */
    private KvStore(KvOptions options, Region region, Comparator<byte[]> createdOrder, boolean ownsFiles) {
        this.options = options;
        this.checkpointFile = ownsFiles && options.indexCheckpoint() ? Checkpoint.pathOf(options.path()) : null;
        this.path = options.path();
        this.region = region;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
        // Validate in order: size, magic, version, feature flags, checksum, ranges. Nothing is written.
        if (region.size() < FIRST_SEGMENT_OFFSET) {
            throw corrupt("the region is " + region.size() + " bytes, smaller than a pool's " + FIRST_SEGMENT_OFFSET
                    + "-byte header area: not an Engram pool");
        }
        byte[] h = new byte[POOL_HEADER_LENGTH];
        region.read(POOL_HEADER_OFFSET, h, 0, h.length);
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        long magic = b.getLong(MAGIC_OFFSET);
        if (magic == 0 && unfinishedCreate(region)) {
            throw corrupt("the pool header is empty: creating this pool did not finish (the process stopped after"
                    + " making the file and before writing the pool header, so nothing was ever stored in it);"
                    + " KvStore.openOrCreate finishes the creation, or delete the file and create it again");
        }
        if (magic != MAGIC) {
            throw corrupt("pool magic is 0x" + Long.toHexString(magic) + ", expected 0x" + Long.toHexString(MAGIC)
                    + (magic == Long.reverseBytes(MAGIC) ? " (byte-swapped)" : "") + ": a region but not a key-value pool");
        }
        int major = Short.toUnsignedInt(b.getShort(MAJOR_OFFSET));
        if (major != MAJOR) {
            throw new KvException(KvException.Code.VERSION, path, "pool format version is " + major + "."
                    + Short.toUnsignedInt(b.getShort(MINOR_OFFSET)) + ", this library reads " + MAJOR + ".x");
        }
        int incompat = b.getInt(INCOMPAT_FLAGS_OFFSET);
        if ((incompat & ~KNOWN_INCOMPAT_FLAGS) != 0) {
            throw new KvException(KvException.Code.VERSION, path, "unknown incompatible pool feature flags 0x"
                    + Integer.toHexString(incompat) + ": written by a newer Engram");
        }
        CRC32C c = new CRC32C();
        c.update(h, 0, HEADER_CHECKED_LENGTH);
        if (b.getInt(HEADER_CRC_OFFSET) != (int) c.getValue()) {
            throw corrupt("pool header checksum is 0x" + Integer.toHexString(b.getInt(HEADER_CRC_OFFSET))
                    + ", computed 0x" + Integer.toHexString((int) c.getValue()));
        }
        this.engine = EngineKind.ofId(b.getInt(ENGINE_OFFSET));
        if (engine == null) {
            throw corrupt("engine id is " + b.getInt(ENGINE_OFFSET) + ", expected 1 (hash) or 2 (sorted)");
        }
        int segmentBytes = b.getInt(SEGMENT_BYTES_OFFSET);
        if (Integer.bitCount(segmentBytes) != 1 || segmentBytes < 64 * 1024 || segmentBytes > (1 << 30)
                || (region.size() - FIRST_SEGMENT_OFFSET) % segmentBytes != 0) {
            throw corrupt("segment size " + segmentBytes + " is out of range or does not divide the pool of "
                    + region.size() + " bytes");
        }
        int nameLength = 0;
        while (nameLength < COMPARATOR_LENGTH && h[COMPARATOR_OFFSET + nameLength] != 0) {
            nameLength++;
        }
        this.comparatorName = new String(h, COMPARATOR_OFFSET, nameLength, StandardCharsets.US_ASCII);
        this.comparator = createdOrder != null ? createdOrder : KeyComparators.byName(comparatorName, path);
        this.uuid = new UUID(b.getLong(UUID_HI_OFFSET), b.getLong(UUID_LO_OFFSET));
        this.maxValueBytes = b.getInt(MAX_VALUE_OFFSET);
        this.formatMinor = Short.toUnsignedInt(b.getShort(MINOR_OFFSET));
        this.compressColdValues = (incompat & INCOMPAT_LZ4_VALUES) != 0;
        Checkpoint.Loaded checkpoint = null;
        String note = null;
        if (checkpointFile != null) {
            String[] whyNot = {null};
            checkpoint = Checkpoint.load(checkpointFile, uuid, engine, whyNot);
            note = whyNot[0] == null ? null : "index checkpoint " + checkpointFile + " not used: " + whyNot[0];
        }
        // The hash index starts at the checkpoint's key count, the size the closed store's table had grown
        // to for them (no headroom: at 10 M keys an eighth more doubled it to 1.3 GB, and fresh memory is
        // most of a first open's time); without one, at one key per KiB of pool up to 512 k keys (1 M
        // slots, a 64 MB table), and recovery presizes it once it has scanned enough of the log to
        // estimate (Recovery.run): a table sized for the whole pool would spread a few keys over hundreds
        // of MB, and every probe would miss the cache. A caller that knows better says so (expectedKeys).
        long sizedFor = checkpoint != null ? checkpoint.keyCount : Math.min(1 << 19, Math.max(1 << 10, region.size() / 1024));
        int expectedKeys = (int) Math.min(Index.Hash.MAX_PRESIZE_KEYS, Math.max(sizedFor, options.expectedKeys()));
        // A table image loads into a table of its own size (each key's slot depends on it).
        this.index = engine == EngineKind.SORTED ? new Index.Sorted(comparator, expectedKeys)
                : checkpoint != null && checkpoint.tableSlots > 0 ? Index.Hash.ofSlots(checkpoint.tableSlots)
                : new Index.Hash(expectedKeys);
        this.log = new Log(path, region, segmentBytes, options.lanes(), formatMinor >= 4 ? notesBytes(segmentBytes) : 0,
                options.laneTails());
        try {
            this.recovery = new Recovery(this).run(checkpoint, note);
        } finally {
            if (checkpoint != null) {
                checkpoint.close();
            }
        }
        this.cleaner = new Cleaner(this, log, index, options.compactLiveRatio(), options.autoKeyOrder());
        if (options.autoCompact()) {
            log.onSeal(this::startCleaner);
            // The agent also commits lane tails in the background (LaneTails.BACKGROUND): from the start.
            if (log.segmentsHandedOut() - log.freeSegmentCount() >= Cleaner.AUTO_MIN_SEGMENTS
                    || options.laneTails() == LaneTails.BACKGROUND) {
                startCleaner();
            }
        }
    }

    /** Starts the background cleaner (an Agrona agent that sleeps 100 ms when there is nothing to do). */
    private synchronized void startCleaner() {
        if (cleanerRunner != null || closed) {
            return;
        }
        cleanerRunner = new AgentRunner(new SleepingMillisIdleStrategy(100), cleaner::failed, null, cleaner);
        AgentRunner.startOnThread(cleanerRunner, r -> {
            Thread t = new Thread(r);                    // named by AgentRunner: Cleaner.roleName
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether the cleaner stores the values it moves LZ4-compressed (recorded in the pool at create). */
    public boolean compressColdValues() {
        return compressColdValues;
    }

    int formatMinor() {
        return formatMinor;
    }

    boolean isClosed() {
        return closed;
    }

    long oldestSnapshot() {
        return oldestSnapshot;
    }

    private KvException corrupt(String message) {
        return new KvException(KvException.Code.CORRUPT, path, message);
    }

    /** Closes the store; buffered writes are made durable first. Idempotent. */
    @Override
    public void close() {
        AgentRunner runner;
        synchronized (this) {
            if (closed) {
                return;
            }
            runner = cleanerRunner;
            cleanerRunner = null;
        }
        if (runner != null) {
            cleaner.stop();            // a background pass in key order ends at its next key
            runner.close();            // waits for a cleaning in progress to finish
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;                 // new calls fail with CLOSED from here on
            // Holding every lane, no write is between its append and its publish: the index matches the
            // log exactly, and a late writer blocks here and then fails on the closed region.
            for (Log.Lane lane : log.lanes) {
                lane.lock.lock();
            }
            try {
                for (Log.Lane lane : log.lanes) {
                    log.persistLane(lane);      // K2 for every buffered record
                    log.commitTailIfDue(lane);  // K2c where LaneTails.BACKGROUND left it due
                }
                if (checkpointFile != null) {
                    writeCheckpoint();
                }
            } finally {
                try {
                    region.close();
                } finally {
                    for (Log.Lane lane : log.lanes) {
                        lane.lock.unlock();
                    }
                }
            }
        }
    }

    /** Writes the index checkpoint at a clean close; a failure only costs the next open a full scan. */
    private void writeCheckpoint() {
        try {
            Checkpoint.write(checkpointFile, uuid, engine, log, index);
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("engram: " + path + ": the index checkpoint was not written (" + e
                    + "); the next open scans the log instead");
        }
    }

    /** How the last open rebuilt the index: from the checkpoint, by scanning the log, or both. */
    public RecoveryReport recovery() {
        return recovery;
    }

    // ------------------------------------------------------------------ reads

    /** The value of {@code key}, or {@code null} when absent. */
    public byte[] get(byte[] key) {
        checkKey(key);
        checkOpen();
        Reader reader = READER.get();
        byte[] record = newestRecord(key, reader);
        if (record == null) {
            return null;
        }
        if (record != LOOK_AGAIN) {
            Index.Probe p = reader.probe;
            return valueIn(record, p.recordOffset, p.valueOffset, p.valueLength);
        }
        return valueOf(key, index.get(key), Long.MAX_VALUE);
    }

    /** Applies {@code reader} to the value in place (no copy is allocated); {@code null} when absent. */
    public <R> R get(byte[] key, ValueReader<R> reader) {
        checkKey(key);
        Objects.requireNonNull(reader, "reader");
        checkOpen();
        Reader r = READER.get();
        byte[] record = newestRecord(key, r);
        if (record == null) {
            return null;
        }
        if (record != LOOK_AGAIN) {
            Index.Probe p = r.probe;
            return inPlace(r, record, p.recordOffset, p.valueOffset, p.valueLength, reader);
        }
        return valueOf(key, index.get(key), Long.MAX_VALUE, reader);
    }

    /** {@link #newestRecord}'s answer when the newest version's record failed verification. */
    private static final byte[] LOOK_AGAIN = new byte[0];

    /**
     * The point reads' fast path: the newest version of {@code key} copied into this thread's probe (no
     * Entry, no allocation): on the hash engine the probe's line holds the record offset, so the record's
     * load follows the table's at once. Returns the record read into this thread's buffer and verified;
     * null when the key is absent or its newest version a tombstone; {@link #LOOK_AGAIN} when the record
     * fails verification, for the general path, which tells a record the cleaner moved from a damaged one.
     */
    private byte[] newestRecord(byte[] key, Reader reader) {
        Index.Probe p = reader.probe;
        if (!index.probe(key, p) || p.tombstone) {
            return null;
        }
        byte[] record = readVerified(p.recordOffset, p.recordLength, p.recordSeq, reader);
        return record != null ? record : LOOK_AGAIN;
    }

    /** {@code reader} applied in place to the value of {@code key} visible at {@code at}; null when none. */
    <R> R valueOf(byte[] key, Entry newest, long at, ValueReader<R> reader) {
        Reader r = READER.get();
        while (true) {
            Entry e = visible(newest, at);
            if (e == null) {
                return null;
            }
            byte[] record = verifiedRecord(e, r);
            if (record != null) {
                return inPlace(r, record, e.recordOffset, e.valueOffset, e.valueLength, reader);
            }
            newest = lookAgain(key, newest, e);
        }
    }

    /**
     * Applies {@code reader} to the value in {@code record}, a verified record read into {@code r}'s
     * buffer (or decompressed into an array of its own). The buffer is lent for the call: reads made
     * inside the callback use arrays of their own.
     */
    private <R> R inPlace(Reader r, byte[] record, long recordOffset, long valueOffset, int valueLength,
                          ValueReader<R> reader) {
        int from = (int) (valueOffset - recordOffset);
        if (compressed(record)) {
            byte[] raw = Lz4Values.decompress(path, recordOffset, record, from, valueLength, maxValueBytes);
            return reader.read(ByteBuffer.wrap(raw).asReadOnlyBuffer());
        }
        boolean wasLent = r.lent;
        r.lent = true;
        try {
            return reader.read(ByteBuffer.wrap(record, from, valueLength).slice().asReadOnlyBuffer());
        } finally {
            r.lent = wasLent;
        }
    }

    public boolean contains(byte[] key) {
        checkKey(key);
        checkOpen();
        return visible(index.get(key), Long.MAX_VALUE) != null;
    }

    /**
     * Live keys now: exact when no write is in flight; writes that run during the call may be counted or
     * not, each independently (the count is summed over per-thread cells, see {@code liveKeys}).
     */
    public long count() {
        checkOpen();
        return liveKeys.sum();
    }

    /** {@link #count()} without the open check, for the cleaner's policy. */
    long liveKeys() {
        return liveKeys.sum();
    }

    private static Entry visible(Entry newest, long at) {
        Entry e = newest == null ? null : newest.visibleAt(at);
        return e == null || e.tombstone ? null : e;
    }

    byte[] valueOf(byte[] key, Entry newest, long at) {
        while (true) {
            Entry e = visible(newest, at);
            if (e == null) {
                return null;
            }
            byte[] record = verifiedRecord(e, READER.get());
            if (record != null) {
                return valueIn(record, e.recordOffset, e.valueOffset, e.valueLength);
            }
            newest = lookAgain(key, newest, e);
        }
    }

    /**
     * Reads the whole record of {@code e} into this thread's buffer and verifies it: its CRC, and that it
     * is still e's record (its SEQ). Null when not: the cleaner moved the version and the segment was
     * reused (or torn by a concurrent write to it), or the media damaged it; {@link #lookAgain} tells which.
     */
    private byte[] verifiedRecord(Entry e, Reader reader) {
        checkOpen();
        return readVerified(e.recordOffset, e.recordLength, e.recordSeq, reader);
    }

    /** The record at {@code offset} read into {@code reader}'s buffer, or null when it fails {@link #verified}. */
    private byte[] readVerified(long offset, int length, long recordSeq, Reader reader) {
        byte[] record = reader.record(length);
        try {
            region.read(offset, record, 0, length);
        } catch (RegionException ex) {
            throw translate(path, ex);
        }
        return verified(record, length, recordSeq) ? record : null;
    }

    /** A copy of the value in a verified record read from {@code recordOffset}, decompressed if stored so. */
    private byte[] valueIn(byte[] record, long recordOffset, long valueOffset, int valueLength) {
        int from = (int) (valueOffset - recordOffset);
        if (compressed(record)) {
            return Lz4Values.decompress(path, recordOffset, record, from, valueLength, maxValueBytes);
        }
        return Arrays.copyOfRange(record, from, from + valueLength);
    }

    /** Whether {@code record[0, length)} passes its CRC and holds SEQ {@code recordSeq}. */
    static boolean verified(byte[] record, int length, long recordSeq) {
        CRC32C c = new CRC32C();
        c.update(record, 4, length - 4);
        return intAt(record, REC_CRC_OFFSET) == (int) c.getValue() && longAt(record, REC_SEQ_OFFSET) == recordSeq;
    }

    /**
     * Whether a verified record holds its value compressed: a PUT with the LZ4 flag. Only the cleaner of
     * a pool with INCOMPAT_LZ4_VALUES sets the flag, so in any other pool it is corruption, reported as
     * such rather than returning the stored bytes as the value.
     */
    private boolean compressed(byte[] record) {
        if (record[REC_TYPE_OFFSET] != TYPE_PUT || (record[REC_FLAGS_OFFSET] & FLAG_LZ4) == 0) {
            return false;
        }
        if (!compressColdValues) {
            throw corrupt("a record carries the LZ4 flag in a pool without the compressed-values feature flag");
        }
        return true;
    }

    /**
     * After a failed verification of {@code e} (reached from {@code newest}): the key's index entry now,
     * to read again if the cleaner moved it; a media error if the index still holds the same version.
     */
    private Entry lookAgain(byte[] key, Entry newest, Entry e) {
        Entry now = index.get(key);
        if (!Objects.equals(now, newest)) {
            return now;
        }
        byte[] record = READER.get().record;
        CRC32C c = new CRC32C();
        c.update(record, 4, e.recordLength - 4);
        int stored = intAt(record, REC_CRC_OFFSET);
        String found = stored != (int) c.getValue()
                ? "failed its checksum (stored 0x" + Integer.toHexString(stored) + ", computed 0x"
                        + Integer.toHexString((int) c.getValue()) + ")"
                : "holds SEQ " + longAt(record, REC_SEQ_OFFSET) + ", expected " + e.recordSeq;
        throw new KvException(KvException.Code.MEDIA, path, "the record of key " + printable(key) + " at offset "
                + e.recordOffset + " " + found + ": the media returned damaged bytes");
    }

    private static int intAt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private static long longAt(byte[] b, int at) {
        return (intAt(b, at) & 0xFFFFFFFFL) | (long) intAt(b, at + 4) << 32;
    }

    static String printable(byte[] key) {
        boolean text = true;
        for (byte x : key) {
            text &= x >= 0x20 && x < 0x7F;
        }
        String s = text ? "'" + new String(key, StandardCharsets.US_ASCII) + "'" : "0x" + java.util.HexFormat.of().formatHex(key);
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    // ------------------------------------------------------------------ writes

    private enum Condition { NONE, ABSENT, PRESENT, EXPECT }

    public void put(byte[] key, byte[] value) {
        put(key, value, options.durability());
    }

    public void put(byte[] key, byte[] value, Durability durability) {
        writeOne(TYPE_PUT, key, checkValue(value), durability, Condition.NONE, null);
    }

    /** Deletes {@code key}; returns false (writing nothing) when it was absent. */
    public boolean delete(byte[] key) {
        return delete(key, options.durability());
    }

    public boolean delete(byte[] key, Durability durability) {
        return writeOne(TYPE_DELETE, key, null, durability, Condition.PRESENT, null);
    }

    /** Puts only when {@code key} is absent; returns whether it did. */
    public boolean putIfAbsent(byte[] key, byte[] value) {
        return putIfAbsent(key, value, options.durability());
    }

    public boolean putIfAbsent(byte[] key, byte[] value, Durability durability) {
        return writeOne(TYPE_PUT, key, checkValue(value), durability, Condition.ABSENT, null);
    }

    /** Replaces the value only when the current one equals {@code expected}; returns whether it did. */
    public boolean replace(byte[] key, byte[] expected, byte[] value) {
        return replace(key, expected, value, options.durability());
    }

    public boolean replace(byte[] key, byte[] expected, byte[] value, Durability durability) {
        Objects.requireNonNull(expected, "expected");
        return writeOne(TYPE_PUT, key, checkValue(value), durability, Condition.EXPECT, expected);
    }

    /** Makes every buffered write durable (and commits every lane's tail: {@link LaneTails#BACKGROUND}). */
    public void sync() {
        checkOpen();
        log.syncAll();
        log.commitDueTails(true);
    }

    ReentrantLock stripeOf(byte[] key) {
        return stripes[stripeIndex(key)];
    }

    private static int stripeIndex(byte[] key) {
        return KeyHash.of(key) >>> 22;   // the top 10 bits: STRIPES = 1024
    }

    private boolean writeOne(byte type, byte[] key, byte[] value, Durability durability, Condition condition, byte[] expected) {
        checkKey(key);
        if (value != null && (long) key.length + value.length > maxValueBytes + 1L) {
            throw new KvException(KvException.Code.INVALID_ARGUMENT, path, "key (" + key.length + " bytes) and value ("
                    + value.length + " bytes) together exceed this pool's record limit of " + (maxValueBytes + 1)
                    + " bytes (set by its segment size)");
        }
        Objects.requireNonNull(durability, "durability");
        ReentrantLock stripe = stripeOf(key);
        stripe.lock();
        try {
            checkOpen();
            Entry current = index.get(key);
            Entry live = visible(current, Long.MAX_VALUE);
            switch (condition) {
                case ABSENT -> {
                    if (live != null) {
                        return false;
                    }
                }
                case PRESENT -> {
                    if (live == null) {
                        return false;
                    }
                }
                case EXPECT -> {
                    if (live == null || !Arrays.equals(valueOf(key, live, Long.MAX_VALUE), expected)) {
                        return false;
                    }
                }
                case NONE -> {
                }
            }
            int valueLength = value == null ? 0 : value.length;
            int length = REC_HEADER_LENGTH + key.length + valueLength;
            Log.Lane lane = log.laneForThread();
            lane.lock.lock();
            try {
                log.reserve(lane, length);
                byte[] record = scratch(lane, length);
                long seq = log.sequence.incrementAndGet();
                ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
                b.putLong(REC_SEQ_OFFSET, seq);
                record[REC_TYPE_OFFSET] = type;
                record[REC_FLAGS_OFFSET] = 0;
                b.putShort(REC_FLAGS_OFFSET + 1, (short) 0);
                b.putInt(REC_KEY_LENGTH_OFFSET, key.length);
                b.putInt(REC_VALUE_LENGTH_OFFSET, valueLength);
                System.arraycopy(key, 0, record, REC_HEADER_LENGTH, key.length);
                if (value != null) {
                    System.arraycopy(value, 0, record, REC_HEADER_LENGTH + key.length, valueLength);
                }
                long at = log.append(lane, record, length, durability == Durability.DURABLE);   // K1, K2
                Entry e = new Entry(at, length, at + REC_HEADER_LENGTH + key.length, valueLength, seq,
                        type == TYPE_DELETE, keepFor(current));
                publish(key, current, e);                                                         // K3
                lane.userBytes += key.length + valueLength;
            } catch (RegionException ex) {
                throw translate(path, ex);
            } finally {
                lane.lock.unlock();
            }
            if (type == TYPE_DELETE) {
                liveKeys.decrement();
            } else if (live == null) {
                liveKeys.increment();
            }
            return true;
        } finally {
            stripe.unlock();
        }
    }

    private static byte[] scratch(Log.Lane lane, int length) {
        if (lane.scratch.length < length) {
            lane.scratch = new byte[Math.max(length, lane.scratch.length * 2)];
        }
        return lane.scratch;
    }

    /**
     * The older versions a new entry must keep: none without snapshots; otherwise the chain down to
     * the newest version at or below the oldest snapshot (older ones are cut: no snapshot needs them).
     */
    private Entry keepFor(Entry current) {
        long oldest = oldestSnapshot;
        if (current == null || oldest == Long.MAX_VALUE) {
            return null;
        }
        Entry e = current;
        while (e != null && e.seq > oldest) {
            e = e.prev;
        }
        if (e != null) {
            e.prev = null;
        }
        return current;
    }

    /** K3: points the index at {@code e}; a tombstone nobody needs removes the key. Lane lock held. */
    private void publish(byte[] key, Entry current, Entry e) {
        // The cleaner's estimate of live bytes per segment: the new version is live, the one it replaces
        // is dead (a snapshot may still read it; the cleaner waits for that before freeing).
        if (current != null && !current.tombstone) {
            log.table.addLive(log.segmentOf(current.recordOffset), -Cleaner.charge(key, current));
        }
        if (!e.tombstone) {
            log.table.addLive(log.segmentOf(e.recordOffset), Cleaner.charge(key, e));
        }
        if (e.tombstone && e.prev == null) {
            if (current != null) {
                index.remove(key, current);
            }
        } else {
            // A new key's array is the caller's: copied unless the index copies what it keeps itself.
            index.put(current == null && !index.copiesKeys() ? key.clone() : key, e);
            if (e.tombstone) {
                tombstonesKept.incrementAndGet();
            }
        }
    }

    /** Applies the batch atomically: all of it or none of it is visible, durable and recovered. */
    public void write(WriteBatch batch) {
        write(batch, options.durability());
    }

    public void write(WriteBatch batch, Durability durability) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(durability, "durability");
        checkOpen();
        if (batch.ops.isEmpty()) {
            return;
        }
        for (WriteBatch.Op op : batch.ops) {
            checkKey(op.key());
            if (op.value() != null) {
                checkValue(op.value());
            }
        }
        long length = REC_HEADER_LENGTH + batch.payloadBytes;
        if (length > Integer.MAX_VALUE - 8) {
            throw new KvException(KvException.Code.INVALID_ARGUMENT, path, "batch of " + length + " bytes is too large");
        }
        TreeSet<Integer> stripeIds = new TreeSet<>();
        for (WriteBatch.Op op : batch.ops) {
            stripeIds.add(stripeIndex(op.key()));
        }
        for (int s : stripeIds) {            // ascending order: no deadlock between batches
            stripes[s].lock();
        }
        try {
            checkOpen();
            Log.Lane lane = log.laneForThread();
            lane.lock.lock();
            try {
                log.reserve(lane, (int) length);
                byte[] record = scratch(lane, (int) length);
                Arrays.fill(record, 0, (int) length, (byte) 0);
                ByteBuffer b = ByteBuffer.wrap(record).order(ByteOrder.LITTLE_ENDIAN);
                long seq = log.sequence.incrementAndGet();
                b.putLong(REC_SEQ_OFFSET, seq);
                record[REC_TYPE_OFFSET] = TYPE_BATCH;
                b.putInt(REC_KEY_LENGTH_OFFSET, batch.ops.size());
                b.putInt(REC_VALUE_LENGTH_OFFSET, 0);
                int pos = REC_HEADER_LENGTH;
                int[] valueAt = new int[batch.ops.size()];
                for (int i = 0; i < batch.ops.size(); i++) {
                    WriteBatch.Op op = batch.ops.get(i);
                    int vl = op.value() == null ? 0 : op.value().length;
                    record[pos + ENTRY_TYPE_OFFSET] = op.type();
                    b.putInt(pos + ENTRY_KEY_LENGTH_OFFSET, op.key().length);
                    b.putInt(pos + ENTRY_VALUE_LENGTH_OFFSET, vl);
                    System.arraycopy(op.key(), 0, record, pos + ENTRY_HEADER_LENGTH, op.key().length);
                    valueAt[i] = pos + ENTRY_HEADER_LENGTH + op.key().length;
                    if (vl > 0) {
                        System.arraycopy(op.value(), 0, record, valueAt[i], vl);
                    }
                    pos = align8(pos + ENTRY_HEADER_LENGTH + op.key().length + vl);
                }
                long at = log.append(lane, record, (int) length, durability == Durability.DURABLE);   // K1, K2
                for (int i = 0; i < batch.ops.size(); i++) {                                            // K3
                    WriteBatch.Op op = batch.ops.get(i);
                    Entry current = index.get(op.key());
                    boolean wasLive = visible(current, Long.MAX_VALUE) != null;
                    boolean tombstone = op.type() == TYPE_DELETE;
                    Entry e = new Entry(at, (int) length, at + valueAt[i], op.value() == null ? 0 : op.value().length,
                            seq, tombstone, keepFor(current));
                    publish(op.key(), current, e);
                    if (tombstone && wasLive) {
                        liveKeys.decrement();
                    } else if (!tombstone && !wasLive) {
                        liveKeys.increment();
                    }
                    lane.userBytes += op.key().length + (op.value() == null ? 0 : op.value().length);
                }
            } catch (RegionException ex) {
                throw translate(path, ex);
            } finally {
                lane.lock.unlock();
            }
        } finally {
            for (int s : stripeIds.descendingSet()) {
                stripes[s].unlock();
            }
        }
    }

    // ------------------------------------------------------------------ snapshots and cursors

    /**
     * A consistent read view: later writes are invisible to it. Writers are never blocked by it; they
     * keep the versions it needs until {@link Snapshot#close()}. Release it promptly.
     */
    public Snapshot snapshot() {
        checkOpen();
        // Every write allocates its sequence number and publishes under its lane lock: holding all
        // lanes, no write is half-published, so sequence S splits the writes exactly.
        for (Log.Lane lane : log.lanes) {
            lane.lock.lock();
        }
        try {
            long at = log.sequence.get();
            synchronized (openSnapshots) {
                openSnapshots.merge(at, 1, Integer::sum);
                oldestSnapshot = openSnapshots.firstKey();
            }
            return new Snapshot(this, at);
        } finally {
            for (Log.Lane lane : log.lanes) {
                lane.lock.unlock();
            }
        }
    }

    void release(long at) {
        boolean none;
        synchronized (openSnapshots) {
            openSnapshots.computeIfPresent(at, (k, n) -> n == 1 ? null : n - 1);
            oldestSnapshot = openSnapshots.isEmpty() ? Long.MAX_VALUE : openSnapshots.firstKey();
            none = openSnapshots.isEmpty();
        }
        if (none && tombstonesKept.get() > 0 && !closed) {
            sweepTombstones();
        }
    }

    /** Removes tombstones that only released snapshots needed. */
    private void sweepTombstones() {
        tombstonesKept.set(0);
        for (Iterator<Map.Entry<byte[], Entry>> it = index.entries(); it.hasNext(); ) {
            Map.Entry<byte[], Entry> me = it.next();
            if (!me.getValue().tombstone) {
                continue;
            }
            ReentrantLock stripe = stripeOf(me.getKey());
            stripe.lock();
            try {
                Entry now = index.get(me.getKey());
                if (now != null && now.tombstone && oldestSnapshot == Long.MAX_VALUE) {
                    index.remove(me.getKey(), now);
                }
            } finally {
                stripe.unlock();
            }
        }
    }

    /** Every key in the store at one moment; ordered on the sorted engine, unordered on hash. */
    public KvCursor cursor() {
        Snapshot s = snapshot();
        return new KvCursor(this, s, null, null, true);
    }

    /** Keys in {@code [from, to)} in order (null bound = open); sorted engine only. */
    public KvCursor scan(byte[] from, byte[] to) {
        requireSorted("scan");
        Snapshot s = snapshot();
        return new KvCursor(this, s, from, to, true);
    }

    /** Keys starting with {@code prefix}, in order; sorted engine with the bytewise order only. */
    public KvCursor prefix(byte[] prefix) {
        Objects.requireNonNull(prefix, "prefix");
        requireSorted("prefix");
        if (!KeyComparators.BYTEWISE.equals(comparatorName)) {
            throw new KvException(KvException.Code.INVALID_ARGUMENT, path, "prefix needs the bytewise key order; this pool"
                    + " orders keys by '" + comparatorName + "': use scan(from, to) with explicit bounds");
        }
        return scan(prefix, prefixEnd(prefix));
    }

    static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        return null;
    }

    void requireSorted(String what) {
        checkOpen();
        if (engine != EngineKind.SORTED) {
            throw new KvException(KvException.Code.INVALID_ARGUMENT, path, what + " needs ordered keys: this pool uses the "
                    + "hash engine (unordered); create it with the sorted engine, or iterate with cursor()");
        }
    }

    Index index() {
        return index;
    }

    Comparator<byte[]> comparator() {
        return comparator;
    }

    EngineKind engineKind() {
        return engine;
    }

    // ------------------------------------------------------------------ info, stats, check

    public EngineKind engine() {
        return engine;
    }

    public Path path() {
        return path;
    }

    public String comparatorName() {
        return comparatorName;
    }

    public UUID uuid() {
        return uuid;
    }

    public AccessMode mode() {
        return region.mode();
    }

    /**
     * When this store commits its lanes' tails: as {@link KvOptions#laneTails} asked, or {@link LaneTails#OFF}
     * on a block device (CRAWL, WALK by msync), where no tail is written.
     */
    public LaneTails laneTails() {
        return log.laneTails();
    }

    public PersistencePath persistencePath() {
        return region.persistencePath();
    }

    /** The largest value this pool accepts (set by its segment size). */
    public int maxValueBytes() {
        return maxValueBytes;
    }

    /** RUN mode: writes every dirty fast-tier block back to the capacity file; a no-op otherwise. */
    public void destage() {
        checkOpen();
        log.syncAll();
        if (region instanceof TieredRegion t) {
            t.destage();
        } else if (region instanceof DeviceRegion d && d.base() instanceof TieredRegion t) {
            t.destage();
        }
    }

    public KvStats stats() {
        checkOpen();
        // The segment table's live bytes (kept by every write, the cleaner and recovery): one pass over the
        // segments, not over the keys, so stats() costs the same at any key count.
        long live = 0;
        for (int s = 0, n = log.segmentsHandedOut(); s < n; s++) {
            live += log.table.liveBytes(s);
        }
        long logBytes = log.bytesInSegments();
        long user = log.userBytes();
        long appended = log.bytesAppended();
        long media = region instanceof DeviceRegion d ? d.deviceStats().mediaLineWrites() : 0;
        return new KvStats(liveKeys.sum(), live, logBytes, logBytes == 0 ? 1.0 : (double) live / logBytes, user, appended,
                user == 0 ? 0 : (double) appended / user, log.persists(), region.stats(), media, log.lostWrites(),
                cleaner.keyOrderPasses());
    }

    /** Verifies every record of the log and every index entry's record; never changes anything. */
    public CheckReport check() {
        checkOpen();
        cleaner.lock.lock();           // no segment is moved or freed while check reads the log
        try {
            return new Recovery(this).check();
        } finally {
            cleaner.lock.unlock();
        }
    }

    /**
     * Reclaims dead log space now: cleans every sealed segment with any dead bytes (emptiest first),
     * copying its live records forward, and frees it for reuse unless an older open snapshot still reads
     * it (those are freed later, when released). Runs beside readers and writers; the background cleaner
     * ({@link KvOptions#autoCompact}) does the same for segments under half live.
     */
    public CompactionReport compact() {
        return compact(0.999);
    }

    /**
     * Cleans the sealed segments at most {@code maxLiveRatio} (0..1) live, emptiest first: 1 takes every
     * segment with any dead bytes (what {@link #compact()} does), 0.5 only those at least half dead.
     */
    public CompactionReport compact(double maxLiveRatio) {
        if (!(maxLiveRatio >= 0 && maxLiveRatio <= 1)) {
            throw new KvException(KvException.Code.INVALID_ARGUMENT, path, "maxLiveRatio " + maxLiveRatio
                    + " must be from 0 to 1");
        }
        checkOpen();
        try {
            return cleaner.compact(maxLiveRatio);
        } catch (RegionException ex) {
            throw translate(path, ex);
        }
    }

    /**
     * Sorted engine: rewrites the log so that live values lie in key order, which turns an ordered scan
     * of a store written in random order from one random read per key into a sequential read (measured
     * in docs/benchmarks.md). It copies every live value once, in key order, and then cleans the
     * segments they came from, as {@link #compact()} does; so it needs free pool space for a copy of the
     * live data (the pool grows into it as appends do) and writes that much again. It runs beside readers
     * and writers, and what they write meanwhile lands in write order as usual. Crash-safe at every
     * step (docs/durability.md, C0-C2). At the end the in-memory skip list is rebuilt in key order too
     * ({@link #rebuildSkipListInKeyOrder}): writers wait for that part (at 1 M keys 31-135 ms once warm,
     * 333 ms the first time in a JVM).
     */
    public CompactionReport compactInKeyOrder() {
        requireSorted("compactInKeyOrder");
        CompactionReport report;
        try {
            report = cleaner.compactInKeyOrder(((Index.Sorted) index).view().entrySet().iterator());
        } catch (RegionException ex) {
            throw translate(path, ex);
        }
        rebuildSkipListInKeyOrder();
        return report;
    }

    /**
     * Rebuilds the sorted index's skip list in key order ({@code Index.Sorted#rebuildInKeyOrder}: its
     * nodes in sequence, as the compaction just laid the values out), holding every stripe lock, in
     * ascending order as batches take them, so that no writer changes the index during the copy.
     */
    private void rebuildSkipListInKeyOrder() {
        int locked = 0;
        try {
            for (ReentrantLock stripe : stripes) {
                stripe.lock();
                locked++;
            }
            checkOpen();
            ((Index.Sorted) index).rebuildInKeyOrder();
        } finally {
            for (int s = locked - 1; s >= 0; s--) {
                stripes[s].unlock();
            }
        }
    }

    // ------------------------------------------------------------------ validation

    void checkOpen() {
        if (closed) {
            throw new KvException(KvException.Code.CLOSED, path, "the store is closed");
        }
    }

    private void checkKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length == 0 || key.length > KvOptions.MAX_KEY_BYTES) {
            throw new KvException(KvException.Code.INVALID_ARGUMENT, path,
                    "key length " + key.length + " is outside 1.." + KvOptions.MAX_KEY_BYTES + " bytes");
        }
    }

    private byte[] checkValue(byte[] value) {
        Objects.requireNonNull(value, "value");
        if (value.length > maxValueBytes) {
            throw new KvException(KvException.Code.INVALID_ARGUMENT, path, "value length " + value.length
                    + " exceeds this pool's limit of " + maxValueBytes + " bytes (set by its segment size)");
        }
        return value;
    }

    // ------------------------------------------------------------------ recovery access

    Log log() {
        return log;
    }

    Cleaner cleaner() {
        return cleaner;
    }

    Region region() {
        return region;
    }

    void recovered(long keys) {
        liveKeys.reset();
        liveKeys.add(keys);
    }
}
