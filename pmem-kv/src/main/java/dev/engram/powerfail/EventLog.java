package dev.engram.powerfail;

import java.util.Arrays;

/**
 * The global, append-only sequence of events of one {@link PowerFailSimulator}: stores, flushes,
 * fences, growth and operation markers, for all its devices in one order. Device creation is not an
 * event (a crash between two creations is of no interest): a device exists from the crash point at
 * which it was created on ({@link DeviceSpec#createdAt()}).
 *
 * <p>Crash point {@code p} is the moment after events {@code [0, p)} and before event {@code p}; a
 * log of {@code n} events has the {@code n + 1} crash points {@code 0..n}.
 *
 * <p>Storage is a handful of parallel primitive arrays so that recording a store costs a few array
 * writes, not an object: one row per event ({@link #kind}, {@link #device}, two long arguments) and one
 * row per stored 8-byte word (its index and the full value it holds after the store). A store call
 * that touches several words is one event whose words are a contiguous run of word rows.
 *
 * <p>Each event also records a running 64-bit hash of the log up to and including it; descriptor
 * lines carry it (with the identity of the devices, see {@link DurabilityTracker#snapshot}) so that a
 * line is never silently applied to a different recording.
 */
final class EventLog {

    /** A store call: {@code a} is the first word row, {@code b} the number of words. */
    static final byte STORE = 1;
    /** A flush of {@code [a, a + b)} on a memory device. */
    static final byte FLUSH = 2;
    /** A fence (memory device) or fdatasync (block device) on {@code device}. */
    static final byte FENCE = 3;
    /** The device grew to {@code a} bytes; the new size is durable. */
    static final byte GROW = 4;
    /** Operation {@code a} began. */
    static final byte OP_BEGIN = 5;
    /** Operation {@code a} ended. */
    static final byte OP_END = 6;

    private static final long HASH_START = 0x6a09e667f3bcc908L;

    private byte[] kinds = new byte[1024];
    private int[] devices = new int[1024];
    private long[] argA = new long[1024];
    private long[] argB = new long[1024];
    /** Hash of events {@code [0, i]}. */
    private long[] hashThrough = new long[1024];
    /** The innermost operation open after event {@code i}, or -1. */
    private int[] openOpAfter = new int[1024];
    private int size;

    private long[] wordIndexes = new long[4096];
    private long[] wordValues = new long[4096];
    private int wordCount;

    private long runningHash = HASH_START;

    int size() {
        return size;
    }

    byte kind(int event) {
        return kinds[event];
    }

    int device(int event) {
        return devices[event];
    }

    long a(int event) {
        return argA[event];
    }

    long b(int event) {
        return argB[event];
    }

    long wordIndex(int row) {
        return wordIndexes[row];
    }

    long wordValue(int row) {
        return wordValues[row];
    }

    /** The hash of events {@code [0, point)}: what a descriptor line for crash point {@code point} carries. */
    long hashBefore(int point) {
        return point == 0 ? HASH_START : hashThrough[point - 1];
    }

    /** The innermost operation open at crash point {@code point}, or -1 when none is. */
    int openOperationAt(int point) {
        return point == 0 ? -1 : openOpAfter[point - 1];
    }

    /** Appends one word row of the store event about to be appended; returns the row. */
    int appendWord(long wordIndex, long value) {
        if (wordCount == wordIndexes.length) {
            int capacity = Math.multiplyExact(wordIndexes.length, 2);
            wordIndexes = Arrays.copyOf(wordIndexes, capacity);
            wordValues = Arrays.copyOf(wordValues, capacity);
        }
        wordIndexes[wordCount] = wordIndex;
        wordValues[wordCount] = value;
        runningHash = mix(mix(runningHash ^ wordIndex) ^ value);
        return wordCount++;
    }

    int wordCount() {
        return wordCount;
    }

    /** Appends an event and returns its index. {@code openOperation} is the innermost operation open after it. */
    int append(byte kind, int device, long a, long b, int openOperation) {
        if (size == kinds.length) {
            int capacity = Math.multiplyExact(kinds.length, 2);
            kinds = Arrays.copyOf(kinds, capacity);
            devices = Arrays.copyOf(devices, capacity);
            argA = Arrays.copyOf(argA, capacity);
            argB = Arrays.copyOf(argB, capacity);
            hashThrough = Arrays.copyOf(hashThrough, capacity);
            openOpAfter = Arrays.copyOf(openOpAfter, capacity);
        }
        kinds[size] = kind;
        devices[size] = device;
        argA[size] = a;
        argB[size] = b;
        openOpAfter[size] = openOperation;
        runningHash = mix(mix(mix(runningHash ^ kind) ^ device) ^ a) ^ b;
        runningHash = mix(runningHash);
        hashThrough[size] = runningHash;
        return size++;
    }

    /** The finaliser of SplitMix64 / Stafford variant 13: cheap, and every input bit reaches every output bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
