package dev.engram.neuro.pcm;

import dev.engram.device.DeviceProfile;
import dev.engram.device.DeviceRegion;
import dev.engram.device.MediaFault;
import dev.engram.neuro.nn.SynapseArray;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A layer's synapses as pairs of phase-change conductances: weight {@code w = (G+ − G−) · scale}, each
 * conductor a {@link PcmDeviceModel} device, all of them kept in a {@link PcmSynapsePool}'s region. The
 * network sees weights ({@link SynapseArray}); the array turns weight changes into SET pulses, reads
 * conductances with noise, refreshes saturated pairs, and lets the region's media faults stick
 * conductors.
 *
 * <h2>Per minibatch</h2>
 * <ol>
 *   <li>{@link #readWeightColumns()} (or {@link #readWeights()}): {@code w = (G+ − G− + σ·z) · scale},
 *       σ = σ_read · sqrt(G+² + G−²) (the two devices' independent read noises, drawn as one) and z an
 *       approximate standard normal per weight and read ({@link PcmRandom#counterNormals}) keyed by one
 *       draw of the array's read stream; after {@link #driftTo} the drifted conductances are read
 *       instead. The array keeps {@code (G+ − G−)·scale} and {@code σ·scale} of every weight by column,
 *       updated whenever a conductance changes, so that a read is one vectorised pass.</li>
 *   <li>{@link #updateWeightColumns} (or {@link #update}): for each weight, {@code n = |Δw| / (scale · nominal step)} pulses, rounded
 *       stochastically from the update stream and capped ({@link UpdatePolicy}), applied to G+ for
 *       Δw &gt; 0 and to G− for Δw &lt; 0 through {@link PcmDeviceModel#setPulses}. Conductances only
 *       grow here. A conductor whose count reaches its endurance wears out.</li>
 *   <li>{@link #endOfBatch()}: every {@code refreshPeriodBatches} batches the pairs past the policy's
 *       thresholds are refreshed (both RESET, the difference programmed back onto one), then the pool
 *       commits when every array of it has ended the batch ({@link PcmSynapsePool#commitPeriodBatches}).</li>
 * </ol>
 *
 * <p>Weights are stored column by column, as the network reads and updates them, so the column pair
 * costs no transpose; the row-major pair transposes on the fly. Both visit the weights in the same
 * order, so they draw the same noise: the row-major calls give the transposed results of the column
 * calls, bit for bit.
 *
 * <h2>Where the state lives</h2>
 * The region is the source of truth at restart; while open, a working copy in plain arrays is: every
 * conductor's cell as the slot stores it (conductance and cycle count in one {@code long}), the
 * device-to-device parameters (drawn again from the seed at open, interleaved per conductor), what
 * reads see of every weight by column, and the fault state. The hot loops touch only these, never the
 * region, and allocate nothing; a pulse touches one cache line of cells and one of device parameters. A
 * commit copies the cells that changed since the target slot was last written into a reused buffer and
 * stores them with one bulk write, one flush per slot range and one drain for the whole pool (see
 * {@link PcmSynapsePool} for the protocol).
 *
 * <h2>Faults: how the fast path stays the region's</h2>
 * Faults are media faults of the {@link DeviceRegion}: {@link #injectFaults} calls the region's own
 * random cell-fault injection on the committed slot, sticking the conductance field of exactly
 * {@code round(fraction · N)} of the N conductor cells, then sticks the same cell of the other slot.
 * The working copy learns of each fault at the moment it is made (its mask and stuck value), imposes
 * the stuck bits on the conductor's copy as the region imposes them on every store, and skips
 * conductors whose conductance is wholly stuck. So the invariant is: for every conductor, the working
 * copy's cell (conductance and count) equals what the region would hold if it were stored now. Faults
 * injected straight into the region by someone else (a dead line, random stuck bits, lines worn out
 * under an endurance-limited {@link DeviceProfile}) are adopted by {@link PcmSynapsePool#adoptDeviceFaults},
 * which the pool calls after each commit when the region's fault count changed. Because the region
 * keeps faults in memory only, the pool records each faulty conductor's kind and mask in its fault
 * table and re-injects them when it reopens, with the stuck values the committed slot holds.
 *
 * <h2>Endurance</h2>
 * Every SET pulse and RESET counts one cycle against the conductor's 32-bit counter, stored in its
 * cell. When it reaches the model's endurance, the conductor wears out: it goes dead (0 µS) at once in
 * the working copy, and the region fault is injected right after the next commit, so that the fault
 * and the image it froze are one durable state; a restart between the two finds the count at the limit
 * in the committed image and wears the conductor out again, identically.
 *
 * <h2>Reproducibility</h2>
 * Three streams, all derived from the array's seed and name ({@link PcmRandom#derive}): the devices'
 * variation (stream 0, drawn again at every open), the update stream (stochastic rounding, SET noise,
 * RESET and programming noise) and the read stream (read and 1/f noise). The last two are stored in
 * every commit with the batch counter, so that an array reopened after a close or a crash continues from
 * its last commit bit for bit as if it had never stopped (tested).
 *
 * <h2>Caveats</h2>
 * <ul>
 *   <li>Not thread-safe: one training thread per pool.</li>
 *   <li>{@link #close()} does not commit (like {@code Region.close}): closing is a clean crash. Call
 *       {@link #commit()} first to keep batches ended since the last commit.</li>
 *   <li>Faults are meant to be injected between batches. For a crash-exact resume, call
 *       {@link #commit()} right after injecting, so that the fault table and the image agree on one
 *       batch.</li>
 *   <li>Drift ({@link #driftTo}) is a view for inference studies, not state: it is not stored, and the
 *       next {@link #update} or {@link #initialize} ends it.</li>
 *   <li>A stuck conductor takes no pulses and its count does not advance.</li>
 * </ul>
 */
public final class PcmSynapseArray implements SynapseArray {

    private static final System.Logger LOG = System.getLogger(PcmSynapseArray.class.getName());
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long G_FIELD = PoolLayout.CONDUCTANCE_FIELD_MASK;
    /** Fields per conductor in {@link #devices}, and their places. */
    private static final int DEVICE_FIELDS = 4;
    private static final int ALPHA = 0;
    private static final int G_MAX = 1;
    private static final int RESET_LEVEL = 2;
    private static final int DRIFT_Z = 3;

    private final PcmSynapsePool pool;
    private final DeviceRegion device;
    private final int directoryIndex;
    private final String name;
    private final int outputs;
    private final int inputs;
    private final int weights;
    private final int conductors;
    private final PcmDeviceModel model;
    private final UpdatePolicy policy;
    private final double weightRange;
    private final long seed;

    // region offsets (absolute)
    private final long blockOffset;
    private final long faultKindsOffset;
    private final long faultMasksOffset;
    private final long[] slotOffsets = new long[2];
    /** DIAGNOSIS, or −1 in a format 1.0 pool (no self-test). */
    private final long diagnosisOffset;

    // conversions
    /** Weight units per µS. */
    private final float scale;
    /** Pulses per unit of |Δw|: 1 / (scale · nominal step). */
    private final float pulsesPerWeight;
    private final float gMin;
    private final float refreshUpperMicroSiemens;
    private final float refreshLowerMicroSiemens;
    private final int enduranceLimit;
    private final boolean wears;

    // working copy: conductor c = 2 * w + (G- ? 1 : 0), weight w = column * outputs + row (column-major,
    // the order in which the network reads and updates)
    // Conductor c's cell exactly as a slot stores it: G in µS as float32 bits (low word) and its cycle
    // count (high word). One long per conductor, the pair's two in one 16-byte run: a pulse touches one
    // cache line of state, and a commit copies cells as they are.
    private final long[] cells;
    // Conductor c's own device constants at DEVICE_FIELDS · c: α_d, Gmax,d, RESET level, drift normal.
    // Interleaved so that a pulse's parameters are one cache line, not four.
    private final float[] devices;
    private final byte[] faultKind;
    // the controller's belief, from its self-test (PoolLayout.DIAGNOSIS_*), used by the fault handling
    private final FaultHandling handling;
    private final byte[] diagnosis;
    private int diagnosedConductors;
    private long[] faultMask;   // null until the first fault
    private long[] faultValue;
    private int faultyConductors;
    private int wornOut;
    private final PcmRandom updateRandom;
    private final PcmRandom readRandom;
    private long batches;
    private long committedBatches;
    private boolean initialized;
    private long setPulseCount;
    private long resetCount;
    private long refreshedPairs;

    // commit bookkeeping: conductors [dirtyLo, dirtyHi) of each slot differ from the working copy
    private final int[] dirtyLo = new int[2];
    private final int[] dirtyHi = new int[2];
    private byte[] staging;
    private int[] pendingWearOut = new int[16];
    private int pendingWearOutCount;

    // reads: what a read sees of every weight, by column as the network reads, kept current by every
    // change of a conductance (derive), so that the per-batch read is one vectorised pass
    private final float[][] readMean;   // (I, O) (G+ − G−) · scale of the conductances reads see
    private final float[][] readSigma;  // (I, O) σ_read · sqrt(G+² + G−²) · scale; null when reads are noiseless
    private final float readRelative;
    private final int[] noiseKeys;      // (O) row o's counter in a column's noise draw
    private final float[] weightsOut;
    private final float[] columnScratch;
    private final float[] pulseScratch;
    private final int[] eventRows;          // (O) the rows of a column whose count is not zero
    private float[][] columnsOut;
    private float[] drifted;
    private double inferenceSeconds;

    private boolean closed;
    private boolean ownsPool;

    private PcmSynapseArray(PcmSynapsePool pool, int directoryIndex, String name, int outputs, int inputs,
                            long blockOffset, PcmDeviceModel model, UpdatePolicy policy, double weightRange, long seed) {
        this.pool = pool;
        this.device = pool.device();
        this.directoryIndex = directoryIndex;
        this.name = name;
        this.outputs = outputs;
        this.inputs = inputs;
        this.conductors = PoolLayout.checkShape(name, outputs, inputs);
        this.weights = conductors / 2;
        this.model = model;
        this.policy = policy;
        this.weightRange = weightRange;
        this.seed = seed;
        this.blockOffset = blockOffset;
        this.faultKindsOffset = blockOffset + PoolLayout.FAULT_KINDS_OFFSET;
        this.faultMasksOffset = blockOffset + PoolLayout.faultMasksOffset(conductors);
        this.slotOffsets[0] = blockOffset + PoolLayout.slotOffset(0, conductors);
        this.slotOffsets[1] = blockOffset + PoolLayout.slotOffset(1, conductors);
        this.diagnosisOffset = pool.hasDiagnosis() ? blockOffset + PoolLayout.diagnosisOffset(conductors) : -1;
        this.handling = policy.faultHandling();

        PcmDeviceModel.Range range = model.range();
        this.gMin = (float) range.gMinMicroSiemens();
        this.scale = (float) (weightRange / range.widthMicroSiemens());
        this.pulsesPerWeight = (float) (range.widthMicroSiemens() / (weightRange * model.set().nominalStepMicroSiemens()));
        this.refreshUpperMicroSiemens = (float) (range.gMinMicroSiemens()
                + policy.refreshUpperFraction() * range.widthMicroSiemens());
        this.refreshLowerMicroSiemens = (float) (range.gMinMicroSiemens()
                + policy.refreshLowerFraction() * range.widthMicroSiemens());
        this.wears = model.hasEnduranceLimit() && model.enduranceCycles() <= Integer.MAX_VALUE;
        this.enduranceLimit = wears ? (int) model.enduranceCycles() : Integer.MAX_VALUE;

        this.cells = new long[conductors];
        float[] alphas = new float[conductors];
        float[] gMaxes = new float[conductors];
        float[] resetLevels = new float[conductors];
        float[] driftZs = new float[conductors];
        model.sampleDevices(PcmRandom.derive(seed, name, 0), alphas, gMaxes, resetLevels, driftZs);
        this.devices = new float[DEVICE_FIELDS * conductors];
        for (int c = 0; c < conductors; c++) {
            devices[DEVICE_FIELDS * c + ALPHA] = alphas[c];
            devices[DEVICE_FIELDS * c + G_MAX] = gMaxes[c];
            devices[DEVICE_FIELDS * c + RESET_LEVEL] = resetLevels[c];
            devices[DEVICE_FIELDS * c + DRIFT_Z] = driftZs[c];
        }
        this.faultKind = new byte[conductors];
        this.diagnosis = new byte[conductors];
        this.updateRandom = new PcmRandom(PcmRandom.derive(seed, name, 1));
        this.readRandom = new PcmRandom(PcmRandom.derive(seed, name, 2));
        this.weightsOut = new float[weights];
        this.readMean = new float[inputs][outputs];
        this.readRelative = (float) model.read().relative();
        this.readSigma = model.hasReadNoise() ? new float[inputs][outputs] : null;
        this.noiseKeys = PcmRandom.counterKeys(outputs);
        this.columnScratch = new float[outputs];
        this.pulseScratch = new float[outputs];
        this.eventRows = new int[outputs];
    }

    // ---------------------------------------------------------------- the working copy's fields

    /** Conductor c's conductance, µS. */
    private float g(int c) {
        return Float.intBitsToFloat((int) cells[c]);
    }

    private void setG(int c, float microSiemens) {
        cells[c] = (cells[c] & ~G_FIELD) | (Float.floatToRawIntBits(microSiemens) & G_FIELD);
    }

    /** Conductor c's cycle count (SET pulses plus RESETs). */
    private int count(int c) {
        return (int) (cells[c] >>> 32);
    }

    private void setCount(int c, int cycles) {
        cells[c] = (cells[c] & G_FIELD) | ((long) cycles << 32);
    }

    private float alpha(int c) {
        return devices[DEVICE_FIELDS * c + ALPHA];
    }

    private float gMax(int c) {
        return devices[DEVICE_FIELDS * c + G_MAX];
    }

    private float resetLevel(int c) {
        return devices[DEVICE_FIELDS * c + RESET_LEVEL];
    }

    // ================================================================ create, open

    /**
     * A standalone array in a new pool file of its own (WALK, {@link DeviceProfile#NONE}); closing the
     * array closes the pool.
     */
    public static PcmSynapseArray create(Path file, String name, int outputs, int inputs, PcmArrayOptions options) {
        PcmSynapsePool pool = PcmSynapsePool.create(file, DeviceProfile.NONE);
        try {
            PcmSynapseArray array = pool.array(name, outputs, inputs, options);
            array.ownsPool = true;
            return array;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** Reopens the array {@code name} of a standalone pool file, with the options it was created with. */
    public static PcmSynapseArray open(Path file, String name) {
        PcmSynapsePool pool = PcmSynapsePool.open(file, DeviceProfile.NONE);
        try {
            PcmSynapseArray array = pool.existing(name);
            array.ownsPool = true;
            return array;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** Creation inside a pool: both slots hold the fresh devices (every conductor at its RESET level). */
    static PcmSynapseArray format(PcmSynapsePool pool, int directoryIndex, String name, int outputs, int inputs,
                                  long blockOffset, PcmArrayOptions options, long sequence) {
        PcmSynapseArray a = new PcmSynapseArray(pool, directoryIndex, name, outputs, inputs, blockOffset,
                options.model(), options.policy(), options.weightRange(), options.seed());
        for (int c = 0; c < a.conductors; c++) {
            a.setG(c, a.resetLevel(c));                          // fresh devices: RESET, no cycles yet
        }
        a.deriveAll();
        a.writeHeader();
        DeviceRegion d = a.device;
        d.fill(a.faultKindsOffset, PoolLayout.pad(a.conductors), (byte) 0);
        d.fill(a.faultMasksOffset, PoolLayout.pad((long) a.conductors * PoolLayout.CELL_BYTES), (byte) 0);
        a.markDirty(0, a.conductors);
        a.writeSlot(0, sequence);                   // flushes slot 0 and its meta
        a.writeSlot(1, sequence);                   // flushes slot 1 and its meta
        d.flush(blockOffset, PoolLayout.BLOCK_BYTES); // the header with the model
        d.flush(a.faultKindsOffset, a.slotOffsets[0] - a.faultKindsOffset); // the zeroed fault tables
        if (a.diagnosisOffset >= 0) {
            d.fill(a.diagnosisOffset, PoolLayout.pad(a.conductors), (byte) 0);
            d.flush(a.diagnosisOffset, PoolLayout.pad(a.conductors));      // and the empty diagnosis
        }
        // the caller drains: the block must be durable before the directory entry names it
        LOG.log(System.Logger.Level.INFO, "created {0}", a);
        return a;
    }

    /** Opening inside a pool: the committed slot of {@code sequence}, faults re-injected. */
    static PcmSynapseArray load(PcmSynapsePool pool, int directoryIndex, String name, int outputs, int inputs,
                                long blockOffset, long sequence, PcmArrayOptions requested) {
        DeviceRegion d = pool.device();
        long magic = d.getLong(blockOffset + PoolLayout.ARRAY_MAGIC_OFFSET);
        if (magic != PoolLayout.ARRAY_MAGIC) {
            throw pool.error(PcmPoolException.Code.CORRUPT, "array '" + name + "' at offset " + blockOffset
                    + ": magic is 0x" + Long.toHexString(magic) + ", expected 0x" + Long.toHexString(PoolLayout.ARRAY_MAGIC));
        }
        int storedOutputs = d.getInt(blockOffset + PoolLayout.ARRAY_OUTPUTS_OFFSET);
        int storedInputs = d.getInt(blockOffset + PoolLayout.ARRAY_INPUTS_OFFSET);
        if (storedOutputs != outputs || storedInputs != inputs) {
            throw pool.error(PcmPoolException.Code.CORRUPT, "array '" + name + "': the block holds " + storedOutputs
                    + " x " + storedInputs + ", the directory says " + outputs + " x " + inputs);
        }
        long storedSeed = d.getLong(blockOffset + PoolLayout.ARRAY_SEED_OFFSET);
        String modelName = readName(d, blockOffset + PoolLayout.MODEL_NAME_OFFSET);
        double[] p = new double[PcmDeviceModel.PARAMETER_COUNT];
        for (int i = 0; i < p.length; i++) {
            p[i] = Double.longBitsToDouble(d.getLong(blockOffset + PoolLayout.MODEL_PARAMETERS_OFFSET + 8L * i));
        }
        double[] ap = new double[PoolLayout.ARRAY_PARAMETER_COUNT];
        for (int i = 0; i < ap.length; i++) {
            ap[i] = Double.longBitsToDouble(d.getLong(blockOffset + PoolLayout.ARRAY_PARAMETERS_OFFSET + 8L * i));
        }
        PcmDeviceModel model;
        UpdatePolicy policy;
        try {
            model = PcmDeviceModel.fromParameters(modelName, p);
            policy = new UpdatePolicy((int) ap[1], ap[2], ap[3], (int) ap[4], FaultHandling.ofCode((int) ap[5]));
        } catch (IllegalArgumentException e) {
            throw pool.error(PcmPoolException.Code.CORRUPT, "array '" + name + "': stored parameters are invalid: "
                    + e.getMessage());
        }
        double range = ap[0];
        if (requested != null) {
            checkSame(pool, name, "model", model, requested.model());
            checkSame(pool, name, "update policy", policy, requested.policy());
            checkSame(pool, name, "weight range", range, requested.weightRange());
            checkSame(pool, name, "seed", storedSeed, requested.seed());
        }
        PcmSynapseArray a = new PcmSynapseArray(pool, directoryIndex, name, outputs, inputs, blockOffset, model,
                policy, range, storedSeed);
        a.readCommitted(sequence);
        LOG.log(System.Logger.Level.INFO, "opened {0} at commit {1}", a, sequence);
        return a;
    }

    private static void checkSame(PcmSynapsePool pool, String name, String field, Object stored, Object requested) {
        if (!stored.equals(requested)) {
            throw pool.error(PcmPoolException.Code.MISMATCH, "array '" + name + "': " + field + " is " + stored
                    + " in the pool, " + requested + " was asked for; reopen with the stored options");
        }
    }

    private void writeHeader() {
        DeviceRegion d = device;
        d.putLong(blockOffset + PoolLayout.ARRAY_MAGIC_OFFSET, PoolLayout.ARRAY_MAGIC);
        d.putInt(blockOffset + PoolLayout.ARRAY_OUTPUTS_OFFSET, outputs);
        d.putInt(blockOffset + PoolLayout.ARRAY_INPUTS_OFFSET, inputs);
        d.putLong(blockOffset + PoolLayout.ARRAY_SEED_OFFSET, seed);
        writeName(d, blockOffset + PoolLayout.MODEL_NAME_OFFSET, model.name(), PoolLayout.MODEL_NAME_FIELD_LENGTH - 1);
        double[] p = model.parameters();
        for (int i = 0; i < p.length; i++) {
            d.putLong(blockOffset + PoolLayout.MODEL_PARAMETERS_OFFSET + 8L * i, Double.doubleToRawLongBits(p[i]));
        }
        double[] ap = {weightRange, policy.maxPulsesPerUpdate(), policy.refreshUpperFraction(),
                policy.refreshLowerFraction(), policy.refreshPeriodBatches(), policy.faultHandling().code()};
        for (int i = 0; i < ap.length; i++) {
            d.putLong(blockOffset + PoolLayout.ARRAY_PARAMETERS_OFFSET + 8L * i, Double.doubleToRawLongBits(ap[i]));
        }
    }

    static void writeName(DeviceRegion d, long offset, String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBytes) {
            throw new IllegalArgumentException("name '" + text + "' is " + bytes.length + " bytes of UTF-8, expected at most "
                    + maxBytes);
        }
        d.putByte(offset, (byte) bytes.length);
        d.write(offset + 1, bytes, 0, bytes.length);
    }

    static String readName(DeviceRegion d, long offset) {
        int length = d.getByte(offset) & 0xFF;
        byte[] bytes = new byte[length];
        d.read(offset + 1, bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Loads the committed slot and its meta, and re-injects the recorded faults. */
    private void readCommitted(long sequence) {
        int s = (int) (sequence & 1);
        long meta = blockOffset + PoolLayout.slotMetaOffset(s);
        long slotSequence = device.getLong(meta + PoolLayout.META_SEQUENCE_OFFSET);
        if (slotSequence != sequence) {
            throw pool.error(PcmPoolException.Code.CORRUPT, "array '" + name + "': slot " + s + " was written by commit "
                    + slotSequence + ", expected commit " + sequence + " (the pool's commit word)");
        }
        byte[] buf = staging();
        device.read(slotOffsets[s], buf, 0, conductors * PoolLayout.CELL_BYTES);
        for (int c = 0; c < conductors; c++) {
            long cell = (long) LONG_LE.get(buf, c * PoolLayout.CELL_BYTES);
            cells[c] = cell;
        }
        deriveAll();
        batches = device.getLong(meta + PoolLayout.META_BATCHES_OFFSET);
        committedBatches = batches;
        updateRandom.state(device.getLong(meta + PoolLayout.META_UPDATE_RANDOM_OFFSET));
        readRandom.state(device.getLong(meta + PoolLayout.META_READ_RANDOM_OFFSET));
        initialized = (device.getLong(meta + PoolLayout.META_FLAGS_OFFSET) & PoolLayout.FLAG_INITIALIZED) != 0;
        setPulseCount = device.getLong(meta + PoolLayout.META_SET_PULSES_OFFSET);
        resetCount = device.getLong(meta + PoolLayout.META_RESETS_OFFSET);
        refreshedPairs = device.getLong(meta + PoolLayout.META_REFRESHES_OFFSET);
        dirtyLo[s] = conductors;
        dirtyHi[s] = 0;
        dirtyLo[1 - s] = 0;                 // the other slot may hold an uncommitted, half-written image
        dirtyHi[1 - s] = conductors;

        if (diagnosisOffset >= 0) {
            device.read(diagnosisOffset, diagnosis, 0, conductors);
            for (int c = 0; c < conductors; c++) {
                if (diagnosis[c] < PoolLayout.DIAGNOSIS_HEALTHY || diagnosis[c] > PoolLayout.DIAGNOSIS_STUCK_HIGH) {
                    throw pool.error(PcmPoolException.Code.CORRUPT, "array '" + name + "': conductor " + c
                            + " has diagnosis " + diagnosis[c] + ", expected 0 to " + PoolLayout.DIAGNOSIS_STUCK_HIGH);
                }
                diagnosedConductors += diagnosis[c] != PoolLayout.DIAGNOSIS_HEALTHY ? 1 : 0;
            }
        }
        byte[] kinds = new byte[conductors];
        device.read(faultKindsOffset, kinds, 0, conductors);
        byte[] masks = new byte[conductors * 8];
        device.read(faultMasksOffset, masks, 0, masks.length);
        boolean injected = false;
        for (int c = 0; c < conductors; c++) {
            long mask = (long) LONG_LE.get(masks, c * 8);
            if (mask != 0) {                // faulty iff the mask is durable (see persistFaultState)
                FaultKind kind;
                try {
                    kind = kinds[c] == 0 ? FaultKind.MEDIA : FaultKind.ofCode(kinds[c]);
                } catch (IllegalArgumentException e) {
                    throw pool.error(PcmPoolException.Code.CORRUPT, "array '" + name + "': conductor " + c
                            + " has fault code " + kinds[c] + ", expected 0 to " + FaultKind.values().length);
                }
                long value = (long) LONG_LE.get(buf, c * PoolLayout.CELL_BYTES) & mask;
                registerFault(c, kind, mask, value);
                if (kind == FaultKind.WORN_OUT) {
                    wornOut++;
                }
                injected = true;
            }
        }
        if (wears) {
            for (int c = 0; c < conductors; c++) {
                if (faultKind[c] == 0 && count(c) >= enduranceLimit) {
                    wearOut(c);     // reached the limit in the committed batch; its injection did not survive
                }
            }
            injected |= pendingWearOutCount > 0;
            applyPendingWearOut(false);
        }
        if (injected) {
            persistFaultState();
        }
    }

    // ================================================================ SynapseArray

    @Override
    public int outputs() {
        return outputs;
    }

    @Override
    public int inputs() {
        return inputs;
    }

    /**
     * Programs the initial weights: each pair is RESET, then the weight is programmed onto G+ (w &gt; 0) or
     * G− (w &lt; 0) by program-and-verify with the model's programming noise; a stuck conductor keeps
     * its value and the pair's other conductor takes the whole weight when it can.
     *
     * @throws IllegalArgumentException if the length is wrong or a weight is not finite or exceeds
     *                                  ±{@link #weightRange()}
     */
    @Override
    public void initialize(float[] initialWeights) {
        checkOpen();
        requireLength("initial weights", initialWeights);
        for (int k = 0; k < weights; k++) {
            float w = initialWeights[k];
            if (!(Math.abs(w) <= weightRange)) {
                throw new IllegalArgumentException("synapse array '" + name + "': initial weight [" + k / inputs + ","
                        + k % inputs + "] is " + w + ", expected a finite weight within ±" + weightRange
                        + " (the weight range; see PcmArrayOptions.weightRange)");
            }
        }
        endDrift();
        for (int i = 0, w = 0; i < inputs; i++) {
            for (int o = 0; o < outputs; o++, w++) {
                programPair(w, initialWeights[o * inputs + i] / scale);
            }
        }
        initialized = true;
        markDirty(0, conductors);
    }

    /** The weights row-major (see {@link SynapseArray#readWeights}); the same read as {@link #readWeightColumns}. */
    @Override
    public float[] readWeights() {
        checkOpen();
        read(weightsOut, null);
        return weightsOut;
    }

    /**
     * The weights by column, in the array's own storage order: no transpose. The columns belong to the
     * array and are valid until the next read, update or end of batch.
     */
    @Override
    public float[][] readWeightColumns() {
        checkOpen();
        if (columnsOut == null) {
            columnsOut = new float[inputs][outputs];
        }
        read(null, columnsOut);
        return columnsOut;
    }

    /** True: a read of the used columns only draws only their noise. */
    @Override
    public boolean readsUsedColumnsOnly() {
        return true;
    }

    /**
     * The used columns only (see {@link SynapseArray#readWeightColumns(boolean[])}): a crossbar read drives
     * the rows with an input, so only their devices are read and only their read noise is drawn. The
     * noise of a column is keyed by its index, so a used column reads exactly as in a full read.
     */
    @Override
    public float[][] readWeightColumns(boolean[] used) {
        checkOpen();
        if (used.length != inputs) {
            throw new IllegalArgumentException("synapse array '" + name + "': " + used.length
                    + " used flags, expected " + inputs);
        }
        if (columnsOut == null) {
            columnsOut = new float[inputs][outputs];
        }
        read(null, columnsOut, used);
        return columnsOut;
    }

    /**
     * One read of every weight, column by column, into {@code rowMajor} or {@code columns}, whichever is
     * given: {@code w = readMean + readSigma · z}, z one approximate standard normal per weight and read
     * ({@link PcmRandom#counterNormals}), keyed by the read's draw from the read stream, the column and
     * the row, so that both layouts draw the same noise and the loop vectorises.
     */
    private void read(float[] rowMajor, float[][] columns) {
        read(rowMajor, columns, null);
    }

    /** {@link #read(float[], float[][])} of the columns whose {@code used[i]} is true (null: all). */
    private void read(float[] rowMajor, float[][] columns, boolean[] used) {
        long draw = readSigma != null ? readRandom.nextLong() : 0;
        for (int i = 0; i < inputs; i++) {
            if (used != null && !used[i]) {
                continue;
            }
            float[] column = columns != null ? columns[i] : columnScratch;
            if (readSigma != null) {
                PcmRandom.counterNormals(column, readMean[i], readSigma[i], noiseKeys, PcmRandom.columnKey(draw, i),
                        outputs);
            } else {
                System.arraycopy(readMean[i], 0, column, 0, outputs);
            }
            if (rowMajor != null) {
                for (int o = 0; o < outputs; o++) {
                    rowMajor[o * inputs + i] = column[o];
                }
            }
        }
    }

    /** Recomputes what reads see of weight {@code w} from its two conductances (drifted, if so viewed). */
    private void derive(int w) {
        int i = w / outputs;
        derive(w, i, w - i * outputs);
    }

    private void derive(int w, int i, int o) {
        float gp = drifted != null ? drifted[2 * w] : g(2 * w);
        float gm = drifted != null ? drifted[2 * w + 1] : g(2 * w + 1);
        readMean[i][o] = (gp - gm) * scale;
        if (readSigma != null) {
            readSigma[i][o] = readRelative * (float) Math.sqrt(gp * gp + gm * gm) * scale;
        }
    }

    private void deriveAll() {
        for (int i = 0, w = 0; i < inputs; i++) {
            for (int o = 0; o < outputs; o++, w++) {
                derive(w, i, o);
            }
        }
    }

    /**
     * Applies {@code w += delta} (row-major) as SET pulses (see the class comment); the same update as
     * {@link #updateWeightColumns} with the matrix transposed.
     *
     * @throws IllegalArgumentException if the length is wrong or a change is not finite
     */
    @Override
    public void update(float[] delta) {
        checkOpen();
        requireLength("delta", delta);
        applyUpdate(delta, null);
    }

    /**
     * Applies {@code w += delta} given by column ({@code delta[i][o]}), in the array's storage order.
     *
     * @throws IllegalArgumentException if the shape is wrong or a change is not finite
     */
    @Override
    public void updateWeightColumns(float[][] delta) {
        checkOpen();
        if (delta.length != inputs) {
            throw new IllegalArgumentException("synapse array '" + name + "': delta has " + delta.length
                    + " columns, expected " + inputs);
        }
        for (int i = 0; i < inputs; i++) {
            if (delta[i] != null && delta[i].length != outputs) {
                throw new IllegalArgumentException("synapse array '" + name + "': delta column " + i + " has "
                        + delta[i].length + " values, expected " + outputs);
            }
        }
        applyUpdate(null, delta);
    }

    /**
     * The update, column by column in storage order; exactly one of the two layouts is given. Each
     * column takes two passes: a vectorised one that turns every change into a pulse count
     * ({@link PcmRandom#stochasticCounts}: {@code min(floor(n + u), cap)} with n the pulses the change
     * asks for and u a uniform keyed by one draw of the update stream, the column and the row, so
     * E[count] = n below the cap), then a scalar one over the few weights whose count is not zero,
     * which fires the pulses (their cycle-to-cycle noise from the update stream, in storage order).
     */
    private void applyUpdate(float[] rowMajor, float[][] columns) {
        endDrift();
        final float perWeight = pulsesPerWeight;
        final float cap = policy.maxPulsesPerUpdate();
        final boolean fractional = model.set().fractionalPulses();
        final boolean anyFault = faultyConductors > 0;
        final boolean aware = handling != FaultHandling.OFF && diagnosedConductors > 0;
        final PcmRandom random = updateRandom;
        final float[] count = pulseScratch;
        long draw = fractional ? 0 : random.nextLong();
        int lo = Integer.MAX_VALUE;
        int hi = -1;
        long applied = 0;
        for (int i = 0, w = 0; i < inputs; i++, w += outputs) {
            float[] column;
            if (columns != null) {
                column = columns[i];
                if (column == null) {
                    continue;                                      // an unchanged column
                }
            } else {
                column = columnScratch;
                for (int o = 0; o < outputs; o++) {
                    column[o] = rowMajor[o * inputs + i];
                }
            }
            if (fractional) {
                for (int o = 0; o < outputs; o++) {
                    float d = column[o];
                    count[o] = Math.min(Math.abs(d) * perWeight, cap) + (d - d);   // NaN for a NaN or infinite d
                }
            } else {
                PcmRandom.stochasticCounts(count, column, perWeight, cap, noiseKeys, PcmRandom.columnKey(draw, i),
                        outputs);
            }
            // First the rows with pulses, then their pulses: the loop below then runs event after event,
            // so the processor overlaps the cache misses of one event's state with the work of the last.
            int events = 0;
            for (int o = 0; o < outputs; o++) {
                if (count[o] != 0) {
                    eventRows[events++] = o;
                }
            }
            for (int e = 0; e < events; e++) {
                int o = eventRows[e];
                float p = count[o];
                if (!(Math.abs(column[o]) <= Float.MAX_VALUE)) {   // counted NaN: see stochasticCounts
                    throw new IllegalArgumentException("synapse array '" + name + "': delta [" + o + "," + i + "] is "
                            + column[o] + ", expected a finite change");
                }
                int c = column[o] > 0 ? 2 * (w + o) : 2 * (w + o) + 1;
                if (aware && (diagnosis[c] | diagnosis[c ^ 1]) != 0) {
                    if (handling == FaultHandling.PRUNE) {
                        continue;                                  // a pruned pair takes no updates
                    }
                    if (diagnosis[c] != PoolLayout.DIAGNOSIS_HEALTHY) {
                        if (diagnosis[c ^ 1] == PoolLayout.DIAGNOSIS_HEALTHY) {
                            lowerPartner(c, p);                    // one-sided: the healthy partner goes down
                            lo = Math.min(lo, c & ~1);
                            hi = Math.max(hi, c | 1);
                        }
                        continue;                                  // (both broken: nothing moves)
                    }
                    // c is healthy and its partner broken: SET pulses on c, as for any pair
                }
                if (anyFault && faultKind[c] != 0 && (faultMask[c] & G_FIELD) == G_FIELD) {
                    continue;                                      // stuck: the pulses do not take
                }
                int cycleCount = count(c);
                if (wears && p > enduranceLimit - cycleCount) {
                    p = enduranceLimit - cycleCount;               // the last pulse lands, then the device is spent
                    if (!(p > 0)) {
                        continue;
                    }
                }
                int device = DEVICE_FIELDS * c;
                float next = model.setPulses(g(c), p, devices[device + ALPHA], devices[device + G_MAX], random);
                int cycles = (int) Math.ceil(p);
                int counted = cycleCount + cycles < 0 ? Integer.MAX_VALUE : cycleCount + cycles;
                cells[c] = ((long) counted << 32) | (Float.floatToRawIntBits(next) & G_FIELD);
                applied += cycles;
                if (anyFault && faultKind[c] != 0) {
                    imposeFault(c);                                // some bits of the cell stuck
                }
                derive(w + o, i, o);
                if (c < lo) {
                    lo = c;
                }
                hi = Math.max(hi, c);
                if (wears && count(c) >= enduranceLimit) {
                    wearOut(c);
                }
            }
        }
        setPulseCount += applied;
        if (hi >= 0) {
            markDirty(lo, hi + 1);
        }
    }

    /**
     * Ends the batch: refreshes due pairs, then tells the pool, which commits when every array has
     * ended the batch and the commit period is reached.
     */
    @Override
    public void endOfBatch() {
        checkOpen();
        batches++;
        int period = policy.refreshPeriodBatches();
        if (period > 0 && batches % period == 0) {
            refresh();
        }
        pool.batchEnded();
    }

    /** Closes the array; a standalone array ({@link #create}) closes its pool. Does not commit. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (ownsPool) {
            pool.close();
        }                           // a pool-owned array's region stays open until the pool closes
    }

    // ================================================================ refresh and programming

    /** Refreshes every pair past the policy's thresholds; returns how many. */
    int refresh() {
        int refreshed = 0;
        int lo = Integer.MAX_VALUE;
        int hi = -1;
        float upper = refreshUpperMicroSiemens;
        float lower = refreshLowerMicroSiemens;
        for (int i = 0; i < weights; i++) {
            float gp = g(2 * i);
            float gm = g(2 * i + 1);
            float high = Math.max(gp, gm);
            float low = Math.min(gp, gm);
            if (high > upper && low > lower && !(isStuck(2 * i) && isStuck(2 * i + 1)) && !handledPair(i)) {
                programPair(i, gp - gm);
                refreshed++;
                if (lo == Integer.MAX_VALUE) {
                    lo = 2 * i;
                }
                hi = 2 * i + 2;
            }
        }
        refreshedPairs += refreshed;
        if (hi >= 0) {
            markDirty(lo, hi);
        }
        return refreshed;
    }

    /**
     * RESETs both conductors of weight {@code i} and programs the difference {@code differenceMicroSiemens}
     * (G+ − G−) back: onto G+ if positive, G− if negative, or onto the other one when that one is stuck.
     */
    private void programPair(int i, float differenceMicroSiemens) {
        if (handledPair(i)) {
            programDiagnosedPair(i, differenceMicroSiemens);
            return;
        }
        int cp = 2 * i;
        int cm = cp + 1;
        boolean stuckPlus = isStuck(cp);
        boolean stuckMinus = isStuck(cm);
        float gp = stuckPlus ? g(cp) : resetConductor(cp);
        float gm = stuckMinus ? g(cm) : resetConductor(cm);
        if (differenceMicroSiemens > 0) {
            if (!stuckPlus) {
                gp = programConductor(cp, gp, gm + differenceMicroSiemens);
            } else if (!stuckMinus) {
                gm = programConductor(cm, gm, gp - differenceMicroSiemens);
            }
        } else if (differenceMicroSiemens < 0) {
            if (!stuckMinus) {
                gm = programConductor(cm, gm, gp - differenceMicroSiemens);
            } else if (!stuckPlus) {
                gp = programConductor(cp, gp, gm + differenceMicroSiemens);
            }
        }
        settle(cp, gp);
        settle(cm, gm);
        derive(i);
    }

    /** Whether the fault handling treats weight {@code i}'s pair specially: it is on and diagnosed a conductor of it. */
    private boolean handledPair(int i) {
        return handling != FaultHandling.OFF && (diagnosis[2 * i] | diagnosis[2 * i + 1]) != 0;
    }

    /**
     * Programming of a pair with a diagnosed conductor (see {@link FaultHandling}): the diagnosed one is
     * left alone; the healthy one is RESET and programmed to the broken one's conductance (read by the
     * verify step) plus the difference ({@link FaultHandling#ONE_SIDED}), or to it alone, a zero weight
     * ({@link FaultHandling#PRUNE}). Targets below the RESET level leave it RESET: the weight then takes
     * the nearest value its one working conductor can give.
     */
    private void programDiagnosedPair(int i, float differenceMicroSiemens) {
        int cp = 2 * i;
        int cm = cp + 1;
        boolean badPlus = diagnosis[cp] != PoolLayout.DIAGNOSIS_HEALTHY;
        boolean badMinus = diagnosis[cm] != PoolLayout.DIAGNOSIS_HEALTHY;
        if (badPlus && badMinus) {
            return;                                                  // nothing programmable
        }
        int healthy = badPlus ? cm : cp;
        int broken = healthy ^ 1;
        float difference = handling == FaultHandling.PRUNE ? 0f : differenceMicroSiemens;
        float target = healthy == cp ? g(broken) + difference : g(broken) - difference;
        float from = isStuck(healthy) ? g(healthy) : resetConductor(healthy);
        settle(healthy, programConductor(healthy, from, target));
        derive(i);
    }

    /**
     * {@link FaultHandling#ONE_SIDED}: the {@code pulses} a change asked of diagnosed conductor
     * {@code broken} go to its healthy partner as a lowering: RESET, then program-and-verify to the
     * conductance from which as many nominal SET pulses lead to the present one
     * ({@link PcmDeviceModel#undoSetPulses}). The RESET and the programming count like any others.
     */
    private void lowerPartner(int broken, float pulsesAsked) {
        int healthy = broken ^ 1;
        float target = model.undoSetPulses(g(healthy), pulsesAsked);
        float from = isStuck(healthy) ? g(healthy) : resetConductor(healthy);
        settle(healthy, programConductor(healthy, from, target));
        derive(healthy >>> 1);
    }

    private float resetConductor(int c) {
        resetCount++;
        setCount(c, count(c) == Integer.MAX_VALUE ? Integer.MAX_VALUE : count(c) + 1);
        return model.resetValue(resetLevel(c), updateRandom.nextGaussian());
    }

    /** Program-and-verify from {@code from} toward {@code target}; SET only, so never below {@code from}. */
    private float programConductor(int c, float from, float target) {
        float xi = updateRandom.nextGaussian();
        if (!(target > from)) {
            return from;
        }
        float reached = Math.max(from, model.programmedValue(target, gMax(c), xi));
        int cost = model.programmingPulses(from, reached);
        setPulseCount += cost;
        long cycles = (long) count(c) + cost;
        setCount(c, cycles > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) cycles);
        return reached;
    }

    /** Stores a conductor's new value, imposes its stuck bits, wears it out at its limit. */
    private void settle(int c, float value) {
        if (isStuck(c)) {
            return;
        }
        setG(c, value);
        if (faultKind[c] != 0) {
            imposeFault(c);
        }
        if (wears && faultKind[c] == 0 && count(c) >= enduranceLimit) {
            wearOut(c);
        }
    }

    private boolean isStuck(int c) {
        return faultKind[c] != 0 && (faultMask[c] & G_FIELD) == G_FIELD;
    }

    // ================================================================ self-test

    /** SET pulses the self-test gives every conductor after its RESET. */
    public static final int SELF_TEST_PULSES = 3;
    /** A conductor reading above this fraction of the range right after a RESET is diagnosed stuck high. */
    public static final double SELF_TEST_HIGH_FRACTION = 0.5;
    /**
     * A conductor that {@link #SELF_TEST_PULSES} pulses raise by less than this fraction of what they
     * raise a nominal device (noiseless, from its RESET level) is diagnosed stuck low.
     */
    public static final double SELF_TEST_RISE_FRACTION = 0.1;

    /**
     * The controller's built-in self-test, as a chip runs one at start-up or in maintenance, learning
     * from reads alone which conductors it cannot program: each conductor is RESET and read, given
     * {@link #SELF_TEST_PULSES} SET pulses and read again, then RESET. One that reads above
     * {@link #SELF_TEST_HIGH_FRACTION} of the range after the RESET is stuck high; one whose pulses
     * raised it by less than {@link #SELF_TEST_RISE_FRACTION} of a nominal device's rise is stuck low
     * (dead, stuck-off, or too weak to program — those are false alarms, counted as such). The reads
     * carry the model's read noise; the pulses and RESETs are the physical ones, with their noise and
     * their cost in cycles. The result replaces the {@linkplain #diagnosis() diagnosis}, which is made
     * durable at once; the {@link FaultHandling} acts on it.
     *
     * <p>On an initialised array the test is a maintenance cycle: the weights are read first (one noisy
     * read), every conductor is tested, then every pair is programmed back to its weight as the fault
     * handling programs it — except the pairs with a newly diagnosed conductor, whose read weight is the
     * healthy conductor against a broken one rather than the weight they held: under fault handling they
     * start again from zero. Before {@link #initialize}, the pairs are simply left RESET. For a crash-exact
     * resume, {@link #commit()} right after (as after {@link #injectFaults}).
     *
     * @throws PcmPoolException VERSION in a format 1.0 pool, which has no room for a diagnosis
     */
    public SelfTestResult selfTest() {
        checkOpen();
        if (diagnosisOffset < 0) {
            throw pool.error(PcmPoolException.Code.VERSION, "array '" + name + "': the pool's format 1."
                    + pool.formatMinor() + " has no diagnosis table; self-test needs format 1."
                    + PoolLayout.MINOR_WITH_DIAGNOSIS + " (a new pool)");
        }
        endDrift();
        float[] saved = null;
        if (initialized) {
            saved = new float[weights];                            // storage order, µS of G+ − G−
            float[][] read = readWeightColumns();
            for (int i = 0, w = 0; i < inputs; i++) {
                for (int o = 0; o < outputs; o++, w++) {
                    saved[w] = read[i][o] / scale;
                }
            }
        }
        long cyclesBefore = setPulseCount + resetCount;
        byte[] previous = diagnosis.clone();
        float width = (float) model.range().widthMicroSiemens();
        float highLine = gMin + (float) SELF_TEST_HIGH_FRACTION * width;
        float nominalAlpha = (float) model.set().stepMicroSiemens();
        float nominalGMax = (float) model.range().gMaxMicroSiemens();
        float nominal = (float) model.reset().levelMicroSiemens();
        float start = nominal;
        for (int k = 0; k < SELF_TEST_PULSES; k++) {
            nominal += model.meanSetStep(nominal, nominalAlpha, nominalGMax);
        }
        float minimumRise = (float) SELF_TEST_RISE_FRACTION * (nominal - start);
        int stuckLow = 0;
        int stuckHigh = 0;
        int faulty = 0;
        int missed = 0;
        int falseAlarms = 0;
        for (int c = 0; c < conductors; c++) {
            if (!isStuck(c)) {
                settle(c, resetConductor(c));
            }
            float before = testRead(c);
            if (!isStuck(c)) {
                float raised = model.setPulses(g(c), SELF_TEST_PULSES, alpha(c), gMax(c), updateRandom);
                setCount(c, count(c) > Integer.MAX_VALUE - SELF_TEST_PULSES ? Integer.MAX_VALUE : count(c) + SELF_TEST_PULSES);
                setPulseCount += SELF_TEST_PULSES;
                settle(c, raised);
            }
            float after = testRead(c);
            if (!isStuck(c)) {
                settle(c, resetConductor(c));
            }
            byte verdict = before > highLine ? PoolLayout.DIAGNOSIS_STUCK_HIGH
                    : after - before < minimumRise ? PoolLayout.DIAGNOSIS_STUCK_LOW : PoolLayout.DIAGNOSIS_HEALTHY;
            diagnosis[c] = verdict;
            stuckHigh += verdict == PoolLayout.DIAGNOSIS_STUCK_HIGH ? 1 : 0;
            stuckLow += verdict == PoolLayout.DIAGNOSIS_STUCK_LOW ? 1 : 0;
            boolean broken = isStuck(c);
            faulty += broken ? 1 : 0;
            missed += broken && verdict == PoolLayout.DIAGNOSIS_HEALTHY ? 1 : 0;
            falseAlarms += !broken && verdict != PoolLayout.DIAGNOSIS_HEALTHY ? 1 : 0;
        }
        diagnosedConductors = stuckLow + stuckHigh;
        device.write(diagnosisOffset, diagnosis, 0, conductors);
        device.flush(diagnosisOffset, conductors);
        device.drain();                     // the diagnosis is the controller's durable record, at once
        if (saved != null) {
            for (int w = 0; w < weights; w++) {
                boolean newlyBroken = (diagnosis[2 * w] != 0 && previous[2 * w] == 0)
                        || (diagnosis[2 * w + 1] != 0 && previous[2 * w + 1] == 0);
                // A pair that broke while it held a weight has lost half of it: what a read gives now is the
                // healthy conductor against a broken one, not the weight. Under fault handling it starts again
                // from zero (one-sided training may regrow it); every other pair gets back the weight it read.
                programPair(w, newlyBroken && handling != FaultHandling.OFF ? 0f : saved[w]);
            }
        }
        deriveAll();
        markDirty(0, conductors);
        SelfTestResult result = new SelfTestResult(conductors, stuckLow, stuckHigh, faulty, missed, falseAlarms,
                setPulseCount + resetCount - cyclesBefore);
        LOG.log(System.Logger.Level.INFO, "array ''{0}'': {1}", name, result);
        return result;
    }

    /** One read of conductor {@code c} by the self-test, with the model's read noise from the read stream. */
    private float testRead(int c) {
        float relative = (float) model.read().relative();
        return relative == 0 ? g(c) : g(c) * (1 + relative * readRandom.nextGaussian());
    }

    /** A copy of the controller's diagnosis, one {@code PoolLayout.DIAGNOSIS_*} byte per conductor. */
    public byte[] diagnosis() {
        return diagnosis.clone();
    }

    /** Conductors the last self-test diagnosed. */
    public int diagnosedConductors() {
        return diagnosedConductors;
    }

    // ================================================================ faults

    /**
     * Sticks exactly {@code round(fraction · N)} of the array's N = 2 · outputs · inputs conductors,
     * chosen by {@code faultSeed}, through the region's random cell-fault injection: {@link FaultKind#DEAD}
     * at 0 µS, {@link FaultKind#STUCK_ON} at the nominal Gmax, {@link FaultKind#STUCK_OFF} at Gmin. A
     * conductor already faulty may be picked again (the newer fault wins, as in the region). Any time:
     * before training or between batches (see the Caveats on crash-exact resume).
     *
     * @return the conductors hit, by conductor index
     */
    public List<ConductorFault> injectFaults(FaultKind kind, double fraction, long faultSeed) {
        checkOpen();
        float stuck = switch (kind) {
            case DEAD -> 0f;
            case STUCK_ON -> (float) model.range().gMaxMicroSiemens();
            case STUCK_OFF -> gMin;
            default -> throw new IllegalArgumentException("inject " + kind + ": expected dead, stuck-on or stuck-off"
                    + " (worn-out comes from endurance, media from the region)");
        };
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("synapse array '" + name + "': fault fraction is " + fraction
                    + ", expected a number from 0 to 1");
        }
        endDrift();
        long value = Float.floatToRawIntBits(stuck) & G_FIELD;
        int s = committedSlot();
        long base = slotOffsets[s];
        List<MediaFault> hit = device.injectRandomStuckCells(base, (long) conductors * PoolLayout.CELL_BYTES,
                fraction, G_FIELD, value, faultSeed);
        List<ConductorFault> out = new ArrayList<>(hit.size());
        for (MediaFault f : hit) {
            int c = (int) ((f.offset() - base) >>> 3);
            registerFault(c, kind, f.mask(), f.stuckValue());
            out.add(describe(c));
        }
        persistFaultState();
        pool.faultsInjected();
        LOG.log(System.Logger.Level.INFO, "array ''{0}'': {1} of {2} conductors {3} (fraction {4}, fault seed={5})",
                name, out.size(), conductors, kind, fraction, Long.toString(faultSeed));
        return out;
    }

    /** The faulty conductors now, by conductor index. */
    public List<ConductorFault> faults() {
        List<ConductorFault> out = new ArrayList<>(faultyConductors);
        for (int c = 0; c < conductors; c++) {
            if (faultKind[c] != 0) {
                out.add(describe(c));
            }
        }
        return out;
    }

    private ConductorFault describe(int c) {
        int w = c >>> 1;
        return new ConductorFault(c, w % outputs, w / outputs, (c & 1) == 1, FaultKind.ofCode(faultKind[c]), g(c),
                slotOffsets[committedSlot()] + (long) c * PoolLayout.CELL_BYTES);
    }

    /**
     * Records a fault of {@code mask} at {@code value} on conductor {@code c}: sticks the cell of both
     * slots in the region (idempotent where it is stuck already), writes the fault table, and imposes the
     * stuck bits on the working copy. Merges like the region: the masks add up, the newer value wins.
     * The caller persists ({@link #persistFaultState}).
     */
    private void registerFault(int c, FaultKind kind, long mask, long value) {
        if (faultMask == null) {
            faultMask = new long[conductors];
            faultValue = new long[conductors];
        }
        if (faultKind[c] == 0) {
            faultyConductors++;
        }
        faultKind[c] = (byte) kind.code();
        faultMask[c] |= mask;
        faultValue[c] = (faultValue[c] & ~mask) | (value & mask);
        for (int s = 0; s < 2; s++) {
            device.injectStuckBits(slotOffsets[s] + (long) c * PoolLayout.CELL_BYTES, mask, value);
        }
        device.putByte(faultKindsOffset + c, (byte) kind.code());   // the mask follows in persistFaultState
        imposeFault(c);
    }

    private void imposeFault(int c) {
        cells[c] = (cells[c] & ~faultMask[c]) | faultValue[c];
        derive(c >>> 1);
    }

    /** Conductor {@code c} reached its endurance: dead at once here, in the region after the next commit. */
    private void wearOut(int c) {
        if (faultMask == null) {
            faultMask = new long[conductors];
            faultValue = new long[conductors];
        }
        setG(c, 0f);
        derive(c >>> 1);
        faultyConductors++;
        wornOut++;
        faultKind[c] = (byte) FaultKind.WORN_OUT.code();
        faultMask[c] = -1L;
        faultValue[c] = ((long) count(c) << 32);
        if (pendingWearOutCount == pendingWearOut.length) {
            pendingWearOut = Arrays.copyOf(pendingWearOut, pendingWearOut.length * 2);
        }
        pendingWearOut[pendingWearOutCount++] = c;
        markDirty(c, c + 1);
    }

    /** After a commit: the worn-out conductors' faults go into the region and the fault table. */
    private void applyPendingWearOut(boolean persist) {
        if (pendingWearOutCount == 0) {
            return;
        }
        for (int k = 0; k < pendingWearOutCount; k++) {
            int c = pendingWearOut[k];
            long mask = faultMask[c];
            long value = faultValue[c];
            faultKind[c] = 0;               // registerFault counts it again
            faultyConductors--;
            registerFault(c, FaultKind.WORN_OUT, mask, value);
        }
        if (persist) {
            persistFaultState(pendingWearOut, pendingWearOutCount);
        }
        pendingWearOutCount = 0;
        pool.faultsInjected();
    }

    /**
     * Makes the fault table and the stuck cells of both slots durable. A conductor counts as faulty at
     * open iff its mask is non-zero, and a mask is one aligned 8-byte store, so the kinds go first: a
     * crash in between leaves a kind without a mask, which open ignores (a fault recorded half is not
     * recorded; a wear-out is found again from its count).
     */
    private void persistFaultState() {
        device.flush(faultKindsOffset, conductors);
        device.drain();                     // fault step 1: the kinds are durable before any mask names them
        for (int c = 0; c < conductors; c++) {
            if (faultKind[c] != 0) {
                device.putLong(faultMasksOffset + 8L * c, faultMask[c]);
            }
        }
        device.flush(faultMasksOffset, 8L * conductors);
        device.flush(slotOffsets[0], (long) conductors * PoolLayout.CELL_BYTES);
        device.flush(slotOffsets[1], (long) conductors * PoolLayout.CELL_BYTES);
        device.drain();                     // fault step 2: the masks and the stuck cells; faults are physical,
                                            // durable at once whatever the commit protocol does
    }

    /** {@link #persistFaultState()} for a few conductors: the same two steps, flushing only their bytes. */
    private void persistFaultState(int[] list, int count) {
        if (count > 64) {
            persistFaultState();
            return;
        }
        for (int k = 0; k < count; k++) {
            device.flush(faultKindsOffset + list[k], 1);
        }
        device.drain();                     // fault step 1, as above
        for (int k = 0; k < count; k++) {
            int c = list[k];
            device.putLong(faultMasksOffset + 8L * c, faultMask[c]);
            device.flush(faultMasksOffset + 8L * c, 8);
            device.flush(slotOffsets[0] + (long) c * PoolLayout.CELL_BYTES, PoolLayout.CELL_BYTES);
            device.flush(slotOffsets[1] + (long) c * PoolLayout.CELL_BYTES, PoolLayout.CELL_BYTES);
        }
        device.drain();                     // fault step 2, as above
    }

    /**
     * Adopts region faults that lie on this array's conductor cells and are not yet known (injected
     * straight into the region, or lines worn out there): each becomes a {@link FaultKind#MEDIA} fault
     * of its conductor, on both slots. Returns how many conductors changed.
     */
    int adopt(List<MediaFault> regionFaults) {
        int changed = 0;
        long length = (long) conductors * PoolLayout.CELL_BYTES;
        for (MediaFault f : regionFaults) {
            for (int s = 0; s < 2; s++) {
                long base = slotOffsets[s];
                long from = Math.max(f.offset(), base);
                long to = Math.min(f.offset() + f.length(), base + length);
                for (long cell = (from + 7) & ~7L; cell + 8 <= to; cell += 8) {
                    long mask = f.kind() == MediaFault.Kind.DEAD_LINE ? -1L : f.mask();
                    long value = f.kind() == MediaFault.Kind.DEAD_LINE ? device.getLong(cell) : f.stuckValue();
                    int c = (int) ((cell - base) >>> 3);
                    if (faultKind[c] != 0 && (faultMask[c] & mask) == mask && ((faultValue[c] ^ value) & mask) == 0) {
                        continue;
                    }
                    FaultKind kind = faultKind[c] == 0 ? FaultKind.MEDIA : FaultKind.ofCode(faultKind[c]);
                    registerFault(c, kind, mask, value);
                    markDirty(c, c + 1);
                    changed++;
                }
            }
        }
        if (changed > 0) {
            persistFaultState();
        }
        return changed;
    }

    // ================================================================ drift (inference studies)

    /**
     * Reads from now on see the conductances {@code tSeconds} after programming: each device drifted to
     * {@code G0·(t/t0)^−ν} with its own state-dependent ν, plus one draw of the accumulated 1/f noise
     * (from the read stream), as aihwkit's {@code drift_analog_weights} does. Stuck conductors do not
     * drift. {@code t ≤ 0} ends the drift view. A view, not state: not stored, ended by
     * {@link #update} and {@link #initialize}.
     */
    public void driftTo(double tSeconds) {
        checkOpen();
        if (!(tSeconds > 0) || Double.isInfinite(tSeconds)) {
            if (tSeconds <= 0) {
                endDrift();
                return;
            }
            throw new IllegalArgumentException("drift time is " + tSeconds + " s, expected a finite time");
        }
        if (drifted == null) {
            drifted = new float[conductors];
        }
        for (int c = 0; c < conductors; c++) {
            float g0 = g(c);
            if (isStuck(c)) {
                drifted[c] = g0;
                continue;
            }
            double nu = model.driftNu(g0, devices[DEVICE_FIELDS * c + DRIFT_Z]);
            double gd = model.drifted(g0, nu, tSeconds);
            double sigma = model.oneOverFSigma(g0, gd, tSeconds);
            drifted[c] = (float) Math.max(0, gd + sigma * readRandom.nextGaussian());
        }
        inferenceSeconds = tSeconds;
        deriveAll();
    }

    /** Seconds since programming that reads see, 0 when not drifted. */
    public double inferenceSeconds() {
        return inferenceSeconds;
    }

    private void endDrift() {
        if (drifted != null) {
            drifted = null;
            inferenceSeconds = 0;
            deriveAll();
        }
    }

    // ================================================================ commit (called by the pool)

    int committedSlot() {
        return (int) (pool.commitSequence() & 1);
    }

    /**
     * Step 1 of a commit: stores the conductors that differ in {@code slot} with one bulk write and the
     * slot's meta, and flushes both. The pool drains and stores the commit word.
     */
    void writeSlot(int slot, long sequence) {
        int lo = dirtyLo[slot];
        int hi = dirtyHi[slot];
        if (lo < hi) {
            byte[] buf = staging();
            for (int c = lo; c < hi; c++) {
                LONG_LE.set(buf, c * PoolLayout.CELL_BYTES, cells[c]);
            }
            long at = slotOffsets[slot] + (long) lo * PoolLayout.CELL_BYTES;
            int length = (hi - lo) * PoolLayout.CELL_BYTES;
            device.write(at, buf, lo * PoolLayout.CELL_BYTES, length);
            device.flush(at, length);       // commit step 1: write back the changed cells of the slot
            dirtyLo[slot] = conductors;
            dirtyHi[slot] = 0;
        }
        long meta = blockOffset + PoolLayout.slotMetaOffset(slot);
        device.putLong(meta + PoolLayout.META_SEQUENCE_OFFSET, sequence);
        device.putLong(meta + PoolLayout.META_BATCHES_OFFSET, batches);
        device.putLong(meta + PoolLayout.META_UPDATE_RANDOM_OFFSET, updateRandom.state());
        device.putLong(meta + PoolLayout.META_READ_RANDOM_OFFSET, readRandom.state());
        device.putLong(meta + PoolLayout.META_FLAGS_OFFSET, initialized ? PoolLayout.FLAG_INITIALIZED : 0);
        device.putLong(meta + PoolLayout.META_SET_PULSES_OFFSET, setPulseCount);
        device.putLong(meta + PoolLayout.META_RESETS_OFFSET, resetCount);
        device.putLong(meta + PoolLayout.META_REFRESHES_OFFSET, refreshedPairs);
        device.flush(meta, PoolLayout.SLOT_META_LENGTH); // commit step 1: and the slot's meta
    }

    /** After the commit word is durable. */
    void committed() {
        committedBatches = batches;
        applyPendingWearOut(true);
    }

    private void markDirty(int lo, int hi) {
        for (int s = 0; s < 2; s++) {
            if (lo < dirtyLo[s]) {
                dirtyLo[s] = lo;
            }
            if (hi > dirtyHi[s]) {
                dirtyHi[s] = hi;
            }
        }
    }

    private byte[] staging() {
        if (staging == null) {
            staging = new byte[conductors * PoolLayout.CELL_BYTES];
        }
        return staging;
    }

    // ================================================================ accessors

    /** Commits the whole pool now (see {@link PcmSynapsePool#commit}). */
    public void commit() {
        checkOpen();
        pool.commit();
    }

    public String name() {
        return name;
    }

    public PcmDeviceModel model() {
        return model;
    }

    public UpdatePolicy policy() {
        return policy;
    }

    /** The weight a pair at (Gmax, Gmin) represents. */
    public double weightRange() {
        return weightRange;
    }

    /** Weight units per µS of G+ − G−. */
    public float scale() {
        return scale;
    }

    public long seed() {
        return seed;
    }

    public PcmSynapsePool pool() {
        return pool;
    }

    /** Whether {@link #initialize} has run (as of the working copy). */
    public boolean initialized() {
        return initialized;
    }

    /** Batches ended, committed or not. */
    public long batches() {
        return batches;
    }

    /** Batches ended as of the last commit: where a restart resumes. */
    public long committedBatches() {
        return committedBatches;
    }

    /** A copy of every conductor's conductance in µS, conductor order (G+ then G− of each weight). */
    public float[] conductancesMicroSiemens() {
        float[] out = new float[conductors];
        for (int c = 0; c < conductors; c++) {
            out[c] = g(c);
        }
        return out;
    }

    /**
     * A copy of the conductances as a read sees them now, without the per-read noise: drifted after
     * {@link #driftTo}, else the programmed ones. Conductor order.
     */
    public float[] readConductancesMicroSiemens() {
        return drifted != null ? drifted.clone() : conductancesMicroSiemens();
    }

    /** A copy of every conductor's cycle count (SET pulses plus RESETs). */
    public int[] pulseCounts() {
        int[] out = new int[conductors];
        for (int c = 0; c < conductors; c++) {
            out[c] = count(c);
        }
        return out;
    }

    /** The region offset of conductor {@code c}'s cell in slot {@code slot}. */
    public long cellOffset(int slot, int c) {
        if (slot < 0 || slot > 1 || c < 0 || c >= conductors) {
            throw new IllegalArgumentException("cell of slot " + slot + ", conductor " + c + ": expected slot 0 or 1"
                    + " and a conductor from 0 to " + (conductors - 1));
        }
        return slotOffsets[slot] + (long) c * PoolLayout.CELL_BYTES;
    }

    public PcmArrayStats stats() {
        long maxCount = 0;
        for (int c = 0; c < conductors; c++) {
            maxCount = Math.max(maxCount, count(c));
        }
        return new PcmArrayStats(batches, committedBatches, setPulseCount, resetCount, refreshedPairs,
                faultyConductors, wornOut, maxCount, diagnosedConductors);
    }

    /** A pool-owned array asked for again after its {@link #close()}. */
    void reopen() {
        closed = false;
    }

    int directoryIndex() {
        return directoryIndex;
    }

    int conductorCount() {
        return conductors;
    }

    private void checkOpen() {
        if (closed) {
            throw pool.error(PcmPoolException.Code.CLOSED, "array '" + name + "' is closed");
        }
        pool.checkOpen();
    }

    private void requireLength(String what, float[] values) {
        if (values.length != weights) {
            throw new IllegalArgumentException("synapse array '" + name + "': " + what + " has " + values.length
                    + " values, expected " + outputs + " x " + inputs + " = " + weights);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "PcmSynapseArray['%s' %d x %d, model %s, %s, weightRange %s, scale %.5g /µS, "
                        + "%.4g pulses per unit weight, seed=%d]",
                name, outputs, inputs, model, policy, weightRange, scale, pulsesPerWeight, seed);
    }
}
