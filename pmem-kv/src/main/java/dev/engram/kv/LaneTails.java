package dev.engram.kv;

import java.util.Locale;

/**
 * When a lane commits its tail (step K2c of docs/durability.md; byte-addressable media only: WALK with
 * libpmem, RUN). The lane tail is not what makes a write durable (K2 does that, in every choice here);
 * it is what lets recovery tell a lane's last records, damaged by the media after they were
 * acknowledged, from a crash-torn tail. A record with a committed tail, or a later record of its lane,
 * over it reads {@code MEDIA} after such damage; one without reads as torn, and its key reads its
 * previous value. Chosen per open ({@link KvOptions#laneTails(LaneTails)}), not recorded in the pool.
 */
public enum LaneTails {
    /**
     * The default: every persist of a lane (each durable write, each {@code sync()}) is followed by the
     * tail's own flush + drain before the write returns, so no acknowledged record is ever without a
     * proof. Costs that second flush + drain per durable write (measured in docs/durability.md).
     */
    EVERY_PERSIST,
    /**
     * Durable writes skip K2c; the store's background agent commits each lane's tail within about 100 ms
     * of its last persist, plus at most one segment's cleaning (when the store runs it: {@link
     * KvOptions#autoCompact}; also inside a long pass in key order), and {@code sync()} and {@code close()}
     * commit every lane's. A write is as durable as with {@link #EVERY_PERSIST}; only a lane's last records
     * persisted in that window before a crash, then damaged by the media, read as torn rather than
     * {@code MEDIA}. Without the background agent, the window lasts until the next {@code sync()},
     * {@code close()} or durable write of the lane.
     */
    BACKGROUND,
    /** Never: a lane's last records damaged by the media always read as torn after a crash. */
    OFF;

    /** The spelling of command-line options and benchmark results: "every-persist", "background", "off". */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses a {@link #label}, case-insensitively. */
    public static LaneTails parse(String label) {
        for (LaneTails t : values()) {
            if (t.label().equalsIgnoreCase(label)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown lane tails '" + label
                + "': expected every-persist, background or off");
    }
}
