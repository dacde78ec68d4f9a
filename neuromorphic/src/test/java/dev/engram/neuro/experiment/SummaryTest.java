package dev.engram.neuro.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The numbers a report prints: mean, sample standard deviation, the drop from 0 %, and the CSV they come from. */
class SummaryTest {

    private static SweepPoint point(double fraction, long seed, double accuracy) {
        return new SweepPoint("dead", fraction, seed, "pcm", "ibm2014", "ibm-5k", 10, 0, accuracy, accuracy, 0.9,
                0, 100, 1.0);
    }

    @Test
    void shouldGiveMeanAndSampleStandardDeviationPerFraction() {
        List<Summary> s = Summary.of(List.of(point(0.3, 1, 0.80), point(0, 1, 0.90), point(0.3, 2, 0.84),
                point(0, 2, 0.92), point(0.3, 3, 0.82)));
        assertEquals(2, s.size());
        assertEquals(0, s.get(0).fraction(), "fractions ascending");
        assertEquals(0.91, s.get(0).mean(), 1e-12);
        assertEquals(Math.sqrt(0.0002), s.get(0).std(), 1e-12, "n - 1 in the denominator");
        assertEquals(3, s.get(1).runs());
        assertEquals(0.82, s.get(1).mean(), 1e-12);
        assertEquals(0.02, s.get(1).std(), 1e-12);
        assertEquals(0.80, s.get(1).min(), 0);
        assertEquals(0.84, s.get(1).max(), 0);
        assertEquals(0.09, Summary.drop(s, 0.3), 1e-12);
        assertTrue(Double.isNaN(Summary.drop(s, 0.2)), "no 20 % point");
        assertEquals(0, Summary.of(List.of(point(0, 1, 0.9))).getFirst().std(), "one seed: no spread");
    }

    @Test
    void shouldKeepCurvesOfDifferentVariablesApartEvenWhereTheirValuesMeet() {
        SweepPoint batch10 = new SweepPoint("dead", 0, 1, "pcm", "ibm2014", "ibm-5k", 10, 0, 0.91, 0.91, 0.9, 0, 100, 1.0,
                "batch", "off", 10, 40, 0);
        SweepPoint states10 = new SweepPoint("dead", 0, 1, "pcm", "ibm2014", "ibm-5k", 10, 0, 0.86, 0.86, 0.9, 0, 100, 1.0,
                "states", "off", 10, 10, 0);
        List<Summary> s = Summary.of(List.of(batch10, states10));
        assertEquals(2, s.size(), "batch 10 and 10 states are two points of two curves");
        assertEquals(SweepVariable.BATCH, s.get(0).variable());
        assertEquals(SweepVariable.STATES, s.get(1).variable());
        assertEquals(0.86, s.get(1).mean(), 0.0);
    }

    @Test
    void shouldRoundTripResultsThroughCsv(@TempDir Path dir) {
        List<SweepPoint> points = List.of(point(0, 1, 0.9), point(0.3, 1, 0.85));
        SweepFiles.writeResults(dir, points, List.of());
        Csv.Table t = Csv.read(dir.resolve(SweepFiles.RESULTS));
        assertEquals(SweepPoint.COLUMNS, t.header());
        assertEquals(points, List.of(SweepPoint.of(t, 0), SweepPoint.of(t, 1)));
    }

    @Test
    void shouldNameFileLineAndColumnOfABadCell(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "fraction,test_accuracy\n0.1,0.9\n0.2,high\n");
        Csv.Table t = Csv.read(file);
        ExperimentException e = assertThrows(ExperimentException.class, () -> t.number(1, "test_accuracy"));
        assertEquals(file + ": line 3, column 'test_accuracy': found 'high', expected a number", e.getMessage());
        Files.writeString(file, "a,b\n1\n");
        ExperimentException shortRow = assertThrows(ExperimentException.class, () -> Csv.read(file));
        assertTrue(shortRow.getMessage().contains("line 2: found 1 cells, expected 2"), shortRow.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Csv.write(file, List.of("a"), List.of(List.of("x,y"))));
    }
}
