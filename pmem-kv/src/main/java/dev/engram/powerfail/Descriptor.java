package dev.engram.powerfail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One segment of a crash-image descriptor line, the form every image prints and
 * {@link PowerFailSimulator#image(String)} rebuilds:
 *
 * <pre>
 * seed=42 point=1234 op=7 log=5f1c0a2e family=random#3
 * seed=42 point=88 op=2 log=0c1d2e3f family=subset subset=0:1,4:2
 * </pre>
 *
 * {@code seed} drives random families and garbage sectors; {@code point} is the crash point (events
 * before it happened); {@code op} is the innermost operation open there (-1: none), checked on rebuild;
 * {@code log} is the low 32 bits of the hash of the log before the point, checked on rebuild so a line
 * is never applied to a different recording; {@code family} names the image (see {@link CrashPoint});
 * {@code subset} lists the non-zero {@code unit:choice} pairs of an explicit image ({@code -} for none).
 *
 * <p>An image of a simulator that was itself materialised from an image (crash during recovery)
 * prints its ancestors first, separated by {@code " >> "}. Text after a {@code #} that follows a
 * space is a comment.
 */
record Descriptor(long seed, int point, int operation, int logHash, String family, String subset) {

    static final String SEPARATOR = " >> ";

    String format() {
        return "seed=" + seed + " point=" + point + " op=" + operation + " log="
                + String.format(Locale.ROOT, "%08x", logHash) + " family=" + family
                + (subset == null ? "" : " subset=" + subset);
    }

    /** Splits a line into its segments, oldest ancestor first, comments removed. */
    static List<Descriptor> parseLine(String line) {
        String text = stripComment(line);
        List<Descriptor> segments = new ArrayList<>();
        for (String segment : text.split(">>")) {
            segments.add(parse(segment.trim(), line));
        }
        return segments;
    }

    private static String stripComment(String line) {
        for (int i = 1; i < line.length(); i++) {
            if (line.charAt(i) == '#' && Character.isWhitespace(line.charAt(i - 1))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static Descriptor parse(String segment, String line) {
        Long seed = null;
        Integer point = null;
        Integer operation = null;
        Integer logHash = null;
        String family = null;
        String subset = null;
        for (String field : segment.split("\\s+")) {
            if (field.isEmpty()) {
                continue;
            }
            int eq = field.indexOf('=');
            if (eq < 0) {
                throw bad(line, "field '" + field + "' is not key=value");
            }
            String key = field.substring(0, eq);
            String value = field.substring(eq + 1);
            try {
                switch (key) {
                    case "seed" -> seed = Long.parseLong(value);
                    case "point" -> point = Integer.parseInt(value);
                    case "op" -> operation = Integer.parseInt(value);
                    case "log" -> logHash = Integer.parseUnsignedInt(value, 16);
                    case "family" -> family = value;
                    case "subset" -> subset = value;
                    default -> throw bad(line, "unknown key '" + key + "'");
                }
            } catch (NumberFormatException e) {
                throw bad(line, "'" + field + "' is not a number");
            }
        }
        if (seed == null || point == null || operation == null || logHash == null || family == null) {
            throw bad(line, "segment '" + segment + "' lacks one of seed, point, op, log, family");
        }
        if ("subset".equals(family) != (subset != null)) {
            throw bad(line, "subset= goes with family=subset and only with it");
        }
        return new Descriptor(seed, point, operation, logHash, family, subset);
    }

    private static IllegalArgumentException bad(String line, String what) {
        return new IllegalArgumentException("bad crash-image descriptor '" + line + "': " + what
                + "; expected e.g. 'seed=42 point=1234 op=7 log=5f1c0a2e family=random#3'");
    }
}
