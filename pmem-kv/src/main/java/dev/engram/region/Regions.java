package dev.engram.region;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
 */
public final class Regions {

    private Regions() {
    }

    /** Creates a new region file (and, in RUN, its fast tier); fails if the file exists. */
    public static Region create(RegionOptions options) {
        options.conclude(true);
        Path path = options.path();
        byte[] header = RegionHeader.image(RegionHeader.KIND_DATA, UUID.randomUUID(), 0, System.currentTimeMillis());
        writeNewFile(path, header, options.size());
        if (options.mode() == AccessMode.RUN) {
            try {
                Files.deleteIfExists(options.fastTierPath());
            } catch (IOException e) {
                throw new RegionException(RegionException.Code.IO, options.fastTierPath(),
                        "cannot replace the fast tier: " + e.getMessage(), e);
            }
        }
        return open(options);
    }

    /** Writes a new file: header, then the full length, then fsync of the file and its directory. */
    static void writeNewFile(Path path, byte[] header, long size) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(header), 0);
            if (size > header.length) {
                ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
            }
            ch.force(true);
        } catch (FileAlreadyExistsException e) {
            throw new RegionException(RegionException.Code.INVALID_ARGUMENT, path,
                    "already exists; open it, or delete it to create a new region");
        } catch (NoSuchFileException e) {
            throw new RegionException(RegionException.Code.IO, path, "the directory does not exist");
        } catch (IOException e) {
            throw new RegionException(RegionException.Code.IO, path, "cannot create: " + e.getMessage(), e);
        }
        fsyncDirectory(path);
    }

    private static void fsyncDirectory(Path path) {
        Path dir = path.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // some file systems refuse to fsync a directory; the file itself is synced
        }
    }

    /** Opens an existing region in the options' mode. */
    public static Region open(RegionOptions options) {
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

    /** Opens the region if the file exists, else creates it. */
    public static Region openOrCreate(RegionOptions options) {
        return Files.exists(options.path()) ? open(options) : create(options);
    }

    private static void requireDetached(Path path, RegionHeader.Fields fields) {
        if (fields.attachWord() != 0) {
            throw new RegionException(RegionException.Code.FAST_TIER_ATTACHED, path,
                    "a RUN fast tier (token 0x" + Long.toHexString(fields.attachWord())
                            + ") still holds data of this file; open it in RUN mode, or destage it first");
        }
    }

    /** Reads and validates the header of a region file without opening it for writing. */
    public static RegionHeader.Fields readHeader(Path path, int expectedKind) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long length = ch.size();
            byte[] header = new byte[RegionHeader.LENGTH];
            ByteBuffer b = ByteBuffer.wrap(header);
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
                // read until the header is full or the file ends; check() reports a short file
            }
            return RegionHeader.check(path, header, length, expectedKind);
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
