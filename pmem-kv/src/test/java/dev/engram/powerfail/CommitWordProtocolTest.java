package dev.engram.powerfail;

import dev.engram.region.Region;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulator used as intended: a tiny commit-word protocol is verified over every crash point and
 * every image, and a broken variant of it is caught.
 *
 * <pre>
 *   0        8                64                         64 + PAYLOAD_LENGTH
 *   +--------+--- ... --------+---------------------------+
 *   | COMMIT |                | PAYLOAD (5 words)         |
 *   +--------+--- ... --------+---------------------------+
 * </pre>
 * Invariant: when COMMIT reads 1, PAYLOAD is the whole new payload.
 */
class CommitWordProtocolTest {

    private static final long SEED = 0x5EED_C0DEL;
    private static final int COMMIT_OFFSET = 0;
    private static final int PAYLOAD_OFFSET = 64;
    private static final int PAYLOAD_LENGTH = 40;

    private static byte[] payload() {
        byte[] payload = new byte[PAYLOAD_LENGTH];
        new SplittableRandom(SEED).nextBytes(payload);
        return payload;
    }

    private static PowerFailSimulator recordCommit(boolean correct) {
        var sim = new PowerFailSimulator(SEED, Checking.REPORT);
        Region pmem = sim.memoryDevice("pmem", 256);
        byte[] payload = payload();
        try (var _ = sim.operation("commit")) {
            pmem.write(PAYLOAD_OFFSET, payload, 0, PAYLOAD_LENGTH);
            if (correct) {
                pmem.flush(PAYLOAD_OFFSET, PAYLOAD_LENGTH); // step 1: write back the payload
                pmem.drain();                               // step 2: payload durable before the commit store
                pmem.putLongRelease(COMMIT_OFFSET, 1);      // step 3: the commit point, one aligned 8-byte store
                pmem.flush(COMMIT_OFFSET, 8);
                pmem.drain();                               // step 4: commit durable before returning
            } else {
                pmem.putLongRelease(COMMIT_OFFSET, 1);      // bug: commit stored before the payload is durable
                pmem.persist(COMMIT_OFFSET, 8);
                pmem.persist(PAYLOAD_OFFSET, PAYLOAD_LENGTH);
            }
        }
        return sim;
    }

    /** Recovery's view: empty (commit 0) or the whole payload (commit 1); returns what is wrong, or null. */
    private static String violation(byte[] image) {
        long commit = MemoryDeviceCrashModelTest.longAt(image, COMMIT_OFFSET);
        if (commit == 0) {
            return null;
        }
        byte[] seen = new byte[PAYLOAD_LENGTH];
        System.arraycopy(image, PAYLOAD_OFFSET, seen, 0, PAYLOAD_LENGTH);
        return java.util.Arrays.equals(seen, payload()) ? null : "commit word set over a partial payload";
    }

    @Test
    void shouldHoldTheCommitInvariantInEveryImageOfTheCorrectProtocol() {
        PowerFailSimulator sim = recordCommit(true);
        List<String> violations = new ArrayList<>();
        long[] committed = new long[2];
        long images = sim.forEachImage(CrashPoints.all(), Enumeration.DEFAULT, image -> {
            byte[] content = image.content("pmem");
            String problem = violation(content);
            if (problem != null) {
                violations.add(problem + ": " + image);
            }
            committed[(int) MemoryDeviceCrashModelTest.longAt(content, COMMIT_OFFSET)]++;
        });
        assertEquals(List.of(), violations, "seed " + SEED);
        assertTrue(committed[0] > 0 && committed[1] > 0, "both outcomes reached, seed " + SEED);
        assertTrue(images > 64, images + " images, seed " + SEED);
        assertEquals(List.of(), sim.findings(), "the checker finds nothing missing or wasted");
    }

    @Test
    void shouldCatchACommitStoredBeforeThePayloadIsDurable() {
        PowerFailSimulator sim = recordCommit(false);
        List<CrashImage> bad = new ArrayList<>();
        sim.forEachImage(CrashPoints.withinOperations("commit"), Enumeration.DEFAULT, image -> {
            if (violation(image.content("pmem")) != null) {
                bad.add(image);
            }
        });
        assertFalse(bad.isEmpty(), "some image shows the commit over a partial payload, seed " + SEED);

        CrashImage first = bad.getFirst();
        CrashImage again = sim.image(first.toString());
        assertArrayEquals(first.content("pmem"), again.content("pmem"), "the printed line reproduces " + first);
        Region recovered = again.materialize().device("pmem");
        assertEquals(1L, recovered.getLong(COMMIT_OFFSET), first.toString());
    }
}
