package dev.engram.region;
import java.nio.file.*;
public class OpenTime {
    public static void main(String[] a) throws Exception {
        Path p = Path.of(a[0]);
        if (a.length > 1) { Regions.create(new RegionOptions(p).mode(AccessMode.WALK).size(64 << 20)).close(); return; }
        long t0 = System.nanoTime();
        java.lang.foreign.Linker.nativeLinker();
        long t1 = System.nanoTime();
        Class.forName("dev.engram.region.Libc", true, OpenTime.class.getClassLoader());
        long t2 = System.nanoTime();
        dev.engram.pmem.Pmem.availability();
        long t3 = System.nanoTime();
        try (Region r = Regions.open(new RegionOptions(p).mode(AccessMode.WALK))) {
            long t4 = System.nanoTime();
            r.putLong(4096, 1); r.persist(4096, 8);
            long t5 = System.nanoTime();
            System.out.printf("linker %.1f  libc %.1f  pmem %.1f  open %.1f  first persist %.1f ms%n", (t1-t0)/1e6, (t2-t1)/1e6, (t3-t2)/1e6, (t4-t3)/1e6, (t5-t4)/1e6);
        }
    }
}
