package dev.engram.bench.dl;

/**
 * Where the deep-learning workload keeps its samples and checkpoints: a key-value store
 * ({@link StoreSamples}) or one file per sample in a directory ({@link FileSamples}). One implementation per
 * JVM, so the epoch loop's calls stay monomorphic.
 */
interface Samples extends AutoCloseable {

    /** {@code files}, or the store's {@code --store} name. */
    String store();

    /** The store's engine, or {@code directory} for files. */
    String engine();

    /** Engram's access mode, else {@code none}. */
    String mode();

    /** What a written checkpoint has survived when {@link #writeCheckpoint} returns: power, process or none. */
    String checkpointDurability();

    String dax();

    /** One line: how samples and checkpoints are stored and made durable. */
    String persistence();

    /** Stores sample {@code index} with the cheapest write (ingest, not measured per call). */
    void ingest(int index, byte[] record);

    /** After the last ingest: everything durable and settled. */
    void sealIngest();

    /** Reads sample {@code index} whole into a buffer of this object's; returns its length, -1 if absent. */
    int read(int index);

    /** Sample {@code index} as a new array, or null: for verification. */
    byte[] readCopy(int index);

    /** Writes the first {@code length} bytes of {@code blob} as checkpoint {@code id}, durable on return. */
    void writeCheckpoint(long id, byte[] blob, int length);

    /** Removes checkpoint {@code id}. */
    void deleteCheckpoint(long id);

    @Override
    void close();
}
