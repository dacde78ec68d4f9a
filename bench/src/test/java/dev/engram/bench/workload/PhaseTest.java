package dev.engram.bench.workload;

import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A phase's threads: each makes its own driver, and a failure to make one is what the phase reports. */
class PhaseTest {

    private static final Progress QUIET = new Progress(false, new PrintStream(OutputStream.nullOutputStream()));

    /** Counts its operations, and says which thread made it. */
    private static class Counting extends Driver {
        final String madeOn = Thread.currentThread().getName();
        final AtomicLong ops;

        Counting(AtomicLong ops) {
            this.ops = ops;
        }

        @Override
        void run(int n) {
            ops.addAndGet(n);
        }
    }

    /**
     * A worker's driver that first waits (10 s at most) for the background writer's first operations:
     * a phase of 100,000 counted operations ends in about 2 ms, which a writer not yet scheduled on a
     * busy machine can miss entirely (seen once in ./engram test: writer ops 0).
     */
    private static final class WaitingForWriter extends Counting {
        private final AtomicLong writerOps;

        WaitingForWriter(AtomicLong ops, AtomicLong writerOps) {
            super(ops);
            this.writerOps = writerOps;
        }

        @Override
        void run(int n) {
            long deadline = System.nanoTime() + 60_000_000_000L;   // parks: the writer needs a core too
            while (writerOps.get() == 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(100_000);
            }
            super.run(n);
        }
    }

    @Test
    void shouldMakeEveryDriverOnTheThreadThatRunsIt() {
        Counting[] made = new Counting[2];
        Counting[] writer = new Counting[1];
        AtomicLong ops = new AtomicLong();
        AtomicLong writerOps = new AtomicLong();
        long[] shares = Phase.shares(100_000, 2);
        Phase.Outcome o = Phase.run("test", Phase.MEASURED, t -> made[t] = new WaitingForWriter(ops, writerOps), shares,
                0, 16, 1, () -> writer[0] = new Counting(writerOps), QUIET);
        assertEquals(100_000, o.operations());
        assertEquals(100_000, ops.get());
        assertEquals(Phase.MEASURED + "0", made[0].madeOn);
        assertEquals(Phase.MEASURED + "1", made[1].madeOn);
        assertEquals(Phase.MEASURED + "writer", writer[0].madeOn);
        assertTrue(writerOps.get() > 0 && o.backgroundOps() == writerOps.get(), o.toString());
        assertFalse(Thread.currentThread().getName().startsWith(Phase.MEASURED));
    }

    @Test
    void shouldReportTheDriverThatCouldNotBeMadeRatherThanTheBrokenBarrier() {
        IllegalArgumentException cause = new IllegalArgumentException("no driver for thread 1");
        for (int failing = 0; failing < 3; failing++) {
            int f = failing;       // 0 and 1: a worker's driver; 2: the background writer's
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Phase.run("test", Phase.MEASURED,
                    t -> {
                        if (t == f) {
                            throw cause;
                        }
                        return new Counting(new AtomicLong());
                    }, Phase.shares(1_000, 2), 0, 16, 1,
                    () -> {
                        if (f == 2) {
                            throw cause;
                        }
                        return new Counting(new AtomicLong());
                    }, QUIET));
            assertSame(cause, e.getCause(), e.toString());
            assertFalse(e.getCause() instanceof BrokenBarrierException);
        }
    }
}
