package dev.engram.region;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Creates and opens regions. A region file is the same bytes in every mode: a file written through
 * CRAWL opens in WALK and vice versa; a RUN capacity file opens in CRAWL or WALK once destaged.
 *
 * <p>Open validates before it changes anything: a file that fails validation is left byte-for-byte
 * as it was.
 *
 * <p>Creation and crashes: {@link #writeNewFile} makes a file in four steps (C1 create, C2 size, C3
 * header, C4 sync). A crash before the header is durable leaves a file that is empty or all zero,
 * which {@link #open} refuses as an unfinished creation (BAD_FORMAT, saying so) and
 * {@link #openOrCreate} creates again in place; any other bad header stays a corruption error for
 * both. RUN's fast tier needs no such care: a detached capacity file (every RUN file until its first
 * store) gets a new fast tier at every open, so a crash while making one is repaired by the next open.
 */
public final class Regions {

    private Regions() {
    }

    /** Creates a new region file (and, in RUN, its fast tier); fails if the file exists. */
    public static Region create(RegionOptions options) {
        options.conclude(true);
        Path path = options.path();
        writeNewFile(path, dataHeader(), options.size());
        replaceFastTier(options);
        return open(options);
    }

    private static byte[] dataHeader() {
        return RegionHeader.image(RegionHeader.KIND_DATA, UUID.randomUUID(), 0, System.currentTimeMillis());
    }

    /** RUN: an old fast tier would belong to another capacity file; open() makes a new one. */
    private static void replaceFastTier(RegionOptions options) {
        if (options.mode() == AccessMode.RUN) {
            try {
                Files.deleteIfExists(options.fastTierPath());
            } catch (IOException e) {
                throw new RegionException(RegionException.Code.IO, options.fastTierPath(),
                        "cannot replace the fast tier: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Writes a new file, holding its lock throughout, in an order that leaves a crash (process or power)
     * only states that {@link #unfinishedCreation} recognises or a complete region:
     * <ol>
     *   <li>C1 create: the file exists, 0 bytes (or, after a power failure, not at all);</li>
     *   <li>C2 size: the full length, every byte zero (sparse);</li>
     *   <li>C3 header: the 4 KiB header written (in the page cache);</li>
     *   <li>C4 sync: fsync of the file, then of its directory; only now is the region durable.</li>
     * </ol>
     * The size before the header: the other order left, after a process crash between them, a complete
     * 4 KiB header on a 4 KiB file, a valid region of the wrong size. Until C4 a power failure may keep
     * any of these writes: the file absent, empty, all zero at either length, or with the header (a
     * sector of it dropped reads as zero; a garbled one is a damaged header, refused as such).
     */
    static void writeNewFile(Path path, byte[] header, long size) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            FileLock lock = lockForCreation(ch, path);                  // C1 create
            if (lock == null) {
                throw new RegionException(RegionException.Code.IN_USE, path,
                        "another process locked the file as it was being created (Regions.openOrCreate"
                                + " finishing it?); open it");
            }
            writeHeaderAndSize(ch, header, size);                       // C2 size, C3 header, C4 sync
        } catch (FileAlreadyExistsException e) {
            throw new RegionException(RegionException.Code.INVALID_ARGUMENT, path,
                    "already exists; open it, or delete it to create a new region");
        } catch (NoSuchFileException e) {
            throw new RegionException(RegionException.Code.IO, path, "the directory does not exist");
        } catch (IOException e) {
            throw new RegionException(RegionException.Code.IO, path, "cannot create: " + e.getMessage(), e);
        }
        fsyncDirectory(path);                                           // C4 sync: the directory entry
    }

    /** The file's lock, or null when another process holds it. */
    private static FileLock lockForCreation(FileChannel ch, Path path) throws IOException {
        try {
            return ch.tryLock();
        } catch (OverlappingFileLockException e) {
            throw new RegionException(RegionException.Code.IN_USE, path,
                    "the region is open or being created elsewhere in this process; close it there first");
        }
    }

    /** C2-C4 on an open, locked channel: the length, then the header, then fsync. */
    private static void writeHeaderAndSize(FileChannel ch, byte[] header, long size) throws IOException {
        if (ch.size() > size) {
            ch.truncate(size);
        }
        ch.write(ByteBuffer.wrap(new byte[1]), size - 1);              // C2 size: sparse, all zero
        ByteBuffer h = ByteBuffer.wrap(header);
        while (h.hasRemaining()) {
            ch.write(h, h.position());                                  // C3 header
        }
        ch.force(true);                                                 // C4 sync: data and length
    }

    static void fsyncDirectory(Path path) {
        Path dir = path.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some file systems refuse to fsync a directory; the file itself is synced
        }
    }

    /**
     * Serialises opens in this JVM: between the check that no region of this JVM holds the file and
     * the region's lock, no other thread may open (and close) a descriptor of it, which would release a
     * lock taken meanwhile (see {@link FileRegion}'s class comment).
     */
    private static final Object OPENING = new Object();

    /** Opens an existing region in the options' mode. */
    public static Region open(RegionOptions options) {
        synchronized (OPENING) {
            return openChecked(options);
        }
    }

    private static Region openChecked(RegionOptions options) {
        options.conclude(false);
        Path path = options.path();
        RegionHeader.Fields fields = readHeader(path, RegionHeader.KIND_DATA);
        return switch (options.mode()) {
            case CRAWL, WALK -> {
                requireDetached(path, fields);
                String fs = fileSystemType(path);
                yield options.mode() == AccessMode.CRAWL
                        ? new CrawlRegion(path, options.maxSize(), fs)
                        : new WalkRegion(path, options.maxSize(), fs, options.persistence());
            }
            case RUN -> RunRegion.open(options, fields);
        };
    }

    /**
     * Opens the region if the file exists, else creates it. A file whose creation never finished (see
     * {@link #unfinishedCreation}: empty, or every byte zero, so nothing was ever stored in it) is
     * created now, in place, with the options' size: a process that crashed while creating it is
     * retried as if it had never started. A file with any other damage is refused as {@link #open} does.
     */
    public static Region openOrCreate(RegionOptions options) {
        Path path = options.path();
        if (!Files.exists(path)) {
            return create(options);
        }
        synchronized (OPENING) {
            FileRegion.refuseIfOpenHere(path);
            options.conclude(false);
            if (finishCreation(options)) {
                replaceFastTier(options);
            }
            return openChecked(options);
        }
    }

    /**
     * Finishes an unfinished creation under the file's lock, so that a creator still at work in another
     * process (it holds the lock from C1) is never overwritten; returns false, touching nothing, when
     * the file is not an unfinished creation.
     */
    private static boolean finishCreation(RegionOptions options) {
        Path path = options.path();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (unfinishedCreation(ch) == null) {
                return false;                                           // open() judges it, unlocked
            }
            FileLock lock = lockForCreation(ch, path);
            if (lock == null) {
                throw new RegionException(RegionException.Code.IN_USE, path,
                        "another process holds the file: it is being created or is open there");
            }
            if (unfinishedCreation(ch) == null) {
                return false;                                           // finished by its creator meanwhile
            }
            options.conclude(true);                                     // the size to create it with
            writeHeaderAndSize(ch, dataHeader(), options.size());
        } catch (NoSuchFileException e) {
            throw new RegionException(RegionException.Code.IO, path, "no such file");
        } catch (IOException e) {
            throw new RegionException(RegionException.Code.IO, path, "cannot finish creating: " + e.getMessage(), e);
        }
        fsyncDirectory(path);
        return true;
    }

    /**
     * Whether the file is what a crash inside {@link #writeNewFile} leaves before C4 made the header
     * durable, rather than a region or anything else: its length is 0, or it is shorter than a header or
     * a whole number of pages, and every byte of it is zero. Returns what was found (for the error), or
     * null. Every byte, not only the header: a region's other bytes are written only after a complete
     * header made it openable, so a zero header over non-zero data is a damaged region, never an
     * unfinished one. It reads the whole file, but only when the header is not valid; it stops at the
     * first non-zero byte, so only an unfinished creation is read to its end.
     */
    static String unfinishedCreation(FileChannel ch) throws IOException {
        long length = ch.size();
        if (length == 0) {
            return "the file is empty (0 bytes)";
        }
        if (length >= RegionHeader.LENGTH && length % RegionHeader.LENGTH != 0) {
            return null;                                                // no creation makes this length
        }
        return allZero(ch, length) ? "the file is " + length + " bytes, every one of them zero" : null;
    }

    private static boolean allZero(FileChannel ch, long length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 20);
        long at = 0;
        while (at < length) {
            b.clear().limit((int) Math.min(b.capacity(), length - at));
            int n = ch.read(b, at);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (b.get(i) != 0) {
                    return false;
                }
            }
            at += n;
        }
        return true;
    }


    private static void requireDetached(Path path, RegionHeader.Fields fields) {
        if (fields.attachWord() != 0) {
            throw new RegionException(RegionException.Code.FAST_TIER_ATTACHED, path,
                    "a RUN fast tier (token 0x" + Long.toHexString(fields.attachWord())
                            + ") still holds data of this file; open it in RUN mode, or destage it first");
        }
    }

    /**
     * Reads and validates the header of a region file without opening it for writing. IN_USE when a
     * region of this JVM has the file open: the descriptor this would open and close releases its lock.
     */
    public static RegionHeader.Fields readHeader(Path path, int expectedKind) {
        synchronized (OPENING) {
            FileRegion.refuseIfOpenHere(path);
            return readHeaderUnchecked(path, expectedKind);
        }
    }

    private static RegionHeader.Fields readHeaderUnchecked(Path path, int expectedKind) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long length = ch.size();
            byte[] header = new byte[RegionHeader.LENGTH];
            ByteBuffer b = ByteBuffer.wrap(header);
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
                // read until the header is full or the file ends; check() reports a short file
            }
            try {
                return RegionHeader.check(path, header, length, expectedKind);
            } catch (RegionException refused) {
                // Only now, on a refused header: an unfinished creation is named as such, not as a bad magic.
                String unfinished = refused.code() == RegionException.Code.BAD_FORMAT ? unfinishedCreation(ch) : null;
                if (unfinished == null) {
                    throw refused;
                }
                throw new RegionException(RegionException.Code.BAD_FORMAT, path, refused.detail()
                        + "; creating this region did not finish: " + unfinished + " (a crash after the file"
                        + " was made and before its header was durable; nothing was ever stored in it);"
                        + " Regions.openOrCreate finishes the creation, or delete the file and create it again",
                        refused);
            }
        } catch (NoSuchFileException e) {
            throw new RegionException(RegionException.Code.IO, path, "no such file");
        } catch (IOException e) {
            throw new RegionException(RegionException.Code.IO, path, "cannot read the header: " + e.getMessage(), e);
        }
    }

    static String fileSystemType(Path path) {
        try {
            return Files.getFileStore(path).type();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
