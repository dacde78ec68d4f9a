package dev.engram.reliability;

import dev.engram.region.AccessMode;
import dev.engram.region.Region;
import dev.engram.region.RegionOptions;
import dev.engram.region.Regions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cells JCStress states work on: one region per access mode for the whole forked JVM (opening a
 * region per state would cost a file each), carved into 64-byte slots handed out round-robin. A
 * state zeroes its slot when constructed, before JCStress publishes it to the actors; 4 Mi slots
 * are far more than JCStress keeps alive at once, so a slot is never shared by two live states.
 */
final class CommitWordCells {

    static final int SLOT_BYTES = 64;
    private static final long SLOTS = 1L << 22;
    private static final long FIRST = 4096;         // after the region header
    private static final AtomicLong NEXT = new AtomicLong();
    private static final Region WALK = open(AccessMode.WALK);
    private static final Region CRAWL = open(AccessMode.CRAWL);

    private CommitWordCells() {
    }

    private static Region open(AccessMode mode) {
        try {
            Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "engram-jcstress-");
            Path file = dir.resolve(mode.name().toLowerCase(java.util.Locale.ROOT));
            dir.toFile().deleteOnExit();        // registered first, deleted last: after the file in it
            file.toFile().deleteOnExit();
            return Regions.create(new RegionOptions(file).mode(mode).size(FIRST + SLOTS * SLOT_BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Region walk() {
        return WALK;
    }

    static Region crawl() {
        return CRAWL;
    }

    /** A fresh zeroed slot of {@code region}: its offset. */
    static long slot(Region region) {
        long offset = FIRST + Math.floorMod(NEXT.getAndIncrement(), SLOTS) * SLOT_BYTES;
        region.fill(offset, SLOT_BYTES, (byte) 0);
        return offset;
    }
}
