package dev.engram.kv;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Linearizability of both engines (issue #6, deliverable 4): concurrent scenarios of the calls of
 * {@link KvLincheckTarget} must each match some sequential execution of the same calls. Stress mode
 * runs real threads and runs in CI (a few seconds per engine); model checking, where Lincheck chooses
 * the interleavings, costs about 40 s per engine on the 2-core build machine and runs with
 * {@code -Dengram.stress=true} (the stress profile).
 */
class KvLinearizabilityTest {

    @Test
    void shouldBeLinearizableUnderStressOnTheHashEngine() {
        stress().check(KvLincheckTarget.Hash.class);
    }

    @Test
    void shouldBeLinearizableUnderStressOnTheSortedEngine() {
        stress().check(KvLincheckTarget.Sorted.class);
    }

    @Test
    @EnabledIfSystemProperty(named = "engram.stress", matches = "true", disabledReason = "model checking takes about"
            + " 40 s per engine here: the stress profile runs it")
    void shouldBeLinearizableUnderModelCheckingOnTheHashEngine() {
        modelChecking().check(KvLincheckTarget.Hash.class);
    }

    @Test
    @EnabledIfSystemProperty(named = "engram.stress", matches = "true", disabledReason = "model checking takes about"
            + " 40 s per engine here: the stress profile runs it")
    void shouldBeLinearizableUnderModelCheckingOnTheSortedEngine() {
        modelChecking().check(KvLincheckTarget.Sorted.class);
    }

    private static StressOptions stress() {
        return new StressOptions().iterations(6).invocationsPerIteration(60).threads(3).actorsPerThread(3)
                .actorsBefore(2).actorsAfter(1);
    }

    private static ModelCheckingOptions modelChecking() {
        // The store fills tables of 1,024 entries in plain loops (segment table chunks): above Lincheck's
        // default loop bound, which would report them as a hang.
        return new ModelCheckingOptions().iterations(3).invocationsPerIteration(50).threads(2).actorsPerThread(2)
                .actorsBefore(1).actorsAfter(1).loopBound(5000);
    }
}
