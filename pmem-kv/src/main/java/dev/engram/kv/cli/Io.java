package dev.engram.kv.cli;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * The streams a command reads and writes: the process's own under {@link KvCli#main}, captured
 * buffers in tests.
 *
 * @param in             standard input ({@code import --file -})
 * @param out            results: values, scan lines, export lines, acks, reports (UTF-8)
 * @param err            messages and the progress line (UTF-8)
 * @param errIsTerminal  whether {@code err} is a terminal, so progress is shown without --progress
 */
record Io(InputStream in, PrintStream out, PrintStream err, boolean errIsTerminal) {
}
