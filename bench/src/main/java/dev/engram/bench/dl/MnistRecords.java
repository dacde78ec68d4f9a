package dev.engram.bench.dl;

import dev.engram.neuro.data.Idx;
import dev.engram.neuro.data.Mnist;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * MNIST as the deep-learning workload's records: the 60,000 training and 10,000 test digits, in that
 * order, each one record of {@value #RECORD_BYTES} bytes:
 *
 * <pre>
 *   [ 784 pixels, row-major, one unsigned byte each | label, one byte (0-9) ]
 *     0                                           783   784
 * </pre>
 *
 * The four IDX files are read from the MNIST cache ({@code ~/.cache/engram/mnist}, or {@code --mnist DIR})
 * after their SHA-256 values are checked against the project's pinned ones, as the neuromorphic module
 * does. All records live in one array; {@link #checksum} is the order-independent sum of the records'
 * CRC32C, which an epoch reading every record once must reproduce.
 */
final class MnistRecords {

    /** Pixels of one digit (28 x 28). */
    static final int PIXEL_BYTES = 784;
    /** Offset of the label byte in a record. */
    static final int LABEL_OFFSET = 784;
    /** Bytes of one record: the pixels and the label. */
    static final int RECORD_BYTES = 785;
    /** Training digits then test digits. */
    static final int RECORDS = 70_000;

    private final byte[] records;
    private final long checksum;

    private MnistRecords(byte[] records) {
        this.records = records;
        long sum = 0;
        for (int i = 0; i < RECORDS; i++) {
            sum += crc(records, i * RECORD_BYTES);
        }
        this.checksum = sum;
    }

    /** Loads and verifies the four files in {@code cacheDir}; fails naming the file when one is absent or corrupt. */
    static MnistRecords load(Path cacheDir) {
        Map<String, String> expected = Mnist.expectedSha256();
        for (String name : Mnist.FILES) {
            Path file = cacheDir.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("MNIST file " + file + " is absent: fetch it with ./engram neuro fetch-data");
            }
            String found = Mnist.sha256(file);
            if (!found.equals(expected.get(name))) {
                throw new IllegalArgumentException("MNIST file " + file + ": SHA-256 " + found + ", expected "
                        + expected.get(name));
            }
        }
        Idx.Images train = Idx.readImages(cacheDir.resolve(Mnist.TRAIN_IMAGES));
        int[] trainLabels = Idx.readLabels(cacheDir.resolve(Mnist.TRAIN_LABELS));
        Idx.Images test = Idx.readImages(cacheDir.resolve(Mnist.TEST_IMAGES));
        int[] testLabels = Idx.readLabels(cacheDir.resolve(Mnist.TEST_LABELS));
        if (train.count() + test.count() != RECORDS || train.rows() * train.columns() != PIXEL_BYTES) {
            throw new IllegalArgumentException("MNIST in " + cacheDir + ": " + train.count() + " + " + test.count()
                    + " digits of " + train.rows() + "x" + train.columns() + ", expected 60000 + 10000 of 28x28");
        }
        byte[] records = new byte[RECORDS * RECORD_BYTES];
        copy(train, trainLabels, records, 0);
        copy(test, testLabels, records, train.count());
        return new MnistRecords(records);
    }

    private static void copy(Idx.Images images, int[] labels, byte[] records, int first) {
        for (int i = 0; i < images.count(); i++) {
            int at = (first + i) * RECORD_BYTES;
            System.arraycopy(images.pixels(), i * PIXEL_BYTES, records, at, PIXEL_BYTES);
            records[at + LABEL_OFFSET] = (byte) labels[i];
        }
    }

    /** Record {@code index} copied into {@code into} (at least {@value #RECORD_BYTES} bytes). */
    void copyRecord(int index, byte[] into) {
        System.arraycopy(records, index * RECORD_BYTES, into, 0, RECORD_BYTES);
    }

    /** Whether {@code value} holds exactly record {@code index}. */
    boolean matches(int index, byte[] value) {
        return value != null && value.length == RECORD_BYTES
                && java.util.Arrays.equals(records, index * RECORD_BYTES, (index + 1) * RECORD_BYTES, value, 0, RECORD_BYTES);
    }

    /** The sum of every record's CRC32C. */
    long checksum() {
        return checksum;
    }

    /** CRC32C of the record starting at {@code offset} of {@code bytes}. */
    static long crc(byte[] bytes, int offset) {
        CRC32C c = new CRC32C();
        c.update(bytes, offset, RECORD_BYTES);
        return c.getValue();
    }
}
