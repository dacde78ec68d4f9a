package dev.engram.kv.cli;

import picocli.CommandLine.Command;

@Command(name = "compact", header = "Reclaim dead log space: not yet implemented (exit 3).",
        description = {
        "Not yet implemented: the engine has no compaction yet (exit 3). The log keeps every record until",
        "then; 'stats' shows the live ratio, the share compaction will be able to keep."})
final class CompactCommand extends PoolCommand {

    @Override
    public Integer call() {
        io().err().println("engram kv: compact is not yet implemented: the engine has no compaction yet, so "
                + pool.pool + " was not changed ('./engram kv stats --pool " + pool.pool + "' shows its live ratio)");
        return ExitCode.NOT_IMPLEMENTED.code;
    }
}
