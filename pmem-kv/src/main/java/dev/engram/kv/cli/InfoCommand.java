package dev.engram.kv.cli;

import dev.engram.kv.KvOptions;
import dev.engram.kv.KvStore;
import dev.engram.region.PersistencePath;
import dev.engram.region.RegionHeader;
import dev.engram.region.Regions;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Locale;

@Command(name = "info", header = "Header, engine, mode, persistence path, pmem or not.",
        description = {
        "Prints the region header (format version, uuid, creation time, fast-tier attachment), then opens",
        "the pool and prints its engine, key order, limits, access mode, persistence path and whether the",
        "media is persistent memory (real DAX, emulated on tmpfs, or none)."})
final class InfoCommand extends PoolCommand {

    @Override
    public Integer call() throws IOException {
        pool.mode(dev.engram.region.AccessMode.WALK);       // refuses --fast-* outside run before any output
        pool.requireExists();
        PrintStream out = io().out();
        RegionHeader.Fields h = Regions.readHeader(pool.pool, RegionHeader.KIND_DATA);
        Text.field(out, "pool", pool.pool.toAbsolutePath().toString());
        Text.field(out, "file size", Text.bytes(Files.size(pool.pool)));
        Text.field(out, "region format", h.major() + "." + h.minor() + " (data file)");
        Text.field(out, "region uuid", h.uuid().toString());
        Text.field(out, "created", Instant.ofEpochMilli(h.createdMillis()).toString());
        Text.field(out, "fast tier", h.attachWord() == 0 ? "detached (the file alone holds every write)"
                : "attached (token 0x" + Long.toHexString(h.attachWord()) + "): a RUN fast tier holds writes not yet"
                + " destaged; open with --mode run");
        out.flush();
        try (KvStore kv = pool.open()) {
            Text.field(out, "engine", kv.engine().name().toLowerCase(Locale.ROOT) + " (key order: "
                    + kv.comparatorName() + ")");
            Text.field(out, "pool uuid", kv.uuid().toString());
            Text.field(out, "keys", Text.count(kv.count()));
            Text.field(out, "max key", Text.bytes(KvOptions.MAX_KEY_BYTES));
            Text.field(out, "max value", Text.bytes(kv.maxValueBytes()) + " (set by the segment size)");
            Text.field(out, "cold values", kv.compressColdValues()
                    ? "LZ4-compressed when the cleaner moves them (an incompatible feature flag: an Engram without it refuses the pool)"
                    : "stored as written");
            Text.field(out, "mode", PoolOptions.name(kv.mode()));
            dev.engram.kv.RecoveryReport r = kv.recovery();
            Text.field(out, "index rebuilt", r.method() + " in " + r.millis() + " ms (" + r.segmentsFromCheckpoint()
                    + " segments from the checkpoint, " + r.segmentsScanned() + " scanned)"
                    + (r.checkpointNote() == null ? "" : "; " + r.checkpointNote()));
            PersistencePath p = kv.persistencePath();
            Text.field(out, "persistence path", p.kind() + ": " + p.reason());
            Text.field(out, "pmem", switch (p.dax()) {
                case REAL -> "yes: a real DAX mapping (MAP_SYNC)";
                case EMULATED -> "emulated: a memory-backed file (tmpfs) or PMEM_IS_PMEM_FORCE=1 stands in for pmem";
                case NONE -> "no: an ordinary file behind the page cache";
            });
        }
        return ExitCode.OK.code;
    }
}
