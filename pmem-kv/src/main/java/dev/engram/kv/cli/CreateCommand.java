package dev.engram.kv.cli;

import dev.engram.kv.EngineKind;
import dev.engram.kv.KeyComparators;
import dev.engram.kv.KvOptions;
import dev.engram.kv.KvStore;
import dev.engram.region.AccessMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;

@Command(name = "create", header = "Create a new pool.",
        description = "Creates a new pool (fails if the file exists).")
final class CreateCommand extends PoolCommand {

    @Option(names = "--engine", required = true, paramLabel = "ENGINE", converter = Converters.Engine.class,
            description = "hash (unordered, fastest point operations) or sorted (ordered: scan, --prefix).")
    private EngineKind engine;

    @Option(names = "--size", paramLabel = "SIZE", converter = Converters.ByteSize.class,
            description = "Initial size, e.g. 64M or 1G; the pool grows online as needed. Default: 64M.")
    private long sizeBytes = KvOptions.DEFAULT_SIZE;

    @Option(names = "--segment-size", paramLabel = "SIZE", converter = Converters.ByteSize.class,
            description = "Log segment size, a power of two from 64K to 1G; a record (key + value + 32 bytes)"
                    + " must fit in one. Default: 4M.")
    private long segmentBytes = KvOptions.DEFAULT_SEGMENT_BYTES;

    @Option(names = "--comparator", paramLabel = "NAME",
            description = "Key order of a sorted pool: bytewise or reverse-bytewise. Default: bytewise.")
    private String comparator = KeyComparators.BYTEWISE;

    @Option(names = "--compress-cold-values",
            description = "Store the values the log cleaner moves (cold ones: they outlived their segment)"
                    + " LZ4-compressed when that saves an eighth or more. Recorded in the pool; meant for RUN,"
                    + " where the capacity tier then holds more. Default: off.")
    private boolean compressColdValues;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(pool.pool)) {
            throw new CliException(ExitCode.BAD_INPUT, pool.pool + ": already exists; open it with the other commands,"
                    + " or delete it to create a new pool");
        }
        if (segmentBytes > Integer.MAX_VALUE) {
            throw new CliException(ExitCode.BAD_INPUT, "--segment-size " + Text.bytes(segmentBytes)
                    + " is too large: at most 1G");
        }
        KvOptions options = pool.options(AccessMode.WALK).engine(engine).size(sizeBytes).segmentBytes((int) segmentBytes)
                .comparator(comparator).compressColdValues(compressColdValues);
        try (KvStore kv = KvStore.create(options)) {
            long fileBytes = Files.size(pool.pool);
            io().out().println("created " + pool.pool + ": " + engine.name().toLowerCase(java.util.Locale.ROOT)
                    + " engine, " + Text.bytes(fileBytes)
                    + (fileBytes > sizeBytes ? " (the least that holds a header and 4 segments of " + Text.bytes(segmentBytes) + ")" : "")
                    + ", " + PoolOptions.name(kv.mode()) + " mode, persistence " + kv.persistencePath()
                    + (kv.compressColdValues() ? ", cold values LZ4-compressed" : ""));
        }
        return ExitCode.OK.code;
    }
}
