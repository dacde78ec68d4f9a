package dev.engram.device;

import dev.engram.region.AccessMode;
import dev.engram.region.Granularity;
import dev.engram.region.PersistencePath;
import dev.engram.region.Region;
import dev.engram.region.RegionException;
import dev.engram.region.RegionException.Code;
import dev.engram.region.RegionStats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * A {@link Region} that behaves like the device of a {@link DeviceProfile}: a decorator over any
 * region (CRAWL, WALK, RUN, the power-fail simulator's, a test's heap region) that adds the profile's
 * latency and bandwidth, counts wear per media line, wears lines out, and carries injected media faults.
 *
 * <pre>{@code
 * try (DeviceRegion pcm = DeviceRegion.over(Regions.open(options), DeviceProfile.OPTANE_PCM)) {
 *     List<MediaFault> hit = pcm.injectRandomStuckCells(4096, pcm.size() - 4096, 1e-4, seed);
 *     ... run the workload ...
 *     pcm.writeWearHeatmapPng(Path.of("wear.png"), 512);
 * }
 * }</pre>
 *
 * <h2>Latency and bandwidth</h2>
 * Each read call ({@code get*}, {@link #read}, {@link #getLongVolatile}, {@link #compareAndSetLong},
 * the source side of {@link #copy}) waits {@link DeviceStats#addedReadNanos} before it reads, and each
 * {@link #drain} (and {@link #persist}) waits {@link DeviceStats#addedPersistNanos} after the wrapped
 * drain returns. Those are the profile's figures less what the wrapped region was measured to cost for
 * the same operation when this region was built ({@link Builder#calibrate}), never below zero (see
 * "Calibration" below). Bytes read
 * and bytes stored each pass a bandwidth cap shared by all threads of this region (a token bucket with
 * 100 µs of burst tolerance); the region stands for one device, one DIMM or one drive, as the
 * profile's per-device figures do. Stores are charged, not flushes: every stored byte reaches the media eventually,
 * flushed or evicted, and charging at the store keeps a flush of an untouched range free. Waits
 * spin, or park when long; their sum is {@link DeviceStats#emulatedDelayNanos}.
 *
 * <h2>Calibration</h2>
 * Built with {@link Builder#calibrate} on (the default), this region measures, once: the wrapped
 * region's read and persist costs ({@code HostCosts}: the median of five round medians after a JIT
 * warm-up, less the cost of the clock reads that bracket each sample); then, for each latency it adds,
 * what the emulation step itself costs beyond its target (clock reads, the bandwidth booking, the
 * bookkeeping), and computes the busy-wait target once: {@link DeviceStats#readSpinNanos} =
 * {@code addedReadNanos} less that overhead, refined by one more measurement (likewise for persist).
 * An emulated read then costs about the profile's latency instead of the latency plus ~100 ns of
 * emulation. The precision is still that of the clock: a wait ends at the first clock read past its
 * deadline, and on a VM where one {@link System#nanoTime()} costs 35-87 ns
 * ({@link DeviceStats#clockNanos}) an emulated latency below that cannot be hit exactly; a target
 * below the step's own cost spins 0 and costs the step.
 *
 * <h2>Wear</h2>
 * Wear is counted per media line ({@link DeviceProfile#mediaLineBytes}, 256 B for Optane), at the point
 * where the emulated device writes its media:
 * <ul>
 *   <li>{@link Granularity#CACHE_LINE} and {@link Granularity#PAGE}: a store marks its lines dirty, and a
 *       flush that covers a dirty line counts one write of that line and cleans it. This is when an ADR
 *       platform writes media: stores stay in the cache until written back. Storing a line ten times and
 *       flushing once is one media write; flushing a clean line is none (clwb of a clean line writes
 *       nothing). Lines stored but never flushed are not counted: cache evictions are not modelled.</li>
 *   <li>{@link Granularity#BYTE}: every store call counts one write of each line it touches, since the
 *       store itself is durable.</li>
 * </ul>
 * The granularity is the profile's, or the wrapped region's when the profile keeps it (NONE, DRAM).
 * {@link #wearMap()} takes a snapshot; {@link #writeWearCsv} and {@link #writeWearHeatmapPng} export it.
 *
 * <h2>Endurance</h2>
 * When a line's count reaches {@link DeviceProfile#enduranceWritesPerLine} {@code N}, the line dies:
 * the {@code N}-th write lands, and the line is frozen at its content of that moment, so any later write
 * (the one that makes it "written more than N times") does not take. {@link DeviceStats#wornOutLines}
 * counts these events; the line then shows in {@link #faults()} as a {@link MediaFault.Kind#DEAD_LINE}.
 *
 * <h2>Media faults</h2>
 * A fault sticks bits of an 8-byte cell at given values ({@link MediaFault}); a dead line sticks every
 * cell of a line at its content. A faulty cell behaves as media would: stores of every kind (typed,
 * bulk, copy, fill, {@link #putLongRelease}, {@link #compareAndSetLong}) have the stuck bits imposed on
 * their data before it is stored, so the write does not take there, and readers see the stuck value.
 * The other bits and bytes of the cell write normally. Reads return the faulty data silently, as
 * media without ECC does, so that a checksum above (the KV engine's CRC32C) is what notices; with
 * {@link Builder#failReadsOnDeadLines} a read that touches a dead line fails with
 * {@link Code#MEDIA} instead, as a poisoned line would raise a machine check. A CAS on a stuck cell
 * compares against what the cell holds and may succeed without its value taking, as on media.
 *
 * <p>Faults are injected at given offsets ({@link #injectStuckBit}, {@link #injectStuckBits},
 * {@link #injectStuckCell}, {@link #injectDeadLine}) or at random, exactly {@code round(fraction * N)}
 * of the {@code N} cells, bits or lines of a range, chosen by a seed ({@link #injectRandomStuckCells},
 * {@link #injectRandomStuckBits}, {@link #injectRandomDeadLines}). Each call returns the faults it
 * injected, so that a test or a {@code check} can name the affected offsets. Faults live in memory:
 * after reopening a region, re-inject {@link #faults()} with {@link #inject}.
 *
 * <h2>Caveats</h2>
 * <ul>
 *   <li>Wrap a region once and use only the wrapper: a store that bypasses it can write a stuck bit.</li>
 *   <li>The profile's granularity is reported as this region's. Under NVDIMM-N a client may stop
 *       flushing (BYTE), which is right for the emulated device but not for the wrapped file on a real
 *       power failure; use it for what it models (timing, and the power-fail simulator's view).</li>
 *   <li>The emulation adds time, it cannot remove it: a host slower than the profile stays slower.</li>
 *   <li>Closing this region closes the wrapped one.</li>
 * </ul>
 */
public final class DeviceRegion implements Region {

    private final Region base;
    private final DeviceProfile profile;
    private final Granularity granularity;
    /** BYTE granularity: wear is counted on store; otherwise on flush of a dirty line. */
    private final boolean wearOnStore;
    private final int lineBytes;
    private final int lineShift;
    private final long endurance;
    private final LineTable lines;
    private final FaultMap faults;
    private final HostCosts host;
    private final long addedReadNanos;
    private final long addedPersistNanos;
    /** Busy-wait targets, computed once (see "Calibration"): the added latency less the emulation's own cost. */
    private final long readSpinNanos;
    private final long persistSpinNanos;
    /** Null when the profile does not cap the direction: the hot path then tests one reference. */
    private final Pacer readPacer;
    private final Pacer writePacer;
    private final boolean failReadsOnDeadLines;
    private final long restoreNanos;
    private final LongAdder emulatedDelayNanos = new LongAdder();
    private final AtomicLong wornOutLines = new AtomicLong();
    private final LongConsumer onWornOut = this::wearOut;

    private DeviceRegion(Builder b) {
        this.base = b.base;
        this.profile = b.profile;
        this.granularity = profile.granularity() != null ? profile.granularity() : base.granularity();
        this.wearOnStore = granularity == Granularity.BYTE;
        this.lineBytes = profile.mediaLineBytes();
        this.lineShift = Integer.numberOfTrailingZeros(lineBytes);
        this.endurance = profile.enduranceWritesPerLine();
        this.lines = new LineTable(lineCount(base.size()));
        this.faults = new FaultMap(lines, lineBytes);
        this.host = b.calibrate
                ? HostCosts.measure(base, profile.readLatencyNanos() > 0, profile.persistLatencyNanos() > 0)
                : HostCosts.NOT_MEASURED;
        this.addedReadNanos = Math.max(0, profile.readLatencyNanos() - host.readNanos());
        this.addedPersistNanos = Math.max(0, profile.persistLatencyNanos() - host.persistNanos());
        this.readPacer = profile.readBandwidthBytesPerSecond() == DeviceProfile.NO_BANDWIDTH_CAP
                ? null : new Pacer(profile.readBandwidthBytesPerSecond());
        this.writePacer = profile.writeBandwidthBytesPerSecond() == DeviceProfile.NO_BANDWIDTH_CAP
                ? null : new Pacer(profile.writeBandwidthBytesPerSecond());
        this.failReadsOnDeadLines = b.failReadsOnDeadLines;
        this.restoreNanos = profile.restoreNanos(base.size());
        this.readSpinNanos = b.calibrate ? spinTarget(addedReadNanos, readPacer == null ? null
                : new Pacer(profile.readBandwidthBytesPerSecond()), Long.BYTES) : addedReadNanos;
        this.persistSpinNanos = b.calibrate ? spinTarget(addedPersistNanos, null, 0) : addedPersistNanos;
        emulatedDelayNanos.reset();                 // the calibration's own waits are not the workload's
        if (b.waitForRestore && restoreNanos > 0) {
            emulatedDelayNanos.add(Delays.waitNanos(restoreNanos));
        }
    }

    /** {@code base} emulating {@code profile}, calibrated, reads of dead lines returning their frozen data. */
    public static DeviceRegion over(Region base, DeviceProfile profile) {
        return builder(base, profile).build();
    }

    public static Builder builder(Region base, DeviceProfile profile) {
        return new Builder(base, profile);
    }

    /** Options of a {@link DeviceRegion}; {@link #build} validates them and measures the host. */
    public static final class Builder {
        private final Region base;
        private final DeviceProfile profile;
        private boolean calibrate = true;
        private boolean failReadsOnDeadLines;
        private boolean waitForRestore;

        private Builder(Region base, DeviceProfile profile) {
            this.base = base;
            this.profile = profile;
        }

        /**
         * Whether to measure the wrapped region's own read and persist costs and add only the difference
         * to the profile (default true; typically a few ms, at most ~0.1 s, and only for latencies the profile sets). Off, the
         * profile's latencies are added in full, which makes a test's lower bound exact.
         */
        public Builder calibrate(boolean on) {
            this.calibrate = on;
            return this;
        }

        /** Whether a read touching a dead line fails with {@link Code#MEDIA} (default false: it returns frozen data). */
        public Builder failReadsOnDeadLines(boolean on) {
            this.failReadsOnDeadLines = on;
            return this;
        }

        /**
         * Whether {@link #build} waits the profile's restore time for the region's size, as a restart on
         * that device would (default false; see {@link DeviceRegion#restoreNanos()}).
         */
        public Builder waitForRestore(boolean on) {
            this.waitForRestore = on;
            return this;
        }

        public DeviceRegion build() {
            Objects.requireNonNull(base, "base region");
            Objects.requireNonNull(profile, "device profile");
            return new DeviceRegion(this);
        }
    }

    // ================================================================ accessors

    public DeviceProfile profile() {
        return profile;
    }

    /** The wrapped region. Stores made to it directly bypass faults and wear (see the Caveats). */
    public Region base() {
        return base;
    }

    /** The media line size: the unit of wear, of endurance and of a dead line. */
    public int lineBytes() {
        return lineBytes;
    }

    /** The modelled time a restart takes to restore this region's content (NVDIMM-N), for its size when built. */
    public long restoreNanos() {
        return restoreNanos;
    }

    public DeviceStats deviceStats() {
        long lineCount = lineCount(base.size());
        return new DeviceStats(profile.name(), host.readNanos(), host.persistNanos(), addedReadNanos,
                addedPersistNanos, emulatedDelayNanos.sum(), lines.totalWear(lineCount), wornOutLines.get(),
                faults.faultyCells(), faults.deadLines(), restoreNanos, host.clockNanos(), readSpinNanos,
                persistSpinNanos);
    }

    // ================================================================ Region: shape

    @Override
    public long size() {
        return base.size();
    }

    @Override
    public AccessMode mode() {
        return base.mode();
    }

    @Override
    public Granularity granularity() {
        return granularity;
    }

    @Override
    public PersistencePath persistencePath() {
        PersistencePath p = base.persistencePath();
        return new PersistencePath(p.kind(), p.dax(), p.reason() + "; emulating device profile " + profile.name());
    }

    @Override
    public long maxSize() {
        return base.maxSize();
    }

    @Override
    public RegionStats stats() {
        return base.stats();
    }

    @Override
    public void grow(long newSize) {
        if (newSize > base.size() && newSize <= base.maxSize()) {
            lines.ensureCapacity(lineCount(newSize)); // before the bytes exist, so no store outruns its line
        }
        base.grow(newSize);
    }

    @Override
    public void close() {
        base.close();
    }

    // ================================================================ Region: reads

    @Override
    public byte getByte(long offset) {
        beforeRead(offset, 1);
        return base.getByte(offset);
    }

    @Override
    public int getInt(long offset) {
        beforeRead(offset, 4);
        return base.getInt(offset);
    }

    @Override
    public long getLong(long offset) {
        beforeRead(offset, 8);
        return base.getLong(offset);
    }

    @Override
    public void read(long offset, byte[] dst, int dstIndex, int length) {
        beforeRead(offset, length);
        base.read(offset, dst, dstIndex, length);
    }

    @Override
    public long getLongVolatile(long offset) {
        beforeRead(offset, 8);
        return base.getLongVolatile(offset);
    }

    private void beforeRead(long offset, long length) {
        if (failReadsOnDeadLines && faults.anyDead(offset, length)) {
            long line = faults.firstDead(offset, length);
            throw new RegionException(Code.MEDIA, null, "read of [" + offset + ", " + offset + " + " + length
                    + ") touches the dead media line at offset " + line + " (" + lineBytes + " B)");
        }
        if (addedReadNanos != 0 || readPacer != null) {
            emulate(readSpinNanos, readPacer, length);
        }
    }

    /**
     * One emulation step on one clock reading: books {@code bytes} on {@code pacer} (when there is one)
     * and waits {@code spinNanos} plus whatever the booking asks, from the same starting instant.
     */
    private void emulate(long spinNanos, Pacer pacer, long bytes) {
        long start = System.nanoTime();
        long deadline = start + spinNanos;
        if (pacer != null && bytes > 0) {
            long wait = pacer.book(bytes, start);
            if (wait > 0) {
                deadline += wait;
            }
        }
        if (deadline - start > 0) {
            emulatedDelayNanos.add(Delays.waitUntil(start, deadline));
        }
    }

    /** Emulation steps per warm-up: past C2's threshold, so the step is measured as it will run. */
    static final int SPIN_WARM_UP_STEPS = 20_000;
    static final int SPIN_ROUNDS = 5;

    /**
     * The busy-wait target that makes one emulation step cost {@code addedNanos} in all: {@code addedNanos}
     * less the step's own measured overhead, then corrected once by measuring the step at that target.
     * {@code scratchPacer} stands in for the real one, so calibration books nothing on the device.
     */
    private long spinTarget(long addedNanos, Pacer scratchPacer, long bytes) {
        if (addedNanos == 0) {
            return 0;
        }
        for (int i = 0; i < SPIN_WARM_UP_STEPS; i++) {
            emulate(0, scratchPacer, bytes);
        }
        long spin = Math.max(0, addedNanos - (stepNanos(addedNanos, scratchPacer, bytes) - addedNanos));
        return Math.max(0, spin + addedNanos - stepNanos(spin, scratchPacer, bytes));
    }

    /** What one emulation step at {@code spinNanos} costs: the median of {@link #SPIN_ROUNDS} timed rounds. */
    private long stepNanos(long spinNanos, Pacer scratchPacer, long bytes) {
        int steps = (int) Math.max(10, Math.min(200, 2_000_000 / (spinNanos + 100)));
        long[] perStep = new long[SPIN_ROUNDS];
        for (int r = 0; r < SPIN_ROUNDS; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                emulate(spinNanos, scratchPacer, bytes);
            }
            perStep[r] = (System.nanoTime() - t0) / steps;
        }
        return HostCosts.median(perStep);
    }

    private void pace(Pacer pacer, long bytes) {
        long wait = pacer.book(bytes);
        if (wait > 0) {
            emulatedDelayNanos.add(Delays.waitNanos(wait));
        }
    }

    // ================================================================ Region: stores

    @Override
    public void putByte(long offset, byte value) {
        beforeStore(1);
        if (faults.mayAffect(offset, 1)) {
            value = (byte) faults.impose(offset, 1, value);
        }
        base.putByte(offset, value);
        afterStore(offset, 1);
    }

    @Override
    public void putInt(long offset, int value) {
        beforeStore(4);
        if (faults.mayAffect(offset, 4)) {
            value = (int) faults.impose(offset, 4, value & 0xFFFF_FFFFL);
        }
        base.putInt(offset, value);
        afterStore(offset, 4);
    }

    @Override
    public void putLong(long offset, long value) {
        beforeStore(8);
        if (faults.mayAffect(offset, 8)) {
            value = faults.impose(offset, 8, value);
        }
        base.putLong(offset, value);
        afterStore(offset, 8);
    }

    @Override
    public void write(long offset, byte[] src, int srcIndex, int length) {
        beforeStore(length);
        if (faults.mayAffect(offset, length)) {
            Objects.checkFromIndexSize(srcIndex, length, src.length);
            byte[] imposed = java.util.Arrays.copyOfRange(src, srcIndex, srcIndex + length);
            faults.imposeBytes(offset, imposed, 0, length);
            base.write(offset, imposed, 0, length);
        } else {
            base.write(offset, src, srcIndex, length);
        }
        afterStore(offset, length);
    }

    /** Chunk of the faulty-path copy and fill, which go through a buffer to impose stuck bits. */
    private static final int SLOW_CHUNK_BYTES = 64 * 1024;

    @Override
    public void copy(long srcOffset, long dstOffset, long length) {
        beforeRead(srcOffset, length);
        beforeStore(length);
        if (faults.mayAffect(dstOffset, length)) {
            copyImposed(srcOffset, dstOffset, length);
        } else {
            base.copy(srcOffset, dstOffset, length);
        }
        afterStore(dstOffset, length);
    }

    /**
     * A copy whose destination has stuck bits: through a buffer, chunk by chunk, imposing before each
     * store; backwards when the destination overlaps the source from above, so it is a memmove.
     */
    private void copyImposed(long srcOffset, long dstOffset, long length) {
        long size = base.size();
        if (length < 0 || srcOffset < 0 || srcOffset > size - length || dstOffset < 0 || dstOffset > size - length) {
            base.copy(srcOffset, dstOffset, length); // the wrapped region reports the bad range
            return;
        }
        byte[] buf = new byte[(int) Math.min(SLOW_CHUNK_BYTES, length)];
        boolean backwards = dstOffset > srcOffset && dstOffset < srcOffset + length;
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(buf.length, length - done);
            long at = backwards ? length - done - n : done;
            base.read(srcOffset + at, buf, 0, n);
            faults.imposeBytes(dstOffset + at, buf, 0, n);
            base.write(dstOffset + at, buf, 0, n);
            done += n;
        }
    }

    @Override
    public void fill(long offset, long length, byte value) {
        beforeStore(length);
        long size = base.size();
        if (faults.mayAffect(offset, length) && offset >= 0 && length >= 0 && offset <= size - length) {
            byte[] buf = new byte[(int) Math.min(SLOW_CHUNK_BYTES, length)];
            for (long done = 0; done < length; ) {
                int n = (int) Math.min(buf.length, length - done);
                java.util.Arrays.fill(buf, 0, n, value);
                faults.imposeBytes(offset + done, buf, 0, n);
                base.write(offset + done, buf, 0, n);
                done += n;
            }
        } else {
            base.fill(offset, length, value);
        }
        afterStore(offset, length);
    }

    @Override
    public void putLongRelease(long offset, long value) {
        beforeStore(8);
        if (faults.mayAffect(offset, 8)) {
            value = faults.impose(offset, 8, value);
        }
        base.putLongRelease(offset, value);
        afterStore(offset, 8);
    }

    @Override
    public boolean compareAndSetLong(long offset, long expected, long value) {
        beforeRead(offset, 8);
        beforeStore(8);
        if (faults.mayAffect(offset, 8)) {
            value = faults.impose(offset, 8, value);
        }
        boolean swapped = base.compareAndSetLong(offset, expected, value);
        if (swapped) {
            afterStore(offset, 8);
        }
        return swapped;
    }

    private void beforeStore(long length) {
        if (writePacer != null && length > 0) {
            pace(writePacer, length);
        }
    }

    /** Wear accounting for a store to {@code [offset, offset+length)} that the wrapped region accepted. */
    private void afterStore(long offset, long length) {
        if (length <= 0) {
            return;
        }
        long first = offset >>> lineShift;
        long last = (offset + length - 1) >>> lineShift;
        if (last >= lines.capacityLines()) {
            lines.ensureCapacity(lineCount(base.size())); // the wrapped region grew behind our back
        }
        if (wearOnStore) {
            lines.countWrites(first, last, endurance, onWornOut);
        } else {
            lines.markDirty(first, last);
        }
    }

    /** From the fault map: a dead line or a stuck bit in range (a stuck bit may hold the value written: a false positive). */
    @Override
    public boolean writeMayHaveFailed(long offset, long length) {
        return faults.mayAffect(offset, length);
    }

    // ================================================================ Region: durability

    @Override
    public void flush(long offset, long length) {
        base.flush(offset, length);
        writeBack(offset, length);
    }

    @Override
    public void drain() {
        base.drain();
        afterDrain();
    }

    @Override
    public void persist(long offset, long length) {
        base.persist(offset, length);
        writeBack(offset, length);
        afterDrain();
    }

    /** A flush the wrapped region accepted: each dirty line in range is one media write (see "Wear"). */
    private void writeBack(long offset, long length) {
        if (!wearOnStore && length > 0) {
            lines.writeBackDirty(offset >>> lineShift, (offset + length - 1) >>> lineShift, endurance, onWornOut);
        }
    }

    private void afterDrain() {
        if (addedPersistNanos != 0) {
            emulate(persistSpinNanos, null, 0);
        }
    }

    /** A line reached the endurance limit: it dies, frozen at its current content. */
    private void wearOut(long line) {
        if (faults.kill(base, line, base.size())) {
            wornOutLines.incrementAndGet();
        }
    }

    // ================================================================ wear

    /** A snapshot of every line's media writes and which lines are dead. */
    public WearMap wearMap() {
        long count = lineCount(base.size());
        if (count > Integer.MAX_VALUE - 8) {
            throw new RegionException(Code.TOO_LARGE, null, "a wear map of " + count
                    + " lines does not fit one array; use a larger media line");
        }
        return new WearMap(lineBytes, lines.snapshotWear((int) count), faults.deadBitmap((int) count));
    }

    /** Media writes counted for the line holding byte {@code offset}. */
    public long wearAt(long offset) {
        return offset < 0 ? 0 : lines.wear(offset >>> lineShift);
    }

    /** Writes the wear map as CSV, {@code line_index,offset,writes}; see {@link WearMap#writeCsv}. */
    public void writeWearCsv(Path file) throws IOException {
        wearMap().writeCsv(file);
    }

    /** Writes the wear map as a heat-map PNG {@code width} pixels wide; see {@link WearMap#writeHeatmapPng}. */
    public void writeWearHeatmapPng(Path file, int width) throws IOException {
        wearMap().writeHeatmapPng(file, width);
    }

    // ================================================================ faults

    /**
     * Sticks bit {@code bit} (0-7) of the byte at {@code offset} at 1 or 0.
     *
     * @return the fault, as a cell fault on the 8-byte cell holding that byte
     */
    public MediaFault injectStuckBit(long offset, int bit, boolean stuckAtOne) {
        if (bit < 0 || bit > 7) {
            throw new RegionException(Code.INVALID_ARGUMENT, null, "stuck bit " + bit + " of the byte at offset "
                    + offset + ": expected a bit from 0 to 7");
        }
        long mask = 1L << (((offset & 7) << 3) + bit);
        return injectStuckBits(offset & ~7L, mask, stuckAtOne ? mask : 0);
    }

    /**
     * Sticks the bits of {@code mask} in the cell at {@code cellOffset} (a multiple of 8) at the same bits
     * of {@code stuckValue}, merged with any fault the cell had (the new one wins where they overlap).
     * The stuck values are imposed on the cell's content at once.
     */
    public MediaFault injectStuckBits(long cellOffset, long mask, long stuckValue) {
        requireCell(cellOffset);
        if (mask == 0) {
            throw new RegionException(Code.INVALID_ARGUMENT, null, "stuck bits at offset " + cellOffset
                    + ": mask is 0, expected at least one stuck bit");
        }
        faults.stick(base, cellOffset, mask, stuckValue);
        return MediaFault.cell(cellOffset, mask, stuckValue);
    }

    /** Sticks the whole cell at {@code cellOffset} at {@code stuckValue}: it reads that whatever is written. */
    public MediaFault injectStuckCell(long cellOffset, long stuckValue) {
        return injectStuckBits(cellOffset, -1L, stuckValue);
    }

    /** Kills the media line holding byte {@code offset}: every cell frozen at its current content. */
    public MediaFault injectDeadLine(long offset) {
        requireRange(offset, 1);
        long line = offset >>> lineShift;
        faults.kill(base, line, base.size());
        return MediaFault.deadLine(line << lineShift, lineBytes);
    }

    /** Re-creates {@code fault}, as {@link #faults()} listed it (e.g. after reopening the region). */
    public MediaFault inject(MediaFault fault) {
        return fault.kind() == MediaFault.Kind.DEAD_LINE
                ? injectDeadLine(fault.offset())
                : injectStuckBits(fault.offset(), fault.mask(), fault.stuckValue());
    }

    /** {@link #inject} for each. */
    public List<MediaFault> injectAll(Collection<MediaFault> list) {
        List<MediaFault> out = new ArrayList<>(list.size());
        for (MediaFault f : list) {
            out.add(inject(f));
        }
        return out;
    }

    /**
     * Sticks exactly {@code round(fraction * N)} of the {@code N} cells lying wholly in
     * {@code [offset, offset+length)}, chosen by {@code seed}, each frozen at its current content.
     */
    public List<MediaFault> injectRandomStuckCells(long offset, long length, double fraction, long seed) {
        long[] picked = pickCells(offset, length, fraction, seed);
        List<MediaFault> out = new ArrayList<>(picked.length);
        for (long cell : picked) {
            out.add(injectStuckCell(cell, base.getLong(cell)));
        }
        return out;
    }

    /**
     * Sticks {@code mask} at {@code stuckValue} in exactly {@code round(fraction * N)} of the {@code N}
     * cells lying wholly in {@code [offset, offset+length)}, chosen by {@code seed}: e.g. a synapse
     * field stuck at G_max (stuck-on) or G_min (stuck-off).
     */
    public List<MediaFault> injectRandomStuckCells(long offset, long length, double fraction, long mask,
                                                   long stuckValue, long seed) {
        long[] picked = pickCells(offset, length, fraction, seed);
        List<MediaFault> out = new ArrayList<>(picked.length);
        for (long cell : picked) {
            out.add(injectStuckBits(cell, mask, stuckValue));
        }
        return out;
    }

    /**
     * Sticks exactly {@code round(fraction * N)} of the {@code N} bits of the cells lying wholly in
     * {@code [offset, offset+length)}, chosen by {@code seed}, at 1 or at 0. One fault per bit is
     * returned; bits of the same cell merge into one cell fault in {@link #faults()}.
     */
    public List<MediaFault> injectRandomStuckBits(long offset, long length, double fraction, boolean stuckAtOne,
                                                  long seed) {
        requireRange(offset, length);
        long firstCell = (offset + 7) & ~7L;
        long cells = Math.max(0, ((offset + length) & ~7L) - firstCell) >>> 3;
        long[] picked = Sampling.sample(cells * 64, count(fraction, cells * 64), seed);
        List<MediaFault> out = new ArrayList<>(picked.length);
        for (long bitIndex : picked) {
            long mask = 1L << (bitIndex & 63);
            out.add(injectStuckBits(firstCell + ((bitIndex >>> 6) << 3), mask, stuckAtOne ? mask : 0));
        }
        return out;
    }

    /**
     * Kills exactly {@code round(fraction * N)} of the {@code N} media lines lying wholly in
     * {@code [offset, offset+length)}, chosen by {@code seed}, each frozen at its current content.
     */
    public List<MediaFault> injectRandomDeadLines(long offset, long length, double fraction, long seed) {
        requireRange(offset, length);
        long firstLine = (offset + lineBytes - 1) >>> lineShift;
        long endLine = (offset + length) >>> lineShift;
        long n = Math.max(0, endLine - firstLine);
        long[] picked = Sampling.sample(n, count(fraction, n), seed);
        List<MediaFault> out = new ArrayList<>(picked.length);
        for (long i : picked) {
            out.add(injectDeadLine((firstLine + i) << lineShift));
        }
        return out;
    }

    private long[] pickCells(long offset, long length, double fraction, long seed) {
        requireRange(offset, length);
        long firstCell = (offset + 7) & ~7L;
        long cells = Math.max(0, ((offset + length) & ~7L) - firstCell) >>> 3;
        long[] picked = Sampling.sample(cells, count(fraction, cells), seed);
        for (int i = 0; i < picked.length; i++) {
            picked[i] = firstCell + (picked[i] << 3);
        }
        return picked;
    }

    /** The most faults one random injection may place (the sampler's memory is proportional). */
    public static final int MAX_RANDOM_FAULTS = 1 << 26;

    private static int count(double fraction, long n) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new RegionException(Code.INVALID_ARGUMENT, null, "fault fraction is " + fraction
                    + ", expected a number from 0 to 1");
        }
        long k = Math.round(fraction * n);
        if (k > MAX_RANDOM_FAULTS) {
            throw new RegionException(Code.INVALID_ARGUMENT, null, "fault fraction " + fraction + " of " + n
                    + " is " + k + " faults, more than the " + MAX_RANDOM_FAULTS + " one injection places");
        }
        return (int) k;
    }

    /** Every current fault, by offset: one per dead line, one per faulty cell of a live line. */
    public List<MediaFault> faults() {
        return faults.list();
    }

    /** Whether the media line holding byte {@code offset} is dead. */
    public boolean isDeadLine(long offset) {
        return offset >= 0 && faults.isDead(offset >>> lineShift);
    }

    /**
     * Repairs every fault: stores take again everywhere. The stuck values stay in the region as ordinary
     * data, and lines past their endurance stay alive (their counts do not restart).
     */
    public void clearFaults() {
        faults.clear();
    }

    private void requireCell(long cellOffset) {
        if ((cellOffset & 7) != 0) {
            throw new RegionException(Code.MISALIGNED, null, "media fault at offset " + cellOffset
                    + ": a cell is 8-byte aligned, expected a multiple of 8");
        }
        requireRange(cellOffset, 8);
    }

    private void requireRange(long offset, long length) {
        long size = base.size();
        if (offset < 0 || length < 0 || offset > size - length) {
            throw new RegionException(Code.OUT_OF_BOUNDS, null, "media fault range [" + offset + ", " + offset
                    + " + " + length + ") outside the region's size " + size);
        }
    }

    private long lineCount(long bytes) {
        return (bytes + lineBytes - 1) >>> lineShift;
    }

    @Override
    public String toString() {
        return "DeviceRegion[" + profile.name() + " over " + base + "]";
    }
}
