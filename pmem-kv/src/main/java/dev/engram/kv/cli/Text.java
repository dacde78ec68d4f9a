package dev.engram.kv.cli;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;

/** How keys, values and sizes are shown to a person. */
final class Text {

    private Text() {
    }

    /** {@code bytes} as text when they are valid UTF-8, else {@code null}. */
    static String utf8OrNull(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A key for a message: {@code 'text'} when it is printable UTF-8, else {@code 0x} and hex. */
    static String printable(byte[] key) {
        String s = utf8OrNull(key);
        if (s != null && s.codePoints().noneMatch(Character::isISOControl)) {
            return "'" + s + "'";
        }
        return "0x" + HexFormat.of().formatHex(key);
    }

    /**
     * One field of a tab-separated scan line: backslash, tab, CR, LF and other control characters
     * are escaped ({@code \\ \t \r \n \xNN}) so that one record is always one line.
     */
    static String escapeField(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /**
     * Key or value bytes as one field of a scan line: the UTF-8 text escaped by {@link #escapeField};
     * bytes that are not valid UTF-8 make every byte above 0x7F show as {@code \xNN}.
     */
    static String escapeBytes(byte[] bytes) {
        String s = utf8OrNull(bytes);
        if (s != null) {
            return escapeField(s);
        }
        StringBuilder b = new StringBuilder(bytes.length * 2);
        for (byte x : bytes) {
            int c = x & 0xFF;
            if (c >= 0x80) {
                b.append(String.format(Locale.ROOT, "\\x%02x", c));
            } else {
                b.append(escapeField(String.valueOf((char) c)));
            }
        }
        return b.toString();
    }

    /** A byte count for people: {@code 512 B}, {@code 64.0 KiB}, {@code 1.50 GiB}. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, units[u]);
    }

    /** One line of a report: the name padded to a column, then the value. */
    static void field(java.io.PrintStream out, String name, String value) {
        out.printf(Locale.ROOT, "%-20s %s%n", name, value);
    }

    /** A count with thousands separators: {@code 1,234,567}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
