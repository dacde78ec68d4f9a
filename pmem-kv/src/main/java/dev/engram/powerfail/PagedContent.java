package dev.engram.powerfail;

import java.util.Arrays;

/**
 * The durable content of one device, in 4 KiB pages shared copy-on-write.
 *
 * <p>Why pages: a sweep over crash points freezes the durable content at every point, and an image
 * starts from it. With one flat array, every fence after a freeze would copy the whole device (a few
 * MiB) and so would every image before its first chosen word. With pages, a freeze copies one
 * reference per page, a fence copies the pages it writes, and an image copies the pages its chosen
 * words and sectors land in; only {@link #toArray()} (when a device is materialised) copies it all.
 *
 * <p>Ownership: a page may be written in place only if this content copied it after its last
 * {@link #freeze()}. {@code ownedGeneration[p] == generation} says so; a freeze bumps the generation,
 * disowning every page at once.
 *
 * <p>The same structure holds the visible content of a {@link SimulatedDevice}: a device materialised
 * from an image starts sharing the image's pages, so materialising costs one reference per page
 * and recovery copies only the pages it writes. Accesses that straddle two pages take a byte-wise
 * slow path.
 */
final class PagedContent {

    static final int PAGE_SHIFT = 12;
    static final int PAGE_BYTES = 1 << PAGE_SHIFT;
    /** Shared by every all-zero page of every device; never written (it is never owned). */
    private static final byte[] ZERO_PAGE = new byte[PAGE_BYTES];

    private byte[][] pages;
    private int[] ownedGeneration;
    private int generation = 1;
    private long size;

    private PagedContent(byte[][] pages, long size) {
        this.pages = pages;
        this.ownedGeneration = new int[pages.length];
        this.size = size;
    }

    /** Zero-filled content of {@code size} bytes, costing one reference per page. */
    static PagedContent zeros(long size) {
        byte[][] pages = new byte[pageCount(size)][];
        Arrays.fill(pages, ZERO_PAGE);
        return new PagedContent(pages, size);
    }

    /** A copy of {@code content}; its all-zero pages share one array. */
    static PagedContent copyOf(byte[] content) {
        byte[][] pages = new byte[pageCount(content.length)][];
        for (int p = 0; p < pages.length; p++) {
            int from = p << PAGE_SHIFT;
            int to = Math.min(from + PAGE_BYTES, content.length);
            if (Arrays.mismatch(content, from, to, ZERO_PAGE, 0, to - from) < 0) {
                pages[p] = ZERO_PAGE;
            } else {
                pages[p] = Arrays.copyOf(Arrays.copyOfRange(content, from, to), PAGE_BYTES);
            }
        }
        return new PagedContent(pages, content.length);
    }

    long size() {
        return size;
    }

    /**
     * A copy sharing every page, for a snapshot: from now on this content copies a page before its next
     * write to it, and so does the copy.
     */
    PagedContent freeze() {
        generation++;
        return sharedCopy();
    }

    /** A copy sharing every page, which copies a page before writing it; this content must not be written after. */
    PagedContent sharedCopy() {
        return new PagedContent(pages.clone(), size);
    }

    byte getByte(long offset) {
        return pages[(int) (offset >>> PAGE_SHIFT)][(int) (offset & (PAGE_BYTES - 1))];
    }

    void putByte(long offset, byte value) {
        writablePage(offset)[(int) (offset & (PAGE_BYTES - 1))] = value;
    }

    /** A little-endian long at any offset; one page access unless it straddles two pages. */
    long getLong(long offset) {
        int inPage = (int) (offset & (PAGE_BYTES - 1));
        if (inPage <= PAGE_BYTES - Long.BYTES) {
            return (long) SimulatedDevice.LONG.get(pages[(int) (offset >>> PAGE_SHIFT)], inPage);
        }
        long value = 0;
        for (int i = Long.BYTES - 1; i >= 0; i--) {
            value = (value << 8) | (getByte(offset + i) & 0xFF);
        }
        return value;
    }

    void putLong(long offset, long value) {
        int inPage = (int) (offset & (PAGE_BYTES - 1));
        if (inPage <= PAGE_BYTES - Long.BYTES) {
            SimulatedDevice.LONG.set(writablePage(offset), inPage, value);
            return;
        }
        for (int i = 0; i < Long.BYTES; i++) {
            putByte(offset + i, (byte) (value >>> (8 * i)));
        }
    }

    int getInt(long offset) {
        int inPage = (int) (offset & (PAGE_BYTES - 1));
        if (inPage <= PAGE_BYTES - Integer.BYTES) {
            return (int) SimulatedDevice.INT.get(pages[(int) (offset >>> PAGE_SHIFT)], inPage);
        }
        int value = 0;
        for (int i = Integer.BYTES - 1; i >= 0; i--) {
            value = (value << 8) | (getByte(offset + i) & 0xFF);
        }
        return value;
    }

    void putInt(long offset, int value) {
        int inPage = (int) (offset & (PAGE_BYTES - 1));
        if (inPage <= PAGE_BYTES - Integer.BYTES) {
            SimulatedDevice.INT.set(writablePage(offset), inPage, value);
            return;
        }
        for (int i = 0; i < Integer.BYTES; i++) {
            putByte(offset + i, (byte) (value >>> (8 * i)));
        }
    }

    /** Copies {@code [offset, offset + length)} into {@code dst[dstIndex..]}. */
    void read(long offset, byte[] dst, int dstIndex, int length) {
        while (length > 0) {
            int inPage = (int) (offset & (PAGE_BYTES - 1));
            int chunk = Math.min(length, PAGE_BYTES - inPage);
            System.arraycopy(pages[(int) (offset >>> PAGE_SHIFT)], inPage, dst, dstIndex, chunk);
            offset += chunk;
            dstIndex += chunk;
            length -= chunk;
        }
    }

    /** Copies {@code src[srcIndex..srcIndex + length)} to {@code offset}. */
    void write(long offset, byte[] src, int srcIndex, int length) {
        while (length > 0) {
            int inPage = (int) (offset & (PAGE_BYTES - 1));
            int chunk = Math.min(length, PAGE_BYTES - inPage);
            System.arraycopy(src, srcIndex, writablePage(offset), inPage, chunk);
            offset += chunk;
            srcIndex += chunk;
            length -= chunk;
        }
    }

    void fill(long offset, long length, byte value) {
        while (length > 0) {
            int inPage = (int) (offset & (PAGE_BYTES - 1));
            int chunk = (int) Math.min(length, PAGE_BYTES - inPage);
            if (value == 0 && chunk == PAGE_BYTES) {
                pages[(int) (offset >>> PAGE_SHIFT)] = ZERO_PAGE; // a whole page of zeros: share, don't write
                ownedGeneration[(int) (offset >>> PAGE_SHIFT)] = 0;
            } else {
                Arrays.fill(writablePage(offset), inPage, inPage + chunk, value);
            }
            offset += chunk;
            length -= chunk;
        }
    }

    /** Grows to {@code newSize} bytes; new bytes are zero (bytes past the old size in its last page already are). */
    void grow(long newSize) {
        int oldPages = pages.length;
        int newPages = pageCount(newSize);
        if (newPages > oldPages) {
            pages = Arrays.copyOf(pages, newPages);
            Arrays.fill(pages, oldPages, newPages, ZERO_PAGE);
            ownedGeneration = Arrays.copyOf(ownedGeneration, newPages);
        }
        size = newSize;
    }

    /** The whole content as one fresh array. */
    byte[] toArray() {
        byte[] out = new byte[(int) size];
        for (int p = 0; p < pages.length; p++) {
            int from = p << PAGE_SHIFT;
            if (pages[p] != ZERO_PAGE) {
                System.arraycopy(pages[p], 0, out, from, (int) Math.min(PAGE_BYTES, size - from));
            }
        }
        return out;
    }

    private byte[] writablePage(long offset) {
        int p = (int) (offset >>> PAGE_SHIFT);
        if (ownedGeneration[p] != generation) {
            pages[p] = pages[p].clone();
            ownedGeneration[p] = generation;
        }
        return pages[p];
    }

    private static int pageCount(long size) {
        return (int) ((size + PAGE_BYTES - 1) >>> PAGE_SHIFT);
    }
}
