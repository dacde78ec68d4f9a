package dev.engram.bench.compare;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/** The runner's JSON Lines read back, and the look-ups the report and plots make in them. */
public final class Results {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private Results() {
    }

    /** Every result in {@code file}, in order; none when it does not exist yet. */
    public static List<Map<String, Object>> read(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<Map<String, Object>> results = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    results.add(JSON.readValue(line, MAP));
                }
            }
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read results " + file + ": " + e.getMessage(), e);
        }
    }

    public static int count(Path file) {
        return read(file).size();
    }

    /** "fillrandom 184 k/s; readrandom 750 k/s": one line for the console. */
    public static String brief(List<Map<String, Object>> results) {
        StringBuilder b = new StringBuilder();
        for (Map<String, Object> r : results) {
            b.append(b.isEmpty() ? "" : "; ").append(r.get("workload"));
            if (!"floors".equals(r.get("workload"))) {
                b.append(' ').append(r.get("durability"));
            } else {
                b.append(' ').append(r.get("store"));
            }
            b.append(' ').append(si(number(r, "ops_per_sec"))).append("/s");
        }
        return b.toString();
    }

    public static double number(Map<String, Object> r, String field) {
        return r != null && r.get(field) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    public static String text(Map<String, Object> r, String field) {
        return r == null || r.get(field) == null ? "" : r.get(field).toString();
    }

    /** The first result matching every field given as name, value pairs (null values match anything). */
    public static Map<String, Object> find(List<Map<String, Object>> results, String... fieldValues) {
        return results.stream().filter(matching(fieldValues)).findFirst().orElse(null);
    }

    public static List<Map<String, Object>> all(List<Map<String, Object>> results, String... fieldValues) {
        return results.stream().filter(matching(fieldValues)).toList();
    }

    private static Predicate<Map<String, Object>> matching(String... fieldValues) {
        return r -> {
            for (int i = 0; i + 1 < fieldValues.length; i += 2) {
                String want = fieldValues[i + 1];
                if (want != null && !Objects.equals(want, text(r, fieldValues[i]))) {
                    return false;
                }
            }
            return true;
        };
    }

    /** 1234567 as "1.23 M": three significant digits and an SI prefix. */
    public static String si(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "-";
        }
        double a = Math.abs(value);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.3g G", value / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.3g M", value / 1e6);
        }
        if (a >= 1e3) {
            return String.format(Locale.ROOT, "%.3g k", value / 1e3);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }

    /** A nanosecond figure with thousands separators. */
    public static String nanos(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%,.0f", value);
    }
}
