package dev.engram.powerfail;

import java.util.BitSet;
import java.util.Objects;

/**
 * Which crash points of a recording to visit, for {@link PowerFailSimulator#crashPoints}. Crash point
 * {@code p} is the moment after the first {@code p} events of the log; a selector is evaluated against
 * the log as it stands when the sweep starts.
 *
 * <p>The points that matter most are the ones where durable state is about to change or where pending
 * state is largest: {@link #beforeEachFence()} sees every flush of an epoch issued and none completed,
 * {@link #afterEachStore()} sees every store just issued. {@link #all()} is exhaustive over time.
 */
public final class CrashPoints {

    @FunctionalInterface
    private interface Selector {
        void select(PowerFailSimulator simulator, int eventCount, BitSet points);
    }

    private final Selector selector;
    private final String description;

    private CrashPoints(Selector selector, String description) {
        this.selector = selector;
        this.description = description;
    }

    /** Every point, 0 to the number of events. */
    public static CrashPoints all() {
        return new CrashPoints((sim, n, points) -> points.set(0, n + 1), "all");
    }

    /** Only the last point: everything recorded has happened. */
    public static CrashPoints end() {
        return new CrashPoints((sim, n, points) -> points.set(n), "end");
    }

    /** The point just before each fence (drain): its epoch's flushes issued, none yet completed. */
    public static CrashPoints beforeEachFence() {
        return ofKind(EventLog.FENCE, 0, "beforeEachFence");
    }

    /** The point just after each fence. */
    public static CrashPoints afterEachFence() {
        return ofKind(EventLog.FENCE, 1, "afterEachFence");
    }

    /** The point just after each store call (a multi-word write is one store call). */
    public static CrashPoints afterEachStore() {
        return ofKind(EventLog.STORE, 1, "afterEachStore");
    }

    /** The points inside operation {@code index}: from just after its begin marker to just before its end marker. */
    public static CrashPoints withinOperation(int index) {
        return new CrashPoints((sim, n, points) -> {
            Operation op = sim.operationRecord(index);
            points.set(op.beginEvent() + 1, (op.ended() ? op.endEvent() : n) + 1);
        }, "withinOperation(" + index + ")");
    }

    /** The points inside every operation with this name. */
    public static CrashPoints withinOperations(String name) {
        Objects.requireNonNull(name, "name");
        return new CrashPoints((sim, n, points) -> {
            for (Operation op : sim.operations()) {
                if (op.name().equals(name)) {
                    points.set(op.beginEvent() + 1, (op.ended() ? op.endEvent() : n) + 1);
                }
            }
        }, "withinOperations(" + name + ")");
    }

    /** Exactly these points. */
    public static CrashPoints at(int... crashPoints) {
        int[] copy = crashPoints.clone();
        return new CrashPoints((sim, n, points) -> {
            for (int p : copy) {
                if (p < 0 || p > n) {
                    throw new IllegalArgumentException("crash point " + p + " outside [0, " + n + "]");
                }
                points.set(p);
            }
        }, "at" + java.util.Arrays.toString(copy));
    }

    /** The points of this selector and of {@code other}. */
    public CrashPoints and(CrashPoints other) {
        return new CrashPoints((sim, n, points) -> {
            selector.select(sim, n, points);
            other.selector.select(sim, n, points);
        }, description + "+" + other.description);
    }

    /** The selected points, ascending and distinct. */
    int[] select(PowerFailSimulator simulator, EventLog log) {
        int n = log.size();
        BitSet points = new BitSet(n + 1);
        selector.select(simulator, n, points);
        return points.stream().toArray();
    }

    private static CrashPoints ofKind(byte kind, int offset, String description) {
        return new CrashPoints((sim, n, points) -> {
            EventLog log = sim.log();
            for (int e = 0; e < n; e++) {
                if (log.kind(e) == kind) {
                    points.set(e + offset);
                }
            }
        }, description);
    }

    @Override
    public String toString() {
        return description;
    }
}
