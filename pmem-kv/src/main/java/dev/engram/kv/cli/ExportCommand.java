package dev.engram.kv.cli;

import dev.engram.kv.KvCursor;
import dev.engram.kv.KvStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

@Command(name = "export", header = "Write every record as JSON lines.",
        description = {
        "Writes every record as JSON lines (the import format): text where the bytes are UTF-8, base64",
        "(key_b64, value_b64) where not, so export | import reproduces every byte. Key order on a sorted",
        "pool, none on a hash pool. All the records come from one snapshot of the pool."})
final class ExportCommand extends PoolCommand {

    @Option(names = "--file", paramLabel = "FILE", description = "Write to FILE (replaced) instead of stdout.")
    private Path file;

    @Option(names = "--progress", description = "Show the progress line even when stderr is not a terminal.")
    private boolean progress;

    @Override
    public Integer call() throws IOException {
        long exported = 0;
        try (KvStore kv = pool.open()) {
            // stdout stays open (it is the caller's); a --file is closed here.
            Writer target = file == null
                    ? new OutputStreamWriter(io().out(), StandardCharsets.UTF_8)
                    : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            try (JsonLines.Output lines = new JsonLines().new Output(new BufferedWriter(target, 1 << 16));
                 KvCursor c = kv.cursor();
                 Progress bar = new Progress(io(), progress, "export", "records", kv.count())) {
                while (c.next()) {
                    lines.write(c.key(), c.value());
                    exported++;
                    bar.advance(1);
                    if (file == null && (exported & 4095) == 0) {
                        ScanCommand.requireStdoutWritable(io(), exported);
                    }
                }
            } finally {
                if (file != null) {
                    target.close();
                }
            }
        }
        if (file != null) {
            io().err().println("exported " + Text.count(exported) + " records to " + file);
        }
        return ExitCode.OK.code;
    }
}
