package dev.engram.neuro.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarballTest {

    @TempDir
    Path dir;

    /** A ustar entry as npm writes it: 512-byte header, octal size, payload padded to 512. */
    private static void entry(ByteArrayOutputStream tar, String name, byte[] payload) {
        byte[] header = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, header, 0, n.length);
        byte[] size = String.format("%011o", payload.length).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, header, 124, size.length);
        header[156] = '0';
        System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 5);
        tar.writeBytes(header);
        tar.writeBytes(payload);
        tar.writeBytes(new byte[(512 - payload.length % 512) % 512]);
    }

    @Test
    void shouldExtractOnlyTheWantedEntriesUnderTheirFileNames() throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        byte[] labels = IdxFiles.labels(new byte[] {7, 1, 4});
        byte[] big = new byte[1500];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        entry(tar, "package/package.json", "{}".getBytes(StandardCharsets.US_ASCII));
        entry(tar, "package/data/t10k-labels-idx1-ubyte", labels);
        entry(tar, "package/data/big", big);
        tar.writeBytes(new byte[1024]);
        Path tgz = IdxFiles.write(dir.resolve("p.tgz"), IdxFiles.gzip(tar.toByteArray()));
        Path out = Files.createDirectory(dir.resolve("out"));

        Map<String, Path> found = Tarball.extract(tgz,
                Set.of("package/data/t10k-labels-idx1-ubyte", "package/data/big", "package/data/absent"), out);

        assertEquals(Set.of("package/data/t10k-labels-idx1-ubyte", "package/data/big"), found.keySet());
        assertArrayEquals(labels, Files.readAllBytes(out.resolve("t10k-labels-idx1-ubyte")));
        assertArrayEquals(big, Files.readAllBytes(out.resolve("big")));
        assertArrayEquals(new int[] {7, 1, 4}, Idx.readLabels(found.get("package/data/t10k-labels-idx1-ubyte")));
    }
}
