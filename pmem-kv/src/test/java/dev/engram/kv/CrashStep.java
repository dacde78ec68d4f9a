package dev.engram.kv;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a {@link CrashScenario}: what it does to the store through the public API, what it does
 * to the model (a {@code Map<String, String>}), and whether its completion makes everything before it
 * durable. Keys and values are ASCII strings so that a failure message shows them.
 */
final class CrashStep {

    enum Kind {
        PUT, DELETE, PUT_IF_ABSENT, REPLACE, BATCH,
        /** {@link KvStore#sync()}. */
        SYNC,
        /** {@link KvStore#destage()}: RUN writes its dirty blocks back; elsewhere a sync. */
        DESTAGE,
        /** Abandons the store (a process crash, nothing closed) and opens the pool again: recovery. */
        REOPEN,
        /** A maintenance call (a compaction, an index checkpoint): see {@link Hook}. */
        CUSTOM
    }

    /** One entry of a batch: a put when {@code value} is non-null, else a delete. */
    record BatchOp(String key, String value) {
    }

    /**
     * The extension point for maintenance steps: given the open store, run one step of it (for example
     * one compaction step or one index checkpoint). It must not change the logical content.
     */
    @FunctionalInterface
    interface Hook {
        void run(KvStore store);
    }

    final Kind kind;
    final String key;
    final String value;
    final String expected;
    final List<BatchOp> batch;
    /** The call's durability, or null for the store's default. */
    final Durability durability;
    final String hookName;
    final Hook hook;

    private CrashStep(Kind kind, String key, String value, String expected, List<BatchOp> batch, Durability durability,
                      String hookName, Hook hook) {
        this.kind = kind;
        this.key = key;
        this.value = value;
        this.expected = expected;
        this.batch = batch;
        this.durability = durability;
        this.hookName = hookName;
        this.hook = hook;
    }

    static CrashStep put(String key, String value, Durability durability) {
        return new CrashStep(Kind.PUT, key, value, null, null, durability, null, null);
    }

    static CrashStep delete(String key, Durability durability) {
        return new CrashStep(Kind.DELETE, key, null, null, null, durability, null, null);
    }

    static CrashStep putIfAbsent(String key, String value, Durability durability) {
        return new CrashStep(Kind.PUT_IF_ABSENT, key, value, null, null, durability, null, null);
    }

    static CrashStep replace(String key, String expected, String value, Durability durability) {
        return new CrashStep(Kind.REPLACE, key, value, expected, null, durability, null, null);
    }

    static CrashStep batch(List<BatchOp> ops, Durability durability) {
        return new CrashStep(Kind.BATCH, null, null, null, List.copyOf(ops), durability, null, null);
    }

    static CrashStep sync() {
        return new CrashStep(Kind.SYNC, null, null, null, null, null, null, null);
    }

    static CrashStep destage() {
        return new CrashStep(Kind.DESTAGE, null, null, null, null, null, null, null);
    }

    static CrashStep reopen() {
        return new CrashStep(Kind.REOPEN, null, null, null, null, null, null, null);
    }

    static CrashStep custom(String name, Hook hook) {
        return new CrashStep(Kind.CUSTOM, null, null, null, null, null, name, Objects.requireNonNull(hook, "hook"));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Applies the step's effect to the model; returns what the call must return (true for unconditional calls). */
    boolean model(Map<String, String> m) {
        switch (kind) {
            case PUT -> m.put(key, value);
            case DELETE -> {
                return m.remove(key) != null;
            }
            case PUT_IF_ABSENT -> {
                return m.putIfAbsent(key, value) == null;
            }
            case REPLACE -> {
                if (!expected.equals(m.get(key))) {
                    return false;
                }
                m.put(key, value);
            }
            case BATCH -> {
                for (BatchOp op : batch) {
                    if (op.value() == null) {
                        m.remove(op.key());
                    } else {
                        m.put(op.key(), op.value());
                    }
                }
            }
            case SYNC, DESTAGE, REOPEN, CUSTOM -> {
            }
        }
        return true;
    }

    /** Whether the call writes a record when the model says it returns {@code result}. */
    boolean writes(boolean result) {
        return switch (kind) {
            case PUT, BATCH -> true;
            case DELETE, PUT_IF_ABSENT, REPLACE -> result;
            case SYNC, DESTAGE, REOPEN, CUSTOM -> false;
        };
    }

    /**
     * Whether, once this step has returned (having returned {@code result}), every earlier write must
     * survive a power failure: a durable write that wrote (K2 persists the lane through it), a sync,
     * a destage; a reopen recovers only what was durable, so what it saw is the floor too.
     */
    boolean makesDurable(boolean result, Durability storeDefault) {
        return switch (kind) {
            case PUT, DELETE, PUT_IF_ABSENT, REPLACE, BATCH ->
                    writes(result) && (durability != null ? durability : storeDefault) == Durability.DURABLE;
            case SYNC, DESTAGE -> true;
            case REOPEN, CUSTOM -> false;
        };
    }

    /** Runs the step on {@code store}; returns the call's boolean result (true for unconditional calls). */
    boolean apply(KvStore store) {
        Durability d = durability;
        return switch (kind) {
            case PUT -> {
                if (d == null) {
                    store.put(bytes(key), bytes(value));
                } else {
                    store.put(bytes(key), bytes(value), d);
                }
                yield true;
            }
            case DELETE -> d == null ? store.delete(bytes(key)) : store.delete(bytes(key), d);
            case PUT_IF_ABSENT -> d == null ? store.putIfAbsent(bytes(key), bytes(value))
                    : store.putIfAbsent(bytes(key), bytes(value), d);
            case REPLACE -> d == null ? store.replace(bytes(key), bytes(expected), bytes(value))
                    : store.replace(bytes(key), bytes(expected), bytes(value), d);
            case BATCH -> {
                WriteBatch b = new WriteBatch();
                for (BatchOp op : batch) {
                    if (op.value() == null) {
                        b.delete(bytes(op.key()));
                    } else {
                        b.put(bytes(op.key()), bytes(op.value()));
                    }
                }
                if (d == null) {
                    store.write(b);
                } else {
                    store.write(b, d);
                }
                yield true;
            }
            case SYNC -> {
                store.sync();
                yield true;
            }
            case DESTAGE -> {
                store.destage();
                yield true;
            }
            case CUSTOM -> {
                hook.run(store);
                yield true;
            }
            case REOPEN -> throw new IllegalStateException("REOPEN is run by the campaign, which owns the region");
        };
    }

    @Override
    public String toString() {
        String d = durability == null ? "" : ", " + durability.name().toLowerCase(java.util.Locale.ROOT);
        return switch (kind) {
            case PUT -> "put(" + key + ", " + describe(value) + d + ")";
            case DELETE -> "delete(" + key + d + ")";
            case PUT_IF_ABSENT -> "putIfAbsent(" + key + ", " + describe(value) + d + ")";
            case REPLACE -> "replace(" + key + ", " + describe(expected) + " -> " + describe(value) + d + ")";
            case BATCH -> {
                List<String> parts = new ArrayList<>();
                for (BatchOp op : batch) {
                    parts.add(op.value() == null ? "-" + op.key() : op.key() + "=" + describe(op.value()));
                }
                yield "batch" + parts + (d.isEmpty() ? "" : "(" + d.substring(2) + ")");
            }
            case SYNC -> "sync()";
            case DESTAGE -> "destage()";
            case REOPEN -> "reopen()";
            case CUSTOM -> hookName + "()";
        };
    }

    /** A value as a short text: short values in full, long ones by length and first characters. */
    static String describe(String v) {
        return v == null ? "null" : v.length() <= 12 ? "'" + v + "'" : "'" + v.substring(0, 8) + "…'(" + v.length() + ")";
    }
}
