public class Alloc {
    static long[][] chunks;
    public static void main(String[] a) throws Exception {
        String mode = a[0];
        long t0 = System.nanoTime();
        long sum = 0;
        if (mode.equals("one")) {
            long[] w = new long[1 << 27];
            sum = w[12345];
        } else {
            int n = Integer.parseInt(a[1]);          // threads
            int count = Integer.parseInt(a[2]);
            chunks = new long[count][];
            Thread[] ts = new Thread[n];
            for (int k = 0; k < n; k++) {
                int kk = k;
                ts[k] = new Thread(() -> { for (int c = kk; c < count; c += n) chunks[c] = new long[(1 << 27) / count]; });
                ts[k].start();
            }
            for (Thread t : ts) t.join();
            sum = chunks[chunks.length - 1][7];
        }
        System.out.printf("%s %d ms%n", String.join(" ", a), (System.nanoTime() - t0) / 1_000_000 + sum);
    }
}
