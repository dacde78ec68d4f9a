package dev.engram.kv.cli;

import dev.engram.kv.KvStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "put", header = "Set KEY to VALUE (durable on return).",
        description = "Sets KEY to VALUE; durable when the command returns.")
final class PutCommand extends PoolCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key (UTF-8, 1 byte to 64 KiB).")
    private String key;

    @Parameters(index = "1", paramLabel = "VALUE", description = "The value (UTF-8).")
    private String value;

    @Override
    public Integer call() {
        try (KvStore kv = pool.open()) {
            kv.put(utf8(key), utf8(value));
        }
        return ExitCode.OK.code;
    }
}
