package dev.engram.powerfail;

import dev.engram.region.Region;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Records everything that decides durability on one or more simulated devices and materialises the
 * crash images a power failure could leave.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * var sim = new PowerFailSimulator(42);
 * Region pmem = sim.memoryDevice("pmem", 1 << 20);
 * try (var _ = sim.operation("put")) {
 *     engine(pmem).put(key, value);
 * }
 * for (CrashPoint point : sim.crashPoints(CrashPoints.withinOperations("put"))) {
 *     for (CrashImage image : point.images()) {
 *         PowerFailSimulator after = image.materialize();
 *         assertTrue(recover(after.device("pmem")).isConsistent(), image.toString());
 *     }
 * }
 * // Reproduce one failure from the line the assertion printed:
 * CrashImage same = sim.image("seed=42 point=1234 op=7 log=5f1c0a2e family=random#3");
 * }</pre>
 *
 * <h2>Event model</h2>
 * One log orders the events of all devices: store calls (each split into aligned 8-byte words, with
 * the full value each touched word holds afterwards), flushes, fences, growth and operation begin/end
 * markers; a device exists from the crash point at which it was created on. A crash point is a
 * position in that log, so a multi-device setup (RUN: a memory fast tier and a block capacity file)
 * crashes consistently, both devices at the same instant. Crash points inside a store call are not
 * offered: since every pending version stays selectable until a fence, the point after the call
 * already covers every partial state of its words (and a sector torn inside one write is garbage).
 *
 * <h2>Failure model</h2>
 * Memory devices ({@link #memoryDevice}, WALK semantics, {@code CACHE_LINE} granularity): a store may
 * become durable at any moment until its line's flush and a following fence on the same device have
 * completed; only aligned 8-byte words are failure-atomic; stores to one line are <em>not</em> assumed to
 * persist in program order. At a crash each pending word holds its durable value or any one of the
 * values stored to it since. Block devices ({@link #blockDevice}, CRAWL semantics, {@code PAGE}
 * granularity): flush is a no-op, drain is fdatasync and makes every write so far durable; before it,
 * each dirty sector (512 B or 4 KiB) is at a crash dropped, written (as of any of its writes) or filled
 * with garbage. See {@link DurabilityTracker} and {@link CrashPoint}.
 *
 * <h2>Cost</h2>
 * Recording appends a few array slots per touched word; nothing is computed per crash point until a
 * sweep replays the log, once per sweep. Content (durable and visible) lives in 4 KiB copy-on-write
 * pages ({@link PagedContent}): freezing the durable content at a crash point, building an image and
 * materialising it into a new simulator each cost one reference per page plus a copy of each page
 * actually written, not a copy of the device.
 *
 * <h2>Checker</h2>
 * With {@link Checking#REPORT} or {@link Checking#STRICT} a second, live replay runs while recording and
 * reports, at each operation's end, the words it stored that are still not durable (a missing flush or
 * fence), and any flush of lines holding nothing new (wasted work): see {@link Finding}.
 *
 * <h2>Threads</h2>
 * Every device access takes one lock per simulator, so devices are safe to share between threads and
 * the log has one order. Do not record into a simulator while sweeping its crash points (images are
 * materialised into new simulators, so recovery on an image never records into the one being swept).
 */
public final class PowerFailSimulator {

    /** The largest simulated device: its content lives in one byte array. */
    public static final long MAX_DEVICE_BYTES = 1L << 30;
    /** The failure-atomic unit: an aligned 8-byte word. */
    public static final int WORD_BYTES = 8;
    /** The unit a memory-device flush writes back. */
    public static final int CACHE_LINE_BYTES = 64;

    final Object lock = new Object();

    private final long seed;
    private final Checking checking;
    private final List<Descriptor> lineage;
    private final EventLog log = new EventLog();
    private final List<DeviceSpec> specs = new ArrayList<>();
    private final List<SimulatedDevice> devices = new ArrayList<>();
    private final List<Operation> operations = new ArrayList<>();
    private final ArrayDeque<Integer> openOperations = new ArrayDeque<>();
    private final DurabilityTracker live;
    private final List<Finding> findings = new ArrayList<>();

    /** A simulator without checking; {@code seed} drives random images and garbage sectors. */
    public PowerFailSimulator(long seed) {
        this(seed, Checking.OFF);
    }

    /** A simulator whose checker runs in the given mode. */
    public PowerFailSimulator(long seed, Checking checking) {
        this(seed, checking, List.of());
    }

    PowerFailSimulator(long seed, Checking checking, List<Descriptor> lineage) {
        this.seed = seed;
        this.checking = Objects.requireNonNull(checking, "checking");
        this.lineage = List.copyOf(lineage);
        this.live = checking == Checking.OFF ? null : new DurabilityTracker(log, specs);
    }

    public long seed() {
        return seed;
    }

    public Checking checking() {
        return checking;
    }

    /**
     * The descriptor line of the image this simulator was materialised from (ancestors joined by
     * {@code " >> "}), or the empty string for a simulator created directly.
     */
    public String origin() {
        StringBuilder sb = new StringBuilder();
        for (Descriptor d : lineage) {
            sb.append(sb.isEmpty() ? "" : Descriptor.SEPARATOR).append(d.format());
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------
    // Devices

    /** A zero-filled memory device (WALK semantics) of {@code sizeBytes}, a multiple of 8. */
    public Region memoryDevice(String name, long sizeBytes) {
        int size = checkSize(name, sizeBytes);
        return addDevice(name, DeviceSpec.Kind.MEMORY, 0, PagedContent.zeros(size), size);
    }

    /** A memory device whose durable and visible content start as a copy of {@code durableContent}. */
    public Region memoryDevice(String name, byte[] durableContent) {
        checkSize(name, durableContent.length);
        return addDevice(name, DeviceSpec.Kind.MEMORY, 0, PagedContent.copyOf(durableContent),
                contentHash(durableContent));
    }

    /**
     * A zero-filled block device (CRAWL semantics) of {@code sizeBytes}, a multiple of 8, tearing in
     * sectors of {@code sectorBytes} (512 or 4096).
     */
    public Region blockDevice(String name, long sizeBytes, int sectorBytes) {
        checkSector(name, sectorBytes);
        int size = checkSize(name, sizeBytes);
        return addDevice(name, DeviceSpec.Kind.BLOCK, sectorBytes, PagedContent.zeros(size), size);
    }

    /** A block device whose durable and visible content start as a copy of {@code durableContent}. */
    public Region blockDevice(String name, byte[] durableContent, int sectorBytes) {
        checkSector(name, sectorBytes);
        checkSize(name, durableContent.length);
        return addDevice(name, DeviceSpec.Kind.BLOCK, sectorBytes, PagedContent.copyOf(durableContent),
                contentHash(durableContent));
    }

    /** The device with this name. */
    public Region device(String name) {
        synchronized (lock) {
            for (SimulatedDevice d : devices) {
                if (d.spec().name().equals(name)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("no device '" + name + "': devices are " + deviceNames());
        }
    }

    /** All devices, in creation order. */
    public List<Region> devices() {
        synchronized (lock) {
            return List.copyOf(devices);
        }
    }

    /** A device like {@code template} whose durable and visible content is {@code content}: how images materialise. */
    void addDevice(DeviceSpec template, PagedContent content, long contentIdentity) {
        addDevice(template.name(), template.kind(), template.sectorBytes(), content, contentIdentity);
    }

    /**
     * Registers a device. {@code initial} becomes the spec's durable content, never written again:
     * the device's visible content starts as a page-sharing copy of it. {@code contentIdentity}
     * distinguishes initial contents in the log hash.
     */
    private SimulatedDevice addDevice(String name, DeviceSpec.Kind kind, int sectorBytes, PagedContent initial,
            long contentIdentity) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a device needs a non-blank name");
        }
        synchronized (lock) {
            for (DeviceSpec s : specs) {
                if (s.name().equals(name)) {
                    throw new IllegalArgumentException("a device named '" + name + "' exists already");
                }
            }
            long identity = EventLog.mix(EventLog.mix(name.hashCode() ^ ((long) kind.ordinal() << 32) ^ sectorBytes)
                    ^ contentIdentity);
            DeviceSpec spec = new DeviceSpec(specs.size(), name, kind, sectorBytes, initial, log.size(), identity);
            SimulatedDevice device = new SimulatedDevice(this, spec, initial.sharedCopy());
            specs.add(spec);
            devices.add(device);
            if (live != null) {
                live.advanceTo(log.size());
            }
            return device;
        }
    }

    private List<String> deviceNames() {
        return specs.stream().map(DeviceSpec::name).toList();
    }

    private static int checkSize(String name, long sizeBytes) {
        if (sizeBytes < 0 || sizeBytes > MAX_DEVICE_BYTES || sizeBytes % WORD_BYTES != 0) {
            throw new IllegalArgumentException("device '" + name + "' of " + sizeBytes
                    + " bytes: expected a multiple of 8 in [0, " + MAX_DEVICE_BYTES + "]");
        }
        return (int) sizeBytes;
    }

    private static void checkSector(String name, int sectorBytes) {
        if (sectorBytes != 512 && sectorBytes != 4096) {
            throw new IllegalArgumentException("block device '" + name + "' with " + sectorBytes
                    + " B sectors: expected 512 or 4096");
        }
    }

    private static long contentHash(byte[] content) {
        long h = content.length;
        for (int i = 0; i + WORD_BYTES <= content.length; i += WORD_BYTES) {
            long word = (long) SimulatedDevice.LONG.get(content, i);
            if (word != 0) {
                h = EventLog.mix(h ^ word ^ ((long) i << 20));
            }
        }
        return h;
    }

    // ------------------------------------------------------------------------------------------
    // Recording (called by devices under the lock)

    void recordStore(SimulatedDevice device, long offset, long length) {
        long firstWord = offset / WORD_BYTES;
        long lastWord = (offset + length - 1) / WORD_BYTES;
        int firstRow = log.wordCount();
        for (long w = firstWord; w <= lastWord; w++) {
            log.appendWord(w, device.wordAt(w));
        }
        append(EventLog.STORE, device.spec().index(), firstRow, lastWord - firstWord + 1);
    }

    void recordFlush(SimulatedDevice device, long offset, long length) {
        if (live != null) {
            for (long[] range : live.cleanLineRanges(device.spec().index(), offset, length)) {
                int op = currentOperation();
                findings.add(new Finding(Finding.Kind.FLUSH_OF_CLEAN_LINES, op, op < 0 ? null : operationName(op),
                        device.spec().name(), range[0] * CACHE_LINE_BYTES, (range[1] - range[0]) * CACHE_LINE_BYTES));
            }
        }
        append(EventLog.FLUSH, device.spec().index(), offset, length);
    }

    void recordFence(SimulatedDevice device) {
        append(EventLog.FENCE, device.spec().index(), 0, 0);
    }

    void recordGrow(SimulatedDevice device, long newSize) {
        append(EventLog.GROW, device.spec().index(), newSize, 0);
    }

    private int append(byte kind, int device, long a, long b) {
        int event = log.append(kind, device, a, b, currentOperation());
        if (live != null) {
            live.advanceTo(event + 1);
        }
        return event;
    }

    private int currentOperation() {
        Integer top = openOperations.peek();
        return top == null ? -1 : top;
    }

    EventLog log() {
        return log;
    }

    List<Descriptor> lineage() {
        return lineage;
    }

    // ------------------------------------------------------------------------------------------
    // Operations

    /** Marks the start of an operation (they nest); returns its index. */
    public int beginOperation(String name) {
        Objects.requireNonNull(name, "name");
        synchronized (lock) {
            int index = operations.size();
            int parent = currentOperation();
            openOperations.push(index);
            int event = append(EventLog.OP_BEGIN, -1, index, 0);
            operations.add(new Operation(index, name, event, -1, parent));
            return index;
        }
    }

    /**
     * Marks the end of the innermost open operation. With checking on, reports the words it stored
     * that are still not durable; in {@link Checking#STRICT} mode throws when the operation has any
     * finding (the end marker is recorded first, so the log stays well formed).
     *
     * @throws DurabilityCheckException in strict mode, listing the operation's findings
     */
    public void endOperation() {
        endOperation(-1);
    }

    private void endOperation(int expected) {
        synchronized (lock) {
            Integer index = openOperations.peek();
            if (index == null) {
                throw new IllegalStateException("endOperation() without an open operation");
            }
            if (expected >= 0 && index != expected) {
                throw new IllegalStateException("ending operation " + expected + " '" + operations.get(expected).name()
                        + "' while operation " + index + " '" + operations.get(index).name() + "' nested in it is open");
            }
            openOperations.pop();
            int event = append(EventLog.OP_END, -1, index, 0);
            Operation op = operations.get(index);
            operations.set(index, new Operation(index, op.name(), op.beginEvent(), event, op.parent()));
            if (live == null) {
                return;
            }
            findings.addAll(live.pendingSince(op.beginEvent(), index, op.name()));
            if (checking == Checking.STRICT) {
                List<Finding> own = findings.stream().filter(f -> f.operationIndex() == index).toList();
                if (!own.isEmpty()) {
                    throw new DurabilityCheckException(own);
                }
            }
        }
    }

    /** Begins an operation and returns a scope whose {@code close()} ends it: for try-with-resources. */
    public OperationScope operation(String name) {
        return new OperationScope(this, beginOperation(name));
    }

    /** The operations so far, by index. */
    public List<Operation> operations() {
        synchronized (lock) {
            return List.copyOf(operations);
        }
    }

    /** Operation {@code index}; {@code IllegalArgumentException} when there is none. */
    Operation operationRecord(int index) {
        synchronized (lock) {
            if (index < 0 || index >= operations.size()) {
                throw new IllegalArgumentException("no operation " + index + ": there are " + operations.size());
            }
            return operations.get(index);
        }
    }

    String operationName(int index) {
        return operationRecord(index).name();
    }

    /** The number of events recorded; crash points run from 0 to this number. */
    public int eventCount() {
        synchronized (lock) {
            return log.size();
        }
    }

    /** What the checker found so far (empty with {@link Checking#OFF}). */
    public List<Finding> findings() {
        synchronized (lock) {
            return List.copyOf(findings);
        }
    }

    /** Forgets the findings so far. */
    public void clearFindings() {
        synchronized (lock) {
            findings.clear();
        }
    }

    // ------------------------------------------------------------------------------------------
    // Crash points and images

    /** The state at crash point {@code point} (after that many events); replays the log from the start. */
    public CrashPoint crashPoint(int point) {
        return crashPoint(point, seed);
    }

    private CrashPoint crashPoint(int point, long imageSeed) {
        DurabilityTracker tracker = new DurabilityTracker(log, specs);
        tracker.advanceTo(point);
        return tracker.snapshot(this, imageSeed);
    }

    /**
     * The selected crash points in ascending order, computed by one forward replay of the log: each
     * is computed when the iterator reaches it and stays valid after (durable content is shared
     * copy-on-write between points).
     */
    public Iterable<CrashPoint> crashPoints(CrashPoints selector) {
        int[] points;
        synchronized (lock) {
            points = selector.select(this, log);
        }
        return () -> new Iterator<>() {
            private final DurabilityTracker tracker = new DurabilityTracker(log, specs);
            private int next;

            @Override
            public boolean hasNext() {
                return next < points.length;
            }

            @Override
            public CrashPoint next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                tracker.advanceTo(points[next++]);
                return tracker.snapshot(PowerFailSimulator.this, seed);
            }
        };
    }

    /** Calls {@code action} with every image of every selected crash point; returns how many. */
    public long forEachImage(CrashPoints selector, Enumeration enumeration, Consumer<CrashImage> action) {
        long count = 0;
        for (CrashPoint point : crashPoints(selector)) {
            for (CrashImage image : point.images(enumeration)) {
                action.accept(image);
                count++;
            }
        }
        return count;
    }

    /**
     * Rebuilds the image a descriptor line names (as printed by {@link CrashImage#descriptor()} or
     * {@link CrashImage#toString()}), on this simulator's recording.
     *
     * @throws IllegalArgumentException when the line is malformed, names a crash point or family this
     *         recording does not have, or was recorded against a different log or ancestry
     */
    public CrashImage image(String descriptorLine) {
        List<Descriptor> segments = Descriptor.parseLine(descriptorLine);
        List<Descriptor> ancestors = segments.subList(0, segments.size() - 1);
        if (!ancestors.equals(lineage)) {
            throw new IllegalArgumentException("descriptor '" + descriptorLine + "' descends from "
                    + (ancestors.isEmpty() ? "no image" : "'" + join(ancestors) + "'") + " but this simulator "
                    + (lineage.isEmpty() ? "was created directly" : "was materialised from '" + origin() + "'")
                    + ": materialise the ancestor image first and re-run what was recorded on it");
        }
        Descriptor d = segments.getLast();
        int events = eventCount();
        if (d.point() < 0 || d.point() > events) {
            throw new IllegalArgumentException("descriptor '" + descriptorLine + "' names crash point " + d.point()
                    + ", this recording has points 0.." + events);
        }
        CrashPoint point = crashPoint(d.point(), d.seed());
        if ((int) point.logHash() != d.logHash() || point.operationIndex() != d.operation()) {
            throw new IllegalArgumentException("descriptor '" + descriptorLine + "' was recorded against a different"
                    + " event log: at point " + d.point() + " it expects log=" + hex(d.logHash()) + " op="
                    + d.operation() + ", this recording has log=" + hex((int) point.logHash()) + " op="
                    + point.operationIndex());
        }
        return point.image(d.family(), d.subset());
    }

    private static String hex(int value) {
        return String.format(Locale.ROOT, "%08x", value);
    }

    private static String join(List<Descriptor> descriptors) {
        return String.join(Descriptor.SEPARATOR, descriptors.stream().map(Descriptor::format).toList());
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "PowerFailSimulator[seed=" + seed + ", devices=" + deviceNames() + ", events=" + log.size()
                    + ", operations=" + operations.size() + ", checking=" + checking
                    + (lineage.isEmpty() ? "" : ", origin=" + origin()) + "]";
        }
    }

    /** An open operation; closing it ends it (see {@link #endOperation()}). */
    public static final class OperationScope implements AutoCloseable {
        private final PowerFailSimulator simulator;
        private final int index;
        private boolean closed;

        private OperationScope(PowerFailSimulator simulator, int index) {
            this.simulator = simulator;
            this.index = index;
        }

        /** The operation's index. */
        public int index() {
            return index;
        }

        /** Ends the operation (once). */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                simulator.endOperation(index);
            }
        }
    }
}
