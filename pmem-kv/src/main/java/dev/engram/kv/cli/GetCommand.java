package dev.engram.kv.cli;

import dev.engram.kv.KvStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", header = "Print the value of KEY (exit 1 when absent).",
        description = {
        "Prints the value of KEY and a newline; exit 1 (and a message on stderr) when KEY is absent.",
        "The value is printed as UTF-8 text; use --raw for its exact bytes."})
final class GetCommand extends PoolCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key (UTF-8).")
    private String key;

    @Option(names = "--raw", description = "Write the value's exact bytes, without a newline (binary values).")
    private boolean raw;

    @Override
    public Integer call() {
        byte[] value;
        try (KvStore kv = pool.open()) {
            value = kv.get(utf8(key));
        }
        if (value == null) {
            io().err().println("engram kv: key " + Text.printable(utf8(key)) + " not found");
            return ExitCode.NOT_FOUND.code;
        }
        if (raw) {
            io().out().write(value, 0, value.length);
        } else {
            io().out().println(new String(value, java.nio.charset.StandardCharsets.UTF_8));
        }
        return ExitCode.OK.code;
    }
}
