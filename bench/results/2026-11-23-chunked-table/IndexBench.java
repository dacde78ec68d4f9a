package dev.engram.kv;

/** Scratch: the hash index alone, put then get, 1 M 16-byte keys, one thread; ns per op, best of rounds. */
public class IndexBench {
    public static void main(String[] a) {
        int n = 1_000_000;
        byte[][] keys = new byte[n][];
        long x = 42;
        for (int i = 0; i < n; i++) {
            byte[] k = new byte[16];
            x = x * 6364136223846793005L + 1442695040888963407L;
            for (int b = 0; b < 8; b++) k[8 + b] = (byte) (x >>> (8 * b));
            keys[i] = k;
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = (int) ((i * 0x9E3779B1L) % n);
        Entry e = new Entry(64, 40, 88, 8, 1, false, null);
        Index.Probe p = new Index.Probe();
        long sink = 0;
        for (int round = 0; round < 6; round++) {
            Index.Hash h = new Index.Hash(a.length > 1 ? Integer.parseInt(a[1]) : 1 << 16);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) h.put(keys[i], e);
            long t1 = System.nanoTime();
            for (int r = 0; r < 3; r++) for (int i = 0; i < n; i++) if (h.probe(keys[order[i]], p)) sink += p.recordOffset;
            long t2 = System.nanoTime();
            for (int i = 0; i < n; i++) h.put(keys[order[i]], e);
            long t3 = System.nanoTime();
            if (round >= 2) System.out.printf("%s put-new %.1f get %.1f put-over %.1f ns%n", a[0], (t1 - t0) / (double) n, (t2 - t1) / 3.0 / n, (t3 - t2) / (double) n);
        }
        if (sink == 42) System.out.println();
    }
}
