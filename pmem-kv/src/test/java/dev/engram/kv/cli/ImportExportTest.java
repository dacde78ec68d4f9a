package dev.engram.kv.cli;

import dev.engram.kv.cli.CliRunner.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code kv import} and {@code kv export}: the JSON-lines format, malformed input, durable acks. */
class ImportExportTest {

    private CliRunner cli;

    @BeforeEach
    void setUp() throws IOException {
        cli = new CliRunner();
        assertEquals(0, cli.createPool("sorted").exit());
    }

    @AfterEach
    void tearDown() throws IOException {
        cli.close();
    }

    private Result importStdin(String lines, String... more) {
        List<String> args = new ArrayList<>(List.of("--file", "-"));
        args.addAll(List.of(more));
        return cli.onPool(new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)), "import",
                args.toArray(String[]::new));
    }

    private static final byte[] BINARY_KEY = {0, (byte) 0xFF, 7};
    private static final byte[] BINARY_VALUE = {(byte) 0xC3, 0x28, 0, 1};   // not UTF-8

    @Test
    void shouldImportTextAndBase64LinesSkippingBlankOnes() throws IOException {
        Path file = cli.dir.resolve("in.jsonl");
        Files.writeString(file, """
                {"key":"user:1","value":"alice"}

                {"key_b64":"%s","value_b64":"%s"}
                {"key":"mixed","value_b64":"aGk="}\r
                {"key":"user:1","value":"alice-2"}
                """.formatted(Base64.getEncoder().encodeToString(BINARY_KEY),
                Base64.getEncoder().encodeToString(BINARY_VALUE)));
        Result r = cli.onPool("import", "--file", file.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().startsWith("imported 4 records from " + file), r::toString);
        assertEquals("alice-2\n", cli.onPool("get", "user:1").out());
        assertEquals("hi\n", cli.onPool("get", "mixed").out());
        assertEquals(List.of("{\"key_b64\":\"AP8H\",\"value_b64\":\"wygAAQ==\"}",
                "{\"key\":\"mixed\",\"value\":\"hi\"}", "{\"key\":\"user:1\",\"value\":\"alice-2\"}"),
                cli.onPool("export").lines());
    }

    @Test
    void shouldRoundTripEveryByteThroughExportAndImport() throws IOException {
        importStdin("""
                {"key":"text","value":"tab\\there \\"quoted\\" ünï ✓"}
                {"key_b64":"%s","value_b64":"%s"}
                {"key":"empty","value":""}
                """.formatted(Base64.getEncoder().encodeToString(BINARY_KEY), Base64.getEncoder().encodeToString(BINARY_VALUE)));
        Path exported = cli.dir.resolve("out.jsonl");
        Result export = cli.onPool("export", "--file", exported.toString());
        assertEquals(0, export.exit(), export::toString);

        Path second = cli.dir.resolve("second");
        assertEquals(0, cli.kv("create", "--pool", second.toString(), "--engine", "hash", "--size", "256K",
                "--segment-size", "64K").exit());
        assertEquals(0, cli.kv("import", "--pool", second.toString(), "--file", exported.toString()).exit());

        List<String> again = cli.kv("export", "--pool", second.toString()).lines();
        assertEquals(Files.readAllLines(exported).stream().sorted().toList(), again.stream().sorted().toList());
        Result raw = cli.kv("get", "--pool", second.toString(), "--raw", "tab\there \"quoted\" ünï ✓");
        assertEquals(1, raw.exit(), "the key is 'text', not its value");
        assertArrayEquals("tab\there \"quoted\" ünï ✓".getBytes(StandardCharsets.UTF_8),
                cli.kv("get", "--pool", second.toString(), "--raw", "text").out().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldStopAtAMalformedLineNamingItAndKeepTheLinesBeforeIt() {
        Result r = importStdin("""
                {"key":"a","value":"1"}
                {"key":"b","value":"2"}
                {"key":"c","value":
                {"key":"d","value":"4"}
                """);
        assertEquals(ExitCode.BAD_INPUT.code, r.exit());
        assertTrue(r.err().startsWith("engram kv: line 3, column "), r::toString);
        assertTrue(r.err().contains("not valid JSON") && r.err().contains("the 2 records before it were imported"),
                r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
        assertEquals(List.of("a\t1", "b\t2"), cli.onPool("scan").lines());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a number value        | {"key":"k","value":1}                    | "value" must be a string, found number
            a misspelled field    | {"key":"k","vlaue":"v"}                  | unknown field "vlaue"
            no value              | {"key":"k"}                              | missing "value" (or "value_b64" for binary)
            both key forms        | {"key":"k","key_b64":"aw==","value":"v"} | both "key" and "key_b64"
            bad base64            | {"key":"k","value_b64":"!!"}             | "value_b64" is not standard base64
            an array              | ["k","v"]                                | expected a JSON object
            two objects           | {"key":"k","value":"v"} {}               | text after the object
            a duplicate field     | {"key":"k","key":"j","value":"v"}        | Duplicate field 'key'
            an empty key          | {"key":"","value":"v"}                   | key length 0 is outside 1..65536 bytes
            """)
    void shouldRejectAMalformedLineWithATypedErrorNamingItsNumber(String what, String line, String message) {
        Result r = importStdin("{\"key\":\"ok\",\"value\":\"1\"}\n" + line + "\n");
        assertEquals(ExitCode.BAD_INPUT.code, r.exit(), r::toString);
        assertTrue(r.err().startsWith("engram kv: line 2"), r::toString);
        assertTrue(r.err().contains(message), r::toString);
        assertTrue(r.err().endsWith("; the record before it was imported\n"), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
    }

    @Test
    void shouldRejectBytesThatAreNotUtf8NamingTheLine() {
        byte[] input = "{\"key\":\"a\",\"value\":\"1\"}\n{\"key\":\"b\",\"value\":\"\u00FF\"}\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        Result r = cli.onPool(new ByteArrayInputStream(input), "import", "--file", "-");
        assertEquals(ExitCode.BAD_INPUT.code, r.exit());
        assertTrue(r.err().startsWith("engram kv: line 2: not valid UTF-8"), r::toString);
    }

    @Test
    void shouldSayTheImportFileDoesNotExist() {
        Result r = cli.onPool("import", "--file", cli.dir.resolve("nope.jsonl").toString());
        assertEquals(ExitCode.NO_POOL.code, r.exit());
        assertTrue(r.err().contains("nope.jsonl: no such file to import"), r::toString);
    }

    @Test
    void shouldAckEveryRecordInInputOrder() {
        Result r = importStdin("""
                {"key":"k1","value":"1"}
                {"key_b64":"AP8=","value":"2"}
                {"key":"k\\tthree","value":"3"}
                """, "--ack");
        assertEquals(0, r.exit(), r::toString);
        assertEquals(List.of("ack k1", "ack AP8=", "ack k\\tthree"), r.lines());
        assertEquals("3\n", cli.onPool("get", "k\tthree").out());
    }

    /**
     * Input that hands out one line per read and records stdout whenever the import asks for the next
     * line: what had been acknowledged at that moment.
     */
    private static final class LineByLineInput extends InputStream {
        private final List<byte[]> lines;
        private final boolean pauseBetweenLines;
        private final Supplier<String> stdout;
        final List<String> ackedBeforeLine = new ArrayList<>();
        private int line;
        private int pos;

        LineByLineInput(List<String> lines, boolean pauseBetweenLines, Supplier<String> stdout) {
            this.lines = lines.stream().map(l -> (l + "\n").getBytes(StandardCharsets.UTF_8)).toList();
            this.pauseBetweenLines = pauseBetweenLines;
            this.stdout = stdout;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (line == lines.size()) {
                return -1;
            }
            if (pos == 0) {
                ackedBeforeLine.add(stdout.get());
            }
            byte[] current = lines.get(line);
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            if (pos == current.length) {
                line++;
                pos = 0;
            }
            return n;
        }

        /** Paused: nothing more is available until the import reads again (a producer awaiting acks). */
        @Override
        public int available() {
            if (line == lines.size()) {
                return 0;
            }
            if (pauseBetweenLines) {
                return pos == 0 ? 0 : lines.get(line).length - pos;
            }
            int rest = lines.get(line).length - pos;
            for (int i = line + 1; i < lines.size(); i++) {
                rest += lines.get(i).length;
            }
            return rest;
        }
    }

    private Result importWithAcks(LineByLineInput in, ByteArrayOutputStream out, String... more) {
        List<String> args = new ArrayList<>(List.of("import", "--pool", cli.pool.toString(), "--file", "-", "--ack"));
        args.addAll(List.of(more));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = KvCli.run(in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args.toArray(String[]::new));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldHoldAcksUntilTheGroupIsSyncedWhileInputKeepsComing() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LineByLineInput in = new LineByLineInput(List.of("{\"key\":\"k1\",\"value\":\"1\"}", "{\"key\":\"k2\",\"value\":\"2\"}",
                "{\"key\":\"k3\",\"value\":\"3\"}", "{\"key\":\"k4\",\"value\":\"4\"}", "{\"key\":\"k5\",\"value\":\"5\"}"),
                false, () -> out.toString(StandardCharsets.UTF_8));
        Result r = importWithAcks(in, out, "--sync-every", "2");
        assertEquals(0, r.exit(), r::toString);
        // Acks appear only in synced groups of two; the last, partial group is synced at the end.
        assertEquals(List.of("", "", "ack k1\nack k2\n", "ack k1\nack k2\n", "ack k1\nack k2\nack k3\nack k4\n"),
                in.ackedBeforeLine);
        assertEquals(List.of("ack k1", "ack k2", "ack k3", "ack k4", "ack k5"), r.lines());
    }

    @Test
    void shouldAckBeforeWaitingForMoreInputSoAProducerAwaitingItsAckIsNotStuck() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LineByLineInput in = new LineByLineInput(List.of("{\"key\":\"k1\",\"value\":\"1\"}", "{\"key\":\"k2\",\"value\":\"2\"}",
                "{\"key\":\"k3\",\"value\":\"3\"}"), true, () -> out.toString(StandardCharsets.UTF_8));
        Result r = importWithAcks(in, out);
        assertEquals(0, r.exit(), r::toString);
        assertEquals(List.of("", "ack k1\n", "ack k1\nack k2\n"), in.ackedBeforeLine);
        assertEquals(List.of("ack k1", "ack k2", "ack k3"), r.lines());
    }

    @Test
    void shouldAckTheRecordsBeforeAMalformedLine() {
        Result r = importStdin("{\"key\":\"k1\",\"value\":\"1\"}\nnot json\n", "--ack");
        assertEquals(ExitCode.BAD_INPUT.code, r.exit());
        assertEquals(List.of("ack k1"), r.lines());
        assertEquals("1\n", cli.onPool("get", "k1").out());
    }

    @Test
    void shouldDrawOneProgressLineOnStderrWhenAsked() {
        Result r = importStdin("{\"key\":\"k1\",\"value\":\"1\"}\n{\"key\":\"k2\",\"value\":\"2\"}\n", "--progress");
        assertEquals(0, r.exit(), r::toString);
        // The line is redrawn at most every 200 ms: a slow first record may draw "1 records" first.
        assertTrue(r.err().startsWith("\rimport: "), r::toString);
        assertTrue(lastDraw(r.err()).startsWith("\rimport: 2 records"), r::toString);
        Result quiet = importStdin("{\"key\":\"k3\",\"value\":\"3\"}\n");
        assertFalse(quiet.err().contains("\r"), "no progress line when stderr is not a terminal and none was asked for");

        Result export = cli.onPool("export", "--progress");
        assertTrue(export.err().startsWith("\rexport: "), export::toString);
        assertTrue(lastDraw(export.err()).startsWith("\rexport: 3 of 3 records  100%"), export::toString);
        assertEquals(3, export.lines().size());
    }

    /** The progress line as last drawn: from its last carriage return. */
    private static String lastDraw(String err) {
        return err.substring(err.lastIndexOf('\r'));
    }
}
