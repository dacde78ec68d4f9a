package dev.engram.kv;

/** When a write is durable, per store (the default of every call) or per call. */
public enum Durability {
    /** Durable when the call returns: the record is flushed and fenced before the index publishes it. */
    DURABLE,
    /**
     * Acknowledged once visible; durable at the next {@link KvStore#sync()} (or a later durable write
     * by the same thread: a thread keeps its log lane while the store is open). After a crash every
     * write before the last completed {@code sync()} is present; of the later ones, each thread's
     * recovered writes are a prefix of its own (a lost write means its later writes are lost too), none
     * partial, a batch all or nothing. Two threads' buffered writes are not ordered against each other.
     */
    BUFFERED
}
