package dev.engram.neuro.experiment;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A sweep's progress on stderr. On a terminal: one bar, redrawn in place ({@code \r}) as epochs finish
 * and once a second for the clock, ended with a newline by {@link #close()}. Elsewhere (a log file, a
 * pipe): one line per finished run, so a log stays readable. Results go to files and stdout, never here.
 *
 * <pre>
 * sweep [##########..........]  6/12 runs  52 %  2m10s elapsed, ~2m00s left
 * </pre>
 *
 * <p>Thread-safe: the workers report to it concurrently.
 */
final class ProgressBar implements AutoCloseable {

    private static final int BAR_CELLS = 24;
    private static final long TICK_MILLIS = 1000;

    private final PrintStream err;
    private final boolean terminal;
    private final String label;
    private final int totalRuns;
    private final long totalEpochs;
    private final long startNanos = System.nanoTime();
    private int runs;
    private long epochs;
    private int lastWidth;
    private boolean closed;
    private Thread ticker;

    /**
     * @param terminal    redraw in place (stderr is a terminal); false: a line per run
     * @param totalRuns   runs to do
     * @param epochsPerRun epochs each run trains (the bar counts epochs, so it moves within a run)
     */
    ProgressBar(PrintStream err, boolean terminal, String label, int totalRuns, int epochsPerRun) {
        this.err = err;
        this.terminal = terminal;
        this.label = label;
        this.totalRuns = totalRuns;
        this.totalEpochs = Math.max(1, (long) totalRuns * Math.max(1, epochsPerRun));
        if (terminal) {
            ticker = Thread.ofPlatform().daemon().name("sweep-progress").start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(TICK_MILLIS);
                        synchronized (this) {
                            if (!closed) {
                                draw();
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    // closed
                }
            });
        }
    }

    /** On Linux, whether file descriptor 2 is a terminal; false where that cannot be told. */
    static boolean stderrIsTerminal() {
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    synchronized void epochDone() {
        epochs++;
        if (terminal) {
            draw();
        }
    }

    /** A run finished; {@code what} describes it (printed as its own line when not on a terminal). */
    synchronized void runDone(String what) {
        runs++;
        if (terminal) {
            draw();
        } else {
            err.println(String.format(Locale.ROOT, "%s %d/%d runs, %s elapsed: %s", label, runs, totalRuns,
                    clock(elapsedSeconds()), what));
            err.flush();
        }
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private void draw() {
        double done = Math.min(1.0, (double) epochs / totalEpochs);
        int filled = (int) Math.round(done * BAR_CELLS);
        double elapsed = elapsedSeconds();
        StringBuilder line = new StringBuilder(label).append(" [")
                .append("#".repeat(filled)).append(".".repeat(BAR_CELLS - filled)).append("] ")
                .append(String.format(Locale.ROOT, "%d/%d runs  %3.0f %%  %s elapsed", runs, totalRuns, 100 * done,
                        clock(elapsed)));
        if (done > 0.02 && done < 1) {
            line.append(", ~").append(clock(elapsed * (1 - done) / done)).append(" left");
        }
        int width = line.length();
        line.append(" ".repeat(Math.max(0, lastWidth - width)));
        lastWidth = width;
        err.print("\r" + line);
        err.flush();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.interrupt();
            try {
                ticker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (terminal) {
                draw();
                err.println();
                err.flush();
            }
        }
    }
}
