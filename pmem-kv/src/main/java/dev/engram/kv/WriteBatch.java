package dev.engram.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Puts and deletes applied all together or not at all, also after a crash: the batch is written as
 * one log record under one checksum and one sequence number. Later operations on the same key win.
 * Not thread-safe: build it on one thread, then hand it to {@link KvStore#write}.
 */
public final class WriteBatch {

    record Op(byte type, byte[] key, byte[] value) {
    }

    final List<Op> ops = new ArrayList<>();
    long payloadBytes;

    public WriteBatch put(byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        ops.add(new Op(PoolFormat.TYPE_PUT, key.clone(), value.clone()));
        payloadBytes += PoolFormat.align8(PoolFormat.ENTRY_HEADER_LENGTH + key.length + value.length);
        return this;
    }

    public WriteBatch delete(byte[] key) {
        Objects.requireNonNull(key, "key");
        ops.add(new Op(PoolFormat.TYPE_DELETE, key.clone(), null));
        payloadBytes += PoolFormat.align8(PoolFormat.ENTRY_HEADER_LENGTH + key.length);
        return this;
    }

    public int size() {
        return ops.size();
    }

    public void clear() {
        ops.clear();
        payloadBytes = 0;
    }
}
