import java.lang.invoke.*;
public class Mc {
    static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    static final int SLOTS = 1 << 21, CH = 1 << 19;
    public static void main(String[] a) {
        boolean chunked = a[0].equals("chunks");
        long[] one = chunked ? null : new long[6 + SLOTS * 8];
        long[][] chunks = new long[SLOTS / CH][];
        if (chunked) for (int i = 0; i < chunks.length; i++) chunks[i] = new long[6 + CH * 8];
        long x = 1, sum = 0;
        for (int round = 0; round < 8; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 4_000_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
                int s = (int) (x >>> 40) & (SLOTS - 1);
                s = (int) ((s + sum) & (SLOTS - 1));      // dependent: next address needs the last load
                if (chunked) { long[] c = chunks[s >>> 19]; int w = 6 + (s & (CH - 1)) * 8; sum += (long) LONGS.getAcquire(c, w) + c[w + 3] + 1; }
                else { int w = 6 + s * 8; sum += (long) LONGS.getAcquire(one, w) + one[w + 3] + 1; }
            }
            if (round >= 4) System.out.printf("%s %.1f ns%n", a[0], (System.nanoTime() - t0) / 4e6);
        }
        if (sum == 42) System.out.println();
    }
}
