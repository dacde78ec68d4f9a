package dev.engram.aot;

import dev.engram.bench.WorkFiles;
import dev.engram.kv.Durability;
import dev.engram.kv.EngineKind;
import dev.engram.kv.KvCursor;
import dev.engram.kv.KvOptions;
import dev.engram.kv.KvStore;
import dev.engram.kv.Snapshot;
import dev.engram.kv.WriteBatch;
import dev.engram.kv.cli.KvCli;
import dev.engram.region.AccessMode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The training run of the launcher's ahead-of-time cache for the `kv` commands. On the first `kv`
 * command after a build, {@code ./engram} runs this class once with
 * {@code -XX:AOTCacheOutput=target/engram.aot} (JEP 483 and 514, JDK 25) and without recording method
 * profiles: the JVM writes the classes loaded and linked here
 * to the cache, and every later `kv` command starts with them already parsed, verified and linked, the
 * FFM linker's method-handle machinery included. A fresh `./engram kv get` took 0.535 s with the cache
 * and 0.655 s without it, medians (bench/results/2026-11-23-aot-cache). What is trained is what a command
 * does first in a fresh JVM: the `kv` CLI's commands, a store's create, writes, reads, scans, batch,
 * snapshot and close, and both ways of reopening (from the index checkpoint and by scanning the log),
 * on both engines, in WALK and CRAWL. The work is small (a few seconds); only which classes it touches
 * matters. The commands' output goes nowhere; a failure only leaves the launcher without a cache.
 */
public final class AotTraining {

    private static final int KEYS = 20_000;

    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path base = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(base, "engram-aot-training-");
        try {
            for (EngineKind engine : EngineKind.values()) {
                cli(dir, engine);
                for (AccessMode mode : new AccessMode[]{AccessMode.WALK, AccessMode.CRAWL}) {
                    store(dir.resolve(engine.name().toLowerCase(Locale.ROOT) + "-" + mode.name().toLowerCase(Locale.ROOT)),
                            engine, mode);
                }
            }
        } finally {
            WorkFiles.deleteTree(dir);
        }
    }

    /** The `kv` commands a user runs first, in this JVM, their output discarded. */
    private static void cli(Path dir, EngineKind engine) throws IOException {
        String pool = dir.resolve("cli-" + engine.name().toLowerCase(Locale.ROOT)).toString();
        Path lines = dir.resolve("import-" + engine.name().toLowerCase(Locale.ROOT) + ".jsonl");
        StringBuilder json = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            json.append("{\"key\":\"k").append(i).append("\",\"value\":\"v").append(i).append("\"}\n");
        }
        Files.writeString(lines, json, StandardCharsets.UTF_8);
        kv(0, "create", "--pool", pool, "--engine", engine.name().toLowerCase(Locale.ROOT));
        kv(0, "put", "--pool", pool, "a", "1");
        kv(0, "get", "--pool", pool, "a");
        kv(0, "import", "--pool", pool, "--file", lines.toString());
        kv(0, "scan", "--pool", pool, "--limit", "10");
        kv(0, "delete", "--pool", pool, "a");
        kv(1, "get", "--pool", pool, "a");                 // not found
        kv(0, "stats", "--pool", pool);
        kv(0, "info", "--pool", pool);
        kv(0, "check", "--pool", pool);
        kv(0, "export", "--pool", pool);
    }

    /** One `kv` command in this JVM, its output discarded; a status other than {@code expected} stops the run. */
    private static void kv(int expected, String... args) {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        int status = KvCli.run(InputStream.nullInputStream(), nowhere, nowhere, args);
        if (status != expected) {
            throw new IllegalStateException("kv " + String.join(" ", args) + " exited " + status + ", expected " + expected);
        }
    }

    /** A store's life: create, writes of every kind, reads, a scan, close; reopen from the checkpoint and by a log scan. */
    private static void store(Path pool, EngineKind engine, AccessMode mode) {
        byte[] value = new byte[100];
        try (KvStore kv = KvStore.create(new KvOptions(pool).engine(engine).mode(mode).durability(Durability.BUFFERED))) {
            for (int i = 0; i < KEYS; i++) {
                kv.put(key(i), value);
            }
            kv.put(key(0), value, Durability.DURABLE);
            WriteBatch batch = new WriteBatch();
            batch.put(key(1), value);
            batch.delete(key(2));
            kv.write(batch);
            try (Snapshot snapshot = kv.snapshot()) {
                snapshot.get(key(3));
            }
            long found = 0;
            for (int i = 0; i < KEYS; i += 7) {
                found += kv.get(key(i)) != null ? 1 : 0;
                Integer length = kv.get(key(i), b -> b.remaining());       // null for an absent key
                found += length == null ? 0 : length;
            }
            try (KvCursor c = kv.cursor()) {
                while (c.next()) {
                    found += c.key().length;
                }
            }
            kv.stats();
            kv.sync();
            if (found < 0) {
                throw new AssertionError(found);
            }
        }
        try (KvStore kv = KvStore.open(new KvOptions(pool).indexCheckpoint(false))) {
            kv.get(key(5));
        }
        try (KvStore kv = KvStore.open(new KvOptions(pool))) {
            kv.get(key(5));
        }
    }

    private static byte[] key(int i) {
        byte[] k = new byte[16];
        for (int b = 0; b < 4; b++) {
            k[15 - b] = (byte) (i >>> (8 * b));
        }
        return k;
    }
}
