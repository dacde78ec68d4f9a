package dev.engram.bench.dl;

import dev.engram.bench.store.BenchStore;
import dev.engram.bench.store.StoreKind;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Samples and checkpoints as records of a {@link BenchStore}, at the store's fastest setting: samples are
 * ingested with its cheapest write and settled once; a checkpoint is written as {@value #CHUNK_BYTES}-byte
 * chunks, then {@link BenchStore#sync()}: durable when it returns (power-safe for every store but
 * Chronicle Map, which cannot sync: {@code process}).
 *
 * <p>Keys, 16 bytes, big-endian:
 * <pre>
 *   sample:      [ 'S' | 0 x 7          | sample index, u64 ]
 *   checkpoint:  [ 'C' | checkpoint id, low 7 bytes | chunk number, u64 ]
 *     byte        0     1                         7   8                15
 * </pre>
 */
final class StoreSamples implements Samples {

    /** Bytes of one key. */
    static final int KEY_BYTES = 16;
    /** Offset of the kind byte ('S' or 'C'). */
    static final int KIND_OFFSET = 0;
    /** Offset of the u64 that holds the checkpoint id (its top byte overwritten by the kind). */
    static final int CHECKPOINT_ID_OFFSET = 0;
    /** Offset of the sample index or chunk number. */
    static final int NUMBER_OFFSET = 8;
    static final byte SAMPLE = 'S';
    static final byte CHECKPOINT = 'C';
    /** A checkpoint is written in chunks of this size (Engram's records hold up to about 4 MiB). */
    static final int CHUNK_BYTES = 1 << 20;

    private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final BenchStore store;
    private final StoreKind kind;
    private final byte[] key = new byte[KEY_BYTES];
    private final byte[] chunk = new byte[CHUNK_BYTES];

    StoreSamples(BenchStore store, StoreKind kind) {
        this.store = store;
        this.kind = kind;
    }

    private byte[] sampleKey(int index) {
        BIG_ENDIAN_LONG.set(key, CHECKPOINT_ID_OFFSET, 0L);
        key[KIND_OFFSET] = SAMPLE;
        BIG_ENDIAN_LONG.set(key, NUMBER_OFFSET, (long) index);
        return key;
    }

    private byte[] chunkKey(long id, long chunkNumber) {
        BIG_ENDIAN_LONG.set(key, CHECKPOINT_ID_OFFSET, id);
        key[KIND_OFFSET] = CHECKPOINT;
        BIG_ENDIAN_LONG.set(key, NUMBER_OFFSET, chunkNumber);
        return key;
    }

    @Override
    public String store() {
        return store.name();
    }

    @Override
    public String engine() {
        return store.engine();
    }

    @Override
    public String mode() {
        return store.mode();
    }

    @Override
    public String checkpointDurability() {
        return kind == StoreKind.CHRONICLE ? "process" : "power";
    }

    @Override
    public String dax() {
        return store.dax();
    }

    @Override
    public String persistence() {
        return store.persistence() + "; a checkpoint is 1 MiB chunks, then sync()";
    }

    @Override
    public void ingest(int index, byte[] record) {
        store.load(sampleKey(index), record);
    }

    @Override
    public void sealIngest() {
        store.settle();
    }

    @Override
    public int read(int index) {
        return store.get(sampleKey(index));
    }

    @Override
    public byte[] readCopy(int index) {
        return store.value(sampleKey(index));
    }

    @Override
    public void writeCheckpoint(long id, byte[] blob, int length) {
        for (int at = 0, n = 0; at < length; at += CHUNK_BYTES, n++) {
            int size = Math.min(CHUNK_BYTES, length - at);
            byte[] value = size == CHUNK_BYTES ? chunk : new byte[size];
            System.arraycopy(blob, at, value, 0, size);
            store.put(chunkKey(id, n), value);
        }
        store.sync();
    }

    @Override
    public void deleteCheckpoint(long id) {
        for (long n = 0; store.delete(chunkKey(id, n)); n++) {
            // every chunk, until the first absent one
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
