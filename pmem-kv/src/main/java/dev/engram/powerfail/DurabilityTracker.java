package dev.engram.powerfail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays an {@link EventLog} and keeps, for every device, what is durable and what is pending at the
 * current crash point. The simulator runs one live tracker while recording (for the checker) and a
 * fresh one for every sweep over crash points, so the checker and the enumerator share one model.
 *
 * <h2>The model, per aligned 8-byte word</h2>
 * <ul>
 *   <li>A word has a durable value and a list of <em>pending versions</em>: every value stored to it
 *       since its last durable point, in program order. At a crash it holds its durable value or any
 *       one of its pending versions (a cache line may be written back at any moment, whole words at a
 *       time: only aligned 8-byte stores are failure-atomic).</li>
 *   <li>Memory device: {@code flush} marks the version current at that moment as flushed; the next
 *       fence on the same device makes it durable and discards the older versions. Versions stored
 *       after the flush stay pending (a write-back may or may not have caught them).</li>
 *   <li>Block device: there is no flush; a fence (fdatasync) makes the latest version of every word
 *       durable. Pending words are grouped by sector at a crash (see {@link CrashPoint}).</li>
 * </ul>
 * A fence applies to its own device only. With libpmem an sfence orders every flush of the thread,
 * whatever the mapping, but on the msync and fdatasync paths it does not, so code that flushes one
 * region and drains another is treated as not durable.
 */
final class DurabilityTracker {

    static final int LINE_BYTES = PowerFailSimulator.CACHE_LINE_BYTES;
    static final int WORDS_PER_LINE = LINE_BYTES / PowerFailSimulator.WORD_BYTES;

    /** The pending versions of one word. */
    static final class PendingWord {
        final long word;
        long[] values = new long[2];
        int[] events = new int[2];
        int count;
        /** Index of the newest flushed version, or -1: the one the next fence makes durable. */
        int flushedUpTo = -1;
        boolean listedAsFlushed;
        /** The event of the newest version the checker already reported, so it reports it once. */
        int reportedEvent = -1;

        PendingWord(long word) {
            this.word = word;
        }

        void add(long value, int event) {
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
                events = Arrays.copyOf(events, count * 2);
            }
            values[count] = value;
            events[count] = event;
            count++;
        }

        /** Forgets versions {@code [0, k]}: they were made durable (version k) or overwritten by it. */
        void dropThrough(int k) {
            int kept = count - (k + 1);
            System.arraycopy(values, k + 1, values, 0, kept);
            System.arraycopy(events, k + 1, events, 0, kept);
            count = kept;
            flushedUpTo = -1;
        }

        boolean hasUnflushed() {
            return flushedUpTo < count - 1;
        }

        int newestEvent() {
            return events[count - 1];
        }
    }

    /** Durable content and pending words of one device. */
    static final class DeviceState {
        final DeviceSpec spec;
        /** Durable content, its pages shared copy-on-write with the spec and with snapshots. */
        final PagedContent durable;
        final HashMap<Long, PendingWord> pending = new HashMap<>();
        final ArrayList<PendingWord> flushed = new ArrayList<>();

        DeviceState(DeviceSpec spec) {
            this.spec = spec;
            this.durable = spec.initialContent().sharedCopy();
        }

        boolean isMemory() {
            return spec.kind() == DeviceSpec.Kind.MEMORY;
        }

        void store(long word, long value, int event) {
            pending.computeIfAbsent(word, PendingWord::new).add(value, event);
        }

        void flush(long offset, long length) {
            if (pending.isEmpty()) {
                return;
            }
            long firstWord = (offset / LINE_BYTES) * WORDS_PER_LINE;
            long endWord = ((offset + length - 1) / LINE_BYTES + 1) * WORDS_PER_LINE;
            if (endWord - firstWord <= pending.size()) {
                for (long w = firstWord; w < endWord; w++) {
                    PendingWord pw = pending.get(w);
                    if (pw != null) {
                        markFlushed(pw);
                    }
                }
            } else {
                // A flush far larger than what is pending (persist of a whole region): walk the pending set.
                for (PendingWord pw : pending.values()) {
                    if (pw.word >= firstWord && pw.word < endWord) {
                        markFlushed(pw);
                    }
                }
            }
        }

        private void markFlushed(PendingWord pw) {
            pw.flushedUpTo = pw.count - 1;
            if (!pw.listedAsFlushed) {
                pw.listedAsFlushed = true;
                flushed.add(pw);
            }
        }

        void fence() {
            if (isMemory()) {
                for (PendingWord pw : flushed) {
                    pw.listedAsFlushed = false;
                    if (pw.flushedUpTo >= 0) {
                        writeDurable(pw.word, pw.values[pw.flushedUpTo]);
                        pw.dropThrough(pw.flushedUpTo);
                        if (pw.count == 0) {
                            pending.remove(pw.word);
                        }
                    }
                }
                flushed.clear();
            } else {
                for (PendingWord pw : pending.values()) {
                    writeDurable(pw.word, pw.values[pw.count - 1]);
                }
                pending.clear();
            }
        }

        void grow(long newSize) {
            durable.grow(newSize);
        }

        long durableWord(long word) {
            return durable.getLong(word * PowerFailSimulator.WORD_BYTES);
        }

        private void writeDurable(long word, long value) {
            durable.putLong(word * PowerFailSimulator.WORD_BYTES, value);
        }
    }

    private final EventLog log;
    private final List<DeviceSpec> specs;
    private final ArrayList<DeviceState> devices = new ArrayList<>();
    private int position;

    DurabilityTracker(EventLog log, List<DeviceSpec> specs) {
        this.log = log;
        this.specs = specs;
    }

    /** The crash point this tracker is at: events {@code [0, position)} have been applied. */
    int position() {
        return position;
    }

    DeviceState device(int index) {
        return devices.get(index);
    }

    int deviceCount() {
        return devices.size();
    }

    void advanceTo(int point) {
        if (point < position || point > log.size()) {
            throw new IllegalArgumentException("crash point " + point + " is outside [" + position + ", "
                    + log.size() + "]");
        }
        while (true) {
            while (devices.size() < specs.size() && specs.get(devices.size()).createdAt() <= position) {
                devices.add(new DeviceState(specs.get(devices.size())));
            }
            if (position == point) {
                return;
            }
            apply(position++);
        }
    }

    private void apply(int event) {
        switch (log.kind(event)) {
            case EventLog.STORE -> {
                DeviceState d = devices.get(log.device(event));
                int first = (int) log.a(event);
                int end = first + (int) log.b(event);
                for (int row = first; row < end; row++) {
                    d.store(log.wordIndex(row), log.wordValue(row), event);
                }
            }
            case EventLog.FLUSH -> devices.get(log.device(event)).flush(log.a(event), log.b(event));
            case EventLog.FENCE -> devices.get(log.device(event)).fence();
            case EventLog.GROW -> devices.get(log.device(event)).grow(log.a(event));
            default -> {
                // Operation markers change nothing durable.
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Checker queries (live tracker only)

    /**
     * The lines of a flush range that hold nothing new to write back (no pending word with a version
     * stored since its last flush), as {@code [firstLine, endLine)} pairs; call before applying the flush.
     */
    List<long[]> cleanLineRanges(int deviceIndex, long offset, long length) {
        DeviceState d = devices.get(deviceIndex);
        long firstLine = offset / LINE_BYTES;
        long endLine = (offset + length - 1) / LINE_BYTES + 1;
        long[] dirty = new long[16];
        int dirtyCount = 0;
        if ((endLine - firstLine) * WORDS_PER_LINE <= d.pending.size()) {
            for (long line = firstLine; line < endLine; line++) {
                for (long w = line * WORDS_PER_LINE; w < (line + 1) * WORDS_PER_LINE; w++) {
                    PendingWord pw = d.pending.get(w);
                    if (pw != null && pw.hasUnflushed()) {
                        dirty = append(dirty, dirtyCount++, line);
                        break;
                    }
                }
            }
        } else {
            for (PendingWord pw : d.pending.values()) {
                long line = pw.word / WORDS_PER_LINE;
                if (line >= firstLine && line < endLine && pw.hasUnflushed()) {
                    dirty = append(dirty, dirtyCount++, line);
                }
            }
            Arrays.sort(dirty, 0, dirtyCount);
        }
        List<long[]> clean = new ArrayList<>();
        long next = firstLine;
        for (int i = 0; i < dirtyCount; i++) {
            if (dirty[i] > next) {
                clean.add(new long[] {next, dirty[i]});
            }
            next = Math.max(next, dirty[i] + 1);
        }
        if (next < endLine) {
            clean.add(new long[] {next, endLine});
        }
        return clean;
    }

    /**
     * Words whose newest pending version was stored at or after {@code sinceEvent} and not reported
     * yet, coalesced into runs of adjacent words of one kind; marks them reported.
     */
    List<Finding> pendingSince(int sinceEvent, int operationIndex, String operationName) {
        List<Finding> findings = new ArrayList<>();
        for (DeviceState d : devices) {
            TreeMap<Long, Finding.Kind> words = new TreeMap<>();
            for (PendingWord pw : d.pending.values()) {
                if (pw.count == 0 || pw.newestEvent() < sinceEvent || pw.reportedEvent == pw.newestEvent()) {
                    continue;
                }
                pw.reportedEvent = pw.newestEvent();
                Finding.Kind kind = d.isMemory() && pw.hasUnflushed() ? Finding.Kind.UNFLUSHED_AT_OPERATION_END
                        : Finding.Kind.UNFENCED_AT_OPERATION_END;
                words.put(pw.word, kind);
            }
            long runStart = -1;
            long runEnd = -1;
            Finding.Kind runKind = null;
            for (Map.Entry<Long, Finding.Kind> e : words.entrySet()) {
                if (runKind != null && e.getKey() == runEnd && e.getValue() == runKind) {
                    runEnd++;
                    continue;
                }
                if (runKind != null) {
                    findings.add(finding(runKind, operationIndex, operationName, d, runStart, runEnd));
                }
                runStart = e.getKey();
                runEnd = runStart + 1;
                runKind = e.getValue();
            }
            if (runKind != null) {
                findings.add(finding(runKind, operationIndex, operationName, d, runStart, runEnd));
            }
        }
        return findings;
    }

    private static Finding finding(Finding.Kind kind, int operationIndex, String operationName, DeviceState d,
            long firstWord, long endWord) {
        return new Finding(kind, operationIndex, operationName, d.spec.name(),
                firstWord * PowerFailSimulator.WORD_BYTES, (endWord - firstWord) * PowerFailSimulator.WORD_BYTES);
    }

    // ------------------------------------------------------------------------------------------
    // Snapshot

    /**
     * Freezes the current crash point: shares each device's durable pages (copy-on-write) and turns
     * the pending words into the choice units of {@link CrashPoint}.
     */
    CrashPoint snapshot(PowerFailSimulator simulator, long seed) {
        int deviceCount = devices.size();
        DeviceSpec[] deviceSpecs = new DeviceSpec[deviceCount];
        PagedContent[] durable = new PagedContent[deviceCount];
        CrashPoint.Builder units = new CrashPoint.Builder();
        for (int di = 0; di < deviceCount; di++) {
            DeviceState d = devices.get(di);
            deviceSpecs[di] = d.spec;
            durable[di] = d.durable.freeze();
            if (d.pending.isEmpty()) {
                continue;
            }
            long[] words = new long[d.pending.size()];
            int n = 0;
            for (long w : d.pending.keySet()) {
                words[n++] = w;
            }
            Arrays.sort(words);
            if (d.isMemory()) {
                for (long w : words) {
                    addWordUnit(units, di, d, d.pending.get(w));
                }
            } else {
                addSectorUnits(units, di, d, words);
            }
        }
        long hash = log.hashBefore(position);
        for (DeviceSpec spec : deviceSpecs) {
            hash = EventLog.mix(hash ^ spec.identityHash());
        }
        return units.build(simulator, position, log.openOperationAt(position), hash, seed, deviceSpecs, durable);
    }

    private static void addWordUnit(CrashPoint.Builder units, int deviceIndex, DeviceState d, PendingWord pw) {
        long durableValue = d.durableWord(pw.word);
        long[] distinct = new long[Math.min(pw.count, 8) + 1];
        distinct[0] = durableValue;
        int distinctCount = 1;
        HashMap<Long, Integer> index = pw.count > 16 ? new HashMap<>() : null;
        if (index != null) {
            index.put(durableValue, 0);
        }
        int[] choiceOf = new int[pw.count];
        for (int k = 0; k < pw.count; k++) {
            long v = pw.values[k];
            int c = -1;
            if (index != null) {
                c = index.getOrDefault(v, -1);
            } else {
                for (int j = 0; j < distinctCount; j++) {
                    if (distinct[j] == v) {
                        c = j;
                        break;
                    }
                }
            }
            if (c < 0) {
                c = distinctCount;
                distinct = append(distinct, distinctCount++, v);
                if (index != null) {
                    index.put(v, c);
                }
            }
            choiceOf[k] = c;
        }
        if (distinctCount == 1) {
            return; // every pending version equals the durable value: no choice to make
        }
        int unit = units.addWordUnit(deviceIndex, pw.word, Arrays.copyOf(distinct, distinctCount));
        for (int k = 0; k < pw.count; k++) {
            units.addEntry(pw.events[k], unit, choiceOf[k]);
        }
    }

    private static void addSectorUnits(CrashPoint.Builder units, int deviceIndex, DeviceState d, long[] sortedWords) {
        long wordsPerSector = d.spec.sectorBytes() / PowerFailSimulator.WORD_BYTES;
        int i = 0;
        while (i < sortedWords.length) {
            long sector = sortedWords[i] / wordsPerSector;
            int j = i;
            int rows = 0;
            while (j < sortedWords.length && sortedWords[j] / wordsPerSector == sector) {
                rows += d.pending.get(sortedWords[j]).count;
                j++;
            }
            // Every version of every word of the sector, ordered by the store event that wrote it.
            long[] keys = new long[rows];
            long[] rowWord = new long[rows];
            long[] rowValue = new long[rows];
            int r = 0;
            for (int k = i; k < j; k++) {
                PendingWord pw = d.pending.get(sortedWords[k]);
                for (int v = 0; v < pw.count; v++) {
                    rowWord[r] = pw.word;
                    rowValue[r] = pw.values[v];
                    keys[r] = ((long) pw.events[v] << 32) | r;
                    r++;
                }
            }
            Arrays.sort(keys);
            long[] words = new long[rows];
            long[] values = new long[rows];
            int[] versionEvents = new int[rows];
            int[] versionEnds = new int[rows];
            int versions = 0;
            for (int k = 0; k < rows; k++) {
                int row = (int) keys[k];
                int event = (int) (keys[k] >>> 32);
                words[k] = rowWord[row];
                values[k] = rowValue[row];
                if (versions == 0 || versionEvents[versions - 1] != event) {
                    versionEvents[versions++] = event;
                }
                versionEnds[versions - 1] = k + 1;
            }
            int unit = units.addSectorUnit(deviceIndex, sector, words, values, Arrays.copyOf(versionEnds, versions));
            for (int v = 0; v < versions; v++) {
                units.addEntry(versionEvents[v], unit, v + 1);
            }
            i = j;
        }
    }

    private static long[] append(long[] array, int index, long value) {
        if (index == array.length) {
            array = Arrays.copyOf(array, array.length * 2);
        }
        array[index] = value;
        return array;
    }
}
