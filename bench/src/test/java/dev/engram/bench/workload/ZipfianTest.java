package dev.engram.bench.workload;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The zipfian generator against the exact distribution it approximates: P(rank &le; k) =
 * zeta(k+1) / zeta(n). Gray et al.'s method is exact for ranks 0 and 1 and, for theta = 0.99 and
 * n = 100,000, off by at most 0.012 in that cumulative probability elsewhere (computed from its inverse,
 * largest near k = 10); with 10^6 seeded draws the sampling error is ~0.0005, so the tolerance is 0.015.
 */
class ZipfianTest {

    private static final long SEED = 0x21BF;

    @Test
    void shouldDrawRanksWithTheZipfProbabilitiesWithinTheMethodsStatedApproximation() {
        int n = 100_000;
        int draws = 1_000_000;
        Zipfian z = new Zipfian(n, Zipfian.THETA);
        long[] counts = new long[n];
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < draws; i++) {
            long r = z.rank(random.nextDouble());
            assertTrue(r >= 0 && r < n, "rank " + r);
            counts[(int) r]++;
        }
        double zetaN = Zipfian.zeta(0, n, Zipfian.THETA);
        assertEquals(zetaN, z.zetaN(), 1e-9 * zetaN);
        assertEquals(1 / zetaN, counts[0] / (double) draws, 0.003, "rank 0 is exact");
        assertEquals(Math.pow(0.5, Zipfian.THETA) / zetaN, counts[1] / (double) draws, 0.003, "rank 1 is exact");
        long cumulative = 0;
        int next = 0;
        int[] checkpoints = {2, 5, 10, 100, 1_000, 10_000, 50_000};
        for (int k = 0; k < n && next < checkpoints.length; k++) {
            cumulative += counts[k];
            if (k == checkpoints[next]) {
                double exact = Zipfian.zeta(0, k + 1, Zipfian.THETA) / zetaN;
                assertEquals(exact, cumulative / (double) draws, 0.015, "P(rank <= " + k + ")");
                next++;
            }
        }
        System.out.printf("theta %.2f, n %d: rank 0 drew %.4f (exact %.4f); the top 1 %% of 1 M keys draw %.4f%n",
                Zipfian.THETA, n, counts[0] / (double) draws, 1 / zetaN,
                Zipfian.zeta(0, 10_000, Zipfian.THETA) / Zipfian.zeta(0, 1_000_000, Zipfian.THETA));
    }

    @Test
    void shouldGrowToTheSameDistributionAsOneBuiltAtTheLargerSize() {
        Zipfian grown = new Zipfian(1_000, Zipfian.THETA);
        grown.grow(5_000);
        Zipfian direct = new Zipfian(5_000, Zipfian.THETA);
        assertEquals(direct.items(), grown.items());
        assertEquals(direct.zetaN(), grown.zetaN(), 1e-9 * direct.zetaN());
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = 0; i < 10_000; i++) {
            double u = random.nextDouble();
            assertEquals(direct.rank(u), grown.rank(u), "u = " + u);
        }
        Zipfian copy = direct.copy();
        copy.grow(6_000);
        assertEquals(5_000, direct.items(), "a copy grows alone");
    }

    @Test
    void shouldRefuseAnEmptyRangeOrAThetaOutsideZeroToOne() {
        for (double theta : new double[]{0, 1, -0.5, Double.NaN}) {
            try {
                new Zipfian(10, theta);
                throw new AssertionError("theta " + theta + " accepted");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains("theta"));
            }
        }
        try {
            new Zipfian(0, 0.99);
            throw new AssertionError("0 items accepted");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("at least 1 item"));
        }
    }
}
