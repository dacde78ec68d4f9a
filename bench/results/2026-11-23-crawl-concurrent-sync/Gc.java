import java.nio.*;
import java.nio.channels.*;
import java.nio.file.*;
import java.util.concurrent.atomic.*;
public class Gc {
    static final Object syncLock = new Object();
    static final AtomicLong writesDone = new AtomicLong();
    static long writesSynced;
    static final long GATHER = Long.getLong("gather", 0);
    static final AtomicLong syncs = new AtomicLong();
    static final boolean NOLOCK = Boolean.getBoolean("nolock");
    static void drain(FileChannel ch) throws Exception {
        if (NOLOCK) { ch.force(false); syncs.incrementAndGet(); return; }
        long mine = writesDone.get();
        synchronized (syncLock) {
            if (writesSynced >= mine) return;
            long covering = writesDone.get();
            if (GATHER > 0) {
                long until = System.nanoTime() + GATHER;
                while (writesDone.get() <= covering && System.nanoTime() < until) Thread.onSpinWait();
                covering = writesDone.get();
            }
            ch.force(false);
            syncs.incrementAndGet();
            writesSynced = covering;
        }
    }
    public static void main(String[] a) throws Exception {
        int threads = Integer.parseInt(a[0]); int ops = Integer.parseInt(a[1]); int size = Integer.parseInt(a[2]);
        Path p = Path.of("/tmp/crawl2/gc.dat");
        Files.deleteIfExists(p);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer z = ByteBuffer.allocate(1 << 20);
            for (int i = 0; i < 64; i++) { z.clear(); ch.write(z, (long) i << 20); }
            ch.force(true);
            Thread[] ts = new Thread[threads];
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                final int id = t;
                ts[t] = new Thread(() -> {
                    try {
                        ByteBuffer b = ByteBuffer.allocateDirect(size);
                        long base = (long) id * (32L << 20);
                        for (int i = 0; i < ops; i++) {
                            b.clear();
                            ch.write(b, base + (long) (i % 4096) * 4096);
                            writesDone.incrementAndGet();
                            drain(ch);
                        }
                    } catch (Exception e) { throw new RuntimeException(e); }
                });
                ts[t].start();
            }
            for (Thread t : ts) t.join();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("threads %d size %d: %.0f ops/s, syncs/op %.2f%n", threads, size, threads * ops / s, syncs.get() / (double) (threads * ops));
        }
    }
}
