package dev.engram.kv;

import java.nio.ByteBuffer;

/**
 * Reads a value in place: the buffer is a read-only view of the verified record, valid only during
 * the call (do not keep it). Lets a caller parse or hash a value without allocating a copy. The callback
 * may read the store (or another) again: those reads use buffers of their own, so the view does not
 * change under it.
 */
@FunctionalInterface
public interface ValueReader<R> {
    R read(ByteBuffer value);
}
