package dev.engram.neuro.experiment;

import java.nio.file.Path;

/** An experiment's input or output is not what it should be: names the file and what was found. */
public final class ExperimentException extends RuntimeException {

    private final transient Path file;

    public ExperimentException(Path file, String message) {
        super(file == null ? message : file + ": " + message);
        this.file = file;
    }

    /** The file concerned, or null. */
    public Path file() {
        return file;
    }
}
