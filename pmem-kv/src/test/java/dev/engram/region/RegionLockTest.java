package dev.engram.region;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lock that keeps a second process out survives a second open in this process. POSIX drops every
 * lock a process holds on a file when any descriptor of that file is closed: before the fix, the
 * refused second open read the header through a descriptor of its own, closed it, and so released the
 * first region's lock, and another process could then open the region beside it. The kernel's view is
 * read from /proc/locks (this JVM's own lock table would hide the loss from a lock attempt made here).
 */
class RegionLockTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = AccessMode.class, names = {"CRAWL", "WALK"})
    void shouldKeepTheProcessLockWhenTheRegionIsOpenedASecondTime(AccessMode mode) throws IOException {
        Path path = dir.resolve("region");
        try (Region region = Regions.create(new RegionOptions(path).mode(mode).size(1 << 20))) {
            assertTrue(holdsPosixLock(path), "the open region holds a POSIX lock on its file");

            RegionException again = assertThrows(RegionException.class,
                    () -> Regions.open(new RegionOptions(path).mode(mode)));
            assertEquals(RegionException.Code.IN_USE, again.code());
            assertTrue(again.getMessage().contains("already open in this process"), again.getMessage());
            RegionException orCreate = assertThrows(RegionException.class,
                    () -> Regions.openOrCreate(new RegionOptions(path).mode(mode).size(1 << 20)));
            assertEquals(RegionException.Code.IN_USE, orCreate.code());
            RegionException header = assertThrows(RegionException.class,
                    () -> Regions.readHeader(path, RegionHeader.KIND_DATA));
            assertEquals(RegionException.Code.IN_USE, header.code());

            assertTrue(holdsPosixLock(path), "the refused opens released the first region's lock");
            region.putLong(4096, 42);                                 // and the first region still works
            assertEquals(42, region.getLong(4096));
        }
        assertFalse(holdsPosixLock(path), "close releases the lock");
        try (Region reopened = Regions.open(new RegionOptions(path).mode(mode))) {
            assertEquals(42, reopened.getLong(4096));
            assertTrue(holdsPosixLock(path));
        }
    }

    /** Whether /proc/locks lists a POSIX lock of this process on the file's inode. */
    private static boolean holdsPosixLock(Path path) throws IOException {
        long inode = (long) Files.getAttribute(path, "unix:ino");
        String pid = Long.toString(ProcessHandle.current().pid());
        for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
            String[] f = line.trim().split("\\s+");
            // "1: POSIX  ADVISORY  WRITE 4242 fd:01:1234567 0 EOF"
            if (f.length >= 6 && f[1].equals("POSIX") && f[4].equals(pid) && f[5].endsWith(":" + inode)) {
                return true;
            }
        }
        return false;
    }
}
