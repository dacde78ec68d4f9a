package dev.engram.neuro.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DatasetTest {

    private static Dataset numbered(String name, int size) {
        float[] pixels = new float[size * 4];
        int[] labels = new int[size];
        for (int n = 0; n < size; n++) {
            Arrays.fill(pixels, n * 4, n * 4 + 4, n / (float) size);
            labels[n] = n % 10;
        }
        return new Dataset(name, 2, 2, 10, pixels, labels);
    }

    @Test
    void shouldTakeTheFirstImagesInOrder() {
        Dataset first = numbered("set", 100).first(30);
        assertEquals(30, first.size());
        assertEquals(4, first.features());
        assertEquals(29 % 10, first.labels()[29]);
        assertEquals(29 / 100f, first.pixels()[29 * 4]);
    }

    @Test
    void shouldCutTheIbmProtocolToTheFirst5000TrainingImagesAndKeepTheTestSet() {
        TrainTest ibm = new TrainTest(numbered("train", 6000), numbered("test", 700)).ibmProtocol();
        assertEquals(5000, ibm.train().size());
        assertEquals(700, ibm.test().size());
        assertArrayEquals(Arrays.copyOf(numbered("train", 6000).labels(), 5000), ibm.train().labels());
    }

    @Test
    void shouldRejectALabelOutsideTheClasses() {
        DataException e = assertThrows(DataException.class,
                () -> new Dataset("bad", 1, 1, 10, new float[] {0f, 0f}, new int[] {3, 10}));
        assertEquals(DataException.Code.INVALID_ARGUMENT, e.code());
    }

    @Test
    void shouldRejectPixelsThatDoNotMatchTheLabels() {
        assertThrows(DataException.class, () -> new Dataset("bad", 2, 2, 10, new float[7], new int[2]));
    }
}
