package dev.engram.kv.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * The interchange format of {@code import} and {@code export}: UTF-8 text, one JSON object per line.
 *
 * <pre>
 * {"key":"user:1","value":"alice"}                 text: the UTF-8 bytes of the strings
 * {"key_b64":"AAE=","value_b64":"/w=="}            binary: standard base64 (RFC 4648, padded)
 * {"key":"blob","value_b64":"AAECAw=="}            the two forms mix freely
 * </pre>
 *
 * Each line has exactly one of {@code key}/{@code key_b64} and one of {@code value}/{@code value_b64},
 * all strings, and no other field; blank lines are skipped. Export writes the text form when the bytes
 * are valid UTF-8 and base64 otherwise, so export then import reproduces every byte.
 */
final class JsonLines {

    /** A parsed line: the bytes to store, and how to name the key in an ack (as it was written). */
    record Line(byte[] key, byte[] value, String keyAsWritten) {
    }

    private final JsonMapper mapper = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Parses line {@code lineNumber}; a malformed line is a {@link CliException} naming it (exit 65). */
    Line parse(String text, long lineNumber) {
        JsonNode node;
        try (JsonParser parser = mapper.createParser(text)) {
            node = mapper.readTree(parser);
            if (node != null && parser.nextToken() != null) {
                throw malformed(lineNumber, ", column " + parser.currentTokenLocation().getColumnNr()
                        + ": text after the object: one JSON object a line");
            }
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : ", column " + e.getLocation().getColumnNr();
            throw malformed(lineNumber, where + ": not valid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);          // a String source does no I/O
        }
        if (node == null || !node.isObject()) {
            throw malformed(lineNumber, ": expected a JSON object like {\"key\":\"k\",\"value\":\"v\"}, found "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            String field = it.next().getKey();
            if (!field.equals("key") && !field.equals("key_b64") && !field.equals("value") && !field.equals("value_b64")) {
                throw malformed(lineNumber, ": unknown field \"" + field + "\": expected key or key_b64, and value or value_b64");
            }
        }
        String key = oneOf(node, "key", lineNumber);
        byte[] keyBytes = bytes(node, "key", lineNumber);
        byte[] valueBytes = bytes(node, "value", lineNumber);
        return new Line(keyBytes, valueBytes, key);
    }

    /** The string of {@code name} or {@code name_b64}, whichever the line has (exactly one). */
    private static String oneOf(JsonNode node, String name, long lineNumber) {
        JsonNode text = node.get(name);
        JsonNode b64 = node.get(name + "_b64");
        if (text != null && b64 != null) {
            throw malformed(lineNumber, ": both \"" + name + "\" and \"" + name + "_b64\": give one");
        }
        if (text == null && b64 == null) {
            throw malformed(lineNumber, ": missing \"" + name + "\" (or \"" + name + "_b64\" for binary)");
        }
        JsonNode given = text != null ? text : b64;
        String field = text != null ? name : name + "_b64";
        if (!given.isTextual()) {
            throw malformed(lineNumber, ": \"" + field + "\" must be a string, found "
                    + given.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                    + (text != null ? " (use \"" + name + "_b64\" for binary)" : ""));
        }
        return given.textValue();
    }

    private static byte[] bytes(JsonNode node, String name, long lineNumber) {
        String s = oneOf(node, name, lineNumber);
        if (node.has(name)) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw malformed(lineNumber, ": \"" + name + "_b64\" is not standard base64: " + e.getMessage());
        }
    }

    static CliException malformed(long lineNumber, String what) {
        return new CliException(ExitCode.BAD_INPUT, "line " + lineNumber + what);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Writes records as JSON lines to {@code out}; {@link #close()} flushes but leaves {@code out} open. */
    final class Output implements AutoCloseable {

        private final JsonGenerator json;
        private final java.io.Writer out;

        Output(java.io.Writer out) throws IOException {
            this.out = out;
            this.json = mapper.getFactory().createGenerator(out)
                    .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                    .setRootValueSeparator(null);
        }

        void write(byte[] key, byte[] value) throws IOException {
            json.writeStartObject();
            field("key", key);
            field("value", value);
            json.writeEndObject();
            json.writeRaw('\n');
        }

        private void field(String name, byte[] bytes) throws IOException {
            String text = Text.utf8OrNull(bytes);
            if (text != null) {
                json.writeStringField(name, text);
            } else {
                json.writeStringField(name + "_b64", Base64.getEncoder().encodeToString(bytes));
            }
        }

        @Override
        public void close() throws IOException {
            json.close();
            out.flush();
        }
    }
}
