package dev.engram.kv.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Option values: sizes with binary suffixes, human-readable byte counts. */
class ConvertersTest {

    @ParameterizedTest
    @CsvSource({"4096, 4096", "64K, 65536", "64M, 67108864", "1G, 1073741824", "2T, 2199023255552",
            "64m, 67108864", "64MiB, 67108864", "64MB, 67108864", "' 1g ', 1073741824", "0, 0"})
    void shouldAcceptSizesAsBytesOrWithBinarySuffixes(String text, long bytes) {
        assertEquals(bytes, Converters.parseSize(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12X", "-1", "1.5G", "M", "64 M B", "99999999999T"})
    void shouldRejectWhatIsNotASizeNamingIt(String text) {
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> Converters.parseSize(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
    }

    @Test
    void shouldShowByteCountsWithBinaryUnits() {
        assertEquals("512 B", Text.bytes(512));
        assertEquals("64.0 KiB", Text.bytes(64 * 1024));
        assertEquals("1.50 GiB", Text.bytes(3L << 29));
        assertEquals("'user:1'", Text.printable("user:1".getBytes()));
        assertEquals("0x00ff", Text.printable(new byte[]{0, (byte) 0xFF}));
    }
}
