package dev.engram.neuro.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.neuro.pcm.FaultKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line as a user meets it: options parse into the spec they name, bad input is a usage
 * error (64) with one line of explanation, and train, sweep and report write the files they promise with
 * the columns they promise, here on a synthetic problem (no MNIST needed).
 */
class NeuroCliTest {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    private static CommandLine.ParseResult parse(String... args) {
        NeuroCli root = new NeuroCli(System.out, System.err, Cli.SYNTHETIC_SOURCE, false, "test");
        return NeuroCli.commandLine(root).parseArgs(args);
    }

    @Test
    void shouldParseTrainOptionsIntoTheRunSpecTheyName() {
        var parsed = parse("train", "--synapse", "SPIKING", "--device", "aihwkit_pcm", "--protocol", "full",
                "--epochs", "3", "--batch", "32", "--lr", "0.02", "--seed", "7", "--fault", "stuck-on", "--fraction",
                "0.2", "--fault-epoch", "2", "--weight-range", "0.5", "--spiking-steps", "5,20", "--out", "x");
        TrainCommand train = (TrainCommand) parsed.subcommand().commandSpec().userObject();
        RunSpec spec = train.network.spec(RunSpec.DEFAULT_EPOCHS, train.seed,
                new FaultPlan(train.fault, train.fraction, train.faultEpoch), train.threads, true);
        assertEquals(SynapseKind.SPIKING, spec.synapse());
        assertEquals("aihwkit-pcm", spec.device());
        assertEquals(Protocol.FULL, spec.protocol());
        assertEquals(3, spec.epochs());
        assertEquals(32, spec.minibatch());
        assertEquals(0.02f, spec.learningRate());
        assertEquals(7, spec.seed());
        assertEquals(new FaultPlan(FaultKind.STUCK_ON, 0.2, 2), spec.faults());
        assertEquals(0.5, spec.weightRange());
        assertArrayEquals(new int[] {5, 20}, spec.spikingSteps());
        assertEquals(Path.of("x"), train.out);
    }

    @Test
    void shouldDefaultTheSweepToTheFifteenMinuteDeadConductorSweep() {
        var parsed = parse("sweep");
        SweepCommand sweep = (SweepCommand) parsed.subcommand().commandSpec().userObject();
        RunSpec base = sweep.network.spec(SweepSpec.DEFAULT_EPOCHS, sweep.firstSeed, FaultPlan.none(sweep.fault), 1, false);
        assertEquals(SweepVariable.FRACTION, sweep.vary);
        assertEquals(SynapseKind.PCM, base.synapse());
        assertEquals("ibm2014", base.device());
        assertEquals(Protocol.IBM_5K, base.protocol());
        assertEquals(10, base.epochs());
        assertEquals(FaultKind.DEAD, sweep.fault);
        assertEquals(null, sweep.values, "no values given: the default fractions");
        assertEquals(2, sweep.seeds);
        assertEquals(0, sweep.faultEpoch);
        SweepSpec cli = SweepSpec.faults(base, sweep.fault, SweepSpec.DEFAULT_FRACTIONS, sweep.seeds, sweep.firstSeed,
                sweep.faultEpoch, sweep.workers);
        assertEquals(SweepSpec.defaults().describe(), cli.describe(), "the CLI's defaults are SweepSpec.defaults()");
    }

    @Test
    void shouldRefuseUnknownOptionsAndBadValuesWithUsageStatus(@TempDir Path dir) {
        Cli.Result unknown = Cli.run("train", "--epoch", "3");
        assertEquals(NeuroCli.USAGE, unknown.status(), unknown.err());
        assertTrue(unknown.err().startsWith("engram neuro: Unknown options: '--epoch'"), unknown.err());
        Cli.Result device = Cli.run("train", "--device", "ibm2015", "--widths", "24,12,10", "--out", dir.toString());
        assertEquals(NeuroCli.USAGE, device.status(), device.err());
        assertTrue(device.err().contains("unknown PCM device model 'ibm2015'"), device.err());
        Cli.Result fault = Cli.run("train", "--fault", "worn-out", "--fraction", "0.1");
        assertEquals(NeuroCli.USAGE, fault.status(), fault.err());
        Cli.Result nothing = Cli.run();
        assertEquals(NeuroCli.USAGE, nothing.status());
        assertTrue(nothing.err().contains("missing command: one of train, sweep, report"), nothing.err());
    }

    @Test
    void shouldRefuseAWeightRangeTheInitialWeightsDoNotFit(@TempDir Path dir) {
        Cli.Result r = Cli.run("train", "--widths", "24,12,10", "--out", dir.toString());
        assertEquals(NeuroCli.USAGE, r.status(), r.err());
        assertTrue(r.err().contains("weight range 0.5 is below the initial weights of layer fc2 (uniform ±0.707, He "
                + "for fan-in 12); pass --weight-range 0.71 or more"), r.err());
    }

    @Test
    void shouldRefuseFaultsOnFloatSynapses(@TempDir Path dir) {
        Cli.Result r = Cli.run("train", "--synapse", "float", "--fraction", "0.1", "--widths", "24,12,10",
                "--out", dir.toString());
        assertEquals(NeuroCli.USAGE, r.status(), r.err());
        assertTrue(r.err().contains("float synapses have no conductors to break"), r.err());
    }

    @Test
    void shouldWriteMetricsTelemetryAndPlotsOfATrainingRun(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        Cli.Result r = Cli.run("train", "--synapse", "pcm", "--device", "ibm2014", "--protocol", "full", "--widths",
                "24,12,10", "--weight-range", "1", "--epochs", "3", "--seed", "5", "--fraction", "0.1",
                "--out", out.toString());
        assertEquals(NeuroCli.OK, r.status(), r.err());
        Csv.Table metrics = Csv.read(out.resolve(RunFiles.METRICS));
        assertEquals(List.of("epoch", "train_accuracy", "test_accuracy", "seconds"), metrics.header().subList(0, 4));
        assertEquals(3, metrics.rows().size());
        for (int e = 0; e < 3; e++) {
            assertEquals(e + 1, (int) metrics.number(e, "epoch"));
            double test = metrics.number(e, "test_accuracy");
            assertTrue(test >= 0 && test <= 1, "accuracies are fractions: " + test);
        }
        Csv.Table telemetry = Csv.read(out.resolve(RunFiles.TELEMETRY));
        assertEquals(RunFiles.TELEMETRY_COLUMNS, telemetry.header());
        assertEquals(3 * 2, telemetry.rows().size(), "one row per layer per epoch");
        assertEquals("fc2", telemetry.get(5, "layer"));
        assertTrue(telemetry.number(0, "snr") > 0, "gradient statistics were collected");
        Properties p = RunFiles.readProperties(out.resolve(RunFiles.PROPERTIES));
        assertEquals("pcm", p.getProperty("synapse"));
        assertEquals("ibm2014", p.getProperty("device"));
        assertEquals(metrics.get(2, "test_accuracy"), p.getProperty("test_accuracy"));
        assertTrue(p.getProperty("command").startsWith("./engram neuro train --synapse pcm"), p.getProperty("command"));
        assertEquals(2, Csv.read(out.resolve(RunFiles.PCM)).rows().size(), "one row per PCM layer");
        for (String chart : List.of("accuracy", "telemetry", "weights")) {
            assertPng(out.resolve(chart + ".png"));
            assertTrue(Files.readString(out.resolve(chart + ".svg")).contains("<svg"), chart + ".svg");
        }
        assertTrue(Files.size(out.resolve("synapses.pcm")) > 0, "the trained synapses are kept");
    }

    @Test
    void shouldScoreSpikingRunsAtTheLastTimeStep(@TempDir Path dir) {
        Path out = dir.resolve("snn");
        Cli.Result r = Cli.run("train", "--synapse", "spiking", "--device", "ideal", "--protocol", "full", "--widths",
                "24,12,10", "--weight-range", "1", "--epochs", "2", "--spiking-steps", "4,16", "--no-telemetry",
                "--out", out.toString());
        assertEquals(NeuroCli.OK, r.status(), r.err());
        Csv.Table spiking = Csv.read(out.resolve(RunFiles.SPIKING));
        assertEquals(List.of("steps", "test_accuracy"), spiking.header());
        assertEquals(2, spiking.rows().size());
        Properties p = RunFiles.readProperties(out.resolve(RunFiles.PROPERTIES));
        assertEquals(spiking.get(1, "test_accuracy"), p.getProperty("test_accuracy"));
        assertPng(out.resolve("spiking.png"));
        assertTrue(Files.notExists(out.resolve(RunFiles.TELEMETRY)), "--no-telemetry writes no telemetry.csv");
    }

    @Test
    void shouldWriteResultsPlotsAndReportOfASweepAndResumeIt(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("sweep");
        String[] args = {"sweep", "--device", "ibm2014", "--protocol", "full", "--widths", "24,12,10", "--epochs", "2",
                "--fractions", "0,0.25,0.5", "--seeds", "2", "--weight-range", "1", "--out", out.toString()};
        Cli.Result r = Cli.run(args);
        assertEquals(NeuroCli.OK, r.status(), r.err());
        Csv.Table results = Csv.read(out.resolve(SweepFiles.RESULTS));
        assertTrue(results.header().containsAll(List.of("fault", "fraction", "seed", "synapse", "device",
                "test_accuracy")), results.header().toString());
        assertEquals(6, results.rows().size());
        for (int i = 0; i < 6; i++) {
            assertEquals("dead", results.get(i, "fault"));
            assertEquals("pcm", results.get(i, "synapse"));
            assertEquals("ibm2014", results.get(i, "device"));
            assertEquals(new double[] {0, 0, 0.25, 0.25, 0.5, 0.5}[i], results.number(i, "fraction"));
            assertEquals(1 + i % 2, (long) results.number(i, "seed"));
        }
        assertEquals(2 * 2 * 3, Csv.read(out.resolve(SweepFiles.RUNS)).rows().size(), "per epoch per point");
        String report = Files.readString(out.resolve(SweepFiles.REPORT));
        assertTrue(report.contains("| 25 % | 2 |"), report);
        assertTrue(report.contains(" ± "), report);
        assertTrue(report.contains("IBM's tolerancing summary"), report);
        assertPng(out.resolve("results.png"));
        assertTrue(Files.readString(out.resolve("results.svg")).contains("<svg"));

        String before = Files.readString(out.resolve(SweepFiles.RESULTS));
        Cli.Result again = Cli.run(args);
        assertEquals(NeuroCli.OK, again.status(), again.err());
        assertTrue(again.out().contains("6 points, 0 to run (6 resumed"), again.out());
        assertEquals(before, Files.readString(out.resolve(SweepFiles.RESULTS)), "a resumed sweep keeps its points");

        String[] other = args.clone();
        other[12] = "3";                                                 // --seeds 3: another sweep
        Cli.Result refused = Cli.run(other);
        assertEquals(NeuroCli.BAD_INPUT, refused.status(), refused.err());
        assertTrue(refused.err().contains("holds a different sweep"), refused.err());
    }

    @Test
    void shouldSweepTheNumberOfStatesAndTheDriftTimeAndReportThemOnTheirOwnAxes(@TempDir Path dir) throws IOException {
        Path states = dir.resolve("states");
        Cli.Result r = Cli.run("sweep", "--vary", "states", "--values", "10,80", "--protocol", "full", "--widths",
                "24,12,10", "--epochs", "1", "--seeds", "1", "--weight-range", "1", "--out", states.toString());
        assertEquals(NeuroCli.OK, r.status(), r.err());
        Csv.Table t = Csv.read(states.resolve(SweepFiles.RESULTS));
        assertEquals(2, t.rows().size());
        assertEquals("states", t.get(0, "varied"));
        assertEquals(10, t.number(0, "states"));
        assertEquals(80, t.number(1, "states"));
        assertTrue(Files.readString(states.resolve(SweepFiles.REPORT)).contains("| states | runs |"));

        Path drift = dir.resolve("drift");
        r = Cli.run("sweep", "--vary", "drift-seconds", "--values", "0,86400", "--fraction", "0.1", "--protocol", "full",
                "--widths", "24,12,10", "--epochs", "1", "--seeds", "1", "--weight-range", "1", "--fault-handling",
                "prune", "--out", drift.toString());
        assertEquals(NeuroCli.OK, r.status(), r.err());
        t = Csv.read(drift.resolve(SweepFiles.RESULTS));
        assertEquals(86400, t.number(1, "drift_seconds"));
        assertEquals(0.1, t.number(1, "fraction"));
        assertEquals("prune", t.get(1, "fault_handling"));
        assertTrue(t.number(1, "test_accuracy") != t.number(0, "test_accuracy"), "a day of drift reads other weights");

        Path report = dir.resolve("report");
        assertEquals(NeuroCli.OK, Cli.run("report", "--in", states.toString(), drift.toString(), "--out",
                report.toString()).status());
        assertPng(report.resolve("states.png"));
        assertPng(report.resolve("drift-seconds.png"));
        assertTrue(Files.readString(report.resolve("report.md")).contains("## Sweeps of drift-seconds"));

        Cli.Result missing = Cli.run("sweep", "--vary", "batch", "--widths", "24,12,10", "--out", dir.toString());
        assertEquals(NeuroCli.USAGE, missing.status());
        assertTrue(missing.err().contains("needs --values"), missing.err());
    }

    @Test
    void shouldBenchFloatAndPcmEpochsAndWriteTheirRatio(@TempDir Path dir) throws IOException {
        Cli.Result r = Cli.run("bench", "--widths", "24,12,10", "--weight-range", "1", "--rounds", "2", "--warmup", "0",
                "--out", dir.toString());
        assertEquals(NeuroCli.OK, r.status(), r.err());
        Csv.Table t = Csv.read(dir.resolve("bench.csv"));
        assertEquals(2, t.rows().size());
        assertTrue(t.number(0, "pcm_over_float") > 0);
        assertTrue(r.out().contains("pcm epoch / float epoch"), r.out());
        assertTrue(Files.readString(dir.resolve("bench.md")).contains("samples/s"));
    }

    @Test
    void shouldAssembleRunsAndSweepsIntoOneReport(@TempDir Path dir) throws IOException {
        Path train = dir.resolve("train");
        Path sweep = dir.resolve("sweep");
        Path report = dir.resolve("report");
        assertEquals(0, Cli.run("train", "--protocol", "full", "--widths", "24,12,10", "--weight-range", "1",
                "--epochs", "2", "--out", train.toString()).status());
        assertEquals(0, Cli.run("sweep", "--protocol", "full", "--widths", "24,12,10", "--weight-range", "1",
                "--epochs", "1", "--fault", "stuck-on", "--fractions", "0,0.2", "--seeds", "1", "--out", sweep.toString())
                .status());
        Cli.Result r = Cli.run("report", "--in", train.toString(), sweep.toString(), "--out", report.toString());
        assertEquals(NeuroCli.OK, r.status(), r.err());
        String md = Files.readString(report.resolve(Report.REPORT));
        assertTrue(md.contains("## Training runs") && md.contains("## Fault sweeps"), md);
        assertTrue(md.contains("vs 82.9 % (IBM 2014)"), md);
        assertTrue(md.contains("~20 % stuck devices"), md);
        assertPng(report.resolve("learning.png"));
        assertPng(report.resolve("faults.png"));

        Cli.Result bad = Cli.run("report", "--in", dir.toString(), "--out", report.toString());
        assertEquals(NeuroCli.BAD_INPUT, bad.status(), bad.err());
        assertTrue(bad.err().contains("neither a training run"), bad.err());
    }

    private static void assertPng(Path file) {
        try {
            byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(file), 4);
            assertArrayEquals(PNG_MAGIC, head, file + " is a PNG");
        } catch (IOException e) {
            throw new AssertionError(file + ": " + e, e);
        }
    }
}
