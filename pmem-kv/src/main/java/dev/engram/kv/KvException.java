package dev.engram.kv;

import java.nio.file.Path;

/**
 * Every failure of a {@link KvStore}: a stable {@link Code}, the pool it concerns, and a message that
 * names the field, what was found and what was expected. "Not found" is never an exception: it is a
 * {@code null} or {@code false} result.
 */
public final class KvException extends RuntimeException {

    /** Stable failure codes; names and meanings never change. */
    public enum Code {
        /** A key or value over the limits, an empty key, or a bad option. */
        INVALID_ARGUMENT,
        /** The file is not an Engram pool, or its structures are corrupt. */
        CORRUPT,
        /** The pool was written by a newer, incompatible version or has unknown feature flags. */
        VERSION,
        /** Another process (or another store in this one) has the pool open. */
        IN_USE,
        /** A record failed its checksum on read: the media returned wrong data for this key. */
        MEDIA,
        /** The pool cannot grow any more. */
        FULL,
        /** Use after {@link KvStore#close()}, or of a released snapshot or closed batch. */
        CLOSED,
        /** An I/O or region failure below the store. */
        IO
    }

    private final Code code;
    private final Path path;

    KvException(Code code, Path path, String message) {
        this(code, path, message, null);
    }

    KvException(Code code, Path path, String message, Throwable cause) {
        super(code + (path == null ? "" : " " + path) + ": " + message, cause);
        this.code = code;
        this.path = path;
    }

    public Code code() {
        return code;
    }

    /** The pool file concerned. */
    public Path path() {
        return path;
    }
}
