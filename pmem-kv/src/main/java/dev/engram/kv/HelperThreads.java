package dev.engram.kv;

/**
 * The two things every short-lived helper thread of this package needs from the thread that started
 * it: to be waited for whole, and to have what it threw thrown again (recovery's loaders and applier,
 * the hash index's table allocation).
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
