package dev.engram.kv.cli;

import dev.engram.kv.KvException;
import dev.engram.region.RegionException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every exit status of {@code ./engram kv}, in one place. 0-2 are the store's own answers; the rest
 * follow BSD {@code sysexits.h}, so a script can tell "you typed it wrong" (64) from "your input was
 * refused" (65), "there is no pool" (66), "someone else has it" (69) and "the disk failed" (74).
 *
 * <p>Usage errors are 64, not picocli's default 2: 2 means "the pool is corrupt" here, and a fault
 * sweep must never mistake a typo for a damaged pool.
 */
enum ExitCode {
    OK(0, "success"),
    NOT_FOUND(1, "the key is absent (get, delete)"),
    CORRUPT(2, "check found damage, or the pool is corrupt or its media returned bad data"),
    USAGE(64, "usage error: unknown command or option, a bad --mode or SIZE, a missing --pool"),
    BAD_INPUT(65, "input refused: a malformed import line, a key or value over the pool's limits, a range scan on a hash pool, create over an existing file"),
    NO_POOL(66, "the pool file (or the import file) does not exist"),
    UNAVAILABLE(69, "the pool is open in another process, needs a newer Engram, or has a RUN fast tier attached (use --mode run)"),
    INTERNAL(70, "an internal error (a bug: please report it with the command line)"),
    IO_ERROR(74, "an I/O error, or the pool is full");

    final int code;
    final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    /** The one mapping from a store failure to an exit status. */
    static ExitCode of(KvException.Code code) {
        return switch (code) {
            case CORRUPT, MEDIA -> CORRUPT;
            case INVALID_ARGUMENT -> BAD_INPUT;
            case IN_USE, VERSION -> UNAVAILABLE;
            case IO, FULL, CLOSED -> IO_ERROR;
        };
    }

    /** The same mapping for the region layer, which {@code info} and {@code destage} read directly. */
    static ExitCode of(RegionException.Code code) {
        return switch (code) {
            case BAD_FORMAT, MEDIA -> CORRUPT;
            case INVALID_ARGUMENT -> BAD_INPUT;
            case VERSION, IN_USE, FAST_TIER_ATTACHED, TIER_MISMATCH -> UNAVAILABLE;
            case TOO_LARGE, IO, CLOSED -> IO_ERROR;
            case OUT_OF_BOUNDS, MISALIGNED -> INTERNAL;
        };
    }

    /** The table shown under "Exit codes:" in every command's --help. */
    static Map<String, String> helpTable() {
        Map<String, String> table = new LinkedHashMap<>();
        for (ExitCode e : values()) {
            table.put(String.valueOf(e.code), e.meaning);
        }
        return table;
    }
}
