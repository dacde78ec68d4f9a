package dev.engram.powerfail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The state of all devices of a simulator at one crash point, frozen: what is durable, and the
 * <em>units</em> a power failure may still decide. A crash image is one choice per unit.
 *
 * <h2>Units and their choices</h2>
 * <ul>
 *   <li>A pending word of a memory device: choice 0 is its durable value, choice {@code i >= 1} its
 *       {@code i}-th distinct pending value (in program order, values equal to the durable one or to
 *       an earlier version folded together, since they make the same image).</li>
 *   <li>A dirty sector of a block device (one holding writes since the last fdatasync): choice 0
 *       drops every unsynced write (the sector keeps its durable content), choice {@code i} in
 *       {@code 1..v} writes it as it stood after its {@code i}-th write call (the page cache may write
 *       it back between two writes), and choice {@code v + 1} fills it with seeded garbage (a torn
 *       or corrupted sector write). A sector written once therefore has the three outcomes written,
 *       dropped, garbage.</li>
 * </ul>
 * Units are ordered by device, then by word or sector index.
 *
 * <h2>Entries</h2>
 * Every pending version is also an <em>entry</em> in global program order (the event that stored it),
 * across devices. The families used when exhaustive enumeration is too large are defined on entries:
 * including a set of entries means each unit takes the choice of its newest included entry, or 0.
 *
 * <h2>Enumeration</h2>
 * When {@link #imageCount()} (the product of the units' choice counts) is at most
 * {@link Enumeration#exhaustiveLimit()}, {@link #images} lists every image ({@code exhaustive#i}, the
 * mixed-radix number of the choice vector, unit 0 least significant). Otherwise it lists, without
 * duplicates: {@code prefix#k} (the first {@code k} entries survive: write-back in program order cut
 * short), {@code suffix#k} (only the last {@code k} survive), {@code leaveOneOut#i} (all but entry
 * {@code i}), {@code onlyOne#i} (only entry {@code i}), {@code garbage#u} for each dirty sector (all
 * entries survive but sector unit {@code u} is garbage), and {@code random#j} for
 * {@code j < randomImages} (each unit takes a uniformly random choice, from a generator seeded by seed,
 * crash point and {@code j}). With {@code E} entries that is at most {@code 4E + 1 + sectors + randomImages}
 * images, found duplicate-free in {@code O(E)} by Zobrist-hashing the choice vectors incrementally.
 *
 * <p>Caveat: a word stored many times between two fences keeps every version (the families need
 * program order), so a hot counter that is never flushed grows its crash point without bound.
 */
public final class CrashPoint {

    private static final long GOLDEN = 0x9e3779b97f4a7c15L;

    private final PowerFailSimulator simulator;
    private final int point;
    private final int operationIndex;
    private final long logHash;
    private final long seed;
    private final DeviceSpec[] devices;
    private final PagedContent[] durable;

    private final int[] unitDevice;
    private final long[] unitIndex;
    private final int[] unitChoices;
    /** Memory units: the word's choices, [0] being the durable value. Null for sector units. */
    private final long[][] wordChoices;
    /** Sector units: their versions. Null for word units. */
    private final SectorVersions[] sectors;

    private final int[] entryUnit;
    private final int[] entryChoice;

    /** The writes pending on one dirty sector, sorted by store event; version {@code i} applies rows {@code [0, versionEnds[i-1])}. */
    record SectorVersions(long[] words, long[] values, int[] versionEnds) {
    }

    private CrashPoint(Builder b, PowerFailSimulator simulator, int point, int operationIndex, long logHash,
            long seed, DeviceSpec[] devices, PagedContent[] durable) {
        this.simulator = simulator;
        this.point = point;
        this.operationIndex = operationIndex;
        this.logHash = logHash;
        this.seed = seed;
        this.devices = devices;
        this.durable = durable;
        int units = b.unitDevice.size();
        this.unitDevice = new int[units];
        this.unitIndex = new long[units];
        this.unitChoices = new int[units];
        this.wordChoices = new long[units][];
        this.sectors = new SectorVersions[units];
        for (int u = 0; u < units; u++) {
            unitDevice[u] = b.unitDevice.get(u);
            unitIndex[u] = b.unitIndex.get(u);
            wordChoices[u] = b.wordChoices.get(u);
            sectors[u] = b.sectors.get(u);
            unitChoices[u] = wordChoices[u] != null ? wordChoices[u].length : sectors[u].versionEnds().length + 2;
        }
        // Program order: by event, then (one store call touching several units) by unit.
        long[] keys = Arrays.copyOf(b.entryKeys, b.entryCount);
        Arrays.sort(keys);
        this.entryUnit = new int[b.entryCount];
        this.entryChoice = new int[b.entryCount];
        for (int k = 0; k < b.entryCount; k++) {
            int ordinal = (int) keys[k];
            entryUnit[k] = b.entryUnits[ordinal];
            entryChoice[k] = b.entryChoices[ordinal];
        }
    }

    /** The crash point: the moment after this many events of the simulator's log. */
    public int point() {
        return point;
    }

    /** The innermost operation open at this point, or -1 between operations. */
    public int operationIndex() {
        return operationIndex;
    }

    /** The name of {@link #operationIndex()}, or {@code null} between operations. */
    public String operationName() {
        return operationIndex < 0 ? null : simulator.operationName(operationIndex);
    }

    /** The seed that random families and garbage sectors of this point's images derive from. */
    public long seed() {
        return seed;
    }

    /** The names of the devices that exist at this point, in creation order. */
    public List<String> deviceNames() {
        List<String> names = new ArrayList<>(devices.length);
        for (DeviceSpec d : devices) {
            names.add(d.name());
        }
        return names;
    }

    /** How many units (pending words, dirty sectors) a crash here still decides. */
    public int unitCount() {
        return unitDevice.length;
    }

    /** How many choices unit {@code unit} has. */
    public int choiceCount(int unit) {
        return unitChoices[unit];
    }

    /** How many pending versions, in program order, the families are defined on. */
    public int entryCount() {
        return entryUnit.length;
    }

    /** E.g. {@code "pmem word @0x40: durable or 2 pending values"} or {@code "disk sector 3 (@0x600): 1 write"}. */
    public String describeUnit(int unit) {
        DeviceSpec d = devices[unitDevice[unit]];
        if (wordChoices[unit] != null) {
            return d.name() + " word @0x" + Long.toHexString(unitIndex[unit] * PowerFailSimulator.WORD_BYTES)
                    + ": durable or " + (unitChoices[unit] - 1) + " pending value(s)";
        }
        return d.name() + " sector " + unitIndex[unit] + " (@0x" + Long.toHexString(unitIndex[unit] * d.sectorBytes())
                + "): dropped, " + (unitChoices[unit] - 2) + " written version(s) or garbage";
    }

    /** The number of distinct images: the product of the units' choice counts, saturating at {@link Long#MAX_VALUE}. */
    public long imageCount() {
        long product = 1;
        for (int c : unitChoices) {
            if (product > Long.MAX_VALUE / c) {
                return Long.MAX_VALUE;
            }
            product *= c;
        }
        return product;
    }

    /** {@link #images(Enumeration)} with {@link Enumeration#DEFAULT}. */
    public List<CrashImage> images() {
        return images(Enumeration.DEFAULT);
    }

    /** Every image when there are at most {@code enumeration.exhaustiveLimit()}, the families otherwise (see class doc). */
    public List<CrashImage> images(Enumeration enumeration) {
        long count = imageCount();
        if (count <= enumeration.exhaustiveLimit()) {
            List<CrashImage> images = new ArrayList<>((int) count);
            for (int i = 0; i < count; i++) {
                images.add(new CrashImage(this, "exhaustive#" + i, null));
            }
            return images;
        }
        return families(enumeration.randomImages());
    }

    /** Whether {@link #images(Enumeration)} enumerates exhaustively here. */
    public boolean isExhaustive(Enumeration enumeration) {
        return imageCount() <= enumeration.exhaustiveLimit();
    }

    /** The image a family token names, e.g. {@code "random#3"} or {@code "exhaustive#17"}; validated now. */
    public CrashImage image(String family) {
        CrashImage image = new CrashImage(this, family, null);
        image.choices();
        return image;
    }

    /**
     * The image with an explicit choice per unit ({@code choices.length == unitCount()}), e.g. one a
     * test constructed or minimised; its descriptor lists the non-zero choices.
     */
    public CrashImage image(int[] choices) {
        if (choices.length != unitCount()) {
            throw new IllegalArgumentException("expected " + unitCount() + " choices (one per unit), got "
                    + choices.length);
        }
        for (int u = 0; u < choices.length; u++) {
            checkChoice(u, choices[u]);
        }
        return new CrashImage(this, "subset", choices.clone());
    }

    CrashImage image(String family, String subset) {
        if (!"subset".equals(family)) {
            return image(family);
        }
        int[] choices = new int[unitCount()];
        if (subset != null && !subset.equals("-")) {
            for (String pair : subset.split(",")) {
                int colon = pair.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("subset entry '" + pair + "': expected unit:choice");
                }
                int u = Integer.parseInt(pair.substring(0, colon));
                if (u < 0 || u >= choices.length) {
                    throw new IllegalArgumentException("subset names unit " + u + ", this crash point has "
                            + choices.length + " units");
                }
                choices[u] = Integer.parseInt(pair.substring(colon + 1));
            }
        }
        return image(choices);
    }

    // ------------------------------------------------------------------------------------------
    // Families

    private List<CrashImage> families(int randomImages) {
        int units = unitCount();
        int entries = entryCount();
        List<CrashImage> images = new ArrayList<>();
        Set<Long> seen = new HashSet<>();

        // prefix#k: a running vector, one unit changed per step, hash updated incrementally.
        int[] current = new int[units];
        long hash = 0;
        add(images, seen, hash, "prefix#0");
        for (int k = 0; k < entries; k++) {
            int u = entryUnit[k];
            hash ^= z(u, current[u]) ^ z(u, entryChoice[k]);
            current[u] = entryChoice[k];
            add(images, seen, hash, "prefix#" + (k + 1));
        }
        long allHash = hash;
        int[] all = current;

        // suffix#k: walking back, a unit is decided by the first (newest) entry met.
        boolean[] decided = new boolean[units];
        hash = 0;
        for (int k = entries - 1; k >= 0; k--) {
            int u = entryUnit[k];
            if (!decided[u]) {
                decided[u] = true;
                hash ^= z(u, entryChoice[k]);
            }
            add(images, seen, hash, "suffix#" + (entries - k));
        }

        // leaveOneOut#i: differs from "all" only when entry i is its unit's newest.
        int[] previousOfUnit = new int[entries];
        int[] newestOfUnit = new int[units];
        Arrays.fill(newestOfUnit, -1);
        for (int k = 0; k < entries; k++) {
            previousOfUnit[k] = newestOfUnit[entryUnit[k]];
            newestOfUnit[entryUnit[k]] = k;
        }
        for (int k = 0; k < entries; k++) {
            int u = entryUnit[k];
            long h = allHash;
            if (newestOfUnit[u] == k) {
                int fallback = previousOfUnit[k] < 0 ? 0 : entryChoice[previousOfUnit[k]];
                h ^= z(u, all[u]) ^ z(u, fallback);
            }
            add(images, seen, h, "leaveOneOut#" + k);
        }
        for (int k = 0; k < entries; k++) {
            add(images, seen, z(entryUnit[k], entryChoice[k]), "onlyOne#" + k);
        }
        for (int u = 0; u < units; u++) {
            if (sectors[u] != null) {
                add(images, seen, allHash ^ z(u, all[u]) ^ z(u, unitChoices[u] - 1), "garbage#" + u);
            }
        }
        for (int j = 0; j < randomImages; j++) {
            int[] choices = randomChoices(j);
            long h = 0;
            for (int u = 0; u < units; u++) {
                h ^= z(u, choices[u]);
            }
            add(images, seen, h, "random#" + j);
        }
        return images;
    }

    private void add(List<CrashImage> images, Set<Long> seen, long hash, String family) {
        if (seen.add(hash)) {
            images.add(new CrashImage(this, family, null));
        }
    }

    /** Zobrist key of "unit u takes choice c"; choice 0 keys to 0 so the all-durable image hashes to 0. */
    private static long z(int unit, int choice) {
        return choice == 0 ? 0 : EventLog.mix(((long) unit << 32 | choice) * GOLDEN + GOLDEN);
    }

    private int[] randomChoices(int j) {
        SplittableRandom random = new SplittableRandom(EventLog.mix(seed ^ EventLog.mix(point * GOLDEN + j)));
        int[] choices = new int[unitCount()];
        for (int u = 0; u < choices.length; u++) {
            choices[u] = random.nextInt(unitChoices[u]);
        }
        return choices;
    }

    // ------------------------------------------------------------------------------------------
    // Decoding a family token into a choice vector

    int[] decode(String family, int[] explicit) {
        if (explicit != null) {
            return explicit;
        }
        int hashMark = family.indexOf('#');
        if (hashMark < 0) {
            throw new IllegalArgumentException("family '" + family + "': expected name#index, e.g. random#3");
        }
        String name = family.substring(0, hashMark);
        long index;
        try {
            index = Long.parseLong(family.substring(hashMark + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("family '" + family + "': the index is not a number", e);
        }
        int entries = entryCount();
        int[] choices = new int[unitCount()];
        switch (name) {
            case "exhaustive" -> {
                checkIndex(family, index, imageCount() - 1);
                long rest = index;
                for (int u = 0; u < choices.length; u++) {
                    choices[u] = (int) (rest % unitChoices[u]);
                    rest /= unitChoices[u];
                }
            }
            case "prefix" -> {
                checkIndex(family, index, entries);
                applyEntries(choices, 0, (int) index, -1);
            }
            case "suffix" -> {
                checkIndex(family, index, entries);
                applyEntries(choices, entries - (int) index, entries, -1);
            }
            case "leaveOneOut" -> {
                checkIndex(family, index, entries - 1);
                applyEntries(choices, 0, entries, (int) index);
            }
            case "onlyOne" -> {
                checkIndex(family, index, entries - 1);
                applyEntries(choices, (int) index, (int) index + 1, -1);
            }
            case "garbage" -> {
                checkIndex(family, index, choices.length - 1);
                if (sectors[(int) index] == null) {
                    throw new IllegalArgumentException("family '" + family + "': unit " + index
                            + " is a memory word, garbage applies to block sectors only");
                }
                applyEntries(choices, 0, entries, -1);
                choices[(int) index] = unitChoices[(int) index] - 1;
            }
            case "random" -> {
                checkIndex(family, index, Integer.MAX_VALUE);
                choices = randomChoices((int) index);
            }
            default -> throw new IllegalArgumentException("unknown family '" + name + "' in '" + family
                    + "': expected exhaustive, prefix, suffix, leaveOneOut, onlyOne, garbage, random or subset");
        }
        return choices;
    }

    private void applyEntries(int[] choices, int from, int to, int skip) {
        for (int k = from; k < to; k++) {
            if (k != skip) {
                choices[entryUnit[k]] = entryChoice[k];
            }
        }
    }

    private void checkIndex(String family, long index, long max) {
        if (index < 0 || index > max) {
            throw new IllegalArgumentException("family '" + family + "' at crash point " + point
                    + ": index outside [0, " + max + "]");
        }
    }

    private void checkChoice(int unit, int choice) {
        if (choice < 0 || choice >= unitChoices[unit]) {
            throw new IllegalArgumentException("unit " + unit + " (" + describeUnit(unit) + ") has choices [0, "
                    + (unitChoices[unit] - 1) + "], got " + choice);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Materialisation

    int deviceCount() {
        return devices.length;
    }

    DeviceSpec device(int index) {
        return devices[index];
    }

    int deviceIndex(String name) {
        for (int i = 0; i < devices.length; i++) {
            if (devices[i].name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no device '" + name + "' at crash point " + point + ": devices are "
                + deviceNames());
    }

    /**
     * The content of device {@code deviceIndex} in the image with these choices: the durable pages,
     * shared, with the pages the chosen units land in copied and written.
     */
    PagedContent content(int deviceIndex, int[] choices) {
        PagedContent image = durable[deviceIndex].sharedCopy();
        for (int u = 0; u < choices.length; u++) {
            int c = choices[u];
            if (c == 0 || unitDevice[u] != deviceIndex) {
                continue;
            }
            if (wordChoices[u] != null) {
                image.putLong(unitIndex[u] * PowerFailSimulator.WORD_BYTES, wordChoices[u][c]);
                continue;
            }
            int sectorBytes = devices[deviceIndex].sectorBytes();
            long from = unitIndex[u] * sectorBytes;
            if (c == unitChoices[u] - 1) {
                byte[] garbage = new byte[(int) Math.min(sectorBytes, image.size() - from)];
                new SplittableRandom(EventLog.mix(seed ^ EventLog.mix(point * GOLDEN ^ deviceIndex * 0xc2b2ae3d27d4eb4fL
                        ^ unitIndex[u] * 0x165667b19e3779f9L))).nextBytes(garbage);
                image.write(from, garbage, 0, garbage.length);
            } else {
                SectorVersions s = sectors[u];
                for (int row = 0; row < s.versionEnds()[c - 1]; row++) {
                    image.putLong(s.words()[row] * PowerFailSimulator.WORD_BYTES, s.values()[row]);
                }
            }
        }
        return image;
    }

    PowerFailSimulator simulator() {
        return simulator;
    }

    long logHash() {
        return logHash;
    }

    @Override
    public String toString() {
        return "CrashPoint[point=" + point + ", op=" + operationIndex
                + (operationIndex < 0 ? "" : " '" + operationName() + "'") + ", units=" + unitCount()
                + ", entries=" + entryCount() + ", images=" + imageCount() + "]";
    }

    /** Collects units and entries while {@link DurabilityTracker#snapshot} walks the pending state. */
    static final class Builder {
        private final ArrayList<Integer> unitDevice = new ArrayList<>();
        private final ArrayList<Long> unitIndex = new ArrayList<>();
        private final ArrayList<long[]> wordChoices = new ArrayList<>();
        private final ArrayList<SectorVersions> sectors = new ArrayList<>();
        private long[] entryKeys = new long[16];
        private int[] entryUnits = new int[16];
        private int[] entryChoices = new int[16];
        private int entryCount;

        int addWordUnit(int device, long word, long[] choices) {
            unitDevice.add(device);
            unitIndex.add(word);
            wordChoices.add(choices);
            sectors.add(null);
            return unitDevice.size() - 1;
        }

        int addSectorUnit(int device, long sector, long[] words, long[] values, int[] versionEnds) {
            unitDevice.add(device);
            unitIndex.add(sector);
            wordChoices.add(null);
            sectors.add(new SectorVersions(words, values, versionEnds));
            return unitDevice.size() - 1;
        }

        void addEntry(int event, int unit, int choice) {
            if (entryCount == entryKeys.length) {
                entryKeys = Arrays.copyOf(entryKeys, entryCount * 2);
                entryUnits = Arrays.copyOf(entryUnits, entryCount * 2);
                entryChoices = Arrays.copyOf(entryChoices, entryCount * 2);
            }
            // Units are added in ascending order, so the ordinal breaks ties between entries of one event by unit.
            entryKeys[entryCount] = ((long) event << 32) | entryCount;
            entryUnits[entryCount] = unit;
            entryChoices[entryCount] = choice;
            entryCount++;
        }

        CrashPoint build(PowerFailSimulator simulator, int point, int operationIndex, long logHash, long seed,
                DeviceSpec[] devices, PagedContent[] durable) {
            return new CrashPoint(this, simulator, point, operationIndex, logHash, seed, devices, durable);
        }
    }
}
