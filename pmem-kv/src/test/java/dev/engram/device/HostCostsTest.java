package dev.engram.device;

import dev.engram.region.Region;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The calibration's arithmetic, driven by a simulated clock so that nothing here depends on how busy
 * the machine is: every clock read costs {@link #CLOCK_NANOS}, every read of the wrapped region
 * {@link #READ_NANOS}, every flush and drain {@link #FLUSH_NANOS} and {@link #DRAIN_NANOS}. A correct
 * calibration recovers exactly those costs.
 */
class HostCostsTest {

    private static final long CLOCK_NANOS = 60;
    private static final long READ_NANOS = 7;
    private static final long FLUSH_NANOS = 90;
    private static final long DRAIN_NANOS = 40;

    /** A monotonic clock that only moves when it is read or when the simulated region does work. */
    private static final class SimulatedClock implements LongSupplier {
        long now;

        @Override
        public long getAsLong() {
            now += CLOCK_NANOS;
            return now;
        }
    }

    /** {@code base}, with each getLong, flush and drain advancing {@code clock} by its simulated cost. */
    private static Region timed(Region base, SimulatedClock clock) {
        return (Region) Proxy.newProxyInstance(Region.class.getClassLoader(), new Class<?>[]{Region.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getLong" -> clock.now += READ_NANOS;
                        case "flush" -> clock.now += FLUSH_NANOS;
                        case "drain" -> clock.now += DRAIN_NANOS;
                        default -> { }
                    }
                    try {
                        return method.invoke(base, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void shouldMeasureTheClocksOwnCostAndSubtractItFromEverySample() {
        SimulatedClock clock = new SimulatedClock();
        HostCosts costs = HostCosts.measure(timed(new HeapRegion(64 * 1024), clock), true, true, clock);

        assertEquals(CLOCK_NANOS, costs.clockNanos(), "one clock read");
        // A read sample is 16 reads bracketed by two clock reads: without the subtraction it would be
        // READ_NANOS + CLOCK_NANOS / 16 = 10.75 ns; a persist sample 130 + 60 ns.
        assertEquals(READ_NANOS, costs.readNanos(), "host read cost: " + costs);
        assertEquals(FLUSH_NANOS + DRAIN_NANOS, costs.persistNanos(), "host persist cost: " + costs);
    }

    @Test
    void shouldMeasureNothingWhenTheProfileAddsNoLatency() {
        SimulatedClock clock = new SimulatedClock();
        assertEquals(HostCosts.NOT_MEASURED, HostCosts.measure(timed(new HeapRegion(4096), clock), false, false, clock));
        assertEquals(0, clock.now, "not even the clock was read");
    }

    @Test
    void shouldTakeTheMedianOfRoundMediansSoThatOneDisturbedOrOneLuckyRoundMovesNothing() {
        // Five rounds of 256 samples: round 1 disturbed by a neighbour (every sample 10x), round 3
        // lucky (every sample a tenth). The lowest round median, the old rule, would say 10; the mean 262.
        long[] perRound = {100, 1_000, 100, 10, 100};
        int[] taken = {0};
        LongSupplier sample = () -> perRound[Math.min(taken[0]++ / HostCosts.ROUND_SAMPLES, perRound.length - 1)];
        SimulatedClock clock = new SimulatedClock();   // 60 ns a read: no round runs out of budget

        assertEquals(100, HostCosts.medianOfRoundMedians(sample, clock));
        assertEquals(HostCosts.MEASURED_ROUNDS * HostCosts.ROUND_SAMPLES, taken[0], "every round complete");
    }

    @Test
    void shouldEndARoundAtItsShareOfTheBudgetButNotBeforeTheMinimumSamples() {
        // Each sample takes a whole budget: every round stops at the minimum number of samples.
        SimulatedClock clock = new SimulatedClock();
        int[] taken = {0};
        LongSupplier slow = () -> {
            taken[0]++;
            clock.now += HostCosts.BUDGET_NANOS;
            return 20_000;
        };
        assertEquals(20_000, HostCosts.medianOfRoundMedians(slow, clock));
        assertEquals(HostCosts.MEASURED_ROUNDS * HostCosts.MIN_SAMPLES, taken[0]);
    }
}
