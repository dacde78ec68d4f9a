package dev.engram.neuro.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.engram.neuro.pcm.FaultHandling;
import dev.engram.neuro.pcm.FaultKind;
import dev.engram.neuro.pcm.PcmSynapsePool;
import dev.engram.device.DeviceProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PCM training run that stops after an epoch (a crash after the epoch's commit, or a run asked for
 * fewer epochs) and is resumed from its synapses.pcm ends exactly where an uninterrupted run ends: the
 * same per-epoch metrics and the same conductances, bit for bit — with faults, the fault-aware controller
 * and a fault injected after the stop.
 */
class TrainResumeTest {

    private static final int[] WIDTHS = {24, 12, 10};

    /** Thrown by an epoch callback to stop a run the way a crash would: after the epoch's commit. */
    private static final class Crash extends RuntimeException {
        Crash() {
            super("crash after epoch 2");
        }
    }

    private static RunSpec spec(int epochs) {
        return new RunSpec(SynapseKind.PCM, "ibm2014", Protocol.FULL, WIDTHS, epochs, 10, 0.05f, 5, 1.0,
                new FaultPlan(FaultKind.DEAD, 0.2, 3), 1, false, RunSpec.DEFAULT_SPIKING_STEPS,
                new DeviceTuning(FaultHandling.PRUNE, 0, 0));
    }

    private static float[] conductances(Path pool) {
        try (PcmSynapsePool p = PcmSynapsePool.open(pool, DeviceProfile.NONE)) {
            float[] a = p.find("fc1").orElseThrow().conductancesMicroSiemens();
            float[] b = p.find("fc2").orElseThrow().conductancesMicroSiemens();
            float[] all = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }

    /** Seconds differ from run to run; everything else must not. */
    private static List<EpochMetrics> withoutSeconds(List<EpochMetrics> epochs) {
        return epochs.stream().map(e -> new EpochMetrics(e.epoch(), e.trainAccuracy(), e.testAccuracy(), 0,
                e.trainLoss(), e.testLoss())).toList();
    }

    @Test
    void shouldResumeAfterACrashExactlyWhereAnUninterruptedRunGoes(@TempDir Path dir) {
        RunSpec spec = spec(4);
        RunResult straight = Trainer.run(spec, Cli.SYNTHETIC, dir.resolve("straight.pcm"), true, m -> { });

        Path pool = dir.resolve("crashed.pcm");
        List<EpochMetrics> before = new ArrayList<>();
        assertThrows(Crash.class, () -> Trainer.run(spec, Cli.SYNTHETIC, pool, true, m -> {
            before.add(m);
            if (m.epoch() == 2) {
                throw new Crash();
            }
        }));
        RunResult resumed = Trainer.resume(spec, Cli.SYNTHETIC, pool, new Trainer.Done(before, List.of()), m -> { });

        assertEquals(withoutSeconds(straight.epochs()), withoutSeconds(resumed.epochs()));
        assertEquals(straight.testAccuracy(), resumed.testAccuracy(), 0.0);
        assertEquals(straight.faultyConductors(), resumed.faultyConductors(), "the fault due after epoch 3 came once");
        assertTrue(resumed.faultyConductors() > 0);
        assertEquals(Arrays.toString(conductances(dir.resolve("straight.pcm"))), Arrays.toString(conductances(pool)),
                "every conductance, bit for bit");
    }

    @Test
    void shouldRefuseToResumeAPoolWithoutAFinishedEpoch(@TempDir Path dir) {
        RunSpec spec = spec(4);
        Path pool = dir.resolve("p.pcm");
        assertThrows(Crash.class, () -> Trainer.run(spec, Cli.SYNTHETIC, pool, false, m -> {
            throw new Crash();                                       // no commit: the pool holds no epoch
        }));
        ExperimentException e = assertThrows(ExperimentException.class,
                () -> Trainer.resume(spec, Cli.SYNTHETIC, pool, new Trainer.Done(List.of(), List.of()), m -> { }));
        assertTrue(e.getMessage().contains("nothing to resume"), e.getMessage());
    }

    @Test
    void shouldExtendAShorterRunFromTheCommandLine(@TempDir Path dir) throws Exception {
        Path straight = dir.resolve("straight");
        Path extended = dir.resolve("extended");
        String[] common = {"train", "--widths", "24,12,10", "--protocol", "full", "--weight-range", "1.0",
                "--fraction", "0.1", "--fault-handling", "one-sided", "--no-telemetry", "--threads", "1"};
        assertEquals(0, Cli.run(concat(common, "--seed", "9", "--epochs", "3", "--out", straight.toString())).status());
        assertEquals(0, Cli.run(concat(common, "--seed", "9", "--epochs", "1", "--out", extended.toString())).status());
        Cli.Result r = Cli.run(concat(common, "--seed", "9", "--epochs", "3", "--resume", "--out", extended.toString()));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("resuming after epoch 1"), r.out());
        assertEquals(withoutSeconds(metrics(straight)), withoutSeconds(metrics(extended)));
        assertEquals(Arrays.toString(conductances(straight.resolve("synapses.pcm"))),
                Arrays.toString(conductances(extended.resolve("synapses.pcm"))));

        Cli.Result other = Cli.run(concat(common, "--epochs", "3", "--seed", "10", "--resume", "--out", extended.toString()));
        assertEquals(NeuroCli.BAD_INPUT, other.status());
        assertTrue(other.err().contains("seed is 9, this run's is 10"), other.err());
        assertTrue(Files.exists(extended.resolve("run.properties")));
    }

    private static List<EpochMetrics> metrics(Path dir) {
        Csv.Table t = Csv.read(dir.resolve(RunFiles.METRICS));
        List<EpochMetrics> out = new ArrayList<>();
        for (int r = 0; r < t.rows().size(); r++) {
            out.add(new EpochMetrics((int) t.number(r, "epoch"), t.number(r, "train_accuracy"),
                    t.number(r, "test_accuracy"), 0, t.number(r, "train_loss"), t.number(r, "test_loss")));
        }
        return out;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
