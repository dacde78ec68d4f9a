package dev.engram.kv.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Lines of UTF-8 text, decoded strictly one line at a time, so an invalid byte is reported with the
 * number of the line that holds it (a Reader decodes ahead in blocks and could blame another line).
 * Counts the bytes consumed, for progress. Lines end at LF; a CR before it is dropped.
 */
final class LineReader implements AutoCloseable {

    private final BufferedInputStream in;
    private byte[] line = new byte[256];
    private long bytesConsumed;
    private long lineNumber;

    LineReader(InputStream in) {
        this.in = new BufferedInputStream(in, 1 << 16);
    }

    /** The next line without its terminator, or null at the end of input. */
    String next() throws IOException {
        int length = 0;
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (length == line.length) {
                line = Arrays.copyOf(line, line.length * 2);
            }
            line[length++] = (byte) b;
        }
        if (b < 0 && length == 0) {
            return null;
        }
        bytesConsumed += length + (b < 0 ? 0 : 1);
        lineNumber++;
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw JsonLines.malformed(lineNumber, ": not valid UTF-8 (JSON lines are UTF-8 text; give binary keys and"
                    + " values as key_b64 and value_b64)");
        }
    }

    /** The number of the line {@link #next()} returned last (1-based). */
    long lineNumber() {
        return lineNumber;
    }

    long bytesConsumed() {
        return bytesConsumed;
    }

    /** Whether the next line can be read without blocking (some of it is already here). */
    boolean ready() throws IOException {
        return in.available() > 0;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
