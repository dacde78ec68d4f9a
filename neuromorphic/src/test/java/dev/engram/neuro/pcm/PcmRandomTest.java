package dev.engram.neuro.pcm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The emulation's random numbers: normal enough, and a stored state continues the stream exactly. */
class PcmRandomTest {

    @Test
    void shouldDrawStandardNormalsWithinTheStatedTolerance() {
        long seed = Seeds.seed("normals", 0x6A55L);
        PcmRandom random = new PcmRandom(seed);
        int n = 2_000_000;
        double sum = 0;
        double sumSq = 0;
        double sumFourth = 0;
        float max = 0;
        for (int i = 0; i < n; i++) {
            float z = random.nextGaussian();
            sum += z;
            sumSq += z * z;
            sumFourth += (double) z * z * z * z;
            max = Math.max(max, Math.abs(z));
        }
        double mean = sum / n;
        double variance = sumSq / n - mean * mean;
        assertEquals(0, mean, 3e-3, "mean, seed=" + seed);
        assertEquals(1, variance, 2e-3, "variance, seed=" + seed);
        assertEquals(3, sumFourth / n, 0.03, "kurtosis of a normal, seed=" + seed);
        assertTrue(max > 4.5 && max < 9, "the tails go past the table, max " + max);
    }

    @Test
    void shouldContinueTheSameStreamFromAStoredState() {
        long seed = Seeds.seed("state", 77L);
        PcmRandom a = new PcmRandom(seed);
        for (int i = 0; i < 1000; i++) {
            a.nextGaussian();
        }
        PcmRandom b = new PcmRandom(a.state());
        for (int i = 0; i < 1000; i++) {
            assertEquals(a.nextLong(), b.nextLong(), "draw " + i + ", seed=" + seed);
        }
    }

    @Test
    void shouldDrawUniformsInTheUnitInterval() {
        PcmRandom random = new PcmRandom(Seeds.seed("uniform", 5L));
        double sum = 0;
        for (int i = 0; i < 1_000_000; i++) {
            float u = random.nextUnit();
            assertTrue(u >= 0 && u < 1, "u = " + u);
            sum += u;
        }
        assertEquals(0.5, sum / 1_000_000, 1e-3);
    }

    @Test
    void shouldDeriveIndependentStreamsPerNameAndStream() {
        long s = 42;
        assertTrue(PcmRandom.derive(s, "fc1", 1) != PcmRandom.derive(s, "fc2", 1));
        assertTrue(PcmRandom.derive(s, "fc1", 1) != PcmRandom.derive(s, "fc1", 2));
        assertEquals(PcmRandom.derive(s, "fc1", 1), PcmRandom.derive(s, "fc1", 1));
    }
}
