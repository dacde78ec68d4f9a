package dev.engram.kv.cli;

import dev.engram.device.DeviceProfile;
import dev.engram.kv.EngineKind;
import dev.engram.region.AccessMode;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Option values: sizes with binary suffixes, and the enums whose own {@code parse} names the
 * choices. Every converter fails with a {@link TypeConversionException}, which picocli reports as a
 * usage error naming the option.
 */
final class Converters {

    private Converters() {
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMGT]?)(?:I?B)?");

    /**
     * Parses {@code 4096}, {@code 64K}, {@code 64M}, {@code 1G}, {@code 2T} (binary multiples:
     * 1K = 1024; "KiB", "MB" and lower case are accepted too).
     */
    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.strip().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + text + "' is not a size: expected a number of bytes, optionally with"
                    + " K, M, G or T (binary multiples), e.g. 4096, 64M, 1G");
        }
        int shift = switch (m.group(2)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > Long.MAX_VALUE >> shift) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("size '" + text + "' is too large");
        }
    }

    /** A size option: {@code --size 64M}. */
    static final class ByteSize implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return parseSize(value);
        }
    }

    static final class Mode implements ITypeConverter<AccessMode> {
        @Override
        public AccessMode convert(String value) {
            try {
                return AccessMode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class Engine implements ITypeConverter<EngineKind> {
        @Override
        public EngineKind convert(String value) {
            try {
                return EngineKind.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class Device implements ITypeConverter<DeviceProfile> {
        @Override
        public DeviceProfile convert(String value) {
            try {
                return DeviceProfile.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
