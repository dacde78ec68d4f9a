package dev.engram.neuro.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.engram.device.DeviceProfile;
import dev.engram.neuro.pcm.FaultHandling;
import dev.engram.neuro.pcm.FaultKind;
import dev.engram.neuro.pcm.PcmSynapsePool;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PCM run is determined by its spec: one thread or two inside the network, the same per-epoch
 * metrics and the same conductances bit for bit, with faults and the one-sided controller (whose
 * RESETs and programmings draw from the same streams as the pulses).
 */
class PcmDeterminismTest {

    @Test
    void shouldTrainBitIdenticallyOnOneAndTwoThreads(@TempDir Path dir) {
        RunSpec one = new RunSpec(SynapseKind.PCM, "ibm2014", Protocol.FULL, new int[] {24, 12, 10}, 3, 10, 0.05f, 11,
                1.0, new FaultPlan(FaultKind.STUCK_ON, 0.2, 0), 1, true, RunSpec.DEFAULT_SPIKING_STEPS,
                new DeviceTuning(FaultHandling.ONE_SIDED, 0, 0));
        RunSpec two = one.withThreads(2);
        RunResult a = Trainer.run(one, Cli.SYNTHETIC, dir.resolve("one.pcm"), true, m -> { });
        RunResult b = Trainer.run(two, Cli.SYNTHETIC, dir.resolve("two.pcm"), true, m -> { });
        assertEquals(strip(a.epochs()), strip(b.epochs()));
        assertEquals(a.telemetry(), b.telemetry());
        assertEquals(a.gradients(), b.gradients());
        assertEquals(conductances(dir.resolve("one.pcm")), conductances(dir.resolve("two.pcm")));
    }

    private static List<EpochMetrics> strip(List<EpochMetrics> epochs) {
        return epochs.stream().map(e -> new EpochMetrics(e.epoch(), e.trainAccuracy(), e.testAccuracy(), 0,
                e.trainLoss(), e.testLoss())).toList();
    }

    private static String conductances(Path pool) {
        try (PcmSynapsePool p = PcmSynapsePool.open(pool, DeviceProfile.NONE)) {
            return Arrays.toString(p.find("fc1").orElseThrow().conductancesMicroSiemens())
                    + Arrays.toString(p.find("fc2").orElseThrow().conductancesMicroSiemens());
        }
    }
}
