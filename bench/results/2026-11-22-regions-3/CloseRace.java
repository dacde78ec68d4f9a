import dev.engram.region.*;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import java.util.concurrent.locks.LockSupport;
/**
 * close() racing two threads that persist by address in a loop, on WALK over /dev/shm: before the
 * flush pin this crashed the JVM (SIGSEGV in libpmem); now every thread must end on CLOSED.
 * Run as a single-file program (see README.md). Seeded (Random(1)) sleep before each close.
 */
public class CloseRace {
  public static void main(String[] a) throws Exception {
    int rounds = Integer.parseInt(a[0]);
    Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "race-");
    Random random = new Random(1);
    long other = 0;
    for (int round = 0; round < rounds; round++) {
      Path f = dir.resolve("r" + round);
      Region r = Regions.create(new RegionOptions(f).mode(dev.engram.region.AccessMode.WALK).size(1 << 20));
      AtomicReference<Throwable> bad = new AtomicReference<>();
      CountDownLatch go = new CountDownLatch(2);
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < 2; t++) ts.add(Thread.ofPlatform().start(() -> {
        int n = 0;
        try { for (int i = 0; ; i++) { r.persist(4096 + (i % 64) * 64, 64); if (++n == 100) go.countDown(); } }
        catch (RegionException e) { if (e.code() != RegionException.Code.CLOSED) bad.set(e); }
        catch (Throwable e) { bad.set(e); }
        finally { if (n < 100) go.countDown(); }
      }));
      go.await();
      LockSupport.parkNanos(random.nextInt(300_000));
      r.close();
      for (Thread t : ts) t.join();
      if (bad.get() != null) { other++; System.out.println("round " + round + ": " + bad.get()); }
      Files.delete(f);
    }
    Files.delete(dir);
    System.out.println(rounds + " rounds, unexpected " + other);
  }
}
