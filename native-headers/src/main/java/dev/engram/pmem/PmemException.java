package dev.engram.pmem;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A libpmem, libpmem2 or libc call made by {@link Pmem} reported failure.
 *
 * <p>Carries what a reader of a log needs to act without a debugger: the native operation that
 * failed ({@code pmem_map_file}, {@code pmem2_map_new}, {@code open}, ...), the file it was about
 * (when there is one), the native library's own explanation, and the status code it returned.
 *
 * <p>The explanation is PMDK's thread-local {@code pmem_errormsg()} / {@code pmem2_errormsg()}
 * text, read on the failing thread immediately after the failing call, or {@code strerror(errno)}
 * for the libc {@code open} that the libpmem2 path needs. It is unchecked, like every native
 * status mapped by this module: callers that can recover (a missing directory, a granularity the
 * medium does not offer) catch it; everybody else lets it propagate with its context intact.
 */
public final class PmemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** {@link #errorCode()} when the native call signalled failure only through its return value. */
    public static final int NO_ERROR_CODE = 0;

    /** The failing native function. */
    private final String operation;
    /** The file the call was about, or null; transient because {@code Path} is not serializable. */
    private final transient Path path;
    /** PMDK's or libc's explanation. */
    private final String nativeMessage;
    /** The native status, or {@link #NO_ERROR_CODE}. */
    private final int errorCode;

    PmemException(String operation, Path path, String nativeMessage, int errorCode) {
        super(describe(operation, path, nativeMessage, errorCode));
        this.operation = Objects.requireNonNull(operation, "operation");
        this.path = path;
        this.nativeMessage = Objects.requireNonNull(nativeMessage, "nativeMessage");
        this.errorCode = errorCode;
    }

    private static String describe(String operation, Path path, String nativeMessage, int errorCode) {
        StringBuilder text = new StringBuilder(operation).append(" failed");
        if (path != null) {
            text.append(" for ").append(path);
        }
        text.append(": ").append(nativeMessage);
        if (errorCode != NO_ERROR_CODE) {
            text.append(" (status ").append(errorCode).append(')');
        }
        return text.toString();
    }

    /** @return the native function that failed, e.g. {@code pmem_map_file} */
    public String operation() {
        return operation;
    }

    /** @return the file the failing call was about; empty for calls on an address range only */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /**
     * @return the native library's explanation: PMDK's {@code pmem_errormsg()} /
     *     {@code pmem2_errormsg()} text, or {@code strerror(errno)} for a libc call
     */
    public String nativeMessage() {
        return nativeMessage;
    }

    /**
     * @return the status the native call returned: a negative libpmem2 code ({@code PMEM2_E_...}
     *     or {@code -errno}), a positive {@code errno} for a libc call, or {@link #NO_ERROR_CODE}
     */
    public int errorCode() {
        return errorCode;
    }
}
