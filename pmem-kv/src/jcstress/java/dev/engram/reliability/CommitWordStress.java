package dev.engram.reliability;

import dev.engram.region.Region;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;
import org.openjdk.jcstress.infra.results.JJJ_Result;
import org.openjdk.jcstress.infra.results.J_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The 8-byte commit word under JCStress (issue #6, deliverable 4): every on-media commit in Engram is
 * one aligned 8-byte store published with {@link Region#putLongRelease} after its payload (RUN's
 * directory entries, the region header's attach slots, the simulator's commit-word protocol), and
 * read with {@link Region#getLongVolatile}. Run outside Surefire; see docs/reliability.md.
 */
public final class CommitWordStress {

    private CommitWordStress() {
    }

    private static final long PAYLOAD = 42;
    private static final long COMMITTED = 1;

    /** Publication order on WALK: a reader that sees the commit word sees the payload stored before it. */
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "nothing seen yet")
    @Outcome(id = "0, 42", expect = ACCEPTABLE_INTERESTING, desc = "payload seen, commit not yet")
    @Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "commit and payload seen")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "commit seen without its payload")
    @State
    public static class WalkPublication {
        private final Region region = CommitWordCells.walk();
        private final long slot = CommitWordCells.slot(region);

        @Actor
        public void writer() {
            region.putLong(slot + 8, PAYLOAD);
            region.putLongRelease(slot, COMMITTED);
        }

        @Actor
        public void reader(JJ_Result r) {
            r.r1 = region.getLongVolatile(slot);
            r.r2 = region.getLong(slot + 8);
        }
    }

    /** No torn read on WALK: a reader sees the whole old or the whole new word, never a mix. */
    @JCStressTest
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "the old word")
    @Outcome(id = "-1", expect = ACCEPTABLE, desc = "the new word")
    @Outcome(expect = FORBIDDEN, desc = "a torn word")
    @State
    public static class WalkNoTornRead {
        private final Region region = CommitWordCells.walk();
        private final long slot = CommitWordCells.slot(region);

        @Actor
        public void writer() {
            region.putLongRelease(slot, -1L);
        }

        @Actor
        public void reader(J_Result r) {
            r.r1 = region.getLongVolatile(slot);
        }
    }

    /** Two writers racing with compare-and-set on one word: exactly one wins, and the word holds its value. */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "the first writer won")
    @Outcome(id = "0, 1, 2", expect = ACCEPTABLE, desc = "the second writer won")
    @Outcome(expect = FORBIDDEN, desc = "both or neither won, or the word disagrees")
    @State
    public static class WalkCompareAndSet {
        private final Region region = CommitWordCells.walk();
        private final long slot = CommitWordCells.slot(region);

        @Actor
        public void first(JJJ_Result r) {
            r.r1 = region.compareAndSetLong(slot, 0, 1) ? 1 : 0;
        }

        @Actor
        public void second(JJJ_Result r) {
            r.r2 = region.compareAndSetLong(slot, 0, 2) ? 1 : 0;
        }

        @Arbiter
        public void arbiter(JJJ_Result r) {
            r.r3 = region.getLongVolatile(slot);
        }
    }

    /** Publication order on CRAWL (pwrite/pread through the page cache). */
    @JCStressTest
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "nothing seen yet")
    @Outcome(id = "0, 42", expect = ACCEPTABLE_INTERESTING, desc = "payload seen, commit not yet")
    @Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "commit and payload seen")
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "commit seen without its payload")
    @State
    public static class CrawlPublication {
        private final Region region = CommitWordCells.crawl();
        private final long slot = CommitWordCells.slot(region);

        @Actor
        public void writer() {
            region.putLong(slot + 8, PAYLOAD);
            region.putLongRelease(slot, COMMITTED);
        }

        @Actor
        public void reader(JJ_Result r) {
            r.r1 = region.getLongVolatile(slot);
            r.r2 = region.getLong(slot + 8);
        }
    }

    /** No torn read on CRAWL: an 8-byte pread racing an 8-byte pwrite of the same aligned word. */
    @JCStressTest
    @Outcome(id = "0", expect = ACCEPTABLE, desc = "the old word")
    @Outcome(id = "-1", expect = ACCEPTABLE, desc = "the new word")
    @Outcome(expect = FORBIDDEN, desc = "a torn word")
    @State
    public static class CrawlNoTornRead {
        private final Region region = CommitWordCells.crawl();
        private final long slot = CommitWordCells.slot(region);

        @Actor
        public void writer() {
            region.putLongRelease(slot, -1L);
        }

        @Actor
        public void reader(J_Result r) {
            r.r1 = region.getLongVolatile(slot);
        }
    }
}
