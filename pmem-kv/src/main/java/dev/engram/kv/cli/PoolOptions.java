package dev.engram.kv.cli;

import dev.engram.device.DeviceProfile;
import dev.engram.kv.KvOptions;
import dev.engram.kv.KvStore;
import dev.engram.region.AccessMode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;

/** The options every command takes to reach its pool: {@code --pool PATH [--mode crawl|walk|run] ...}. */
final class PoolOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--pool", paramLabel = "PATH", required = true, description = "The pool file.")
    Path pool;

    @Option(names = "--mode", paramLabel = "MODE", converter = Converters.Mode.class,
            description = "How to reach the media: crawl (pread/pwrite + fdatasync), walk (mapped loads and stores;"
                    + " libpmem on DAX or tmpfs), or run (a fast tier in front of a capacity file). Default: walk"
                    + " (destage: run).")
    private AccessMode mode;

    @Option(names = "--fast-tier", paramLabel = "PATH",
            description = "RUN: the fast-tier file. Default: the pool path + .fast.")
    private Path fastTier;

    @Option(names = "--fast-size", paramLabel = "SIZE", converter = Converters.ByteSize.class,
            description = "RUN: the fast tier's size, e.g. 64M. Default: 64M.")
    private Long fastSizeBytes;

    @Option(names = "--device", paramLabel = "PROFILE", converter = Converters.Device.class,
            description = "Emulate a device (none, dram, nvdimm-n, optane-pcm, ssd): its latency, bandwidth and"
                    + " wear. Default: none.")
    private DeviceProfile device = DeviceProfile.NONE;

    /** The mode given, else {@code fallback}; refuses fast-tier options outside RUN. */
    AccessMode mode(AccessMode fallback) {
        AccessMode m = mode == null ? fallback : mode;
        if (m != AccessMode.RUN && (fastTier != null || fastSizeBytes != null)) {
            throw new ParameterException(mixee.commandLine(),
                    "--fast-tier and --fast-size apply to --mode run only (the mode is " + name(m) + ")");
        }
        return m;
    }

    /** Whether --mode was given. */
    boolean modeGiven() {
        return mode != null;
    }

    KvOptions options(AccessMode fallbackMode) {
        KvOptions o = new KvOptions(pool).mode(mode(fallbackMode)).device(device);
        if (fastTier != null) {
            o.fastTier(fastTier);
        }
        if (fastSizeBytes != null) {
            o.fastTierSize(fastSizeBytes);
        }
        return o;
    }

    /** Opens the existing pool (recovering it), in the given mode or walk. */
    KvStore open() {
        return open(AccessMode.WALK);
    }

    KvStore open(AccessMode fallbackMode) {
        KvOptions o = options(fallbackMode);
        requireExists();
        return KvStore.open(o);
    }

    void requireExists() {
        if (!Files.exists(pool)) {
            throw new CliException(ExitCode.NO_POOL, pool + ": no such pool; create one with"
                    + " ./engram kv create --pool " + pool + " --engine sorted");
        }
    }

    static String name(AccessMode m) {
        return m.name().toLowerCase(java.util.Locale.ROOT);
    }
}
