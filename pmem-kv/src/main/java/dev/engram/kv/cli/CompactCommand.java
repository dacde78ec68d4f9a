package dev.engram.kv.cli;

import dev.engram.kv.CompactionReport;
import dev.engram.kv.KvStats;
import dev.engram.kv.KvStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;

@Command(name = "compact", header = "Reclaim dead log space now.",
        description = {
        "Cleans the log: every sealed segment whose live share is at most --below is read, its live",
        "records (and the tombstones still needed to hide older versions) are copied forward and made",
        "durable, and the segment is freed for reuse. Safe to interrupt at any moment: a crash leaves",
        "both copies, and the next open keeps the newer. Prints what it did. A store open in a program",
        "also cleans in the background once the log is under half live (KvOptions.autoCompact); of the",
        "kv commands only import does (the others open the pool without the background cleaner).",
        "With --key-order (sorted engine) it first copies every live value once, in key order, and then",
        "cleans the segments they came from: ordered scans then read the log sequentially. That needs",
        "free space for a copy of the live data and writes it once more."})
final class CompactCommand extends PoolCommand {

    @Option(names = "--below", paramLabel = "RATIO", defaultValue = "1.0",
            description = "clean segments at most this share live, 0..1 (default ${DEFAULT-VALUE}: any dead bytes)")
    double below;

    @Option(names = "--key-order", description = "sorted engine: rewrite the live values in key order (for fast scans)")
    boolean keyOrder;

    @Override
    public Integer call() {
        if (keyOrder && below < 1) {
            throw new CliException(ExitCode.USAGE, "--key-order rewrites every live value; it takes no --below");
        }
        if (!(below >= 0 && below <= 1)) {
            throw new CliException(ExitCode.USAGE, "--below " + below + " must be from 0 to 1");
        }
        PrintStream out = io().out();
        try (KvStore kv = pool.open()) {
            KvStats before = kv.stats();
            CompactionReport r = keyOrder ? kv.compactInKeyOrder() : kv.compact(below >= 1 ? 0.999 : below);
            KvStats after = kv.stats();
            Text.field(out, "segments cleaned", Text.count(r.segmentsCleaned()));
            Text.field(out, "segments freed", Text.count(r.segmentsFreed()));
            Text.field(out, "records copied", Text.count(r.recordsCopied()) + " (" + Text.bytes(r.bytesCopied()) + ")");
            Text.field(out, "tombstones dropped", Text.count(r.tombstonesDropped()));
            if (kv.compressColdValues()) {
                Text.field(out, "values compressed", Text.count(r.valuesCompressed()) + " of the records copied (LZ4)");
            }
            Text.field(out, "log in use", Text.bytes(before.logBytes()) + " -> " + Text.bytes(after.logBytes()));
            Text.field(out, "live ratio", String.format("%.3f -> %.3f", before.liveRatio(), after.liveRatio()));
        }
        return ExitCode.OK.code;
    }
}
