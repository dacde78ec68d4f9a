package dev.engram.region;

import java.nio.file.Path;

/**
 * Every failure of a region: a stable {@link Code}, the file it concerns (when there is one), and a
 * message that says what was found and what was expected.
 */
public final class RegionException extends RuntimeException {

    /** Stable failure codes; their names are part of the API and never change meaning. */
    public enum Code {
        /** An access outside {@code [0, size())}. */
        OUT_OF_BOUNDS,
        /** An atomic access at an offset that is not 8-byte aligned. */
        MISALIGNED,
        /** Growth beyond {@link Region#maxSize()} or a size the file system refuses. */
        TOO_LARGE,
        /** The file is not a region: wrong size, magic, header checksum or kind. */
        BAD_FORMAT,
        /** The file was written by a newer, incompatible format version or has unknown feature flags. */
        VERSION,
        /** Another process holds the region open. */
        IN_USE,
        /** The capacity file still has data in a RUN fast tier: open it in RUN mode or destage first. */
        FAST_TIER_ATTACHED,
        /** The fast tier belongs to another capacity file. */
        TIER_MISMATCH,
        /** Use after {@link Region#close()}. */
        CLOSED,
        /** The operating system refused an I/O call. */
        IO,
        /** The emulated media failed (a dead line, an endurance limit reached). */
        MEDIA,
        /** Bad options: what was given and what is accepted. */
        INVALID_ARGUMENT
    }

    private final Code code;
    private final Path path;
    private final String detail;

    public RegionException(Code code, Path path, String message) {
        this(code, path, message, null);
    }

    public RegionException(Code code, Path path, String message, Throwable cause) {
        super(code + (path == null ? "" : " " + path) + ": " + message, cause);
        this.code = code;
        this.path = path;
        this.detail = message;
    }

    public Code code() {
        return code;
    }

    /** The file concerned, or {@code null} for an in-memory region. */
    public Path path() {
        return path;
    }

    /** The message without the code and path in front of it. */
    String detail() {
        return detail;
    }

    static RegionException outOfBounds(Path path, long offset, long length, long size) {
        return new RegionException(Code.OUT_OF_BOUNDS, path,
                "access [" + offset + ", " + offset + " + " + length + ") outside the region's size " + size);
    }

    static RegionException misaligned(Path path, long offset) {
        return new RegionException(Code.MISALIGNED, path,
                "atomic 8-byte access at offset " + offset + ", expected a multiple of 8");
    }

    static RegionException closed(Path path) {
        return new RegionException(Code.CLOSED, path, "region used after close()");
    }

    /** A call that had passed its check when {@code close()} released what it was using. */
    static RegionException closedDuring(Path path, Throwable cause) {
        return new RegionException(Code.CLOSED, path, "region closed during the call", cause);
    }
}
