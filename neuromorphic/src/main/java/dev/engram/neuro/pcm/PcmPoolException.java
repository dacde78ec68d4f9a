package dev.engram.neuro.pcm;

import java.nio.file.Path;

/**
 * A synapse pool's region cannot be used as asked: it is not a pool, has another format version, is
 * inconsistent, or holds an array other than the one asked for. The message names the region, the field,
 * what was found and what was expected.
 */
public final class PcmPoolException extends RuntimeException {

    /** What went wrong. */
    public enum Code {
        /** The region holds something else (a wrong magic number). */
        NOT_A_POOL,
        /** The pool was written by an incompatible format version. */
        VERSION,
        /** A field contradicts the rest of the pool (a slot of the wrong commit, a bad offset). */
        CORRUPT,
        /** The array exists with other dimensions, model, policy, weight range or seed than asked for. */
        MISMATCH,
        /** The pool's directory has no free entry. */
        FULL,
        /** The pool or array is closed. */
        CLOSED
    }

    private final Code code;
    private final transient Path path;

    public PcmPoolException(Code code, Path path, String message) {
        super((path == null ? "synapse pool" : "synapse pool " + path) + ": " + message);
        this.code = code;
        this.path = path;
    }

    public Code code() {
        return code;
    }

    /** The pool's file, or null when the region has none (a test's region, a simulated device). */
    public Path path() {
        return path;
    }
}
