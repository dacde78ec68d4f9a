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
    void shouldDrawCounterNormalsWithTheMomentsOfIrwinHallFourAndNoCorrelationBetweenNeighbours() {
        long seed = Seeds.seed("counter normals", 0xC0C0L);
        PcmRandom draws = new PcmRandom(seed);
        int rows = 250;
        int columns = 8000;
        int[] keys = PcmRandom.counterKeys(rows);
        float[] zero = new float[rows];
        float[] one = new float[rows];
        java.util.Arrays.fill(one, 1f);
        float[] z = new float[rows];
        float[] previous = new float[rows];
        double sum = 0;
        double sumSq = 0;
        double sumFourth = 0;
        double rowNeighbours = 0;
        double columnNeighbours = 0;
        float max = 0;
        long n = 0;
        for (int c = 0; c < columns; c++) {
            long draw = c % 2 == 0 ? draws.nextLong() : 0;       // also keys of one draw, column after column
            PcmRandom.counterNormals(z, zero, one, keys, PcmRandom.columnKey(draw, c), rows);
            for (int o = 0; o < rows; o++) {
                double v = z[o];
                sum += v;
                sumSq += v * v;
                sumFourth += v * v * v * v;
                max = Math.max(max, Math.abs(z[o]));
                if (o > 0) {
                    rowNeighbours += v * z[o - 1];
                }
                if (c > 0) {
                    columnNeighbours += v * previous[o];
                }
                n++;
            }
            float[] t = previous;
            previous = z;
            z = t;
        }
        double mean = sum / n;
        assertEquals(0, mean, 3e-3, "mean, seed=" + seed);
        assertEquals(1, sumSq / n - mean * mean, 3e-3, "variance, seed=" + seed);
        assertEquals(2.7, sumFourth / n, 0.02, "kurtosis of Irwin-Hall(4): 3 - 1.2/4, seed=" + seed);
        assertTrue(max <= 3.4642f && max > 3.2f, "bounded at 2 sqrt 3, max " + max);
        assertEquals(0, rowNeighbours / n, 5e-3, "rows of one column are uncorrelated, seed=" + seed);
        assertEquals(0, columnNeighbours / n, 5e-3, "columns are uncorrelated, seed=" + seed);
    }

    @Test
    void shouldCountStochasticPulsesWithTheExpectedMean() {
        long seed = Seeds.seed("stochastic counts", 0x5C0L);
        PcmRandom draws = new PcmRandom(seed);
        int n = 250;
        int[] keys = PcmRandom.counterKeys(n);
        float[] delta = new float[n];
        float[] asFloat = new float[n];
        double expected = 0;
        double counted = 0;
        for (int column = 0; column < 4000; column++) {
            for (int o = 0; o < n; o++) {
                delta[o] = (o % 3 == 0 ? 0 : (o % 2 == 0 ? 1 : -1) * (o % 17) * 0.01f);
            }
            int key = PcmRandom.columnKey(draws.nextLong(), column);
            PcmRandom.stochasticCounts(asFloat, delta, 53f, 10f, keys, key, n);
            for (int o = 0; o < n; o++) {
                assertEquals(Math.rint(asFloat[o]), asFloat[o], 0f, "whole pulses");
                if (delta[o] == 0) {
                    assertEquals(0, asFloat[o], "no change, no pulse");
                }
                expected += Math.min(Math.abs(delta[o]) * 53.0, 10);
                counted += asFloat[o];
            }
        }
        assertEquals(1, counted / expected, 2e-3, "E[count] = |delta| * pulses per unit below the cap, seed=" + seed);
        delta[7] = Float.NaN;
        delta[9] = Float.NEGATIVE_INFINITY;
        PcmRandom.stochasticCounts(asFloat, delta, 53f, 10f, keys, 1, n);
        assertTrue(Float.isNaN(asFloat[7]) && Float.isNaN(asFloat[9]), "a change that is not a number counts NaN");
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
