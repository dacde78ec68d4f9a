package dev.engram.neuro.data;

import java.nio.file.Path;

/**
 * Every failure to read, fetch or verify a data set: a stable {@link Code}, the file it concerns (when
 * there is one), and a message that says what was found and what was expected. A data set that is
 * simply not there is not an exception: the {@code loadIfPresent} methods return an empty optional.
 */
public final class DataException extends RuntimeException {

    /** Stable failure codes; their names are part of the API and never change meaning. */
    public enum Code {
        /** An IDX file whose header is wrong: magic number, element type, number or size of dimensions. */
        BAD_FORMAT,
        /** An IDX file shorter or longer than its header says. */
        TRUNCATED,
        /** A file whose SHA-256 is not the one the project pinned. */
        CHECKSUM,
        /** A file that {@code load} needs is absent (use {@code loadIfPresent} to get "absent" as a value). */
        MISSING,
        /** {@code npm} is not on the PATH, so the data cannot be fetched. */
        NPM_MISSING,
        /** The fetch ran but failed: npm's exit status, or a tarball without the expected files. */
        FETCH_FAILED,
        /** The operating system refused an I/O call. */
        IO,
        /** Bad arguments: what was given and what is accepted. */
        INVALID_ARGUMENT
    }

    private final Code code;
    private final Path path;

    public DataException(Code code, Path path, String message) {
        this(code, path, message, null);
    }

    public DataException(Code code, Path path, String message, Throwable cause) {
        super(code + (path == null ? "" : " " + path) + ": " + message, cause);
        this.code = code;
        this.path = path;
    }

    public Code code() {
        return code;
    }

    /** The file concerned, or {@code null} when the failure is not about one file. */
    public Path path() {
        return path;
    }
}
