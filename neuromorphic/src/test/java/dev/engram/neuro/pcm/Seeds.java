package dev.engram.neuro.pcm;

/**
 * Seeds of the randomised tests: fixed by default so every run is the same, overridable with
 * {@code -Dengram.seed=N} to explore, and printed so a failing run can be repeated from one line.
 */
final class Seeds {

    private Seeds() {
    }

    static long seed(String test, long fallback) {
        long seed = Long.getLong("engram.seed", fallback);
        System.out.println(test + ": seed=" + seed + " (rerun with -Dengram.seed=" + seed + ")");
        return seed;
    }
}
