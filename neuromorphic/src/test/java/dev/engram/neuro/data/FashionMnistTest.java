package dev.engram.neuro.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @TempDir
    Path dir;

    @Test
    void shouldReturnEmptyWhenThePackageIsNotInstalledThere() {
        assertTrue(FashionMnist.loadIfPresent(dir, FashionMnist.FULL_FRAME).isEmpty());
    }

    @Test
    void shouldLoadGzipIdxFilesLaidOutAsDebianInstallsThem() {
        byte[] train = new byte[3 * 28 * 28];
        train[28 * 28 + 5] = (byte) 255;
        byte[] test = new byte[2 * 28 * 28];
        IdxFiles.write(dir.resolve(FashionMnist.FILES.get(0)), IdxFiles.gzip(IdxFiles.images(3, 28, 28, train)));
        IdxFiles.write(dir.resolve(FashionMnist.FILES.get(1)), IdxFiles.gzip(IdxFiles.labels(new byte[] {9, 0, 3})));
        IdxFiles.write(dir.resolve(FashionMnist.FILES.get(2)), IdxFiles.gzip(IdxFiles.images(2, 28, 28, test)));
        IdxFiles.write(dir.resolve(FashionMnist.FILES.get(3)), IdxFiles.gzip(IdxFiles.labels(new byte[] {1, 2})));

        TrainTest set = FashionMnist.loadIfPresent(dir, FashionMnist.FULL_FRAME).orElseThrow();

        assertEquals(3, set.train().size());
        assertEquals(784, set.train().features());
        assertArrayEquals(new int[] {9, 0, 3}, set.train().labels());
        assertEquals(1f, set.train().pixels()[784 + 5]);
        assertEquals(2, set.test().size());
    }

    @Test
    void shouldReadTheInstalledDebianPackageWhenPresent() {
        assumeTrue(FashionMnist.isPresent(FashionMnist.DEBIAN_DIR), "dataset-fashion-mnist is not installed");
        TrainTest set = FashionMnist.loadIfPresent(FashionMnist.DEBIAN_DIR, FashionMnist.FULL_FRAME).orElseThrow();
        assertEquals(60_000, set.train().size());
        assertEquals(10_000, set.test().size());
    }
}
