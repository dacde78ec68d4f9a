package dev.engram.kv;

import dev.engram.kv.cli.KvCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application that opens a pool sees nothing from Engram on its standard error: no JVM warning from
 * a library (JCTools' Unsafe-based queues print "a terminally deprecated method in sun.misc.Unsafe has
 * been called" on JDK 24 and later; recovery uses its atomic variants, which do not). The open runs in a
 * child JVM with the launcher's flags for {@code ./engram kv}, because the JVM prints such a warning once
 * per process, and through the crash path: a log scan of several segments, with the second thread and
 * its queues.
 */
class KvJvmWarningsTest {

    @TempDir(factory = ShmTempDir.class)
    Path dir;

    @Test
    void shouldOpenThroughALogScanWithoutAWordOnStandardError() throws IOException, InterruptedException {
        Path pool = dir.resolve("pool");
        try (KvStore kv = KvStore.create(new KvOptions(pool).size(4 << 20).segmentBytes(64 * 1024))) {
            byte[] value = new byte[100];
            for (int i = 0; i < 3_000; i++) {
                kv.put(("key-" + i).getBytes(StandardCharsets.US_ASCII), value);
            }
        }
        Files.delete(Checkpoint.pathOf(pool));          // as a crash leaves it: the index comes from the log

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path stdout = dir.resolve("child.out");
        Path stderr = dir.resolve("child.err");
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xss4m",
                "-cp", System.getProperty("java.class.path"), KvCli.class.getName(), "info", "--pool", pool.toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "kv info did not finish in 60 s");
        String out = Files.readString(stdout, StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), "kv info failed: " + out + Files.readString(stderr));
        assertTrue(out.matches("(?s).*index rebuilt\\s+scan in \\d+ ms \\(0 segments from the checkpoint, ([2-9]|\\d\\d+) scanned\\).*"),
                "the open did not scan two or more segments of the log:\n" + out);
        assertEquals("", Files.readString(stderr, StandardCharsets.UTF_8), "standard error of kv info");
    }
}
