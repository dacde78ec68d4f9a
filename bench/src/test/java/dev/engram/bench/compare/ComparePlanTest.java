package dev.engram.bench.compare;

import dev.engram.bench.store.StoreKind;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The standard comparison's steps: which key count each row measures. */
class ComparePlanTest {

    private static String keysOf(ComparePlan.Step step) {
        List<String> args = step.args();
        return args.get(args.indexOf("--keys") + 1);
    }

    private static ComparePlan.Step step(List<ComparePlan.Step> steps, String id) {
        return steps.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id));
    }

    @Test
    void shouldMeasureCrawlInTheMainDirectoryWithTheStandardKeysAndOnlyTheExt4RowsWithFewer() {
        ComparePlan plan = ComparePlan.standard(false, Path.of("/dev/shm"), Path.of("/tmp"), List.of(StoreKind.values()));
        List<ComparePlan.Step> steps = plan.steps(Path.of("results.json"));

        assertEquals("1000000", keysOf(step(steps, "engram-durable")));
        // A 10 k-key fill lasts ~65 ms on tmpfs: a JVM still compiling, not the store.
        assertEquals("1000000", keysOf(step(steps, "engram-crawl-durable")));
        assertEquals("1000000", keysOf(step(steps, "engram-run-durable")));
        assertEquals("10000", keysOf(step(steps, "ext4-engram-crawl-durable")));
        assertEquals("10000", keysOf(step(steps, "ext4-rocksdb-durable")));
    }
}
