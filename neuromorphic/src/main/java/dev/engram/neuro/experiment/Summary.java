package dev.engram.neuro.experiment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's points grouped into curves (everything but the varied value and the seed equal) and, within
 * a curve, by the varied value x: the mean test accuracy over the seeds and its sample standard
 * deviation (n − 1 in the denominator; 0 for a single seed).
 *
 * @param x the varied value (a fraction of 1 for fault sweeps)
 */
public record Summary(String curve, String fault, SweepVariable variable, double x, int runs, double mean,
                      double std, double min, double max) {

    /** The summaries of {@code points}, curves in first-seen order, x ascending within each. */
    public static List<Summary> of(List<SweepPoint> points) {
        Map<String, Map<Double, List<SweepPoint>>> curves = new LinkedHashMap<>();
        for (SweepPoint p : points) {
            curves.computeIfAbsent(p.curve(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(p.x(), k -> new ArrayList<>()).add(p);
        }
        List<Summary> out = new ArrayList<>();
        for (var curve : curves.entrySet()) {
            List<Summary> rows = new ArrayList<>();
            for (var point : curve.getValue().entrySet()) {
                double[] acc = point.getValue().stream().mapToDouble(SweepPoint::testAccuracy).toArray();
                double mean = 0;
                for (double a : acc) {
                    mean += a / acc.length;
                }
                double ss = 0;
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (double a : acc) {
                    ss += (a - mean) * (a - mean);
                    min = Math.min(min, a);
                    max = Math.max(max, a);
                }
                double std = acc.length > 1 ? Math.sqrt(ss / (acc.length - 1)) : 0;
                SweepPoint first = point.getValue().getFirst();
                rows.add(new Summary(curve.getKey(), first.fault(), first.variable(), point.getKey(), acc.length,
                        mean, std, min, max));
            }
            rows.sort(Comparator.comparingDouble(Summary::x));
            out.addAll(rows);
        }
        return out;
    }

    /** The fault fraction of a fault sweep's summary (its x). */
    public double fraction() {
        return x;
    }

    /**
     * The accuracy lost from the curve's fault-free point to {@code fraction} (fractions of 1), or NaN
     * when the curve lacks either point or is not a fault sweep.
     */
    public static double drop(List<Summary> curve, double fraction) {
        double zero = Double.NaN;
        double at = Double.NaN;
        for (Summary s : curve) {
            if (s.variable != SweepVariable.FRACTION) {
                return Double.NaN;
            }
            if (s.x == 0) {
                zero = s.mean;
            }
            if (Math.abs(s.x - fraction) < 1e-9) {
                at = s.mean;
            }
        }
        return zero - at;
    }
}
