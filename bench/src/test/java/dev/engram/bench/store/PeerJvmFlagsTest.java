package dev.engram.bench.store;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The peers' JVM flags are written in three places, by hand: {@link PeerJvmFlags} (child JVMs of
 * {@code bench compare} and the demo), {@code bench/pom.xml}'s {@code peer.jvm.flags} (surefire) and the
 * launcher's {@code bench} case. They must say the same thing, and Chronicle's analytics must be off.
 */
class PeerJvmFlagsTest {

    /** The bench module's directory: surefire runs in it. */
    private static final Path MODULE = Path.of("").toAbsolutePath();

    @Test
    void shouldPassTheSameFlagsFromThePomTheLauncherAndTheCode() throws IOException {
        List<String> code = new ArrayList<>(PeerJvmFlags.FLAGS);
        assertTrue(code.remove("--enable-native-access=ALL-UNNAMED"), "native access is in the list");

        String pom = Files.readString(MODULE.resolve("pom.xml"));
        Matcher m = Pattern.compile("<peer\\.jvm\\.flags>([^<]*)</peer\\.jvm\\.flags>").matcher(pom);
        assertTrue(m.find(), "bench/pom.xml defines peer.jvm.flags");
        assertEquals(code, tokens(m.group(1)), "bench/pom.xml peer.jvm.flags");
        assertTrue(pom.contains("${peer.jvm.flags}</surefire.argLine>"), "surefire's argLine ends with the peer flags");

        String launcher = Files.readString(MODULE.resolveSibling("engram"));
        Matcher l = Pattern.compile("JVM_FLAGS\\+=\\(([^)]*)\\)").matcher(launcher);
        assertTrue(l.find(), "the launcher's bench case appends to JVM_FLAGS");
        List<String> launched = tokens(l.group(1));
        launched.removeIf(t -> t.startsWith("-Dengram.root="));
        assertEquals(code, launched, "the launcher's bench case");
        assertTrue(PeerJvmFlags.FLAGS.contains("-D" + PeerJvmFlags.CHRONICLE_ANALYTICS_PROPERTY + "=true"));
    }

    private static List<String> tokens(String s) {
        return new ArrayList<>(Arrays.stream(s.trim().split("\\s+")).filter(t -> !t.isEmpty()).toList());
    }
}
