package dev.engram.kv.cli;

/**
 * A failure the CLI itself detects (a malformed import line, a missing pool file), with the exit
 * status it ends the command with. Printed as {@code engram kv: <message>}, never with a stack trace.
 */
final class CliException extends RuntimeException {

    private final ExitCode exitCode;

    CliException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    CliException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    ExitCode exitCode() {
        return exitCode;
    }
}
