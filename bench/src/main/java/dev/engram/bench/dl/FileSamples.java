package dev.engram.bench.dl;

import dev.engram.bench.store.Media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One file per sample, as image-folder datasets keep them: {@code samples/LABEL/INDEX.bin}, ten class
 * directories of about 7,000 files. A read is what a data loader does per sample: open, read the whole
 * file into a buffer, close. The list of paths is built at ingest and kept in memory, like a loader's
 * index. A checkpoint is one file, {@code checkpoints/ckpt-ID.bin}, written, fsync'ed, and its directory
 * fsync'ed so the new name is durable too ({@code power} on a disk file system).
 *
 * <p>Ingested samples are written and not fsync'ed one by one (that would cost one fsync per sample on a
 * disk); {@link #sealIngest} fsyncs every file once.
 */
final class FileSamples implements Samples {

    private final Path root;
    private final Path checkpoints;
    private final Path[] paths = new Path[MnistRecords.RECORDS];
    private final byte[] buffer = new byte[MnistRecords.RECORD_BYTES];
    private final ByteBuffer wrapped = ByteBuffer.wrap(buffer);

    FileSamples(Path root) {
        this.root = root;
        this.checkpoints = root.resolve("checkpoints");
        try {
            Files.createDirectories(checkpoints);
            for (int label = 0; label < 10; label++) {
                Files.createDirectories(root.resolve("samples").resolve(Integer.toString(label)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String store() {
        return "files";
    }

    @Override
    public String engine() {
        return "directory";
    }

    @Override
    public String mode() {
        return "none";
    }

    @Override
    public String checkpointDurability() {
        return "power";
    }

    @Override
    public String dax() {
        return Media.dax(root);
    }

    @Override
    public String persistence() {
        return "one file per sample (samples/LABEL/INDEX.bin; open, read, close per sample); a checkpoint is one "
                + "file written, fsync'ed, and its directory fsync'ed";
    }

    @Override
    public void ingest(int index, byte[] record) {
        Path p = root.resolve("samples").resolve(Integer.toString(record[MnistRecords.LABEL_OFFSET]))
                .resolve(index + ".bin");
        try {
            Files.write(p, java.util.Arrays.copyOf(record, MnistRecords.RECORD_BYTES), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + p + ": " + e.getMessage(), e);
        }
        paths[index] = p;
    }

    @Override
    public void sealIngest() {
        for (Path p : paths) {
            try (FileChannel c = FileChannel.open(p, StandardOpenOption.WRITE)) {
                c.force(true);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot fsync " + p + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public int read(int index) {
        try (FileChannel c = FileChannel.open(paths[index], StandardOpenOption.READ)) {
            wrapped.clear();
            while (wrapped.hasRemaining() && c.read(wrapped) >= 0) {
                // until the buffer is full or the file ends
            }
            return wrapped.position();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + paths[index] + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] readCopy(int index) {
        try {
            return Files.readAllBytes(paths[index]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + paths[index] + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void writeCheckpoint(long id, byte[] blob, int length) {
        Path p = checkpoints.resolve("ckpt-" + id + ".bin");
        try (FileChannel c = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(blob, 0, length);
            while (b.hasRemaining()) {
                c.write(b);
            }
            c.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + p + ": " + e.getMessage(), e);
        }
        try (FileChannel d = FileChannel.open(checkpoints, StandardOpenOption.READ)) {
            d.force(true);                       // the directory entry of the new file
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fsync " + checkpoints + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteCheckpoint(long id) {
        try {
            Files.deleteIfExists(checkpoints.resolve("ckpt-" + id + ".bin"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete checkpoint " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
    }
}
