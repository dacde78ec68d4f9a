package dev.engram.region;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.StampedLock;
import java.util.zip.CRC32C;

/**
 * {@link AccessMode#RUN}: a small byte-addressable fast tier (a WALK mapping) caching blocks of a
 * large capacity file (CRAWL), so a region can be many times larger than its fast tier.
 *
 * <h2>Fast-tier file layout (little-endian; literal offsets)</h2>
 * <pre>
 *  0     region header, kind KIND_FAST_TIER, its own UUID, BLOCK_BYTES
 *  4096  CAPACITY_UUID_HI u64 | CAPACITY_UUID_LO u64 | SLOT_COUNT u32 | BLOCK_BYTES u32 |
 *        DIRECTORY_OFFSET u64 | SLOTS_OFFSET u64 | DESCRIPTOR_CRC u32 (of [4096, 4136))
 *  8192  directory: SLOT_COUNT entries of u64
 *  SLOTS_OFFSET  SLOT_COUNT blocks of BLOCK_BYTES
 * </pre>
 * A directory entry is {@code 0} (EMPTY) or {@code (block + 1) << 2 | state}, state CLEAN (1) or
 * DIRTY (2): one aligned 8-byte word, so changing it is failure-atomic.
 *
 * <h2>Policy</h2>
 * <ul>
 *   <li>Placement and promotion: every access goes through the fast tier; a miss promotes the whole
 *       block (read from the capacity file; a block the caller released with {@link #discard} starts
 *       from zeros, DIRTY, without a read). The header page (block 0 when blocks are 4 KiB; bytes
 *       below 4096 in any case) is never cached: it is read and written on the capacity file.</li>
 *   <li>Eviction: CLOCK over the slots, preferring clean blocks. When every candidate is dirty, the
 *       victim is destaged in a batch of up to {@link #evictionBatch} dirty slots (the victim and those
 *       the clock reaches next): one {@code pwrite} each and one {@code fdatasync} for all (R4), so a
 *       foreground that outruns the destager pays one fdatasync per batch, not per miss; the extra
 *       slots stay resident, now clean, and are the next cheap victims.</li>
 *   <li>Destage (write-back): a background thread destages when more than half of the slots are
 *       dirty, down to a quarter; {@link #destage()} destages everything.</li>
 * </ul>
 *
 * <h2>Durability protocol (step names are quoted at each flush and fence below)</h2>
 * <ol>
 *   <li>R1 attach: before the first block becomes dirty, the capacity header's attach token is set to
 *       this fast tier's token (in the non-current A/B slot, see {@link RegionHeader}) and fdatasync'ed, so CRAWL and WALK refuse the capacity file while
 *       the fast tier holds newer data.</li>
 *   <li>R2 promote: the block's bytes are copied into a free slot and persisted; only then is the
 *       slot's entry set to CLEAN|block and persisted. A crash before that leaves the slot EMPTY. A
 *       released block's zeros are persisted the same way, then its entry goes from EMPTY straight to
 *       DIRTY|block (R3), since the zeros may differ from the capacity file.</li>
 *   <li>R3 dirty: before the first store into a CLEAN slot, its entry becomes DIRTY|block and is
 *       persisted. Stores then go to the slot; {@link #persist} flushes the slot's lines, so a
 *       persisted store is durable in the fast tier (NVDIMM semantics) whichever tier later holds it.</li>
 *   <li>R4 destage: with writers excluded, the slot's bytes are written to the capacity file and
 *       fdatasync'ed; only then does the entry go back to CLEAN and is persisted. A crash at any point
 *       before leaves the entry DIRTY, and the slot stays the authoritative copy.</li>
 *   <li>R5 evict: a CLEAN slot's entry becomes EMPTY and is persisted before the slot is reused.</li>
 *   <li>R6 detach: when no slot is dirty, the attach token is set to 0 the same way and fdatasync'ed.</li>
 * </ol>
 * Recovery reads the directory: DIRTY slots override the capacity file, CLEAN slots are valid copies
 * (nothing else can write the capacity file while it is attached). Opening with a detached capacity
 * file resets the directory, so a fast tier can never serve bytes older than the capacity file.
 *
 * <h2>Concurrency</h2>
 * Loads take no lock. Each block has a <em>block word</em> in one flat {@code long[]}:
 * {@code NOT_FAST | UNREFERENCED | generation << 32 | slot}. The slot field is the fast-tier slot
 * holding the block ({@code -1}: not resident); bit 63, {@link #NOT_FAST}, sends loads of the block to
 * the general path (set when it is not resident, and for the capacity file's last block while that is
 * partial); bit 62, {@link #UNREFERENCED}, is CLOCK's reference bit, inverted (set: not used since the
 * clock hand last passed); the generation counts the block's evictions. A load is a seqlock read of the
 * word: read it (acquire), load the bytes from its slot, fence, read it again; the load stands when both
 * reads agree. Eviction changes the word (a volatile store, new generation) before the slot's bytes
 * change, so a load that raced with an eviction and a new promotion into the same slot sees two
 * different words and retries; the generation makes the check immune to a block returning to the same
 * slot (ABA). Growth replaces the array and then <em>poisons</em> the old one (every word NOT_FAST,
 * new generation), so a load that still holds the old array fails validation too. The clock hand
 * setting {@code UNREFERENCED} also changes the word, so a load racing with it retries once; a load
 * that validated a word with the bit set clears it by CAS from exactly that word, so it can never mark a
 * block evicted meanwhile. Stores hold the read side of the slot's {@link StampedLock} (stores to
 * different bytes of one block do not exclude each other); destage and eviction hold the write side.
 * Misses promote under one lock.
 *
 * <h2>The resident-read fast path</h2>
 * When the fast tier is a {@link WalkRegion} (always, outside tests), loads within one resident block
 * read its slot area through one segment held in a final field. The path is entered on one test of
 * the word's top two bits, {@code word >>> 62 == 0}: resident, full, not the header, {@link #fastSlots}
 * set, and referenced (a block the clock hand has passed takes the general path once, which marks it).
 * A hit then costs the load itself with the segment's bounds check and the word's second read, on a line
 * just read: no store, no load of a reference byte from a second array (the first design's, one more
 * dependent load per hit), no interface call into the fast tier, no lock object, no separate size
 * check. The fields the path needs are read into locals before the acquiring read of the word (after
 * it, the JIT loaded {@code blockShift} a second time). Anything else (the header block, a range across
 * blocks, a miss, a closed region, a fast tier of another kind) takes the general path, which
 * re-checks everything.
 */
final class RunRegion implements TieredRegion {

    static final int DESCRIPTOR_OFFSET = 4096;
    static final int CAPACITY_UUID_HI_OFFSET = 4096;
    static final int CAPACITY_UUID_LO_OFFSET = 4104;
    static final int SLOT_COUNT_OFFSET = 4112;
    static final int BLOCK_BYTES_OFFSET = 4116;
    static final int DIRECTORY_OFFSET_OFFSET = 4120;
    static final int SLOTS_OFFSET_OFFSET = 4128;
    static final int DESCRIPTOR_CRC_OFFSET = 4136;
    static final int DESCRIPTOR_CHECKED_LENGTH = 40;
    static final int DIRECTORY_OFFSET = 8192;

    static final long EMPTY = 0;
    static final int CLEAN = 1;
    static final int DIRTY = 2;

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Block word, bit 63: loads of this block take the general path (not resident, or a partial last block). */
    static final long NOT_FAST = Long.MIN_VALUE;
    /**
     * Block word, bit 62: CLOCK's reference bit, stored inverted: set by the clock hand when it passes
     * a block (its second chance used), cleared by a load that finds it set (one CAS, then no store on
     * later hits). Inverted so that one test of the top two bits, {@code word >>> 62 == 0}, admits a
     * load to the fast path: resident, full, and referenced. The word changing under a load only makes
     * it retry.
     */
    static final long UNREFERENCED = 1L << 62;
    /** Block word, bits 32-61: the generation, one more at each eviction of the block. */
    static final long GENERATION_MASK = 0x3FFF_FFFF_0000_0000L;
    static final long GENERATION_ONE = 1L << 32;
    /** Block word, bits 0-31: the slot, as a signed int (-1: not resident). */
    static final long SLOT_MASK = 0xFFFF_FFFFL;
    /** The word of a block that is not resident, generation 0. */
    static final long NOT_RESIDENT = NOT_FAST | SLOT_MASK;
    /** Little-endian on every platform, any alignment: the fast tier's own layout for {@code getLong}. */
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** At most this many dirty slots are destaged by one eviction ... */
    static final int EVICTION_BATCH_MAX = 64;
    /** ... and at most this fraction (1/n) of the slots, so a small fast tier is not destaged whole. */
    static final int EVICTION_BATCH_SLOT_FRACTION = 4;
    private static final int MIN_SLOTS = 8;

    private final Path path;
    private final Region capacity;
    private final Region fast;
    private final long token;
    private final UUID capacityUuid;
    private final int blockBytes;
    private final int blockShift;
    private final long blockMask;
    private final int slotCount;
    private final long slotsOffset;

    /**
     * block -> block word (see the class comment), replaced by a longer array on growth, the old one
     * then poisoned. Written under the promotion lock (promotion, eviction, growth).
     */
    private volatile long[] blockWords;
    /** slot -> block, or -1; written under the promotion lock with the slot write-locked. */
    private final int[] blockOfSlot;
    /**
     * The fast tier's slot area (slot {@code s} at {@code s << blockShift}) when the fast tier is a
     * {@link WalkRegion}, else null, and then every block word has {@link #NOT_FAST} set, so the fast
     * path, entered only on a word with bit 63 clear, never sees null. Final, and always the same kind
     * of segment, so the hot call site stays monomorphic.
     */
    private final MemorySegment fastSlots;
    /** Dirty slots destaged together when an eviction must destage (see the class comment's Policy). */
    private final int evictionBatch;
    /** slot -> 1 when its entry is DIRTY and durable (R3 done). */
    private final int[] dirty;
    private final StampedLock[] locks;
    private final Lock[] writeGates;

    private final Object promotionLock = new Object();
    private final Object attachLock = new Object();
    private int clockHand;
    private boolean attached;
    private final AtomicInteger dirtyCount = new AtomicInteger();
    private final AtomicBoolean capacityTouched = new AtomicBoolean();
    private final LongAdder promotions = new LongAdder();
    private final LongAdder zeroFills = new LongAdder();
    /**
     * Blocks released by {@link #discard} and not resident since, one bit each (block {@code b}: bit
     * {@code b & 63} of word {@code b >>> 6}): the next access promotes such a block as zeros, DIRTY,
     * without reading the capacity file. Under the promotion lock; longer after a growth. Not durable:
     * after a reopen a released block reads its old bytes again, which {@link #discard} allows.
     */
    private long[] discarded;
    private final LongAdder destages = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final Thread destager;
    private volatile boolean closed;

    static long minimumFastTierBytes(int blockBytes) {
        return DIRECTORY_OFFSET + RegionHeader.LENGTH + (long) MIN_SLOTS * blockBytes;
    }

    /** Opens the RUN region of a validated capacity file, creating its fast tier when detached. */
    static Region open(RegionOptions options, RegionHeader.Fields capacityFields) {
        Path path = options.path();
        Path fastPath = options.fastTierPath();
        CrawlRegion cap = new CrawlRegion(path, options.maxSize(), Regions.fileSystemType(path));
        try {
            if (capacityFields.attachWord() == 0) {
                // Detached: nothing in any old fast tier is newer than the capacity file; start afresh.
                Files.deleteIfExists(fastPath);
                try (FileChannel ch = FileChannel.open(fastPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ch.write(ByteBuffer.wrap(new byte[1]), options.fastTierSize() - 1);
                    ch.force(true);
                }
                // The directory entry durable too, before R1 can name this fast tier in the capacity
                // header: else a power failure after R1 could leave an attached file whose fast tier
                // never existed (TIER_MISMATCH, the persisted data lost). A crash before R1 leaves
                // the capacity file detached, and this open, run again, starts the fast tier afresh.
                Regions.fsyncDirectory(fastPath);
            } else if (!Files.exists(fastPath)) {
                throw new RegionException(RegionException.Code.TIER_MISMATCH, path,
                        "the capacity file has data that is only in fast tier token 0x"
                                + Long.toHexString(capacityFields.attachWord()) + ", but " + fastPath
                                + " does not exist; give the right --fast-tier path");
            } else if (Files.size(fastPath) < minimumFastTierBytes(options.blockBytes())) {
                // Never a creation window: R1 attaches only a fast tier formatted and synced. Damage, named
                // as such (mapping it failed with an mmap EINVAL before).
                throw new RegionException(RegionException.Code.BAD_FORMAT, fastPath,
                        "the fast tier is " + Files.size(fastPath) + " bytes, a formatted one at least "
                                + minimumFastTierBytes(options.blockBytes()) + ", yet the capacity file " + path
                                + " is attached to it (token 0x" + Long.toHexString(capacityFields.attachWord())
                                + "): the fast tier holding its newest data is damaged");
            }
            WalkRegion fastRegion = new WalkRegion(fastPath, Files.size(fastPath), Regions.fileSystemType(fastPath),
                    options.persistence());
            try {
                return open(path, cap, fastRegion, options.blockBytes(), options.backgroundDestage());
            } catch (RuntimeException e) {
                fastRegion.close();
                throw e;
            }
        } catch (IOException e) {
            cap.close();
            throw new RegionException(RegionException.Code.IO, fastPath, "cannot create the fast tier: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            cap.close();
            throw e;
        }
    }

    /**
     * Opens a RUN region over two already-open regions: {@code capacity} (a data file: region header
     * included) and {@code fast} (formatted here when the capacity file is detached, recovered when
     * attached). Tests use it with the power-fail simulator's devices.
     */
    static RunRegion open(Path path, Region capacity, Region fast, int blockBytes, boolean backgroundDestage) {
        byte[] capHeader = new byte[RegionHeader.LENGTH];
        capacity.read(0, capHeader, 0, capHeader.length);
        RegionHeader.Fields capFields = RegionHeader.check(path, capHeader, capacity.size(), RegionHeader.KIND_DATA);
        if (capFields.attachWord() == 0) {
            format(fast, capFields.uuid(), blockBytes);
        }
        return new RunRegion(path, capacity, fast, capFields, backgroundDestage);
    }

    /** Writes a fresh fast tier: header, descriptor, an all-EMPTY directory; persisted before use. */
    private static void format(Region fast, UUID capacityUuid, int blockBytes) {
        long size = fast.size();
        int slots = slotCountFor(size, blockBytes);
        if (slots < MIN_SLOTS) {
            throw new RegionException(RegionException.Code.INVALID_ARGUMENT, null,
                    "fast tier of " + size + " bytes holds " + slots + " blocks of " + blockBytes + "; at least "
                            + MIN_SLOTS + " are needed");
        }
        byte[] header = RegionHeader.image(RegionHeader.KIND_FAST_TIER, UUID.randomUUID(), blockBytes,
                System.currentTimeMillis());
        ByteBuffer d = ByteBuffer.allocate(DESCRIPTOR_CHECKED_LENGTH + 4).order(ByteOrder.LITTLE_ENDIAN);
        d.putLong(CAPACITY_UUID_HI_OFFSET - DESCRIPTOR_OFFSET, capacityUuid.getMostSignificantBits());
        d.putLong(CAPACITY_UUID_LO_OFFSET - DESCRIPTOR_OFFSET, capacityUuid.getLeastSignificantBits());
        d.putInt(SLOT_COUNT_OFFSET - DESCRIPTOR_OFFSET, slots);
        d.putInt(BLOCK_BYTES_OFFSET - DESCRIPTOR_OFFSET, blockBytes);
        d.putLong(DIRECTORY_OFFSET_OFFSET - DESCRIPTOR_OFFSET, DIRECTORY_OFFSET);
        d.putLong(SLOTS_OFFSET_OFFSET - DESCRIPTOR_OFFSET, slotsOffsetFor(slots, blockBytes));
        d.putInt(DESCRIPTOR_CRC_OFFSET - DESCRIPTOR_OFFSET, descriptorCrc(d.array()));
        fast.fill(DIRECTORY_OFFSET, (long) slots * 8, (byte) 0);
        fast.write(DESCRIPTOR_OFFSET, d.array(), 0, d.capacity());
        fast.write(0, header, 0, header.length);
        fast.persist(0, DIRECTORY_OFFSET + (long) slots * 8);   // format: all of it durable before use
    }

    static int slotCountFor(long fastSize, int blockBytes) {
        long slots = (fastSize - DIRECTORY_OFFSET) / blockBytes;   // an upper bound, lowered until the directory fits
        while (slots > 0 && slotsOffsetFor((int) slots, blockBytes) + slots * blockBytes > fastSize) {
            slots--;
        }
        return (int) Math.min(slots, Integer.MAX_VALUE);
    }

    static long slotsOffsetFor(int slots, int blockBytes) {
        long end = DIRECTORY_OFFSET + (long) slots * 8;
        return (end + blockBytes - 1) / blockBytes * blockBytes;
    }

    private static int descriptorCrc(byte[] descriptor) {
        CRC32C c = new CRC32C();
        c.update(descriptor, 0, DESCRIPTOR_CHECKED_LENGTH);
        return (int) c.getValue();
    }

    private RunRegion(Path path, Region capacity, Region fast, RegionHeader.Fields capFields,
                      boolean backgroundDestage) {
        this.path = path;
        this.capacity = capacity;
        this.fast = fast;
        this.capacityUuid = capFields.uuid();

        byte[] fastHeader = new byte[RegionHeader.LENGTH];
        fast.read(0, fastHeader, 0, fastHeader.length);
        RegionHeader.Fields fastFields = RegionHeader.check(path, fastHeader, fast.size(), RegionHeader.KIND_FAST_TIER);
        this.token = fastFields.uuid().getLeastSignificantBits() | 1L;
        if (capFields.attachWord() != 0 && capFields.attachWord() != token) {
            throw new RegionException(RegionException.Code.TIER_MISMATCH, path,
                    "the capacity file's data is in fast tier token 0x" + Long.toHexString(capFields.attachWord())
                            + ", but this fast tier's token is 0x" + Long.toHexString(token));
        }
        byte[] d = new byte[DESCRIPTOR_CHECKED_LENGTH + 4];
        fast.read(DESCRIPTOR_OFFSET, d, 0, d.length);
        ByteBuffer desc = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        int storedCrc = desc.getInt(DESCRIPTOR_CRC_OFFSET - DESCRIPTOR_OFFSET);
        if (storedCrc != descriptorCrc(d)) {
            throw new RegionException(RegionException.Code.BAD_FORMAT, path,
                    "fast-tier descriptor checksum is 0x" + Integer.toHexString(storedCrc) + ", computed 0x"
                            + Integer.toHexString(descriptorCrc(d)));
        }
        UUID owner = new UUID(desc.getLong(0), desc.getLong(8));
        if (!owner.equals(capacityUuid)) {
            throw new RegionException(RegionException.Code.TIER_MISMATCH, path,
                    "the fast tier belongs to capacity file " + owner + ", this one is " + capacityUuid);
        }
        this.slotCount = desc.getInt(SLOT_COUNT_OFFSET - DESCRIPTOR_OFFSET);
        this.blockBytes = desc.getInt(BLOCK_BYTES_OFFSET - DESCRIPTOR_OFFSET);
        this.slotsOffset = desc.getLong(SLOTS_OFFSET_OFFSET - DESCRIPTOR_OFFSET);
        if (blockBytes < RegionHeader.LENGTH || Integer.bitCount(blockBytes) != 1 || slotCount < MIN_SLOTS
                || slotsOffset != slotsOffsetFor(slotCount, blockBytes)
                || slotsOffset + (long) slotCount * blockBytes > fast.size()) {
            throw new RegionException(RegionException.Code.BAD_FORMAT, path,
                    "fast-tier descriptor out of range: " + slotCount + " slots of " + blockBytes
                            + " bytes at " + slotsOffset + " in a " + fast.size() + "-byte fast tier");
        }
        this.blockShift = Integer.numberOfTrailingZeros(blockBytes);
        this.blockMask = blockBytes - 1;
        this.attached = capFields.attachWord() != 0;

        this.blockOfSlot = new int[slotCount];
        this.fastSlots = fast instanceof WalkRegion walk ? walk.slice(slotsOffset, (long) slotCount << blockShift) : null;
        this.evictionBatch = Math.max(1, Math.min(EVICTION_BATCH_MAX, slotCount / EVICTION_BATCH_SLOT_FRACTION));
        this.dirty = new int[slotCount];
        this.locks = new StampedLock[slotCount];
        this.writeGates = new Lock[slotCount];
        for (int s = 0; s < slotCount; s++) {
            locks[s] = new StampedLock();
            writeGates[s] = locks[s].asReadLock();
        }
        long[] words = new long[blockCount(capacity.size())];
        java.util.Arrays.fill(words, NOT_RESIDENT);
        recover(words);
        this.blockWords = words;
        this.discarded = new long[(words.length + 63) >>> 6];

        if (backgroundDestage) {
            destager = Thread.ofPlatform().daemon().name("engram-destage-" + path.getFileName()).unstarted(this::destageLoop);
            destager.start();
        } else {
            destager = null;
        }
    }

    /** Rebuilds the DRAM index from the directory: DIRTY slots are authoritative, CLEAN ones valid copies. */
    private void recover(long[] words) {
        int dirtySlots = 0;
        long size = capacity.size();
        for (int s = 0; s < slotCount; s++) {
            long e = fast.getLongVolatile(entryOffset(s));
            blockOfSlot[s] = -1;
            if (e == EMPTY) {
                continue;
            }
            long block = (e >>> 2) - 1;
            int state = (int) (e & 3);
            if (block < 1 || block >= words.length || (state != CLEAN && state != DIRTY)
                    || slotIn(words[(int) block]) >= 0 || !attached) {
                throw new RegionException(RegionException.Code.BAD_FORMAT, path,
                        "fast-tier directory entry " + s + " is 0x" + Long.toHexString(e) + ": expected EMPTY or"
                                + " CLEAN/DIRTY of a distinct block in [1, " + words.length + ")"
                                + (attached ? "" : " (and none at all while detached)"));
            }
            words[(int) block] = residentWord(0, s, block, size) | UNREFERENCED;   // not used since the restart
            blockOfSlot[s] = (int) block;
            if (state == DIRTY) {
                dirty[s] = 1;
                dirtySlots++;
            }
        }
        dirtyCount.set(dirtySlots);
    }

    private int blockCount(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, (bytes + blockBytes - 1) >>> blockShift);
    }

    private long entryOffset(int slot) {
        return DIRECTORY_OFFSET + 8L * slot;
    }

    private long slotOffset(int slot) {
        return slotsOffset + ((long) slot << blockShift);
    }

    private static long entry(long block, int state) {
        return ((block + 1) << 2) | state;
    }

    // ---------------------------------------------------------------- checks

    private void check(long offset, long length) {
        if (closed) {
            throw RegionException.closed(path);
        }
        long s = capacity.size();
        if (offset < 0 || length < 0 || offset > s - length) {
            throw RegionException.outOfBounds(path, offset, length, s);
        }
    }

    private void checkAtomic(long offset) {
        check(offset, 8);
        if ((offset & 7) != 0) {
            throw RegionException.misaligned(path, offset);
        }
    }

    /** True when [offset, offset+length) lies inside one cacheable block (any block but the first). */
    private boolean inOneCachedBlock(long offset, long length) {
        long block = offset >>> blockShift;
        return block > 0 && block == ((offset + length - 1) >>> blockShift);
    }

    /** Block 0 holds the region header (attach slots among it): it is never cached, always the capacity file's. */
    private boolean headerBytes(long offset) {
        return (offset >>> blockShift) == 0;
    }

    /**
     * A {@code CLOSED} error of the fast tier or the capacity file, raised because {@link #close()}
     * closed them under a call that had passed this region's check: reported as this region's own, so
     * a caller sees the same error (code and path) as a call after close, not the fast tier's path.
     * When this region is not closed, a tier closed itself because a thread was interrupted in its
     * channel: this region closes too, so no later call is served by one tier alone. Any other error
     * is returned as it is. Called at the public boundary, with no slot lock held.
     */
    private RegionException closedAs(RegionException e) {
        if (e.code() != RegionException.Code.CLOSED) {
            return e;
        }
        if (!closed) {
            close();            // not by close(): an interrupt closed a tier's channel (see FileRegion); go with it
        }
        return path.equals(e.path()) ? e : RegionException.closedDuring(path, e);
    }

    // ---------------------------------------------------------------- residency

    /**
     * Marks {@code block} referenced: clears {@link #UNREFERENCED} in its word, which a load has just
     * validated as {@code word} (bit set). Only then, so hits from many threads do not bounce the word's
     * line; a failed CAS means the word changed (an eviction, the clock, another hit) and is ignored.
     */
    private static void markReferenced(long[] words, int block, long word) {
        WORDS.compareAndSet(words, block, word, word & ~UNREFERENCED);
    }

    /** The slot field of a block word: the slot holding the block, or -1. */
    private static int slotIn(long word) {
        return (int) word;
    }

    /** The generation field of a block word advanced by one, wrapping within its 31 bits. */
    private static long nextGeneration(long word) {
        return (word + GENERATION_ONE) & GENERATION_MASK;
    }

    /**
     * The word of {@code block} resident in {@code slot}: NOT_FAST when it is the partial last block,
     * or when the fast tier is not a WALK region (no {@link #fastSlots} to read directly).
     */
    private long residentWord(long generation, int slot, long block, long size) {
        boolean general = ((block + 1) << blockShift) > size || fastSlots == null;
        return (general ? NOT_FAST : 0) | (generation & GENERATION_MASK) | (slot & SLOT_MASK);
    }

    /** A load's validation passed on {@code word}: CLOCK's reference bit, written only when not set. */
    private static void referenced(long[] words, long block, long word) {
        if ((word & UNREFERENCED) != 0) {
            markReferenced(words, (int) block, word);
        }
    }

    /**
     * The slot holding {@code block} now, or -1, without promoting. Reading a poisoned old array after
     * a growth reads again from the current one, so a resident block is never reported absent.
     */
    int slotNow(long block) {
        while (true) {
            long[] words = blockWords;
            int s = block < words.length ? slotIn((long) WORDS.getAcquire(words, (int) block)) : -1;
            if (s >= 0 || words == blockWords) {
                return s;
            }
        }
    }

    /** The slot that holds {@code block}, promoting it first on a miss. */
    private int resident(long block) {
        long[] words = blockWords;
        if (block < words.length) {
            int s = slotIn((long) WORDS.getAcquire(words, (int) block));
            if (s >= 0) {
                return s;
            }
        }
        return promote(block);                              // also the way past a poisoned or short array
    }

    private int promote(long block) {
        synchronized (promotionLock) {
            long[] words = blockWords;                      // current: growth replaces it under this lock
            long word = words[(int) block];
            int s = slotIn(word);
            if (s >= 0) {
                return s;
            }
            s = victim();                                   // write-locked, entry EMPTY and durable
            try {
                long size = capacity.size();
                if (takeDiscarded(block)) {
                    // Released by discard: zeros instead of the capacity file's bytes, which may differ, so
                    // the slot is DIRTY from the start (the R3 a first store would make, from EMPTY): a
                    // crash then leaves zeros or, before the entry is durable, the capacity file's bytes.
                    fast.fill(slotOffset(s), blockBytes, (byte) 0);
                    fast.persist(slotOffset(s), blockBytes);    // R2 promote: slot bytes durable first
                    markDirty(s, block);                        // R3 dirty: then the entry names them
                    zeroFills.increment();
                } else {
                    byte[] data = new byte[blockBytes];
                    long from = block << blockShift;
                    int n = (int) Math.min(blockBytes, size - from);
                    capacity.read(from, data, 0, n);
                    fast.write(slotOffset(s), data, 0, blockBytes);
                    fast.persist(slotOffset(s), blockBytes);    // R2 promote: slot bytes durable first
                    fast.putLongRelease(entryOffset(s), entry(block, CLEAN));
                    fast.persist(entryOffset(s), 8);            // R2 promote: then the entry names them
                    promotions.increment();
                }
                INTS.setRelease(blockOfSlot, s, (int) block);
                // Release: a load that reads this word also sees the bytes copied above.
                WORDS.setRelease(words, (int) block, residentWord(word, s, block, size));   // referenced
                return s;
            } finally {
                locks[s].tryUnlockWrite();
            }
        }
    }

    /** Whether {@code block} was released by {@link #discard}, clearing the mark. Under the promotion lock. */
    private boolean takeDiscarded(long block) {
        int w = (int) (block >>> 6);
        long bit = 1L << block;
        if (w >= discarded.length || (discarded[w] & bit) == 0) {
            return false;
        }
        discarded[w] &= ~bit;
        return true;
    }

    /**
     * Marks the whole blocks of the range that are not resident (never the header's block 0) so that
     * their next promotion starts from zeros (see {@link #promote}). A resident block keeps its bytes:
     * {@link Region#discard} allows either. The blocks' truth stays the capacity file's until then, and
     * after a reopen.
     */
    @Override
    public long discard(long offset, long length) {
        long released = 0;
        try {
            if (closed || offset < 0 || length <= 0 || offset > capacity.size() - length) {
                return 0;
            }
            long first = Math.max(1, (offset + blockMask) >>> blockShift);
            long end = (offset + length) >>> blockShift;
            synchronized (promotionLock) {
                long[] words = blockWords;
                for (long b = first; b < end && b < words.length; b++) {
                    if (slotIn(words[(int) b]) < 0) {
                        discarded[(int) (b >>> 6)] |= 1L << b;
                        released += blockBytes;
                    }
                }
            }
        } catch (RegionException e) {
            return 0;                                           // closed meanwhile: a hint, never an error
        }
        return released;
    }

    /**
     * CLOCK: returns a slot, write-locked, whose entry is EMPTY and durable. Prefers free and clean
     * slots; when every candidate is dirty, destages the victim in a batch with the dirty slots the
     * clock reaches next (see Policy). Called under the promotion lock.
     */
    private int victim() {
        for (int pass = 0; ; pass++) {
            for (int i = 0; i < 2 * slotCount; i++) {
                int s = clockHand;
                clockHand = (clockHand + 1) % slotCount;
                int held = blockOfSlot[s];
                if (held >= 0) {
                    long[] words = blockWords;              // current: growth replaces it under this lock
                    long w = (long) WORDS.getVolatile(words, held);
                    if ((w & UNREFERENCED) == 0) {
                        // A second chance. A failed CAS means a load just used the block: skip all the same.
                        WORDS.compareAndSet(words, held, w, w | UNREFERENCED);
                        continue;
                    }
                }
                boolean isDirty = (int) INTS.getAcquire(dirty, s) != 0;
                if (isDirty && pass == 0) {
                    continue;
                }
                if (locks[s].tryWriteLock() == 0) {
                    continue;
                }
                int block = blockOfSlot[s];
                if (block < 0) {
                    return s;
                }
                try {
                    if ((int) INTS.getAcquire(dirty, s) != 0) {
                        destageWithBatch(s);
                    }
                    // Loads that read the old word now fail validation: change it before the slot's bytes do.
                    long[] words = blockWords;
                    WORDS.setVolatile(words, block, NOT_RESIDENT | nextGeneration(words[block]));
                    fast.putLongRelease(entryOffset(s), EMPTY);
                    fast.persist(entryOffset(s), 8);        // R5 evict: EMPTY durable before reuse
                } catch (RuntimeException | Error e) {
                    // A close() (CLOSED) or an I/O error in the destage or the eviction: the slot's lock must
                    // not outlive the call, or the next writer of this block waits on it forever.
                    locks[s].tryUnlockWrite();
                    throw e;
                }
                INTS.setRelease(blockOfSlot, s, -1);
                evictions.increment();
                return s;
            }
            if (pass > 0) {
                Thread.onSpinWait();                        // every slot busy: writers hold them briefly
            }
        }
    }

    /**
     * Write-locks slot {@code t} for a destage if it is dirty and no one holds it: the stamp, or 0 when it
     * is clean or busy (never waits). Dirtiness is checked again under the lock, which a writer needs to set it.
     */
    private long lockIfDirty(int t) {
        if ((int) INTS.getAcquire(dirty, t) == 0) {
            return 0;
        }
        long stamp = locks[t].tryWriteLock();
        if (stamp != 0 && (int) INTS.getAcquire(dirty, t) == 0) {
            locks[t].unlockWrite(stamp);
            return 0;
        }
        return stamp;
    }

    /**
     * R4 for the eviction victim {@code s} (write-locked by the caller) together with up to
     * {@code evictionBatch - 1} more dirty slots that the clock reaches next and that no one holds: one
     * pwrite each, one fdatasync for all. The extra slots are unlocked again, clean and still resident.
     */
    private void destageWithBatch(int s) {
        List<Integer> batch = new ArrayList<>(evictionBatch);
        List<Long> stamps = new ArrayList<>(evictionBatch);
        batch.add(s);
        for (int i = 0, t = clockHand; i < slotCount && batch.size() < evictionBatch; i++, t = (t + 1) % slotCount) {
            long stamp = t == s ? 0 : lockIfDirty(t);
            if (stamp != 0) {
                batch.add(t);
                stamps.add(stamp);
            }
        }
        try {
            destageLocked(batch);
        } finally {
            for (int i = 1; i < batch.size(); i++) {
                locks[batch.get(i)].unlockWrite(stamps.get(i - 1));
            }
        }
    }

    /** Write side of a store: the slot of {@code block}, pinned against destage/evict and DIRTY (R3). */
    private int pinForWrite(long block) {
        while (true) {
            int s = resident(block);
            writeGates[s].lock();
            if (blockOfSlot[s] == block) {
                if ((int) INTS.getAcquire(dirty, s) == 0) {
                    try {
                        markDirty(s, block);
                    } catch (RuntimeException | Error e) {
                        writeGates[s].unlock();             // else destage and eviction of the slot wait forever
                        throw e;
                    }
                }
                return s;
            }
            writeGates[s].unlock();                         // evicted between lookup and lock: retry
        }
    }

    private void markDirty(int s, long block) {
        synchronized (attachLock) {
            if ((int) INTS.getAcquire(dirty, s) != 0) {
                return;
            }
            if (!attached) {
                writeAttachToken(token);                                // R1 attach
                attached = true;
            }
            fast.putLongRelease(entryOffset(s), entry(block, DIRTY));
            fast.persist(entryOffset(s), 8);                            // R3 dirty
            INTS.setRelease(dirty, s, 1);
            dirtyCount.incrementAndGet();
        }
    }

    // ---------------------------------------------------------------- destage

    /** R4 for slots the caller holds write-locked: write back, one fdatasync, then mark CLEAN. */
    private void destageLocked(List<Integer> slots) {
        if (slots.isEmpty()) {
            return;
        }
        byte[] data = new byte[blockBytes];
        for (int s : slots) {
            long at = (long) blockOfSlot[s] << blockShift;
            int n = (int) Math.min(blockBytes, capacity.size() - at);
            fast.read(slotOffset(s), data, 0, n);
            capacity.write(at, data, 0, n);
        }
        capacity.persist(RegionHeader.LENGTH, blockBytes);              // R4 destage: fdatasync first
        synchronized (attachLock) {
            for (int s : slots) {
                fast.putLongRelease(entryOffset(s), entry(blockOfSlot[s], CLEAN));
                fast.flush(entryOffset(s), 8);
                INTS.setRelease(dirty, s, 0);
                dirtyCount.decrementAndGet();
                destages.increment();
            }
            fast.drain();                                               // R4 destage: then CLEAN durable
        }
    }

    @Override
    public void destage() {
        try {
            check(0, 0);
            List<Integer> held = new ArrayList<>();
            List<Long> stamps = new ArrayList<>();
            for (int s = 0; s < slotCount; s++) {
                if ((int) INTS.getAcquire(dirty, s) == 0) {
                    continue;
                }
                long stamp = locks[s].writeLock();
                if ((int) INTS.getAcquire(dirty, s) != 0) {
                    held.add(s);
                    stamps.add(stamp);
                } else {
                    locks[s].unlockWrite(stamp);
                }
            }
            try {
                destageLocked(held);
            } finally {
                for (int i = 0; i < held.size(); i++) {
                    locks[held.get(i)].unlockWrite(stamps.get(i));
                }
            }
            detachIfClean();
        } catch (RegionException e) {
            throw closedAs(e);
        }
    }

    /**
     * Writes the attach token into the non-current slot with the next sequence number and
     * fdatasyncs it (R1/R6). A crash that garbles that sector leaves the other slot's state.
     */
    private void writeAttachToken(long value) {
        byte[] header = new byte[RegionHeader.LENGTH];
        capacity.read(0, header, 0, header.length);
        long seq = RegionHeader.attachSeq(header) + 1;
        int slot = RegionHeader.nextSlotOffset(header);
        byte[] image = RegionHeader.attachSlot(seq, value);
        capacity.write(slot, image, 0, image.length);
        capacity.persist(slot, image.length);                               // R1/R6: the new slot durable
    }

    private void detachIfClean() {
        synchronized (attachLock) {
            if (attached && dirtyCount.get() == 0) {
                writeAttachToken(0);                                    // R6 detach
                attached = false;
            }
        }
    }

    private void destageLoop() {
        int high = slotCount / 2;
        int low = slotCount / 4;
        while (!closed) {
            if (dirtyCount.get() > high) {
                List<Integer> held = new ArrayList<>();
                List<Long> stamps = new ArrayList<>();
                for (int s = 0; s < slotCount && dirtyCount.get() - held.size() > low; s++) {
                    long stamp = lockIfDirty(s);
                    if (stamp != 0) {
                        held.add(s);
                        stamps.add(stamp);
                    }
                }
                try {
                    destageLocked(held);
                } catch (RegionException e) {
                    if (!closed) {
                        throw e;
                    }
                } finally {
                    for (int i = 0; i < held.size(); i++) {
                        locks[held.get(i)].unlockWrite(stamps.get(i));
                    }
                }
            } else {
                LockSupport.parkNanos(2_000_000);
            }
        }
    }

    // ---------------------------------------------------------------- Region

    @Override
    public long size() {
        check(0, 0);
        return capacity.size();
    }

    @Override
    public AccessMode mode() {
        return AccessMode.RUN;
    }

    @Override
    public Granularity granularity() {
        return fast.granularity();
    }

    @Override
    public PersistencePath persistencePath() {
        PersistencePath f = fast.persistencePath();
        return new PersistencePath(PersistencePath.Kind.TIERED, f.dax(),
                "RUN: fast tier " + slotCount + " x " + blockBytes + " B [" + f.reason() + "]; capacity tier ["
                        + capacity.persistencePath().reason() + "]");
    }

    // Loads. Each validates against the block word (see the class comment): read the word, load, fence,
    // read the word again; a miss promotes, a mismatch (an eviction or a growth in between) retries.

    @Override
    public byte getByte(long offset) {
        try {
            check(offset, 1);
            if (headerBytes(offset)) {
                return capacity.getByte(offset);
            }
            long block = offset >>> blockShift;
            long in = offset & blockMask;
            while (true) {
                long[] words = blockWords;
                long word = block < words.length ? (long) WORDS.getAcquire(words, (int) block) : NOT_RESIDENT;
                int s = slotIn(word);
                if (s < 0) {
                    promote(block);
                    continue;
                }
                byte v = fast.getByte(slotOffset(s) + in);
                VarHandle.acquireFence();                       // the load above before the word's re-read
                if (words[(int) block] == word) {
                    referenced(words, block, word);
                    return v;
                }
                Thread.onSpinWait();
            }
        } catch (RegionException e) {
            throw closedAs(e);
        }
    }

    @Override
    public int getInt(long offset) {
        try {
            check(offset, 4);
            if (!inOneCachedBlock(offset, 4)) {
                byte[] b = new byte[4];
                read(offset, b, 0, 4);
                return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
            }
            long block = offset >>> blockShift;
            long in = offset & blockMask;
            while (true) {
                long[] words = blockWords;
                long word = block < words.length ? (long) WORDS.getAcquire(words, (int) block) : NOT_RESIDENT;
                int s = slotIn(word);
                if (s < 0) {
                    promote(block);
                    continue;
                }
                int v = fast.getInt(slotOffset(s) + in);
                VarHandle.acquireFence();                       // the load above before the word's re-read
                if (words[(int) block] == word) {
                    referenced(words, block, word);
                    return v;
                }
                Thread.onSpinWait();
            }
        } catch (RegionException e) {
            throw closedAs(e);
        }
    }

    /**
     * The fast path (see the class comment) for a resident block, else {@link #getLongGeneral}. Every
     * condition it tests sends anything unusual to the general path, which re-checks it all.
     */
    @Override
    public long getLong(long offset) {
        // Every field into a local before the acquiring read, which would make the JIT load them again.
        MemorySegment slots = fastSlots;
        int shift = blockShift;
        long mask = blockMask;
        long[] words = blockWords;
        long block = offset >>> shift;                      // a negative offset makes it huge: refused below
        long in = offset & mask;
        if (block < words.length && in <= mask - 7) {
            long word = (long) WORDS.getAcquire(words, (int) block);
            if (word >>> 62 == 0) {                         // resident, full, not the header, referenced
                try {
                    long v = slots.get(LONG, ((word & SLOT_MASK) << shift) + in);   // slot: non-negative
                    VarHandle.acquireFence();               // the load above before the word's re-read
                    if (words[(int) block] == word) {
                        return v;
                    }
                } catch (IllegalStateException closedFastTier) {
                    // fall through: the general path reports CLOSED
                }
            }
        }
        return getLongGeneral(offset);
    }

    private long getLongGeneral(long offset) {
        try {
            check(offset, 8);
            if (!inOneCachedBlock(offset, 8)) {
                byte[] b = new byte[8];
                read(offset, b, 0, 8);
                return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
            }
            return loadLong(offset, false);
        } catch (RegionException e) {
            throw closedAs(e);
        }
    }

    @Override
    public long getLongVolatile(long offset) {
        try {
            checkAtomic(offset);
            if (headerBytes(offset)) {
                return capacity.getLongVolatile(offset);
            }
            return loadLong(offset, true);
        } catch (RegionException e) {
            throw closedAs(e);
        }
    }

    private long loadLong(long offset, boolean acquire) {
        long block = offset >>> blockShift;
        long in = offset & blockMask;
        while (true) {
            long[] words = blockWords;
            long word = block < words.length ? (long) WORDS.getAcquire(words, (int) block) : NOT_RESIDENT;
            int s = slotIn(word);
            if (s < 0) {
                promote(block);
                continue;
            }
            long v = acquire ? fast.getLongVolatile(slotOffset(s) + in) : fast.getLong(slotOffset(s) + in);
            VarHandle.acquireFence();                       // the load above before the word's re-read
            if (words[(int) block] == word) {
                referenced(words, block, word);
                return v;
            }
            Thread.onSpinWait();
        }
    }

    /** Reads within one resident block take the fast path of {@link #getLong}; the rest go block by block. */
    @Override
    public void read(long offset, byte[] dst, int dstIndex, int length) {
        MemorySegment slots = fastSlots;
        int shift = blockShift;
        long mask = blockMask;
        long[] words = blockWords;
        long block = offset >>> shift;
        long in = offset & mask;
        if (block < words.length && length >= 0 && in + length <= mask + 1) {
            long word = (long) WORDS.getAcquire(words, (int) block);
            if (word >>> 62 == 0) {                         // resident, full, not the header, referenced
                try {
                    MemorySegment.copy(slots, ValueLayout.JAVA_BYTE, ((word & SLOT_MASK) << shift) + in,
                            dst, dstIndex, length);
                    VarHandle.acquireFence();               // the copy above before the word's re-read
                    if (words[(int) block] == word) {
                        return;
                    }
                } catch (IllegalStateException closedFastTier) {
                    // fall through: the general path reports CLOSED
                }
            }
        }
        readGeneral(offset, dst, dstIndex, length);
    }

    private void readGeneral(long offset, byte[] dst, int dstIndex, int length) {
        try {
            check(offset, length);
            long at = offset;
            int done = 0;
            while (done < length) {
                long block = at >>> blockShift;
                int n = (int) Math.min(length - done, blockBytes - (at & blockMask));
                if (headerBytes(at)) {
                    capacity.read(at, dst, dstIndex + done, n);
                } else {
                    while (true) {
                        long[] words = blockWords;
                        long word = block < words.length ? (long) WORDS.getAcquire(words, (int) block) : NOT_RESIDENT;
                        int s = slotIn(word);
                        if (s < 0) {
                            promote(block);
                            continue;
                        }
                        fast.read(slotOffset(s) + (at & blockMask), dst, dstIndex + done, n);
                        VarHandle.acquireFence();               // the copy above before the word's re-read
                        if (words[(int) block] == word) {
                            referenced(words, block, word);
                            break;
                        }
                        Thread.onSpinWait();
                    }
                }
                at += n;
                done += n;
            }
        } catch (RegionException e) {
            throw closedAs(e);
        }
    }

    @Override
    public void putByte(long offset, byte value) {
        try {
            check(offset, 1);
            if (headerBytes(offset)) {
                capacity.putByte(offset, value);
                capacityTouched.set(true);
                return;
            }
            int s = pinForWrite(offset >>> blockShift);
            try {
                fast.putByte(slotOffset(s) + (offset & blockMask), value);
            } finally {
                writeGates[s].unlock();
            }
        } catch (RegionException e) {
            throw closedAs(e);
        }
    }

    @Override
    public void putInt(long offset, int value) {
        try {
            check(offset, 4);
            if (!inOneCachedBlock(offset, 4)) {
                byte[] b = new byte[4];
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(value);
                write(offset, b, 0, 4);
                return;
            }
            int s = pinForWrite(offset >>> blockShift);
            try {
                fast.putInt(slotOffset(s) + (offset & blockMask), value);
            } finally {
                writeGates[s].unlock();
            }
        } catch (RegionException e) {
            throw closedAs(e);
        }
    }

    @Override
    public void putLong(long offset, long value) {
        try {
            check(offset, 8);
            if (!inOneCachedBlock(offset, 8)) {
                byte[] b = new byte[8];
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
                write(offset, b, 0, 8);
                return;
            }
            int s = pinForWrite(offset >>> blockShift);
            try {
                fast.putLong(slotOffset(s) + (offset & blockMask), value);
            } finally {
                writeGates[s].unlock();
            }
        } catch (RegionException e) {
            throw closedAs(e);
        }
    }

    @Override
    public void putLongRelease(long offset, long value) {
        try {
            checkAtomic(offset);
            if (headerBytes(offset)) {
                capacity.putLongRelease(offset, value);
                capacityTouched.set(true);
                return;
            }
            int s = pinForWrite(offset >>> blockShift);
            try {
                fast.putLongRelease(slotOffset(s) + (offset & blockMask), value);
            } finally {
                writeGates[s].unlock();
            }
        } catch (RegionException e) {
            throw closedAs(e);
        }
    }

    @Override
    public boolean compareAndSetLong(long offset, long expected, long value) {
        try {
            checkAtomic(offset);
            if (headerBytes(offset)) {
                capacityTouched.set(true);
                return capacity.compareAndSetLong(offset, expected, value);
            }
            int s = pinForWrite(offset >>> blockShift);
            try {
                return fast.compareAndSetLong(slotOffset(s) + (offset & blockMask), expected, value);
            } finally {
                writeGates[s].unlock();
            }
        } catch (RegionException e) {
            throw closedAs(e);
        }
    }

    @Override
    public void write(long offset, byte[] src, int srcIndex, int length) {
        try {
            check(offset, length);
            long at = offset;
            int done = 0;
            while (done < length) {
                int n = (int) Math.min(length - done, blockBytes - (at & blockMask));
                if (headerBytes(at)) {
                    capacity.write(at, src, srcIndex + done, n);
                    capacityTouched.set(true);
                } else {
                    int s = pinForWrite(at >>> blockShift);
                    try {
                        fast.write(slotOffset(s) + (at & blockMask), src, srcIndex + done, n);
                    } finally {
                        writeGates[s].unlock();
                    }
                }
                at += n;
                done += n;
            }
        } catch (RegionException e) {
            throw closedAs(e);
        }
    }

    @Override
    public void copy(long srcOffset, long dstOffset, long length) {
        check(srcOffset, length);
        check(dstOffset, length);
        boolean backwards = dstOffset > srcOffset && dstOffset < srcOffset + length;
        byte[] buffer = new byte[(int) Math.min(length, 1 << 16)];
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(buffer.length, length - done);
            long at = backwards ? length - done - n : done;
            read(srcOffset + at, buffer, 0, n);
            write(dstOffset + at, buffer, 0, n);
            done += n;
        }
    }

    @Override
    public void fill(long offset, long length, byte value) {
        check(offset, length);
        byte[] buffer = new byte[(int) Math.min(length, blockBytes)];
        java.util.Arrays.fill(buffer, value);
        long done = 0;
        while (done < length) {
            int n = (int) Math.min(buffer.length, length - done);
            write(offset + done, buffer, 0, n);
            done += n;
        }
    }

    /**
     * Flushes the fast-tier lines of resident blocks in the range. A block that is no longer resident
     * was destaged (R4: written back and fdatasync'ed) before it was evicted, so it needs nothing; a
     * slot reused meanwhile only gets a harmless extra flush.
     */
    @Override
    public void flush(long offset, long length) {
        try {
            check(offset, length);
            long at = offset;
            long end = offset + length;
            while (at < end) {
                long n = Math.min(end - at, blockBytes - (at & blockMask));
                if (headerBytes(at)) {
                    capacity.flush(at, n);
                } else {
                    int s = slotNow(at >>> blockShift);
                    if (s >= 0) {
                        fast.flush(slotOffset(s) + (at & blockMask), n);
                    }
                }
                at += n;
            }
        } catch (RegionException e) {
            throw closedAs(e);
        }
    }

    @Override
    public void drain() {
        try {
            check(0, 0);
            fast.drain();
            if (capacityTouched.get() && capacityTouched.getAndSet(false)) {   // read first: the usual case is false
                capacity.drain();
            }
        } catch (RegionException e) {
            throw closedAs(e);
        }
    }

    @Override
    public void grow(long newSize) {
        try {
            check(0, 0);
            synchronized (promotionLock) {                      // no promotion or eviction meanwhile
                long oldSize = capacity.size();
                capacity.grow(newSize);
                long size = capacity.size();
                if (size == oldSize) {
                    return;
                }
                long[] old = blockWords;
                int blocks = blockCount(size);
                long[] words = old;
                if (blocks > old.length) {
                    words = java.util.Arrays.copyOf(old, blocks);
                    java.util.Arrays.fill(words, old.length, blocks, NOT_RESIDENT);
                }
                // The old last block may have been partial and be full now: its fast-path bit changes.
                int last = old.length - 1;
                int s = slotIn(words[last]);
                if (s >= 0) {
                    WORDS.setRelease(words, last, residentWord(words[last], s, last, size));
                }
                if (words != old) {
                    discarded = java.util.Arrays.copyOf(discarded, (blocks + 63) >>> 6);
                    blockWords = words;
                    // Poison the old array: a load that still reads it fails validation and retries.
                    for (int b = 0; b < old.length; b++) {
                        WORDS.setVolatile(old, b, NOT_RESIDENT | nextGeneration(old[b]));
                    }
                }
            }
        } catch (RegionException e) {
            throw closedAs(e);
        }
    }

    @Override
    public long maxSize() {
        return capacity.maxSize();
    }

    @Override
    public RegionStats stats() {
        RegionStats f = fast.stats();
        RegionStats c = capacity.stats();
        return new RegionStats(f.flushes() + c.flushes(), f.drains() + c.drains(), f.syscalls() + c.syscalls(),
                c.bytesWritten(), c.bytesRead());
    }

    @Override
    public TierStats tierStats() {
        int resident = 0;
        for (int s = 0; s < slotCount; s++) {
            if (blockOfSlot[s] >= 0) {
                resident++;
            }
        }
        boolean isAttached;
        synchronized (attachLock) {
            isAttached = attached;
        }
        return new TierStats(slotCount, resident, dirtyCount.get(), promotions.sum(), zeroFills.sum(),
                destages.sum(), evictions.sum(), isAttached);
    }

    /** Stops the destager and, when no block is dirty, detaches (R6); dirty blocks stay in the fast tier. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            if (destager != null) {
                // Woken, not interrupted: an interrupt during its pwrite would close the capacity file's
                // channel under it (FileChannel is interruptible), and close() then failed on the lock.
                LockSupport.unpark(destager);
                destager.join();
            }
            detachIfClean();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RegionException e) {
            if (e.code() != RegionException.Code.CLOSED) {
                throw e;
            }
            // The capacity file closed itself (an interrupt in its channel) before R6: the file stays
            // attached, which is always safe: the next RUN open recovers from the fast tier.
        } finally {
            fast.close();
            capacity.close();
        }
    }

    @Override
    public String toString() {
        return "RunRegion[" + path + ", " + persistencePath() + "]";
    }
}
