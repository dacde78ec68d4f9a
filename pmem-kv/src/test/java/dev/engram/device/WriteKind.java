package dev.engram.device;

import dev.engram.region.Region;

/**
 * Every way a region can store, each writing {@code value} over the whole 8-byte cell at
 * {@code cell} (and, for the ranged kinds, over some bytes of its neighbours, with the same byte
 * pattern: {@code value} must repeat one byte so that fill and unaligned kinds agree).
 */
enum WriteKind {
    PUT_BYTE {
        @Override
        void write(Region r, long cell, long value) {
            for (int i = 0; i < 8; i++) {
                r.putByte(cell + i, (byte) (value >>> (8 * i)));
            }
        }
    },
    PUT_INT {
        @Override
        void write(Region r, long cell, long value) {
            r.putInt(cell, (int) value);
            r.putInt(cell + 4, (int) (value >>> 32));
        }
    },
    PUT_LONG {
        @Override
        void write(Region r, long cell, long value) {
            r.putLong(cell, value);
        }
    },
    PUT_LONG_UNALIGNED_STRADDLING {
        @Override
        void write(Region r, long cell, long value) {
            r.putLong(cell - 3, value);
            r.putLong(cell + 5, value);
        }
    },
    BULK_WRITE {
        @Override
        void write(Region r, long cell, long value) {
            byte[] b = new byte[19];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (value >>> (8 * ((i + 2) & 7))); // b[i] lands at cell + i - 6
            }
            r.write(cell - 5, b, 1, 17); // covers [cell-5, cell+12)
        }
    },
    COPY {
        @Override
        void write(Region r, long cell, long value) {
            long scratch = r.size() - 64;
            for (int i = 0; i < 32; i += 8) {
                r.putLong(scratch + i, value);
            }
            r.copy(scratch, cell - 8, 24);
        }
    },
    OVERLAPPING_COPY {
        @Override
        void write(Region r, long cell, long value) {
            // the source [cell-16, cell+8) overlaps the destination [cell-8, cell+16) from below
            r.putLong(cell - 16, value);
            r.putLong(cell - 8, value);
            r.copy(cell - 16, cell - 8, 24);
        }
    },
    FILL {
        @Override
        void write(Region r, long cell, long value) {
            r.fill(cell - 3, 20, (byte) value);
        }
    },
    PUT_LONG_RELEASE {
        @Override
        void write(Region r, long cell, long value) {
            r.putLongRelease(cell, value);
        }
    },
    COMPARE_AND_SET {
        @Override
        void write(Region r, long cell, long value) {
            r.compareAndSetLong(cell, r.getLongVolatile(cell), value);
        }
    };

    abstract void write(Region r, long cell, long value);
}
