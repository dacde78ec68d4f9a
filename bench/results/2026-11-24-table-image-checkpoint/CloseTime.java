import dev.engram.kv.*;
import java.nio.file.Path;
public class CloseTime {
    public static void main(String[] a) throws Exception {
        KvStore kv = KvStore.open(new KvOptions(Path.of(a[0])));
        kv.get(new byte[16]);
        long t0 = System.nanoTime();
        kv.close();
        System.out.printf("close %.3f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
