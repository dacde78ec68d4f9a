package dev.engram.kv;

/** The index engine, chosen when a pool is created and recorded in its header. */
public enum EngineKind {
    /** Unordered keys; the fastest point operations; unordered (but consistent) iteration. */
    HASH(1),
    /** Keys ordered by the pool's comparator; scans, prefix, seek, next, prev. */
    SORTED(2);

    final int id;

    EngineKind(int id) {
        this.id = id;
    }

    static EngineKind ofId(int id) {
        for (EngineKind k : values()) {
            if (k.id == id) {
                return k;
            }
        }
        return null;
    }

    /** Parses "hash" or "sorted", case-insensitively. */
    public static EngineKind parse(String name) {
        for (EngineKind k : values()) {
            if (k.name().equalsIgnoreCase(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + name + "': expected hash or sorted");
    }
}
