package dev.engram.kv.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A single progress line on stderr, redrawn in place ({@code \r}) at most five times a second: shown
 * when stderr is a terminal, or always with {@code --progress}; ended with a newline by
 * {@link #close()}. Results go to stdout, so the line never mixes with them in a pipe.
 *
 * <p>Thread-safe: an {@link #elapsed} line is redrawn by a timer thread while the owner works.
 */
final class Progress implements AutoCloseable {

    private static final long REDRAW_INTERVAL_NANOS = 200_000_000L;

    private final PrintStream err;
    private final boolean shown;
    private final boolean requested;
    private final String verb;
    private final String unit;
    private final long totalUnits;
    private final long startNanos = System.nanoTime();
    private long units;
    private long inputBytes;
    private long inputTotalBytes = -1;
    private long lastDrawNanos = startNanos;
    private boolean drawn;
    private int lastWidth;
    private Thread ticker;
    private boolean closed;

    /**
     * @param requested  {@code --progress} was given: show even when stderr is not a terminal
     * @param verb       what is done, e.g. "import"
     * @param unit       what is counted, e.g. "records"; null: nothing is counted, only time shown
     * @param totalUnits how many there will be, or -1 when unknown
     */
    Progress(Io io, boolean requested, String verb, String unit, long totalUnits) {
        this.err = io.err();
        this.requested = requested;
        this.shown = requested || io.errIsTerminal();
        this.verb = verb;
        this.unit = unit;
        this.totalUnits = totalUnits;
    }

    /**
     * A line that shows only what is being done and for how long, redrawn by a timer thread: for one
     * long call that reports nothing meanwhile.
     */
    static Progress elapsed(Io io, boolean requested, String activity) {
        return new Progress(io, requested, activity, null, -1).ticking();
    }

    /** Counts {@code n} more units done; redraws if due. */
    synchronized void advance(long n) {
        units += n;
        redrawIfDue();
    }

    /** Where the input is (bytes consumed of {@code totalBytes}, -1 when unknown), for the percentage. */
    synchronized void input(long bytes, long totalBytes) {
        inputBytes = bytes;
        inputTotalBytes = totalBytes;
    }

    private Progress ticking() {
        if (shown) {
            ticker = Thread.ofPlatform().daemon().name("engram-kv-progress").start(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(REDRAW_INTERVAL_NANOS / 1_000_000);
                        synchronized (this) {
                            draw();
                        }
                    }
                } catch (InterruptedException e) {
                    // closed
                }
            });
        }
        return this;
    }

    private void redrawIfDue() {
        if (shown) {
            long now = System.nanoTime();
            if (now - lastDrawNanos >= REDRAW_INTERVAL_NANOS) {
                lastDrawNanos = now;
                draw();
            }
        }
    }

    private void draw() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        StringBuilder line = new StringBuilder(verb);
        if (unit == null) {
            line.append(String.format(Locale.ROOT, " ... %.1f s", seconds));
            finish(line);
            return;
        }
        line.append(": ").append(Text.count(units));
        if (totalUnits >= 0) {
            line.append(" of ").append(Text.count(totalUnits));
        }
        line.append(' ').append(unit);
        if (totalUnits > 0) {
            line.append(String.format(Locale.ROOT, "  %3.0f%%", 100.0 * units / totalUnits));
        } else if (inputTotalBytes > 0) {
            line.append(String.format(Locale.ROOT, "  %3.0f%% of %s", 100.0 * inputBytes / inputTotalBytes,
                    Text.bytes(inputTotalBytes)));
        } else if (inputBytes > 0) {
            line.append("  ").append(Text.bytes(inputBytes));
        }
        if (units > 0 && seconds > 0.05) {
            line.append("  ").append(Text.count((long) (units / seconds))).append('/').append("s");
        }
        line.append(String.format(Locale.ROOT, "  %.1f s", seconds));
        finish(line);
    }

    private void finish(StringBuilder line) {
        int width = line.length();
        line.append(" ".repeat(Math.max(0, lastWidth - width)));
        lastWidth = width;
        err.print("\r" + line);
        err.flush();
        drawn = true;
    }

    /** Draws the final state and ends the line (when anything was shown, or --progress was given). Idempotent. */
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
            if (shown && (drawn || requested)) {
                draw();
                err.println();
                err.flush();
            }
        }
    }
}
