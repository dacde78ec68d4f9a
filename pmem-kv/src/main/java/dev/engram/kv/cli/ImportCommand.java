package dev.engram.kv.cli;

import dev.engram.kv.Durability;
import dev.engram.kv.KvException;
import dev.engram.kv.KvStats;
import dev.engram.kv.KvStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

@Command(name = "import", header = "Put records from JSON lines (--ack: acknowledge each once durable).",
        description = {
        "Puts the records of a JSON-lines file: one {\"key\":...,\"value\":...} object a line, UTF-8 strings,",
        "or {\"key_b64\":...,\"value_b64\":...} for binary (the forms mix). A later line for a key wins.",
        "A malformed line stops the import with its line number (exit 65); the lines before it are imported.",
        "With --ack, prints 'ack KEY' on stdout (KEY as written in the line, escaped as scan does) only once",
        "that record is durable: records are made durable in groups, at most --sync-every at a time and",
        "whenever the input pauses, so a producer that waits for each ack is never kept waiting."})
final class ImportCommand extends PoolCommand {

    @Option(names = "--file", required = true, paramLabel = "FILE", description = "The JSON-lines file, or - for stdin.")
    private String file;

    @Option(names = "--ack", description = "Print 'ack KEY' for each record once it is durable (stdout, flushed).")
    private boolean ack;

    @Option(names = "--sync-every", paramLabel = "N",
            description = "With --ack: make at most N records durable per sync. Default: 1000.")
    private int syncEvery = 1000;

    @Option(names = "--progress", description = "Show the progress line even when stderr is not a terminal.")
    private boolean progress;

    private final JsonLines codec = new JsonLines();

    @Override
    public Integer call() throws IOException {
        if (syncEvery < 1) {
            throw new CliException(ExitCode.USAGE, "--sync-every " + syncEvery + " must be at least 1");
        }
        boolean stdin = file.equals("-");
        long totalBytes = stdin ? -1 : inputSize();
        long startNanos = System.nanoTime();
        long imported = 0;
        List<String> pendingAcks = new ArrayList<>();
        KvStats stats;
        try (KvStore kv = pool.openWithBackgroundCleaning();
             LineReader lines = new LineReader(stdin ? io().in() : Files.newInputStream(Path.of(file)));
             Progress bar = new Progress(io(), progress, "import", "records", -1)) {
            try {
                String line;
                while ((line = lines.next()) != null) {
                    bar.input(lines.bytesConsumed(), totalBytes);
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonLines.Line record = codec.parse(line, lines.lineNumber());
                    try {
                        // Buffered: durable at the next sync below (or at close), never partially.
                        kv.put(record.key(), record.value(), Durability.BUFFERED);
                    } catch (KvException e) {
                        throw new CliException(ExitCode.of(e.code()), "line " + lines.lineNumber() + ": " + e.getMessage(), e);
                    }
                    imported++;
                    bar.advance(1);
                    if (ack) {
                        pendingAcks.add(record.keyAsWritten());
                        // Group commit: sync when the group is full or the producer pauses (it may be
                        // waiting for these acks before sending more).
                        if (pendingAcks.size() >= syncEvery || !lines.ready()) {
                            syncAndAck(kv, pendingAcks);
                        }
                    }
                }
                syncAndAck(kv, pendingAcks);
            } catch (CliException | KvException e) {
                // The records before the failure were written: make them durable and ack them.
                syncAndAck(kv, pendingAcks);
                String done = imported == 0 ? "nothing was imported"
                        : imported == 1 ? "the record before it was imported"
                        : "the " + Text.count(imported) + " records before it were imported";
                if (e instanceof CliException c) {
                    throw new CliException(c.exitCode(), c.getMessage() + "; " + done, e);
                }
                throw e;
            }
            stats = kv.stats();
        }
        io().err().println(String.format(Locale.ROOT, "imported %s records from %s in %.2f s; write amplification %.2f",
                Text.count(imported), stdin ? "stdin" : file, (System.nanoTime() - startNanos) / 1e9,
                stats.writeAmplification()));
        return ExitCode.OK.code;
    }

    private long inputSize() throws IOException {
        try {
            return Files.size(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new CliException(ExitCode.NO_POOL, file + ": no such file to import");
        }
    }

    /** Makes every record so far durable, then acknowledges each: an ack is never printed earlier. */
    private void syncAndAck(KvStore kv, List<String> pending) {
        if (pending.isEmpty()) {
            return;
        }
        kv.sync();
        for (String key : pending) {
            io().out().append("ack ").append(Text.escapeField(key)).append('\n');
        }
        io().out().flush();
        pending.clear();
    }
}
