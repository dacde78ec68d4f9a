package dev.engram.kv.cli;

import dev.engram.kv.CheckReport;
import dev.engram.kv.KvStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;

@Command(name = "check", header = "Verify every record and structure (exit 2 when damaged).",
        description = {
        "Verifies every record of the log (its checksum and structure) and every key's current value, and",
        "prints a report on stdout. Changes nothing. Exit 0 when clean, 2 when anything is damaged.",
        "A pool too damaged to open also exits 2."})
final class CheckCommand extends PoolCommand {

    @Option(names = "--progress", description = "Show the progress line even when stderr is not a terminal.")
    private boolean progress;

    @Override
    public Integer call() {
        CheckReport report;
        Progress bar = Progress.elapsed(io(), progress, "check: verifying every record and key");
        try (KvStore kv = pool.open()) {
            report = kv.check();
        } finally {
            bar.close();
        }
        PrintStream out = io().out();
        String counts = Text.count(report.recordsChecked()) + " records, " + Text.count(report.keysChecked())
                + " keys verified";
        if (report.clean()) {
            out.println("check " + pool.pool + ": clean (" + counts + ")");
            return ExitCode.OK.code;
        }
        out.println("check " + pool.pool + ": CORRUPT (" + counts + "; " + report.damagedKeys().size()
                + " damaged keys, " + report.problems().size() + " problems)");
        for (String key : report.damagedKeys()) {
            out.println("damaged key " + key + ": its value failed its checksum (reading it fails with MEDIA)");
        }
        for (String problem : report.problems()) {
            out.println("problem: " + problem);
        }
        return ExitCode.CORRUPT.code;
    }
}
