package dev.engram.kv.cli;

import dev.engram.device.DeviceProfile;
import dev.engram.kv.KvOptions;
import dev.engram.kv.KvStore;
import dev.engram.region.AccessMode;
import dev.engram.region.RegionHeader;
import dev.engram.region.Regions;
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
            description = "RUN: the fast-tier file. Default: the pool PATH with .fast appended.")
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

    DeviceProfile device() {
        return device;
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

    /**
     * Opens the existing pool (recovering it), in the given mode or walk, without the background
     * cleaner: a one-shot command does what it says and no more (a get or a stats copies no records
     * beyond what recovery writes, and compact's report counts all the cleaning done; PoolOptionsTest).
     * {@link #openWithBackgroundCleaning} for a command that writes much.
     */
    KvStore open() {
        return open(AccessMode.WALK);
    }

    KvStore open(AccessMode fallbackMode) {
        return open(options(fallbackMode).autoCompact(false));
    }

    /** {@link #open()} with the background cleaner on (an import of overwrites keeps the log small). */
    KvStore openWithBackgroundCleaning() {
        return open(options(AccessMode.WALK));
    }

    private KvStore open(KvOptions o) {
        requireExists();
        if (o.mode() != AccessMode.RUN) {
            requireDetached();
        }
        return KvStore.open(o);
    }

    void requireExists() {
        if (!Files.exists(pool)) {
            throw new CliException(ExitCode.NO_POOL, pool + ": no such pool; create one with"
                    + " ./engram kv create --pool " + pool + " --engine sorted");
        }
    }

    /** CRAWL and WALK cannot open a pool whose RUN fast tier holds writes: say what to do instead. */
    private void requireDetached() {
        long token = Regions.readHeader(pool, RegionHeader.KIND_DATA).attachWord();
        if (token != 0) {
            throw new CliException(ExitCode.UNAVAILABLE, pool + ": a RUN fast tier (token 0x" + Long.toHexString(token)
                    + ") holds writes not yet in this file: add --mode run, or first run ./engram kv destage --pool " + pool);
        }
    }

    static String name(AccessMode m) {
        return m.name().toLowerCase(java.util.Locale.ROOT);
    }
}
