package dev.engram.neuro.pcm;

import dev.engram.device.DeviceProfile;
import dev.engram.device.DeviceRegion;
import dev.engram.device.DeviceStats;
import dev.engram.neuro.nn.SynapseArray;
import dev.engram.region.AccessMode;
import dev.engram.region.Region;
import dev.engram.region.RegionOptions;
import dev.engram.region.Regions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A network's synapses as one persistent pool: the {@link PcmSynapseArray}s of its layers in one
 * region (WALK by default) wrapped in a {@link DeviceRegion}, with one commit word for all of them, so
 * that training stops and resumes exactly, also after a crash, and every layer resumes at the same batch.
 *
 * <pre>{@code
 * try (PcmSynapsePool pool = PcmSynapsePool.openOrCreate(Path.of("/dev/shm/mlp.pcm"), DeviceProfile.NONE)) {
 *     SynapseArray.Factory synapses = pool.factory(new PcmArrayOptions().preset("ibm2014").seed(42));
 *     ... build the network with it; if (!array.initialized()) initialize; train from array.committedBatches() ...
 * }
 * }</pre>
 *
 * <h2>Commit protocol</h2>
 * Every array keeps two slots (A/B) of its conductor image and meta ({@link PoolLayout}); the pool keeps
 * the commit word COMMIT_SEQ. The committed state is slot {@code COMMIT_SEQ & 1} of every array. A
 * commit {@code k + 1}:
 * <ol>
 *   <li>for each array, stores into slot {@code (k + 1) & 1} the cells that differ from the working
 *       copy (one bulk write), and the slot's meta (SEQUENCE = k + 1, batch counter, both random streams,
 *       counters); flushes each written range;</li>
 *   <li>one drain: all of it is durable before the commit word can name it;</li>
 *   <li>stores COMMIT_SEQ = k + 1 with one aligned 8-byte store (failure-atomic) — the commit point;</li>
 *   <li>persists it, so nothing built on the commit (a wear-out's fault, the next batch) can be durable
 *       before it.</li>
 * </ol>
 * A crash before step 3 leaves COMMIT_SEQ = k and slot {@code k & 1} untouched, so the reopened pool is
 * the state of commit k; after it, the state of commit k + 1. Opening reads COMMIT_SEQ, checks that
 * each array's slot carries that sequence, loads it, and treats the other slot as garbage to be
 * rewritten in full. Tested against the power-fail simulator's crash images.
 *
 * <p>By default the pool commits when every array has ended a batch ({@link #commitPeriodBatches} 1):
 * one commit per minibatch. Commits cost a bulk write and a flush of each changed slot range; with
 * small minibatches on a page-cache file (msync), commit less often, and resume from
 * {@link PcmSynapseArray#committedBatches()}.
 *
 * <h2>Faults</h2>
 * Region faults live in memory. The pool records each faulty conductor in its array's fault table and
 * re-injects them at open. Faults injected straight into the {@link #device()} (or lines that wear out
 * there under an endurance-limited profile) are adopted after the next commit, or at once with
 * {@link #adoptDeviceFaults()}; faults outside the conductor images (headers, tables) are not modelled
 * (a chip keeps that state in ECC-protected controller memory).
 *
 * <h2>Caveats</h2>
 * <ul>
 *   <li>Every array of a pool must end every batch for the automatic commit to happen; a pool whose
 *       arrays train at different rates commits with {@link #commit()}.</li>
 *   <li>{@link #close()} does not commit: call {@link #commit()} first to keep the batches since the last
 *       one.</li>
 *   <li>At most {@value PoolLayout#DIRECTORY_ENTRIES} arrays per pool.</li>
 *   <li>Not thread-safe.</li>
 * </ul>
 */
public final class PcmSynapsePool implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PcmSynapsePool.class.getName());

    private final DeviceRegion device;
    private final Path path;
    private final List<PcmSynapseArray> arrays = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private long sequence;
    /** The pool's format minor version (a 1.0 pool's arrays have no diagnosis table). */
    private int minor = PoolLayout.MINOR;
    private int commitPeriodBatches = 1;
    private long lastCommitBatches;
    private long seenFaultyCells;
    private long seenDeadLines;
    private boolean closed;

    private PcmSynapsePool(DeviceRegion device, Path path) {
        this.device = device;
        this.path = path;
    }

    // ================================================================ create, open

    /** A new pool in a new WALK region file (fails if it exists), emulating {@code profile}. */
    public static PcmSynapsePool create(Path file, DeviceProfile profile) {
        Region region = Regions.create(new RegionOptions(file).mode(AccessMode.WALK)
                .size(PoolLayout.FIRST_BLOCK_OFFSET));
        return overOwned(region, profile, file);
    }

    /** The pool in an existing region file, opened in WALK mode. */
    public static PcmSynapsePool open(Path file, DeviceProfile profile) {
        Region region = Regions.open(new RegionOptions(file).mode(AccessMode.WALK));
        return overOwned(region, profile, file);
    }

    /** {@link #open} if the file exists, else {@link #create}. */
    public static PcmSynapsePool openOrCreate(Path file, DeviceProfile profile) {
        return Files.exists(file) ? open(file, profile) : create(file, profile);
    }

    private static PcmSynapsePool overOwned(Region region, DeviceProfile profile, Path file) {
        try {
            return over(DeviceRegion.over(region, Objects.requireNonNull(profile, "profile")), file);
        } catch (RuntimeException e) {
            region.close();
            throw e;
        }
    }

    /**
     * The pool on {@code device} (any region, e.g. the power-fail simulator's): formats it if it holds no
     * pool yet (zero where the pool header goes), else opens it at its last commit. Closing the pool closes
     * the device.
     *
     * @param file the region's file, for messages only; may be null
     */
    public static PcmSynapsePool over(DeviceRegion device, Path file) {
        PcmSynapsePool pool = new PcmSynapsePool(device, file);
        if (device.size() < PoolLayout.FIRST_BLOCK_OFFSET) {
            device.grow(PoolLayout.FIRST_BLOCK_OFFSET);
        }
        long magic = device.getLongVolatile(PoolLayout.POOL_OFFSET + PoolLayout.POOL_MAGIC_OFFSET);
        if (magic == 0) {
            pool.format();
        } else if (magic != PoolLayout.POOL_MAGIC) {
            throw pool.error(PcmPoolException.Code.NOT_A_POOL, "magic at offset " + PoolLayout.POOL_OFFSET + " is 0x"
                    + Long.toHexString(magic) + ", expected 0x" + Long.toHexString(PoolLayout.POOL_MAGIC) + " (a synapse pool)");
        }
        pool.load();
        return pool;
    }

    /** Step 1: zeroed header with the version, durable; step 2: the magic, the format's commit point. */
    private void format() {
        long base = PoolLayout.POOL_OFFSET;
        device.fill(base, PoolLayout.BLOCK_BYTES, (byte) 0);
        device.putInt(base + PoolLayout.POOL_MAJOR_OFFSET, PoolLayout.MAJOR | (PoolLayout.MINOR << 16));
        device.persist(base, PoolLayout.BLOCK_BYTES);             // format step 1: header durable before the magic
        device.putLongRelease(base + PoolLayout.POOL_MAGIC_OFFSET, PoolLayout.POOL_MAGIC);
        device.persist(base + PoolLayout.POOL_MAGIC_OFFSET, 8);   // format step 2: the pool exists
        LOG.log(System.Logger.Level.INFO, "formatted a synapse pool in {0}", where());
    }

    private void load() {
        long base = PoolLayout.POOL_OFFSET;
        int version = device.getInt(base + PoolLayout.POOL_MAJOR_OFFSET);
        int major = version & 0xFFFF;
        minor = version >>> 16;
        if (major != PoolLayout.MAJOR) {
            throw error(PcmPoolException.Code.VERSION, "format version " + major + "." + minor
                    + ", this library reads " + PoolLayout.MAJOR + ".x (writes " + PoolLayout.MAJOR + "."
                    + PoolLayout.MINOR + ")");
        }
        sequence = device.getLongVolatile(base + PoolLayout.COMMIT_SEQUENCE_OFFSET);
        long count = device.getLongVolatile(base + PoolLayout.ARRAY_COUNT_OFFSET);
        if (count < 0 || count > PoolLayout.DIRECTORY_ENTRIES) {
            throw error(PcmPoolException.Code.CORRUPT, "ARRAY_COUNT is " + count + ", expected 0 to "
                    + PoolLayout.DIRECTORY_ENTRIES);
        }
        for (int i = 0; i < count; i++) {
            long entry = PoolLayout.directoryEntryOffset(i);
            String name = PcmSynapseArray.readName(device, entry + PoolLayout.ENTRY_NAME_LENGTH_OFFSET);
            int outputs = device.getInt(entry + PoolLayout.ENTRY_OUTPUTS_OFFSET);
            int inputs = device.getInt(entry + PoolLayout.ENTRY_INPUTS_OFFSET);
            long blockOffset = device.getLong(entry + PoolLayout.ENTRY_BLOCK_OFFSET_OFFSET);
            long blockLength = device.getLong(entry + PoolLayout.ENTRY_BLOCK_LENGTH_OFFSET);
            int conductors;
            try {
                conductors = PoolLayout.checkShape(name, outputs, inputs);
            } catch (IllegalArgumentException e) {
                throw error(PcmPoolException.Code.CORRUPT, "directory entry " + i + ": " + e.getMessage());
            }
            if (blockOffset % PoolLayout.BLOCK_BYTES != 0 || blockOffset < PoolLayout.FIRST_BLOCK_OFFSET
                    || blockLength != PoolLayout.blockLength(conductors, minor)
                    || blockOffset > device.size() - blockLength) {
                throw error(PcmPoolException.Code.CORRUPT, "directory entry " + i + " ('" + name + "'): block at "
                        + blockOffset + " of " + blockLength + " bytes, expected a 4096-aligned block of "
                        + PoolLayout.blockLength(conductors, minor) + " bytes (format 1." + minor
                        + ") inside the region's " + device.size());
            }
            names.add(name);
            arrays.add(PcmSynapseArray.load(this, i, name, outputs, inputs, blockOffset, sequence, null));
        }
        lastCommitBatches = minBatches();
        DeviceStats stats = device.deviceStats();
        if (stats.faultyCells() + stats.deadLines() > 0) {
            adoptDeviceFaults();
        } else {
            faultsInjected();
        }
    }

    // ================================================================ arrays

    /**
     * The array {@code name}: reopened at the last commit if the pool has it (its stored options must equal
     * {@code options}, else {@link PcmPoolException.Code#MISMATCH}), else created, fresh, with its devices
     * at their RESET level. Creation is durable when this returns.
     */
    public PcmSynapseArray array(String name, int outputs, int inputs, PcmArrayOptions options) {
        checkOpen();
        options.conclude();
        Objects.requireNonNull(name, "name");
        int index = names.indexOf(name);
        if (index >= 0) {
            PcmSynapseArray a = arrays.get(index);
            if (a.outputs() != outputs || a.inputs() != inputs) {
                throw error(PcmPoolException.Code.MISMATCH, "array '" + name + "' is " + a.outputs() + " x " + a.inputs()
                        + " in the pool, " + outputs + " x " + inputs + " was asked for");
            }
            requireSame(a, options);
            a.reopen();
            return a;
        }
        return createArray(name, outputs, inputs, options);
    }

    /** The array {@code name} if the pool has it. */
    public Optional<PcmSynapseArray> find(String name) {
        int index = names.indexOf(name);
        return index < 0 ? Optional.empty() : Optional.of(arrays.get(index));
    }

    PcmSynapseArray existing(String name) {
        return find(name).orElseThrow(() -> error(PcmPoolException.Code.MISMATCH, "no array '" + name
                + "': the pool holds " + names));
    }

    /** A factory for the network: each layer's array by its name, created or reopened with {@code options}. */
    public SynapseArray.Factory factory(PcmArrayOptions options) {
        PcmArrayOptions fixed = options.copy().conclude();
        return (layerName, outputs, inputs) -> array(layerName, outputs, inputs, fixed);
    }

    /** The arrays, in directory order. */
    public List<PcmSynapseArray> arrays() {
        return List.copyOf(arrays);
    }

    private void requireSame(PcmSynapseArray a, PcmArrayOptions options) {
        String what = !a.model().equals(options.model()) ? "model " + a.model().name() + " vs " + options.model().name()
                : !a.policy().equals(options.policy()) ? "policy " + a.policy() + " vs " + options.policy()
                : a.weightRange() != options.weightRange() ? "weight range " + a.weightRange() + " vs " + options.weightRange()
                : a.seed() != options.seed() ? "seed " + a.seed() + " vs " + options.seed() : null;
        if (what != null) {
            throw error(PcmPoolException.Code.MISMATCH, "array '" + a.name() + "': stored vs asked: " + what
                    + "; reopen with the stored options");
        }
    }

    /**
     * Creation: step 1 the block (header, zeroed fault tables, both slots of fresh devices) durable;
     * step 2 the directory entry durable; step 3 ARRAY_COUNT + 1, one aligned 8-byte store, the commit
     * point; step 4 durable.
     */
    private PcmSynapseArray createArray(String name, int outputs, int inputs, PcmArrayOptions options) {
        int index = arrays.size();
        if (index >= PoolLayout.DIRECTORY_ENTRIES) {
            throw error(PcmPoolException.Code.FULL, "cannot add array '" + name + "': the directory holds "
                    + PoolLayout.DIRECTORY_ENTRIES + " arrays " + names);
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length == 0 || nameBytes.length > PoolLayout.MAX_ARRAY_NAME_BYTES) {
            throw new IllegalArgumentException("array name '" + name + "' is " + nameBytes.length
                    + " bytes of UTF-8, expected 1 to " + PoolLayout.MAX_ARRAY_NAME_BYTES);
        }
        int conductors = PoolLayout.checkShape(name, outputs, inputs);
        if (!hasDiagnosis() && options.policy().faultHandling() != FaultHandling.OFF) {
            throw error(PcmPoolException.Code.VERSION, "cannot add array '" + name + "' with fault handling "
                    + options.policy().faultHandling() + ": the pool's format 1." + minor
                    + " has no diagnosis table (1." + PoolLayout.MINOR_WITH_DIAGNOSIS + " and later)");
        }
        long offset = PoolLayout.FIRST_BLOCK_OFFSET;
        if (index > 0) {
            long last = PoolLayout.directoryEntryOffset(index - 1);
            offset = device.getLong(last + PoolLayout.ENTRY_BLOCK_OFFSET_OFFSET)
                    + device.getLong(last + PoolLayout.ENTRY_BLOCK_LENGTH_OFFSET);
        }
        long length = PoolLayout.blockLength(conductors, minor);
        device.grow(offset + length);
        PcmSynapseArray a = PcmSynapseArray.format(this, index, name, outputs, inputs, offset, options, sequence);
        device.drain();                                                   // creation step 1: the block is durable
        long entry = PoolLayout.directoryEntryOffset(index);
        device.fill(entry, PoolLayout.DIRECTORY_ENTRY_LENGTH, (byte) 0);
        PcmSynapseArray.writeName(device, entry + PoolLayout.ENTRY_NAME_LENGTH_OFFSET, name,
                PoolLayout.MAX_ARRAY_NAME_BYTES);
        device.putInt(entry + PoolLayout.ENTRY_OUTPUTS_OFFSET, outputs);
        device.putInt(entry + PoolLayout.ENTRY_INPUTS_OFFSET, inputs);
        device.putLong(entry + PoolLayout.ENTRY_BLOCK_OFFSET_OFFSET, offset);
        device.putLong(entry + PoolLayout.ENTRY_BLOCK_LENGTH_OFFSET, length);
        device.persist(entry, PoolLayout.DIRECTORY_ENTRY_LENGTH);        // creation step 2: the entry is durable
        device.putLongRelease(PoolLayout.POOL_OFFSET + PoolLayout.ARRAY_COUNT_OFFSET, index + 1);
        device.persist(PoolLayout.POOL_OFFSET + PoolLayout.ARRAY_COUNT_OFFSET, 8); // creation step 3: the array exists
        arrays.add(a);
        names.add(name);
        DeviceStats stats = device.deviceStats();
        if (stats.faultyCells() + stats.deadLines() > 0) {
            adoptDeviceFaults();    // the region had faults where the new block went
        }
        return a;
    }

    // ================================================================ commit

    /** How many batches between automatic commits (default 1); 0: only {@link #commit()} commits. */
    public PcmSynapsePool commitPeriodBatches(int batches) {
        if (batches < 0) {
            throw new IllegalArgumentException("commitPeriodBatches is " + batches + ", expected >= 0 (0: manual)");
        }
        this.commitPeriodBatches = batches;
        return this;
    }

    public int commitPeriodBatches() {
        return commitPeriodBatches;
    }

    /** Whether the pool's arrays have a diagnosis table (format 1.1 and later). */
    boolean hasDiagnosis() {
        return minor >= PoolLayout.MINOR_WITH_DIAGNOSIS;
    }

    /** The pool's format minor version. */
    public int formatMinor() {
        return minor;
    }

    /** The number of commits so far; the committed slot of every array is this number's low bit. */
    public long commitSequence() {
        return sequence;
    }

    /** Commits every array's working copy now (the protocol is in the class comment). */
    public void commit() {
        checkOpen();
        long next = sequence + 1;
        int slot = (int) (next & 1);
        for (PcmSynapseArray a : arrays) {
            a.writeSlot(slot, next);                                      // step 1: stored and flushed
        }
        device.drain();                                                   // step 2: durable before the commit word
        long word = PoolLayout.POOL_OFFSET + PoolLayout.COMMIT_SEQUENCE_OFFSET;
        device.putLongRelease(word, next);                                // step 3: the commit point
        device.persist(word, 8);                                          // step 4: durable before we build on it
        sequence = next;
        lastCommitBatches = minBatches();
        for (PcmSynapseArray a : arrays) {
            a.committed();
        }
        DeviceStats stats = device.deviceStats();
        if (stats.faultyCells() != seenFaultyCells || stats.deadLines() != seenDeadLines) {
            adoptDeviceFaults();
        }
    }

    /** An array ended a batch: commit when all have, every {@link #commitPeriodBatches} batches. */
    void batchEnded() {
        if (commitPeriodBatches > 0 && minBatches() >= lastCommitBatches + commitPeriodBatches) {
            commit();
        }
    }

    private long minBatches() {
        long min = Long.MAX_VALUE;
        for (PcmSynapseArray a : arrays) {
            min = Math.min(min, a.batches());
        }
        return arrays.isEmpty() ? 0 : min;
    }

    // ================================================================ faults

    /**
     * Adopts every region fault on the arrays' conductor cells that the arrays do not know yet (see the
     * class comment); returns how many conductors changed.
     */
    public int adoptDeviceFaults() {
        checkOpen();
        var regionFaults = device.faults();
        int changed = 0;
        for (PcmSynapseArray a : arrays) {
            changed += a.adopt(regionFaults);
        }
        faultsInjected();
        if (changed > 0) {
            LOG.log(System.Logger.Level.INFO, "adopted region faults on {0} conductors in {1}", changed, where());
        }
        return changed;
    }

    /** Our own injections changed the region's fault count: remember it, so it is not taken for foreign. */
    void faultsInjected() {
        DeviceStats stats = device.deviceStats();
        seenFaultyCells = stats.faultyCells();
        seenDeadLines = stats.deadLines();
    }

    // ================================================================ the rest

    /** The region, with its fault injection, wear map and statistics. */
    public DeviceRegion device() {
        return device;
    }

    /** The pool's file, or null. */
    public Path path() {
        return path;
    }

    /** Closes the region (and its file). Does not commit. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            device.close();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    void checkOpen() {
        if (closed) {
            throw error(PcmPoolException.Code.CLOSED, "the pool is closed");
        }
    }

    PcmPoolException error(PcmPoolException.Code code, String message) {
        return new PcmPoolException(code, path, message);
    }

    private String where() {
        return path != null ? path.toString() : device.toString();
    }

    @Override
    public String toString() {
        return "PcmSynapsePool[" + where() + ", " + arrays.size() + " arrays " + names + ", commit " + sequence + "]";
    }
}
