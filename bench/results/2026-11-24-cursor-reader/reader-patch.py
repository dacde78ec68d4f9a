p='/work/main/pmem-kv/src/main/java/dev/engram/kv/KvStore.java'
s=open(p).read()
old='''    /** A reading thread's state: one ThreadLocal lookup per read finds both its probe and its record buffer. */
    private static final ThreadLocal<Reader> READER = ThreadLocal.withInitial(Reader::new);

    private static final class Reader {
        final Index.Probe probe = new Index.Probe();
        byte[] record = new byte[256];'''
new='''    /** A reading thread's state: one ThreadLocal lookup per read finds both its probe and its record buffer. */
    private static final ThreadLocal<Reader> READER = ThreadLocal.withInitial(Reader::new);

    /**
     * A reader's probe and record buffer: one per thread ({@link #READER}), and one per cursor, which a
     * single thread uses by contract, so that a scan's step looks up no ThreadLocal (9 % of a settled
     * sorted scan's time).
     */
    static final class Reader {
        final Index.Probe probe = new Index.Probe();
        byte[] record = new byte[256];
        /** A read-only buffer over {@link #record}, made again when the array is; what a step's value view is sliced from. */
        private ByteBuffer view;
        private byte[] viewOf;'''
assert old in s; s=s.replace(old,new,1)
old='''            if (record.length < length) {
                record = new byte[Math.max(length, record.length * 2)];
            }
            return record;
        }
    }
'''
new='''            if (record.length < length) {
                record = new byte[Math.max(length, record.length * 2)];
            }
            return record;
        }

        /**
         * A read-only view of {@code record[from, from + length)}, position 0: one object, sliced from a
         * view of the whole array kept while the array is (wrapping, slicing and making read-only each
         * time made three).
         */
        ByteBuffer view(byte[] record, int from, int length) {
            if (record != viewOf) {
                view = ByteBuffer.wrap(record).asReadOnlyBuffer();
                viewOf = record;
            }
            return view.clear().position(from).limit(from + length).slice();
        }
    }
'''
assert old in s; s=s.replace(old,new,1)
# valueOf with ValueReader: overload with Reader
old='''    <R> R valueOf(byte[] key, Entry newest, long at, ValueReader<R> reader) {
        Reader r = READER.get();
        while (true) {
            Entry e = visible(newest, at);
            if (e == null) {
                return null;
            }
            byte[] record = verifiedRecord(e, r);
            if (record != null) {
                return inPlace(r, record, e.recordOffset, e.valueOffset, e.valueLength, reader);
            }
            newest = lookAgain(key, newest, e);
        }
    }'''
new='''    <R> R valueOf(byte[] key, Entry newest, long at, ValueReader<R> reader) {
        return valueOf(key, newest, at, reader, READER.get());
    }

    /** As {@link #valueOf(byte[], Entry, long, ValueReader)}, reading into {@code r} (a cursor's). */
    <R> R valueOf(byte[] key, Entry newest, long at, ValueReader<R> reader, Reader r) {
        while (true) {
            Entry e = visible(newest, at);
            if (e == null) {
                return null;
            }
            byte[] record = verifiedRecord(e, r);
            if (record != null) {
                return inPlace(r, record, e.recordOffset, e.valueOffset, e.valueLength, reader);
            }
            newest = lookAgain(key, newest, e, r);
        }
    }'''
assert old in s; s=s.replace(old,new,1)
old='''        boolean wasLent = r.lent;
        r.lent = true;
        try {
            return reader.read(ByteBuffer.wrap(record, from, valueLength).slice().asReadOnlyBuffer());
        } finally {
            r.lent = wasLent;
        }'''
new='''        boolean wasLent = r.lent;
        r.lent = true;
        try {
            return reader.read(r.view(record, from, valueLength));
        } finally {
            r.lent = wasLent;
        }'''
assert old in s; s=s.replace(old,new,1)
old='''    byte[] valueOf(byte[] key, Entry newest, long at) {
        while (true) {
            Entry e = visible(newest, at);
            if (e == null) {
                return null;
            }
            byte[] record = verifiedRecord(e, READER.get());
            if (record != null) {
                return valueIn(record, e.recordOffset, e.valueOffset, e.valueLength);
            }
            newest = lookAgain(key, newest, e);
        }
    }'''
new='''    byte[] valueOf(byte[] key, Entry newest, long at) {
        return valueOf(key, newest, at, READER.get());
    }

    /** As {@link #valueOf(byte[], Entry, long)}, reading into {@code r} (a cursor's). */
    byte[] valueOf(byte[] key, Entry newest, long at, Reader r) {
        while (true) {
            Entry e = visible(newest, at);
            if (e == null) {
                return null;
            }
            byte[] record = verifiedRecord(e, r);
            if (record != null) {
                return valueIn(record, e.recordOffset, e.valueOffset, e.valueLength);
            }
            newest = lookAgain(key, newest, e, r);
        }
    }'''
assert old in s; s=s.replace(old,new,1)
old='''    private Entry lookAgain(byte[] key, Entry newest, Entry e) {
        Entry now = index.get(key);
        if (!Objects.equals(now, newest)) {
            return now;
        }
        byte[] record = READER.get().record;'''
new='''    private Entry lookAgain(byte[] key, Entry newest, Entry e, Reader r) {
        Entry now = index.get(key);
        if (!Objects.equals(now, newest)) {
            return now;
        }
        byte[] record = r.record;'''
assert old in s; s=s.replace(old,new,1)
s=s.replace('''        return valueOf(key, index.get(key), Long.MAX_VALUE);
    }

    /** Applies {@code reader} to the value in place''','''        return valueOf(key, index.get(key), Long.MAX_VALUE, reader);
    }

    /** Applies {@code reader} to the value in place''')
s=s.replace('''        return valueOf(key, index.get(key), Long.MAX_VALUE, reader);
    }

    /** {@link #newestRecord}'s answer''','''        return valueOf(key, index.get(key), Long.MAX_VALUE, reader, r);
    }

    /** {@link #newestRecord}'s answer''')
open(p,'w').write(s)

p='/work/main/pmem-kv/src/main/java/dev/engram/kv/KvCursor.java'
s=open(p).read()
old='''        return store.valueOf(key, entry, snapshot.sequence());'''
new='''        return store.valueOf(key, entry, snapshot.sequence(), reader);'''
assert old in s; s=s.replace(old,new,1)
old='''        return store.valueOf(key, entry, snapshot.sequence(), reader);
    }'''
# the ValueReader one: parameter named reader clashes; rename field to buffers
s=s.replace('''        return store.valueOf(key, entry, snapshot.sequence(), reader);''','''        return store.valueOf(key, entry, snapshot.sequence(), buffers);''',1)
old='''        return store.valueOf(key, entry, snapshot.sequence(), reader);'''
assert old in s
s=s.replace(old,'''        return store.valueOf(key, entry, snapshot.sequence(), reader, buffers);''',1)
old='''    private byte[] key;
    private Entry entry;
'''
new='''    private byte[] key;
    private Entry entry;
    /** This cursor's probe and record buffer: one thread uses a cursor, so no ThreadLocal per step. */
    private final KvStore.Reader buffers = new KvStore.Reader();
'''
assert old in s; s=s.replace(old,new,1)
open(p,'w').write(s)
print("ok")
