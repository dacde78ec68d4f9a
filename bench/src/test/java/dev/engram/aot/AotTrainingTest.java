package dev.engram.aot;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The launcher's training run completes in-process (any failure of a command or a store operation it
 * trains throws here) and leaves no pool behind.
 */
class AotTrainingTest {

    @Test
    void shouldRunEveryTrainedPathAndLeaveNothingBehind() throws IOException {
        Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = trainingDirs(base);
        AotTraining.main(new String[0]);
        assertEquals(before, trainingDirs(base), "the training run deletes its pools");
    }

    private static List<Path> trainingDirs(Path base) throws IOException {
        try (Stream<Path> files = Files.list(base)) {
            return files.filter(p -> p.getFileName().toString().startsWith("engram-aot-training-")).sorted().toList();
        }
    }
}
