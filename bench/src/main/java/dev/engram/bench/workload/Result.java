package dev.engram.bench.workload;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One measured result: a flat, ordered set of named fields, written as one JSON object per line
 * (JSON Lines) so results of many runs append to one file and each line stands alone.
 *
 * <p>Fields every result has ({@link #REQUIRED}; units in the name, latencies in nanoseconds):
 * <pre>
 *   workload     fillseq, fillrandom, overwrite, readrandom, readseq, readmissing, deleterandom,
 *                readwhilewriting, or floors
 *   store        engram, or floor-pmem-persist, floor-mapped-store, floor-mapped-read,
 *                floor-mapped-scan, floor-fdatasync
 *   engine       hash | sorted (none for floors)        mode   crawl | walk | run (none for floors)
 *   threads      measured threads                        keys   distinct keys (floors: 128 B slots)
 *   key_size     bytes                                   value_size  bytes (floors: record bytes)
 *   durability   power: durable when the call returns;  process: survives the process, not power
 *                loss; none: no write
 *   ops_per_sec  measured operations / wall time of the measured phase (first start to last end)
 *   p50_ns, p99_ns   percentiles of the timed sample (see sample_every, timer_ns)
 *   dax          real | emulated | none
 * </pre>
 * Every other field is described in bench/README.md.
 */
final class Result {

    /** The fields the issue requires of every result, in output order. */
    static final List<String> REQUIRED = List.of("workload", "store", "engine", "mode", "threads", "keys",
            "key_size", "value_size", "durability", "ops_per_sec", "p50_ns", "p99_ns", "dax");

    private final Map<String, Object> fields = new LinkedHashMap<>();

    Result() {
        for (String name : REQUIRED) {
            fields.put(name, null);
        }
    }

    /** Sets a field; values are strings, numbers, booleans or null. */
    Result put(String name, Object value) {
        if (value != null && !(value instanceof String || value instanceof Number || value instanceof Boolean)) {
            throw new IllegalArgumentException("field " + name + ": a " + value.getClass().getSimpleName()
                    + " is not a JSON scalar");
        }
        fields.put(name, value);
        return this;
    }

    Object get(String name) {
        return fields.get(name);
    }

    String text(String name) {
        Object v = fields.get(name);
        return v == null ? "" : v.toString();
    }

    double number(String name) {
        return fields.get(name) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    Map<String, Object> fields() {
        return Collections.unmodifiableMap(fields);
    }

    /** Fails naming every required field left unset: a result must never be written half-filled. */
    void checkComplete() {
        List<String> missing = REQUIRED.stream().filter(n -> fields.get(n) == null).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("result of " + fields.get("workload") + " lacks " + missing);
        }
    }

    /** One line of JSON, no trailing newline. */
    String toJson() {
        StringBuilder b = new StringBuilder(512).append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (!first) {
                b.append(", ");
            }
            first = false;
            string(b, e.getKey());
            b.append(": ");
            Object v = e.getValue();
            switch (v) {
                case null -> b.append("null");
                case String s -> string(b, s);
                case Double d when d.isNaN() || d.isInfinite() -> b.append("null");
                case Double d -> b.append(decimal(d));
                case Float f -> b.append(decimal(f));
                default -> b.append(v);
            }
        }
        return b.append('}').toString();
    }

    /** Six significant digits, plain notation: 1234567.8 as 1234570, 0.000123456789 as 0.000123457. */
    private static String decimal(double d) {
        if (d == 0) {
            return "0";
        }
        return new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** Appends this result as one line to {@code file}, creating it if needed. */
    void appendTo(Path file) throws IOException {
        checkComplete();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toJson() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }
}
