package dev.engram.kv;

/** When a write is durable, per store (the default of every call) or per call. */
public enum Durability {
    /** Durable when the call returns: the record is flushed and fenced before the index publishes it. */
    DURABLE,
    /**
     * Acknowledged once visible; durable at the next {@link KvStore#sync()} (or a later durable write
     * in the same log lane). After a crash every write before the last completed {@code sync()} is
     * present; later buffered writes may each be present or absent, never partial.
     */
    BUFFERED
}
