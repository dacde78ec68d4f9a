package dev.engram.kv.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs {@code ./engram kv} commands in-process on a pool in a fresh /dev/shm directory, capturing
 * stdout, stderr and the exit status.
 */
final class CliRunner implements AutoCloseable {

    /** What one command did. */
    record Result(int exit, String out, String err) {

        List<String> lines() {
            return out.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    final Path dir;
    final Path pool;

    CliRunner() throws IOException {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "engram-kv-cli-");
        pool = dir.resolve("pool");
    }

    /** Runs {@code args} with empty stdin. */
    Result kv(String... args) {
        return kv(new ByteArrayInputStream(new byte[0]), args);
    }

    /** Runs {@code args} with {@code stdin} as standard input. */
    Result kvWithInput(String stdin, String... args) {
        return kv(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
    }

    Result kv(InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = KvCli.run(in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code command} on this runner's pool: {@code command --pool POOL args...}. */
    Result onPool(String command, String... args) {
        return onPool(new ByteArrayInputStream(new byte[0]), command, args);
    }

    Result onPool(InputStream in, String command, String... args) {
        List<String> all = new ArrayList<>();
        all.add(command);
        all.add("--pool");
        all.add(pool.toString());
        all.addAll(List.of(args));
        return kv(in, all.toArray(String[]::new));
    }

    /** A small sorted (or hash) pool: 64 KiB segments keep the file at a few hundred KiB. */
    Result createPool(String engine, String... more) {
        List<String> args = new ArrayList<>(List.of("--engine", engine, "--size", "256K", "--segment-size", "64K"));
        args.addAll(List.of(more));
        return onPool("create", args.toArray(String[]::new));
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
