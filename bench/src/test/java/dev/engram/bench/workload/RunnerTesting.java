package dev.engram.bench.workload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the runner tests share: running the command line in-process, and reading its JSON Lines strictly. */
final class RunnerTesting {

    private RunnerTesting() {
    }

    /** One in-process run of the runner: its exit code, stdout and stderr. */
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = BenchCli.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static double number(Map<String, Object> r, String field) {
        return assertInstanceOf(Double.class, r.get(field), field + " is a number in " + r);
    }

    static List<Map<String, Object>> readJsonLines(Path file) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(FlatJson::parse).toList();
    }

    /** A strict parser of one flat JSON object (scalars only): enough to check the runner's lines. */
    static final class FlatJson {
        private final String s;
        private int i;

        private FlatJson(String s) {
            this.s = s;
        }

        static Map<String, Object> parse(String line) {
            FlatJson p = new FlatJson(line);
            Map<String, Object> m = p.object();
            p.space();
            assertEquals(line.length(), p.i, "trailing text after the object: " + line);
            return m;
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            expect('{');
            space();
            if (peek() == '}') {
                i++;
                return m;
            }
            while (true) {
                space();
                String key = string();
                space();
                expect(':');
                space();
                assertFalse(m.containsKey(key), "duplicate key " + key);
                m.put(key, value());
                space();
                if (peek() == ',') {
                    i++;
                    continue;
                }
                expect('}');
                return m;
            }
        }

        private Object value() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            for (String literal : new String[]{"null", "true", "false"}) {
                if (s.startsWith(literal, i)) {
                    i += literal.length();
                    return literal.equals("null") ? null : Boolean.valueOf(literal);
                }
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            assertTrue(i > start, "a value at " + start + " of " + s);
            return Double.parseDouble(s.substring(start, i));
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (peek() != '"') {
                char c = s.charAt(i++);
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
            i++;
            return b.toString();
        }

        private void space() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private char peek() {
            assertTrue(i < s.length(), "unexpected end of " + s);
            return s.charAt(i);
        }

        private void expect(char c) {
            assertEquals(c, peek(), "at " + i + " of " + s);
            i++;
        }
    }
}
