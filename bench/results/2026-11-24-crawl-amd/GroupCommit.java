import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.*;
import java.util.concurrent.atomic.*;
import java.util.concurrent.locks.*;

/** Two threads, pwrite 4 KiB + durable: concurrent fdatasyncs vs one leader syncing for a group with a linger. */
public class GroupCommit {
    static FileChannel ch;
    static final AtomicLong writesDone = new AtomicLong(), writesSynced = new AtomicLong();
    static final AtomicLong syncs = new AtomicLong();
    static final ReentrantLock lock = new ReentrantLock();
    static final Condition done = lock.newCondition();
    static boolean syncing;
    static volatile int waiting;   // drains waiting for a sync
    static long lingerNanos;

    static void force() throws Exception { syncs.incrementAndGet(); ch.force(false); }

    static void drainConcurrent() throws Exception {
        long mine = writesDone.get();
        if (writesSynced.get() >= mine) return;
        long covering = writesDone.get();
        force();
        writesSynced.accumulateAndGet(covering, Math::max);
    }

    /** Leader/follower: one sync at a time; a leader lingers for another writer's write before syncing. */
    static void drainGroup() throws Exception {
        long mine = writesDone.get();
        lock.lock();
        try {
            while (true) {
                if (writesSynced.get() >= mine) return;
                if (!syncing) break;
                waiting++;
                done.await();
                waiting--;
            }
            syncing = true;
        } finally { lock.unlock(); }
        long covering;
        try {
            if (lingerNanos > 0) {
                long until = System.nanoTime() + lingerNanos;
                long seen = writesDone.get();
                while (System.nanoTime() < until && writesDone.get() == seen) Thread.onSpinWait();
            }
            covering = writesDone.get();
            force();
        } finally {
            lock.lock();
            try { syncing = false; } finally { lock.unlock(); }
        }
        writesSynced.accumulateAndGet(covering, Math::max);
        lock.lock();
        try { done.signalAll(); } finally { lock.unlock(); }
    }

    public static void main(String[] a) throws Exception {
        String mode = a[0]; lingerNanos = Long.parseLong(a[1]) * 1000; int threads = Integer.parseInt(a[2]);
        Path p = Path.of("/tmp/gc/file"); Files.deleteIfExists(p);
        ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (mode.startsWith("direct")) {
            ch.close();
            FileChannel setup = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            ch = setup;
        }
        long per = 4096, n = 20000;
        ch.write(ByteBuffer.allocate(1), threads * n * per);   // preallocate sparse
        for (long o = 0; o < threads * n * per; o += 1 << 20) ch.write(ByteBuffer.allocate(1 << 20), o); // allocate blocks
        ch.force(true);
        if (mode.startsWith("direct")) {
            ch.close();
            java.util.Set<java.nio.file.OpenOption> o = new java.util.HashSet<>(java.util.List.of(StandardOpenOption.READ, StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT));
            if (mode.equals("direct-dsync")) o.add(StandardOpenOption.DSYNC);
            ch = FileChannel.open(p, o);
        }
        AtomicLong next = new AtomicLong();
        Thread[] ts = new Thread[threads];
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                ByteBuffer b = ByteBuffer.allocateDirect(8192).alignedSlice(4096);
                try {
                    for (int i = 0; i < n / 2; i++) {
                        long at = next.getAndIncrement() * per;
                        b.clear(); ch.write(b, at);
                        writesDone.incrementAndGet();
                        if (mode.equals("direct-dsync")) { syncs.incrementAndGet(); }
                        else if (mode.equals("concurrent") || mode.equals("direct")) drainConcurrent(); else drainGroup();
                    }
                } catch (Exception e) { throw new RuntimeException(e); }
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s linger %d us threads %d: %.1f k/s, %.2f puts per sync%n", mode, lingerNanos / 1000, threads,
                threads * (n / 2) / s / 1e3, threads * (n / 2) / (double) syncs.get());
    }
}
