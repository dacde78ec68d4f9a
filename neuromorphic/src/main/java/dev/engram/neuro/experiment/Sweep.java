package dev.engram.neuro.experiment;

import dev.engram.neuro.data.TrainTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a {@link SweepSpec}'s points on {@code workers} threads, one network per thread. Each point is a
 * {@link RunSpec} with its own seed, pool file and random streams, so its result does not depend on
 * which worker ran it or what ran beside it: the sweep is deterministic for its seeds (tested). Points
 * already done (a resumed sweep) are skipped.
 */
public final class Sweep {

    /** Told of progress, from the worker threads: implementations must be thread-safe. */
    public interface Listener {
        void epochDone(RunSpec point, EpochMetrics epoch);

        void pointDone(RunResult result);
    }

    private Sweep() {
    }

    /** Orders points as results.csv lists them: curve, varied value, seed. */
    public static final Comparator<SweepPoint> ORDER = Comparator.comparing(SweepPoint::curve)
            .thenComparingDouble(SweepPoint::x).thenComparingLong(SweepPoint::seed);

    /** The points of {@code spec} not in {@code done} (matched by the varied value and the seed). */
    public static List<RunSpec> remaining(SweepSpec spec, List<SweepPoint> done) {
        Set<String> finished = new HashSet<>();
        for (SweepPoint p : done) {
            finished.add(key(p.x(), p.seed()));
        }
        List<RunSpec> out = new ArrayList<>();
        for (RunSpec r : spec.points()) {
            if (!finished.contains(key(spec.variable().valueOf(r), r.seed()))) {
                out.add(r);
            }
        }
        return out;
    }

    private static String key(double value, long seed) {
        return value + "/" + seed;
    }

    /**
     * Trains every point of {@code todo} and returns their results in {@code todo}'s order. PCM pools go
     * to a temporary directory, deleted afterwards.
     *
     * @throws ExperimentException or the run's own exception if a point fails (the others are cancelled)
     */
    public static List<RunResult> run(List<RunSpec> todo, int workers, TrainTest data, Listener listener) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("engram-sweep-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the sweep's pools", e);
        }
        scratch.toFile().deleteOnExit();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(workers, todo.size())),
                r -> Thread.ofPlatform().name("sweep-worker-" + next.getAndIncrement()).unstarted(r));
        try {
            List<Future<RunResult>> futures = new ArrayList<>();
            for (int i = 0; i < todo.size(); i++) {
                RunSpec spec = todo.get(i);
                Path poolFile = scratch.resolve("point-" + i + ".pcm");
                futures.add(pool.submit(() -> {
                    poolFile.toFile().deleteOnExit();
                    try {
                        RunResult r = Trainer.run(spec, data, poolFile, false, m -> listener.epochDone(spec, m));
                        listener.pointDone(r);
                        return r;
                    } finally {
                        Files.deleteIfExists(poolFile);
                    }
                }));
            }
            List<RunResult> results = new ArrayList<>();
            for (Future<RunResult> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (ExecutionException e) {
            pool.shutdownNow();
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new ExperimentException(null, "a sweep point failed: " + e.getCause());
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
            throw new ExperimentException(null, "interrupted");
        } finally {
            pool.shutdown();
            try {
                Files.deleteIfExists(scratch);
            } catch (IOException ignored) {
                // a leftover empty directory in /tmp is harmless; deleteOnExit tries again
            }
        }
    }
}
