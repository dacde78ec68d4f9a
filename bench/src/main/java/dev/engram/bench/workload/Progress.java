package dev.engram.bench.workload;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * One stderr line, rewritten in place five times a second while a phase runs:
 * {@code fillrandom  run 1  [##########----------]  52%  1.23 M ops/s} (a phase bounded only by time
 * shows its count instead of a bar). Cleared when the phase ends,
 * so stdout (the summary table) and any log stay clean. Reads the workers' published counts only; it
 * never touches the measured path.
 */
final class Progress {

    private static final long INTERVAL_MILLIS = 200;
    private static final int BAR_WIDTH = 20;

    private final boolean enabled;
    private final PrintStream err;
    private Thread painter;
    private volatile boolean running;
    private int lastWidth;

    Progress(boolean enabled, PrintStream err) {
        this.enabled = enabled;
        this.err = err;
    }

    /** Starts painting phase {@code label}, whose {@code done} counts up to {@code total}. */
    void start(String label, long total, LongSupplier done) {
        stop();
        if (!enabled) {
            return;
        }
        running = true;
        long t0 = System.nanoTime();
        painter = Thread.ofPlatform().daemon().name("engram-progress").start(() -> {
            long lastDone = 0;
            long lastNanos = t0;
            while (running) {
                try {
                    Thread.sleep(INTERVAL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                long d = done.getAsLong();
                double rate = (d - lastDone) / ((now - lastNanos) / 1e9);
                lastDone = d;
                lastNanos = now;
                paint(label, d, total, rate);
            }
        });
    }

    private synchronized void paint(String label, long done, long total, double opsPerSecond) {
        if (!running) {
            return;
        }
        String line;
        if (total > 0) {
            double fraction = Math.min(1, (double) done / total);
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            line = String.format(Locale.ROOT, "%s  [%s%s] %3.0f%%  %s ops/s", label, "#".repeat(filled),
                    "-".repeat(BAR_WIDTH - filled), 100 * fraction, SummaryTable.si(opsPerSecond));
        } else {            // a phase bounded by time only
            line = String.format(Locale.ROOT, "%s  %s ops  %s ops/s", label, SummaryTable.si(done),
                    SummaryTable.si(opsPerSecond));
        }
        int pad = Math.max(0, lastWidth - line.length());
        err.print("\r" + line + " ".repeat(pad));
        err.flush();
        lastWidth = line.length();
    }

    /** Ends the phase and clears the line. */
    void stop() {
        Thread p = painter;
        if (p == null) {
            return;
        }
        synchronized (this) {
            running = false;
            if (lastWidth > 0) {
                err.print("\r" + " ".repeat(lastWidth) + "\r");
                err.flush();
                lastWidth = 0;
            }
        }
        p.interrupt();
        try {
            p.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        painter = null;
    }
}
