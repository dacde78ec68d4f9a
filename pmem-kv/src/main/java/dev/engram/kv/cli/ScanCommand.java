package dev.engram.kv.cli;

import dev.engram.kv.EngineKind;
import dev.engram.kv.KeyComparators;
import dev.engram.kv.KvCursor;
import dev.engram.kv.KvStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

@Command(name = "scan", header = "Print records in key order: --from, --to, --prefix, --limit.",
        description = {
        "Prints keys and values in key order, one record a line: KEY<TAB>VALUE, with backslash, tab, CR, LF",
        "and other control characters escaped (\\\\ \\t \\r \\n \\xNN); or JSON lines, as export writes them, with --json.",
        "--from, --to and --prefix need a sorted pool; on a hash pool, scan without them lists every key",
        "in no particular order. All the records come from one snapshot of the pool."})
final class ScanCommand extends PoolCommand {

    @Option(names = "--from", paramLabel = "KEY", description = "The first key (inclusive).")
    private String from;

    @Option(names = "--to", paramLabel = "KEY", description = "The end key (exclusive).")
    private String to;

    @Option(names = "--prefix", paramLabel = "PREFIX", description = "Only keys that start with PREFIX.")
    private String prefix;

    @Option(names = "--limit", paramLabel = "N", description = "At most N records. Default: all.")
    private long limit = Long.MAX_VALUE;

    @Option(names = "--json", description = "Write JSON lines (the export format) instead of tab-separated text.")
    private boolean json;

    @Override
    public Integer call() throws IOException {
        if (limit < 0) {
            throw new CliException(ExitCode.USAGE, "--limit " + limit + " is negative");
        }
        byte[] p = prefix == null ? null : utf8(prefix);
        try (KvStore kv = pool.open()) {
            boolean bounded = from != null || to != null || p != null;
            if (bounded && kv.engine() != EngineKind.SORTED) {
                throw new CliException(ExitCode.BAD_INPUT, pool.pool + " uses the hash engine (unordered keys):"
                        + " --from, --to and --prefix need a pool created with --engine sorted; scan without them"
                        + " lists every key");
            }
            // Under bytewise order the keys with prefix P are exactly [P, P+1): narrow the range to them.
            // Under another order, scan the given range and filter.
            boolean bytewise = KeyComparators.BYTEWISE.equals(kv.comparatorName());
            byte[] lo = from == null ? null : utf8(from);
            byte[] hi = to == null ? null : utf8(to);
            if (p != null && bytewise) {
                lo = lo == null || Arrays.compareUnsigned(lo, p) < 0 ? p : lo;
                byte[] end = prefixEnd(p);
                hi = hi == null || (end != null && Arrays.compareUnsigned(end, hi) < 0) ? end : hi;
            }
            PrintStream out = io().out();
            try (KvCursor c = bounded ? kv.scan(lo, hi) : kv.cursor();
                 JsonLines.Output lines = json ? new JsonLines().new Output(
                         new OutputStreamWriter(out, StandardCharsets.UTF_8)) : null) {
                long shown = 0;
                while (shown < limit && c.next()) {
                    byte[] key = c.key();
                    if (p != null && !startsWith(key, p)) {
                        if (bytewise) {
                            break;
                        }
                        continue;
                    }
                    byte[] value = c.value();
                    if (lines != null) {
                        lines.write(key, value);
                    } else {
                        out.append(Text.escapeBytes(key)).append('\t').append(Text.escapeBytes(value)).append('\n');
                    }
                    shown++;
                    if ((shown & 4095) == 0) {
                        requireStdoutWritable(io(), shown);
                    }
                }
            }
        }
        return ExitCode.OK.code;
    }

    /**
     * Stops a long listing whose reader went away ({@code | head}) or whose disk is full: a PrintStream
     * swallows write errors, so without this the whole pool would be read for nobody.
     */
    static void requireStdoutWritable(Io io, long written) {
        if (io.out().checkError()) {
            throw new CliException(ExitCode.IO_ERROR, "cannot write to stdout (the reader closed the pipe, or the"
                    + " disk is full); stopped after " + Text.count(written) + " records");
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** The least key greater than every key starting with {@code prefix}, or null when there is none. */
    static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }
}
