package dev.engram.kv;

import java.util.function.Supplier;

/**
 * The two things every short-lived helper thread of this package needs from the thread that started
 * it: to be waited for whole, and to have what it threw thrown again (recovery's loaders and applier,
 * the hash index's table allocation); and {@link #halves}, work split in two between a helper and the
 * caller (the index checkpoint's verification and load).
 */
final class HelperThreads {
    private HelperThreads() {
    }

    /**
     * Waits for every thread (null: never started, skipped) to end, through interrupts, which are
     * re-asserted after: the helpers write into structures the caller then publishes, so they must end
     * first. The join also orders everything a helper wrote before what the caller does next.
     */
    static void joinUninterruptibly(Thread... threads) {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t != null && t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** What {@link #halves} returns: the helper's result and the caller's. */
    record Halves<T>(T first, T second) {
    }

    /**
     * Runs {@code first} on a helper thread named {@code name} while this thread runs {@code second};
     * returns both results once the helper has ended (the join orders everything it wrote before what
     * the caller does next). What the caller's half throws is thrown after the join; else what the
     * helper's threw.
     */
    static <T> Halves<T> halves(String name, Supplier<T> first, Supplier<T> second) {
        Object[] helperResult = {null};
        Throwable[] failure = {null};
        Thread helper = Thread.ofPlatform().daemon().name(name).start(() -> {
            try {
                helperResult[0] = first.get();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        T mine;
        try {
            mine = second.get();
        } finally {
            joinUninterruptibly(helper);
        }
        rethrow(failure[0]);
        @SuppressWarnings("unchecked")
        T theirs = (T) helperResult[0];
        return new Halves<>(theirs, mine);
    }

    /** Throws what a helper thread threw (null: nothing), unchecked as it was, else wrapped. */
    static void rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        } else if (t instanceof Error e) {
            throw e;
        } else if (t != null) {
            throw new IllegalStateException(t);
        }
    }
}
