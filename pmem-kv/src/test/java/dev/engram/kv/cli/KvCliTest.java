package dev.engram.kv.cli;

import dev.engram.kv.cli.CliRunner.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./engram kv} as a user drives it: each command, its output and its exit status. */
class KvCliTest {

    private CliRunner cli;

    @BeforeEach
    void setUp() throws IOException {
        cli = new CliRunner();
    }

    @AfterEach
    void tearDown() throws IOException {
        cli.close();
    }

    /** Every failure is one line naming the problem: never a stack trace. */
    private static void assertNoStackTrace(Result r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), () -> "stack trace in\n" + r);
    }

    @Test
    void shouldPutThenGetPrintingTheValueAndExitOneForAnAbsentKey() {
        Result created = cli.createPool("sorted");
        assertEquals(0, created.exit(), created::toString);
        assertTrue(created.out().startsWith("created " + cli.pool + ": sorted engine"), created::toString);

        assertEquals(0, cli.onPool("put", "user:1", "alice").exit());
        Result got = cli.onPool("get", "user:1");
        assertEquals(new Result(0, "alice\n", ""), got);

        Result missing = cli.onPool("get", "user:2");
        assertEquals(1, missing.exit());
        assertEquals("", missing.out());
        assertEquals("engram kv: key 'user:2' not found\n", missing.err());
    }

    @Test
    void shouldKeepNonAsciiKeysAndValuesAsUtf8() {
        cli.createPool("hash");
        assertEquals(0, cli.onPool("put", "clé", "valeur ünïcode ✓").exit());
        assertEquals("valeur ünïcode ✓\n", cli.onPool("get", "clé").out());
        Result raw = cli.onPool("get", "clé", "--raw");
        assertEquals("valeur ünïcode ✓", raw.out());
    }

    @Test
    void shouldDeleteAKeyAndExitOneWhenDeletingAnAbsentKey() {
        cli.createPool("hash");
        cli.onPool("put", "k", "v");
        assertEquals(0, cli.onPool("delete", "k").exit());
        assertEquals(1, cli.onPool("get", "k").exit());
        Result again = cli.onPool("delete", "k");
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("key 'k' not found; nothing deleted"), again::toString);
    }

    @Test
    void shouldScanASortedPoolInKeyOrderWithinPrefixFromToAndLimit() {
        cli.createPool("sorted");
        for (String key : List.of("user:3", "admin:1", "user:1", "zed", "user:2", "user")) {
            assertEquals(0, cli.onPool("put", key, "v-" + key).exit());
        }
        assertEquals(List.of("admin:1\tv-admin:1", "user\tv-user", "user:1\tv-user:1", "user:2\tv-user:2",
                "user:3\tv-user:3", "zed\tv-zed"), cli.onPool("scan").lines());
        assertEquals(List.of("user:1\tv-user:1", "user:2\tv-user:2"),
                cli.onPool("scan", "--prefix", "user:", "--limit", "2").lines());
        assertEquals(List.of("user:2\tv-user:2", "user:3\tv-user:3"),
                cli.onPool("scan", "--prefix", "user:", "--from", "user:2").lines());
        assertEquals(List.of("user\tv-user", "user:1\tv-user:1"), cli.onPool("scan", "--from", "u", "--to", "user:2").lines());
        assertEquals(List.of(), cli.onPool("scan", "--prefix", "nobody").lines());
        assertEquals(List.of("{\"key\":\"zed\",\"value\":\"v-zed\"}"), cli.onPool("scan", "--prefix", "z", "--json").lines());
    }

    @Test
    void shouldEscapeTabsNewlinesAndControlBytesSoEachScannedRecordIsOneLine() {
        cli.createPool("sorted");
        cli.onPool("put", "a\tb", "line1\nline2\\end\u0001");
        assertEquals(List.of("a\\tb\tline1\\nline2\\\\end\\x01"), cli.onPool("scan").lines());
    }

    @Test
    void shouldRefuseARangeScanOnAHashPoolButListEveryKeyWithoutBounds() {
        cli.createPool("hash");
        cli.onPool("put", "b", "2");
        cli.onPool("put", "a", "1");
        Result ranged = cli.onPool("scan", "--prefix", "a");
        assertEquals(ExitCode.BAD_INPUT.code, ranged.exit());
        assertTrue(ranged.err().contains("hash engine") && ranged.err().contains("--engine sorted"), ranged::toString);
        assertEquals(List.of("a\t1", "b\t2"), cli.onPool("scan").lines().stream().sorted().toList());
    }

    @Test
    void shouldReportStatsFields() {
        cli.createPool("sorted");
        cli.onPool("put", "k1", "v1");
        cli.onPool("put", "k2", "v2");
        cli.onPool("put", "k1", "v1-new");
        Result stats = cli.onPool("stats");
        assertEquals(0, stats.exit(), stats::toString);
        assertAll(
                () -> assertTrue(stats.out().contains("keys                 2\n"), stats::toString),
                () -> assertTrue(stats.out().contains("live bytes"), stats::toString),
                () -> assertTrue(stats.out().contains("log bytes"), stats::toString),
                () -> assertTrue(stats.out().matches("(?s).*live ratio +0\\.\\d+.*"), stats::toString),
                () -> assertTrue(stats.out().contains("write amplification  n/a"), stats::toString),
                () -> assertTrue(stats.out().contains("wear                 n/a (no device profile"), stats::toString),
                () -> assertTrue(stats.out().contains("lost writes          0 since open"), stats::toString));
        Result withDevice = cli.onPool("stats", "--device", "optane-pcm");
        assertTrue(withDevice.out().contains("media line writes since open (optane-pcm)"), withDevice::toString);
    }

    @Test
    void shouldShowHeaderEngineModePersistencePathAndPmemInInfo() {
        cli.createPool("sorted");
        Result info = cli.onPool("info", "--mode", "crawl");
        assertEquals(0, info.exit(), info::toString);
        assertAll(
                () -> assertTrue(info.out().contains("region format        1.0 (data file)"), info::toString),
                () -> assertTrue(info.out().contains("fast tier            detached"), info::toString),
                () -> assertTrue(info.out().contains("engine               sorted (key order: bytewise)"), info::toString),
                () -> assertTrue(info.out().contains("mode                 crawl"), info::toString),
                () -> assertTrue(info.out().contains("persistence path     FDATASYNC"), info::toString),
                () -> assertTrue(info.out().matches("(?s).*\npmem +(yes|emulated|no): .*"), info::toString));
    }

    @Test
    void shouldReportACleanPoolWithExitZero() {
        cli.createPool("hash");
        cli.onPool("put", "a", "1");
        cli.onPool("put", "b", "2");
        Result check = cli.onPool("check");
        assertEquals(new Result(0, "check " + cli.pool + ": clean (2 records, 2 keys verified)\n", ""), check);
    }

    @Test
    void shouldExitTwoAndNameTheKeyWhenAByteOfItsValueIsFlippedWhileClosed() throws IOException {
        cli.createPool("sorted");
        Result imported = cli.kvWithInput("""
                {"key":"alpha","value":"AAAA"}
                {"key":"victim","value":"precious-value"}
                {"key":"omega","value":"ZZZZ"}
                """, "import", "--pool", cli.pool.toString(), "--file", "-");
        assertEquals(0, imported.exit(), imported::toString);

        byte[] file = Files.readAllBytes(cli.pool);
        int at = indexOf(file, "precious-value".getBytes(StandardCharsets.US_ASCII));
        file[at + 3] ^= 0x01;                  // one bit of the value; the valid "omega" record follows it
        Files.write(cli.pool, file);

        Result check = cli.onPool("check");
        assertEquals(ExitCode.CORRUPT.code, check.exit(), check::toString);
        assertTrue(check.out().startsWith("check " + cli.pool + ": CORRUPT"), check::toString);
        assertTrue(check.out().contains("damaged key 'victim'"), check::toString);
        assertTrue(check.out().contains("failed its checksum"), check::toString);

        Result get = cli.onPool("get", "victim");
        assertEquals(ExitCode.CORRUPT.code, get.exit(), get::toString);
        assertTrue(get.err().startsWith("engram kv: MEDIA"), get::toString);
        assertNoStackTrace(get);
        assertEquals("ZZZZ\n", cli.onPool("get", "omega").out());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not in the file");
    }

    @Test
    void shouldRejectAnUnknownModeAsAUsageErrorListingTheChoices() {
        cli.createPool("hash");
        Result r = cli.onPool("get", "k", "--mode", "fly");
        assertEquals(ExitCode.USAGE.code, r.exit());
        assertTrue(r.err().startsWith("engram kv: Invalid value for option '--mode': unknown access mode 'fly':"
                + " expected crawl, walk or run\n"), r::toString);
        assertTrue(r.err().contains("Try './engram kv get --help' for usage."), r::toString);
        assertNoStackTrace(r);
    }

    @Test
    void shouldSayThereIsNoPoolAndHowToCreateOne() {
        Result r = cli.onPool("get", "k");
        assertEquals(ExitCode.NO_POOL.code, r.exit());
        assertEquals("engram kv: " + cli.pool + ": no such pool; create one with ./engram kv create --pool " + cli.pool
                + " --engine sorted\n", r.err());
    }

    @Test
    void shouldRequirePoolAsAUsageError() {
        Result r = cli.kv("get", "k");
        assertEquals(ExitCode.USAGE.code, r.exit());
        assertTrue(r.err().startsWith("engram kv: Missing required option: '--pool=PATH'"), r::toString);
    }

    @Test
    void shouldRefuseToCreateOverAnExistingFile() {
        cli.createPool("hash");
        Result again = cli.createPool("sorted");
        assertEquals(ExitCode.BAD_INPUT.code, again.exit());
        assertTrue(again.err().contains("already exists"), again::toString);
    }

    @Test
    void shouldCompactAPoolOfOverwritesAndKeepItsValues() {
        // 128 KiB segments: the import's ~330 KB of overwrites fills three, and below four the import's
        // background cleaner cleans nothing (Cleaner.AUTO_MIN_SEGMENTS), so compact finds both sealed ones.
        assertEquals(0, cli.onPool("create", "--engine", "sorted", "--size", "512K", "--segment-size", "128K").exit());
        StringBuilder lines = new StringBuilder();
        for (int round = 0; round < 40; round++) {
            for (int k = 0; k < 60; k++) {
                lines.append("{\"key\":\"k").append(k).append("\",\"value\":\"r").append(round).append('-')
                        .append("x".repeat(100)).append("\"}\n");
            }
        }
        Result load = cli.onPool(new java.io.ByteArrayInputStream(lines.toString().getBytes(StandardCharsets.UTF_8)),
                "import", "--file", "-");
        assertEquals(0, load.exit(), load::toString);
        Result r = cli.onPool("compact");
        assertEquals(0, r.exit(), r::toString);
        java.util.regex.Matcher freed = java.util.regex.Pattern.compile("segments freed\\s*:?\\s*(\\d+)").matcher(r.out());
        assertTrue(freed.find(), r::toString);
        assertTrue(Integer.parseInt(freed.group(1)) >= 2, r::toString);
        Result get = cli.onPool("get", "k7");
        assertEquals("r39-" + "x".repeat(100), get.out().strip());
        Result check = cli.onPool("check");
        assertEquals(0, check.exit(), check::toString);
        Result bad = cli.onPool("compact", "--below", "1.5");
        assertEquals(ExitCode.USAGE.code, bad.exit(), bad::toString);
    }

    /** --key-order on a sorted pool copies every live value once; on a hash pool it is refused. */
    @Test
    void shouldCompactASortedPoolInKeyOrderAndRefuseAHashPool() throws Exception {
        cli.createPool("sorted");
        StringBuilder lines = new StringBuilder();
        for (int k = 59; k >= 0; k--) {
            lines.append("{\"key\":\"k").append(k).append("\",\"value\":\"v").append(k).append("\"}\n");
        }
        Result load = cli.onPool(new java.io.ByteArrayInputStream(lines.toString().getBytes(StandardCharsets.UTF_8)),
                "import", "--file", "-");
        assertEquals(0, load.exit(), load::toString);
        Result r = cli.onPool("compact", "--key-order");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().matches("(?s).*records copied\\s*:?\\s*60 .*"), r::toString);
        assertEquals("v7", cli.onPool("get", "k7").out().strip());
        assertEquals(0, cli.onPool("check").exit());
        Result both = cli.onPool("compact", "--key-order", "--below", "0.5");
        assertEquals(ExitCode.USAGE.code, both.exit(), both::toString);

        try (CliRunner other = new CliRunner()) {
            other.createPool("hash");
            Result hash = other.onPool("compact", "--key-order");
            assertEquals(ExitCode.BAD_INPUT.code, hash.exit(), hash::toString);
            assertTrue(hash.err().contains("compactInKeyOrder needs ordered keys"), hash::toString);
        }
    }

    /**
     * A RUN pool created with compressed cold values: compaction compresses the values it moves, and
     * after a destage the capacity file alone opens in WALK and reads them back raw.
     */
    @Test
    void shouldCompressColdValuesOfARunPoolAndReadThemInWalkAfterADestage() {
        Result created = cli.createPool("hash", "--mode", "run", "--fast-size", "1M", "--compress-cold-values");
        assertEquals(0, created.exit(), created::toString);
        assertTrue(created.out().contains("cold values LZ4-compressed"), created::toString);
        StringBuilder lines = new StringBuilder();
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < 400; k++) {
                if (round == 1 && k % 2 == 1) {
                    continue;                          // odd keys stay cold: their segments end half dead
                }
                lines.append("{\"key\":\"k").append(k).append("\",\"value\":\"")
                        .append(("round " + round + " reading ok; ").repeat(20)).append("\"}\n");
            }
        }
        Result load = cli.onPool(new java.io.ByteArrayInputStream(lines.toString().getBytes(StandardCharsets.UTF_8)),
                "import", "--file", "-", "--mode", "run", "--fast-size", "1M");
        assertEquals(0, load.exit(), load::toString);
        Result compact = cli.onPool("compact", "--mode", "run", "--fast-size", "1M");
        assertEquals(0, compact.exit(), compact::toString);
        java.util.regex.Matcher packed = java.util.regex.Pattern.compile("values compressed\\s*:?\\s*(\\d+)")
                .matcher(compact.out());
        assertTrue(packed.find() && Integer.parseInt(packed.group(1)) > 0, compact::toString);
        assertEquals(0, cli.onPool("destage", "--fast-size", "1M").exit());
        assertEquals(("round 0 reading ok; ").repeat(20).strip(), cli.onPool("get", "k7", "--mode", "walk").out().strip());
        assertEquals(("round 1 reading ok; ").repeat(20).strip(), cli.onPool("get", "k8", "--mode", "walk").out().strip());
        Result info = cli.onPool("info", "--mode", "walk");
        assertTrue(info.out().contains("LZ4-compressed when the cleaner moves them"), info::toString);
        assertEquals(0, cli.onPool("check", "--mode", "walk").exit());
    }

    @Test
    void shouldDestageARunPoolSoThatItOpensInWalkMode() {
        assertEquals(0, cli.createPool("hash", "--mode", "run", "--fast-size", "1M").exit());
        assertEquals(0, cli.onPool("put", "k", "v", "--mode", "run", "--fast-size", "1M").exit());

        Result walk = cli.onPool("get", "k");
        assertEquals(ExitCode.UNAVAILABLE.code, walk.exit(), walk::toString);
        assertTrue(walk.err().contains("add --mode run, or first run ./engram kv destage"), walk::toString);

        Result destage = cli.onPool("destage", "--fast-size", "1M");
        assertEquals(0, destage.exit(), destage::toString);
        assertTrue(destage.out().contains("opens in any mode"), destage::toString);
        assertEquals(new Result(0, "v\n", ""), cli.onPool("get", "k", "--mode", "walk"));
    }

    @Test
    void shouldRefuseFastTierOptionsOutsideRunMode() {
        cli.createPool("hash");
        Result r = cli.onPool("get", "k", "--fast-size", "1M");
        assertEquals(ExitCode.USAGE.code, r.exit());
        assertTrue(r.err().contains("--fast-tier and --fast-size apply to --mode run only"), r::toString);
    }

    @Test
    void shouldWorkTheSameInCrawlMode() {
        cli.createPool("sorted", "--mode", "crawl");
        cli.onPool("put", "k", "v", "--mode", "crawl");
        assertEquals(new Result(0, "v\n", ""), cli.onPool("get", "k", "--mode", "crawl"));
        assertEquals(new Result(0, "v\n", ""), cli.onPool("get", "k"));
    }

    @Test
    void shouldDocumentEveryExitCodeInHelp() {
        Result top = cli.kv("--help");
        assertEquals(0, top.exit());
        for (ExitCode code : ExitCode.values()) {
            assertTrue(top.out().contains("\n  " + code.code + " "), () -> code + " missing from\n" + top);
        }
        Result sub = cli.kv("check", "--help");
        assertEquals(0, sub.exit());
        assertTrue(sub.out().contains("Exit codes:") && sub.out().contains("Usage: engram kv check"), sub::toString);
    }

    @Test
    void shouldTreatAMissingCommandAsAUsageErrorListingTheCommands() {
        Result r = cli.kv();
        assertEquals(ExitCode.USAGE.code, r.exit());
        assertTrue(r.err().startsWith("engram kv: missing command: one of create, put, get"), r::toString);
    }
}
