package dev.engram.kv.cli;

import dev.engram.kv.KvStore;
import dev.engram.region.AccessMode;
import dev.engram.region.RegionHeader;
import dev.engram.region.Regions;
import picocli.CommandLine.Command;

@Command(name = "destage", header = "RUN: drain the fast tier into the capacity file.",
        description = {
        "RUN mode: writes every block the fast tier holds back to the capacity file (the pool file) and",
        "makes it durable there, then detaches the fast tier, so the pool opens in crawl or walk too.",
        "--mode defaults to run here; crawl and walk have no fast tier."})
final class DestageCommand extends PoolCommand {

    @Override
    public Integer call() {
        if (pool.modeGiven() && pool.mode(AccessMode.RUN) != AccessMode.RUN) {
            throw new CliException(ExitCode.USAGE, "destage needs --mode run: " + PoolOptions.name(pool.mode(AccessMode.RUN))
                    + " mode has no fast tier to destage");
        }
        try (KvStore kv = pool.open(AccessMode.RUN)) {
            kv.destage();
        }
        long token = Regions.readHeader(pool.pool, RegionHeader.KIND_DATA).attachWord();
        io().out().println(token == 0
                ? "destaged " + pool.pool + ": the capacity file holds every write and opens in any mode"
                : "destaged " + pool.pool + ", but the fast tier is still attached (token 0x" + Long.toHexString(token)
                + "): open it in run mode");
        return ExitCode.OK.code;
    }
}
