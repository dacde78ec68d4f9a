package dev.engram.kv;

import dev.engram.region.AccessMode;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The child process of {@link KvProcessKillTest}: opens (or creates) a pool through the public API and
 * writes until it is killed, printing one line per call on stdout, flushed at once:
 * <pre>
 * READY                         the pool is open (recovery done)
 * TRY  &lt;call&gt;                  about to make the call
 * ACK  &lt;call&gt;                  the call returned: it is acknowledged
 * </pre>
 * where a call is {@code P key version length} (put), {@code D key} (delete) or
 * {@code B n entry entry ...} (a batch of {@code n} puts and deletes, entries as above, joined by
 * {@code ;}). A value is a function of its key, version and length ({@link #value}), so the parent can
 * check it byte for byte without the child sending it.
 *
 * <p>Arguments: {@code path mode engine durability seed firstKey} (mode crawl|walk|run, engine
 * hash|sorted, durability durable|buffered). Keys are {@code k<firstKey + i>}; overwrites and deletes
 * pick keys this run wrote.
 */
public final class KillTestWriter {

    static final int SEGMENT_BYTES = 64 * 1024;
    static final long INITIAL_BYTES = PoolFormat.FIRST_SEGMENT_OFFSET + 4L * SEGMENT_BYTES;

    private KillTestWriter() {
    }

    public static void main(String[] args) {
        Path path = Path.of(args[0]);
        AccessMode mode = AccessMode.valueOf(args[1].toUpperCase(Locale.ROOT));
        EngineKind engine = EngineKind.parse(args[2]);
        Durability durability = Durability.valueOf(args[3].toUpperCase(Locale.ROOT));
        long seed = Long.parseLong(args[4]);
        long firstKey = Long.parseLong(args[5]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.US_ASCII);
        SplittableRandom rnd = new SplittableRandom(seed);
        try (KvStore kv = KvStore.openOrCreate(options(path, mode, engine, durability))) {
            emit(out, "READY");
            List<String> written = new ArrayList<>();
            long next = firstKey;
            while (true) {
                int pick = rnd.nextInt(100);
                if (pick < 60 || written.isEmpty()) {
                    String key = "k" + next++;
                    String call = put(kv, key, 1, length(rnd), out);
                    written.add(key);
                    emit(out, "ACK " + call);
                } else if (pick < 75) {
                    String key = written.get(rnd.nextInt(written.size()));
                    String call = put(kv, key, 2 + rnd.nextInt(1000), length(rnd), out);
                    emit(out, "ACK " + call);
                } else if (pick < 85) {
                    String key = written.remove(rnd.nextInt(written.size()));
                    String call = "D " + key;
                    emit(out, "TRY " + call);
                    kv.delete(key.getBytes(StandardCharsets.US_ASCII));
                    emit(out, "ACK " + call);
                } else {
                    WriteBatch batch = new WriteBatch();
                    StringBuilder call = new StringBuilder();
                    int n = 2 + rnd.nextInt(3);
                    for (int i = 0; i < n; i++) {
                        String entry;
                        if (i == n - 1 && written.size() > 2 && rnd.nextBoolean()) {
                            String key = written.remove(rnd.nextInt(written.size()));
                            batch.delete(key.getBytes(StandardCharsets.US_ASCII));
                            entry = "D " + key;
                        } else {
                            String key = "k" + next++;
                            int length = length(rnd);
                            batch.put(key.getBytes(StandardCharsets.US_ASCII), value(key, 1, length));
                            written.add(key);
                            entry = "P " + key + " 1 " + length;
                        }
                        call.append(i == 0 ? "" : ";").append(entry);
                    }
                    String line = "B " + n + " " + call;
                    emit(out, "TRY " + line);
                    kv.write(batch);
                    emit(out, "ACK " + line);
                }
            }
        }
    }

    static KvOptions options(Path path, AccessMode mode, EngineKind engine, Durability durability) {
        KvOptions o = new KvOptions(path).mode(mode).engine(engine).durability(durability).segmentBytes(SEGMENT_BYTES)
                .size(INITIAL_BYTES);
        if (mode == AccessMode.RUN) {
            o.fastTier(Path.of(path + ".fast")).fastTierSize(1L << 20);
        }
        return o;
    }

    private static String put(KvStore kv, String key, int version, int length, PrintStream out) {
        String call = "P " + key + " " + version + " " + length;
        emit(out, "TRY " + call);
        kv.put(key.getBytes(StandardCharsets.US_ASCII), value(key, version, length));
        return call;
    }

    /** Mostly small values, some spanning many lines and sectors. */
    private static int length(SplittableRandom rnd) {
        int pick = rnd.nextInt(100);
        return pick < 70 ? rnd.nextInt(64) : pick < 95 ? 64 + rnd.nextInt(1000) : 4000 + rnd.nextInt(12000);
    }

    /** The value of {@code key} at {@code version}: its name and version repeated to {@code length} bytes. */
    static byte[] value(String key, int version, int length) {
        byte[] pattern = (key + "@" + version + ";").getBytes(StandardCharsets.US_ASCII);
        byte[] v = new byte[length];
        for (int i = 0; i < length; i++) {
            v[i] = pattern[i % pattern.length];
        }
        return v;
    }

    private static void emit(PrintStream out, String line) {
        out.print(line);
        out.print('\n');
        out.flush();
    }
}
