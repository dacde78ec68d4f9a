public class Alloc {
    public static void main(String[] a) {
        for (int i = 0; i < 3; i++) {
            long t = System.nanoTime();
            long[] w = new long[1 << 27];
            Object[] e = new Object[1 << 25];
            long t2 = System.nanoTime();
            for (int j = 0; j < w.length; j += 512) w[j] = j;   // touch
            long t3 = System.nanoTime();
            System.out.printf("alloc %.3f s, touch %.3f s%n", (t2 - t) / 1e9, (t3 - t2) / 1e9);
            w = null; e = null;
        }
    }
}
