package dev.engram.neuro.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's fault experiment writes its four sweeps and its report, with the curves of the plain and
 * the fault-aware controller, here on the synthetic problem with a small network (MNIST is the demo's).
 */
class DemoFaultExperimentTest {

    @Test
    void shouldWriteFourSweepsAndAReportOfThem(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Path report;
        try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
            report = DemoFaultExperiment.run(dir, out, Cli.SYNTHETIC, Protocol.FULL, new int[] {24, 12, 10}, 1.0, 2);
        }
        String printed = buffer.toString(StandardCharsets.UTF_8);
        assertEquals(dir.resolve("report").resolve("report.md"), report);
        for (String sweep : new String[] {"dead", "dead-prune", "stuck-on", "stuck-on-prune"}) {
            Csv.Table t = Csv.read(dir.resolve(sweep).resolve(SweepFiles.RESULTS));
            assertEquals(2, t.rows().size(), sweep + ": the 0 % point and the broken one");
            assertEquals(sweep.endsWith("prune") ? "prune" : "off", t.get(1, "fault_handling"), sweep);
            assertTrue(Files.size(dir.resolve(sweep).resolve("results.png")) > 1000, sweep);
            assertTrue(printed.contains(sweep), printed);
        }
        String md = Files.readString(report);
        assertTrue(md.contains("fault handling prune") && md.contains("82.9 %"), md);
        assertTrue(Files.size(dir.resolve("report").resolve("faults.png")) > 1000);
    }
}
