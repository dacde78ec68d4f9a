package dev.engram.bench.store;

import java.util.List;

/**
 * The JVM flags the peers need on JDK 25, in one place: the launcher's {@code bench} case, the bench
 * module's surefire {@code argLine} and every child JVM {@code bench compare} starts pass the same list
 * (kept identical by hand in {@code engram} and {@code bench/pom.xml}; {@code PeerJvmFlagsTest} checks both).
 *
 * <ul>
 *   <li>lmdbjava 0.9.3 reads direct buffers' addresses: {@code java.nio} opened, {@code sun.nio.ch} exported;</li>
 *   <li>Chronicle Map 2026.1 reaches into {@code java.lang}, {@code java.lang.reflect}, {@code jdk.internal.ref}
 *       and javac's file manager (it compiles generated classes: a full JDK is required), and must never
 *       send usage analytics: {@code -Dchronicle.analytics.disable=true};</li>
 *   <li>RocksDB, MapDB and H2 MVStore need only native access, which every Engram JVM already has.</li>
 * </ul>
 */
public final class PeerJvmFlags {

    /** The system property that stops Chronicle's usage analytics from phoning home. */
    public static final String CHRONICLE_ANALYTICS_PROPERTY = "chronicle.analytics.disable";

    /** Every flag, in the order the launcher passes them. */
    public static final List<String> FLAGS = List.of(
            "--enable-native-access=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "-D" + CHRONICLE_ANALYTICS_PROPERTY + "=true");

    private PeerJvmFlags() {
    }
}
