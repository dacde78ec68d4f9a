package dev.engram.kv.cli;

import dev.engram.device.DeviceProfile;
import dev.engram.kv.KvStats;
import dev.engram.kv.KvStore;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.util.Locale;

@Command(name = "stats", header = "Keys, bytes, live ratio, write amplification, wear.",
        description = {
        "Prints what the pool holds: keys, live and log bytes, live ratio, write amplification and wear.",
        "Write amplification and wear are counted since open, so a fresh 'stats' has none to show",
        "(import prints the write amplification of its own session); wear needs --device."})
final class StatsCommand extends PoolCommand {

    @Override
    public Integer call() {
        DeviceProfile device;
        KvStats s;
        String engine;
        try (KvStore kv = pool.open()) {
            s = kv.stats();
            engine = kv.engine().name().toLowerCase(Locale.ROOT);
        }
        device = pool.device();
        PrintStream out = io().out();
        Text.field(out, "pool", pool.pool.toString());
        Text.field(out, "engine", engine);
        Text.field(out, "keys", Text.count(s.keys()));
        Text.field(out, "live bytes", Text.bytes(s.liveBytes()) + " (records the index references)");
        Text.field(out, "log bytes", Text.bytes(s.logBytes()) + " (segments in use)");
        Text.field(out, "live ratio", String.format(Locale.ROOT, "%.3g (live / log bytes; kv compact reclaims"
                + " the rest)", s.liveRatio()));
        Text.field(out, "write amplification", s.userBytesWritten() == 0
                ? "n/a (counted since open, and this command wrote nothing)"
                : String.format(Locale.ROOT, "%.2f (log bytes %s / user bytes %s since open)", s.writeAmplification(),
                Text.bytes(s.logBytesWritten()), Text.bytes(s.userBytesWritten())));
        Text.field(out, "wear", device == DeviceProfile.NONE
                ? "n/a (no device profile: pass --device optane-pcm to count media line writes)"
                : Text.count(s.mediaWrites()) + " media line writes since open (" + device.name() + ")");
        Text.field(out, "lost writes", Text.count(s.lostWrites()) + " since open (records and segment headers the"
                + " media reported it did not take; their keys read MEDIA)");
        Text.field(out, "persists", Text.count(s.persists()) + " since open (flushes " + Text.count(s.region().flushes())
                + ", drains " + Text.count(s.region().drains()) + ", system calls " + Text.count(s.region().syscalls()) + ")");
        return ExitCode.OK.code;
    }
}
