package dev.engram.powerfail;

/**
 * How many images {@link CrashPoint#images(Enumeration)} lists at one crash point.
 *
 * @param exhaustiveLimit list every image when there are at most this many; otherwise the families
 * @param randomImages    how many seeded random images the families include ({@code random#0..})
 */
public record Enumeration(int exhaustiveLimit, int randomImages) {

    /** Exhaustive up to 4096 images, else the families with 32 random images. */
    public static final Enumeration DEFAULT = new Enumeration(4096, 32);

    public Enumeration {
        if (exhaustiveLimit < 1) {
            throw new IllegalArgumentException("exhaustiveLimit " + exhaustiveLimit + ": expected at least 1");
        }
        if (randomImages < 0) {
            throw new IllegalArgumentException("randomImages " + randomImages + ": expected 0 or more");
        }
    }
}
