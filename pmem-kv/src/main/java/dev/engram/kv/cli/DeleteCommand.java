package dev.engram.kv.cli;

import dev.engram.kv.KvStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "delete", header = "Delete KEY (exit 1 when absent).",
        description = "Deletes KEY; durable when the command returns. Exit 1 when KEY was absent.")
final class DeleteCommand extends PoolCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key (UTF-8).")
    private String key;

    @Override
    public Integer call() {
        boolean deleted;
        try (KvStore kv = pool.open()) {
            deleted = kv.delete(utf8(key));
        }
        if (!deleted) {
            io().err().println("engram kv: key " + Text.printable(utf8(key)) + " not found; nothing deleted");
            return ExitCode.NOT_FOUND.code;
        }
        return ExitCode.OK.code;
    }
}
