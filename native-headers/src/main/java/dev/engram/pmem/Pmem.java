package dev.engram.pmem;

import dev.engram.pmem.ffi.pmem.LibPmem;
import dev.engram.pmem.ffi.pmem2.LibPmem2;
import dev.engram.pmem.ffi.pmem2.pmem2_persist_fn;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The one door to PMDK: a static facade over the jextract-generated libpmem and libpmem2 bindings
 * ({@code dev.engram.pmem.ffi}). Nothing else in Engram touches those bindings.
 *
 * <h2>Availability first</h2>
 * Loading this class never fails. It probes {@code libpmem.so.1} and {@code libpmem2.so.1} once and
 * records the outcome in {@link #availability()} / {@link #availability2()}; a caller that finds a
 * library missing gets the reason (including the Debian package to install) and falls back to
 * pure-Java persistence ({@code MappedByteBuffer.force}, {@code FileChannel.force}).
 *
 * <pre>{@code
 * if (Pmem.availability().available()) {
 *     try (PmemMapping m = Pmem.map(file, 1 << 20, EnumSet.of(Pmem.MapOption.CREATE),
 *                                   PosixFilePermissions.fromString("rw-------"))) {
 *         m.segment().set(JAVA_LONG, 0, 42L);
 *         m.persist(0, 8);   // pmem_persist on pmem, pmem_msync otherwise
 *     }
 * } else {
 *     log.warn("no libpmem: {}", Pmem.availability().reason());
 * }
 * }</pre>
 *
 * <h2>Critical downcalls on the flush path</h2>
 * {@link #persist}, {@link #flush} and {@link #drain} (and the cache-flushing libpmem2 persist
 * functions) go through downcall handles this class links itself, from the generated
 * {@code pmem_persist$address()} / {@code pmem_persist$descriptor()} accessors, with
 * {@link Linker.Option#critical(boolean) Linker.Option.critical(false)}. A critical downcall keeps
 * the thread in Java state: it skips the Java-to-native thread-state transition and the safepoint
 * poll on return that an ordinary downcall pays. That is about 10 ns per call (measured on
 * {@code pmem_drain}: ~7 ns critical against ~17 ns ordinary; see README), a large share of a
 * fence-only persist on eADR pmem. That is only legal for functions that neither block nor call back into Java and
 * return quickly, because a safepoint (a GC, for instance) waits for the call to finish.
 * {@code pmem_persist}, {@code pmem_flush} and {@code pmem_drain} qualify: they are a CLWB or
 * CLFLUSHOPT per cache line and an SFENCE. Persisting very large ranges through them therefore
 * delays safepoints for as long as the flush takes; callers persist record-sized ranges. Anything
 * that may enter the kernel ({@code pmem_msync}, libpmem2's page-granularity persist, mapping,
 * unmapping) uses ordinary downcalls.
 *
 * <p>{@link #persistAddress} and {@link #flushAddress} are the same calls by raw address: a downcall
 * that takes a segment acquires and releases the segment's arena around the call, two atomic updates
 * of a shared arena's state; a caller that owns the mapping and has bounds-checked the range can skip
 * them. They trade the arena's protection for that: an unmapped address faults.
 *
 * <h2>Errors</h2>
 * A failing PMDK call becomes a {@link PmemException} carrying the operation, the path and PMDK's
 * {@code pmem_errormsg()} / {@code pmem2_errormsg()} text. Those messages are thread-local in PMDK
 * and are read on the failing thread right after the failing call, before any other native call.
 *
 * <h2>Native access</h2>
 * The module runs on the class path; the JVM needs {@code --enable-native-access=ALL-UNNAMED} or it
 * warns on the first restricted call (and refuses it under {@code --illegal-native-access=deny},
 * which {@link #availability()} reports).
 */
public final class Pmem {

    /** The soname the bindings load: {@code jextract --library :libpmem.so.1}. */
    public static final String LIBPMEM_SONAME = "libpmem.so.1";
    /** The soname the bindings load: {@code jextract --library :libpmem2.so.1}. */
    public static final String LIBPMEM2_SONAME = "libpmem2.so.1";

    private static final Linker LINKER = Linker.nativeLinker();

    private static final Availability LIBPMEM = probe(LIBPMEM_SONAME, "libpmem1", Pmem::bindLibpmem);

    /** libpmem2 is probed on first need: a process that only uses libpmem does not load it. */
    private static final class Libpmem2 {
        static final Availability AVAILABILITY = probe(LIBPMEM2_SONAME, "libpmem2", Pmem::bindLibpmem2);
    }

    private Pmem() {
    }

    /**
     * Whether one PMDK library can be used, and if not, why.
     *
     * @param library   the soname probed, e.g. {@code libpmem.so.1}
     * @param available whether the library loaded and its symbols bind
     * @param reason    why it is unavailable, naming the fix; empty when available
     * @param version   the API version the loaded library accepts: {@code "major.minor"} for libpmem,
     *                  confirmed by {@code pmem_check_version}; for libpmem2, which has no version
     *                  query, the ABI major its soname carries ({@code "1"}); empty when unavailable
     */
    public record Availability(String library, boolean available, String reason, String version) {

        /** Checks that {@code reason} is empty exactly when the library is available. */
        public Availability {
            Objects.requireNonNull(library, "library");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(version, "version");
            if (available != reason.isEmpty()) {
                throw new IllegalArgumentException("reason must be empty exactly when available: " + reason);
            }
        }

        static Availability of(String library, String version) {
            return new Availability(library, true, "", version);
        }

        static Availability missing(String library, String reason) {
            return new Availability(library, false, reason, "");
        }
    }

    /** How {@link #map(Path, long, Set, Set)} opens the file; the {@code PMEM_FILE_*} flags. */
    public enum MapOption {
        /** Create the file if missing and set its length ({@code PMEM_FILE_CREATE}); needs length &gt; 0. */
        CREATE,
        /** With {@link #CREATE}: fail if the file exists ({@code PMEM_FILE_EXCL}). */
        EXCLUSIVE,
        /** With {@link #CREATE}: extend with a hole instead of allocating blocks ({@code PMEM_FILE_SPARSE}). */
        SPARSE,
        /** Map an unnamed temporary file in the given directory ({@code PMEM_FILE_TMPFILE}). */
        TMPFILE
    }

    // ---------------------------------------------------------------------------------------------
    // Availability
    // ---------------------------------------------------------------------------------------------

    /** @return whether libpmem can be used, its version, or why not; never throws */
    public static Availability availability() {
        return LIBPMEM;
    }

    /** @return whether libpmem2 can be used, its version, or why not; never throws */
    public static Availability availability2() {
        return Libpmem2.AVAILABILITY;
    }

    /**
     * Loads {@code soname} once (the handle stays open for the life of the JVM, as the generated
     * bindings' own lookup would keep it anyway), then lets {@code bind} touch the generated class.
     * Package-private so a test can probe a library that does not exist.
     */
    static Availability probe(String soname, String debianPackage, Function<String, Availability> bind) {
        try {
            SymbolLookup.libraryLookup(soname, Arena.global());
        } catch (IllegalArgumentException notFound) {
            return Availability.missing(soname, soname + " not found: install Debian package " + debianPackage);
        } catch (IllegalCallerException denied) {
            return Availability.missing(soname, "native access is denied, so " + soname
                    + " cannot be loaded: run the JVM with --enable-native-access=ALL-UNNAMED");
        } catch (RuntimeException | LinkageError unexpected) {
            return Availability.missing(soname, soname + " could not be loaded: " + unexpected);
        }
        try {
            return bind.apply(soname);
        } catch (RuntimeException | LinkageError unexpected) {
            return Availability.missing(soname, soname + " loaded but its symbols did not bind: " + unexpected);
        }
    }

    private static Availability bindLibpmem(String soname) {
        int major = LibPmem.PMEM_MAJOR_VERSION();
        int minor = LibPmem.PMEM_MINOR_VERSION();
        MemorySegment refusal = LibPmem.pmem_check_version(major, minor);
        if (refusal.address() != 0) {
            return Availability.missing(soname, soname + " refuses API " + major + "." + minor
                    + " that the bindings were generated for: " + refusal.getString(0));
        }
        return Availability.of(soname, major + "." + minor);
    }

    private static Availability bindLibpmem2(String soname) {
        // Resolving one symbol initialises the generated class's lookup: the library is usable.
        LibPmem2.pmem2_errormsg$address();
        return Availability.of(soname, "1");
    }

    // ---------------------------------------------------------------------------------------------
    // libpmem: mapping
    // ---------------------------------------------------------------------------------------------

    /**
     * Maps a file with {@code pmem_map_file}.
     *
     * @param path        the file (or, with {@link MapOption#TMPFILE}, the directory)
     * @param length      bytes to create or map; 0 maps the whole existing file
     * @param options     how to open the file; empty opens an existing file
     * @param permissions mode of a file created by {@link MapOption#CREATE}
     * @return the mapping; close it to unmap
     * @throws PmemException carrying {@code pmem_errormsg()} if the call fails, or the
     *                       {@link #availability()} reason if libpmem is unavailable
     */
    public static PmemMapping map(Path path, long length, Set<MapOption> options, Set<PosixFilePermission> permissions) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(permissions, "permissions");
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, was " + length);
        }
        if (!LIBPMEM.available()) {
            throw new PmemException("pmem_map_file", path, LIBPMEM.reason(), PmemException.NO_ERROR_CODE);
        }
        int flags = 0;
        for (MapOption option : options) {
            flags |= switch (option) {
                case CREATE -> LibPmem.PMEM_FILE_CREATE();
                case EXCLUSIVE -> LibPmem.PMEM_FILE_EXCL();
                case SPARSE -> LibPmem.PMEM_FILE_SPARSE();
                case TMPFILE -> LibPmem.PMEM_FILE_TMPFILE();
            };
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment mappedLength = call.allocate(LibPmem.C_LONG); // size_t *mapped_lenp
            MemorySegment isPmem = call.allocate(LibPmem.C_INT);        // int *is_pmemp
            MemorySegment address = LibPmem.pmem_map_file(call.allocateFrom(path.toString()), length, flags,
                    mode(permissions), mappedLength, isPmem);
            if (address.address() == 0) {
                throw libpmemFailure("pmem_map_file", path);
            }
            Arena lifetime = Arena.ofShared();
            MemorySegment segment = MemorySegment.ofAddress(address.address())
                    .reinterpret(mappedLength.get(LibPmem.C_LONG, 0), lifetime, null);
            return new PmemMapping(path, segment, isPmem.get(LibPmem.C_INT, 0) != 0, lifetime);
        }
    }

    /**
     * Maps the whole of an existing file with {@code pmem_map_file}.
     *
     * @param path an existing file
     * @return the mapping, {@code Files.size(path)} bytes long; close it to unmap
     * @throws PmemException as {@link #map(Path, long, Set, Set)}
     */
    public static PmemMapping map(Path path) {
        return map(path, 0, Set.of(), Set.of());
    }

    /**
     * Unmaps ({@code pmem_unmap}) after invalidating the segment; the same as
     * {@link PmemMapping#close()}. Idempotent.
     *
     * @param mapping a mapping made by {@link #map(Path, long, Set, Set)}
     * @throws IllegalStateException if another thread is inside a native call on the mapping
     * @throws PmemException carrying {@code pmem_errormsg()} if {@code pmem_unmap} fails
     */
    public static void unmap(PmemMapping mapping) {
        long address = mapping.segment().address();
        long length = mapping.byteSize();
        if (!mapping.invalidate()) {
            return;
        }
        if (LibPmem.pmem_unmap(MemorySegment.ofAddress(address), length) != 0) {
            throw libpmemFailure("pmem_unmap", mapping.path());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // libpmem: durability primitives
    // ---------------------------------------------------------------------------------------------

    /**
     * Asks libpmem whether a range is persistent memory ({@code pmem_is_pmem}), honouring
     * {@code PMEM_IS_PMEM_FORCE}.
     *
     * @param segment the range to ask about, usually a mapping's segment
     * @return whether libpmem considers the whole segment persistent memory
     * @throws IllegalStateException if libpmem is unavailable
     */
    public static boolean isPmem(MemorySegment segment) {
        requireLibpmem();
        return LibPmem.pmem_is_pmem(segment, segment.byteSize()) != 0;
    }

    /**
     * Flushes {@code [offset, offset + length)} of a pmem segment out of the CPU caches and waits
     * for the flushes to complete ({@code pmem_persist} = flush + drain). Critical downcall,
     * allocation-free. Only makes stores durable on persistent memory ({@link #isPmem}); for an
     * ordinary mapped file use {@link #msync} or {@link PmemMapping#persist}.
     *
     * @param segment the mapped memory (or a slice of it)
     * @param offset  first byte of the range, relative to {@code segment}
     * @param length  bytes in the range
     * @throws IndexOutOfBoundsException if the range is outside the segment
     * @throws IllegalStateException if libpmem is unavailable or the segment is closed
     */
    public static void persist(MemorySegment segment, long offset, long length) {
        requireLibpmem();
        MemorySegment range = segment.asSlice(offset, length);
        try {
            CriticalPersist.HANDLE.invokeExact(range, length);
        } catch (Throwable t) {
            throw propagate(t);
        }
    }

    /**
     * Starts writing {@code [offset, offset + length)} back from the CPU caches without waiting
     * ({@code pmem_flush}); follow with one {@link #drain()} after the last flush of a batch.
     * Critical downcall, allocation-free.
     *
     * @param segment the mapped memory (or a slice of it)
     * @param offset  first byte of the range, relative to {@code segment}
     * @param length  bytes in the range
     * @throws IndexOutOfBoundsException if the range is outside the segment
     * @throws IllegalStateException if libpmem is unavailable or the segment is closed
     */
    public static void flush(MemorySegment segment, long offset, long length) {
        requireLibpmem();
        MemorySegment range = segment.asSlice(offset, length);
        try {
            CriticalFlush.HANDLE.invokeExact(range, length);
        } catch (Throwable t) {
            throw propagate(t);
        }
    }

    /**
     * {@link #persist(MemorySegment, long, long)} by raw address: {@code pmem_persist(address, length)}
     * with no segment in the call. Critical downcall, allocation-free.
     *
     * <p>Why it exists: a downcall that takes a {@link MemorySegment} acquires the segment's arena for
     * the duration of the call and releases it after; for a shared arena that is two atomic
     * read-modify-writes on the arena's state per call, measurable beside a ~100-200 ns flush and
     * shared by every thread flushing the same mapping. A caller that already knows the range is mapped
     * (it bounds-checked it against a mapping it owns and does not unmap concurrently) can skip that.
     *
     * <p>Precondition, which this method cannot check: {@code [address, address + length)} lies inside
     * a live mapping for the whole call. Flushing an address that is not mapped faults in native code
     * and terminates the JVM; this is the price of not acquiring the arena.
     *
     * @param address first byte of the range, an absolute address inside a live mapping
     * @param length  bytes in the range
     * @throws IllegalArgumentException if {@code length} is negative
     * @throws IllegalStateException if libpmem is unavailable
     */
    public static void persistAddress(long address, long length) {
        requireLibpmem();
        requireLength(length);
        try {
            CriticalPersistAddress.HANDLE.invokeExact(address, length);
        } catch (Throwable t) {
            throw propagate(t);
        }
    }

    /**
     * {@link #flush(MemorySegment, long, long)} by raw address: {@code pmem_flush(address, length)}
     * with no segment in the call, so no arena is acquired and released around it (see
     * {@link #persistAddress}, whose precondition this shares: the range must stay mapped for the
     * whole call). Follow with one {@link #drain()}. Critical downcall, allocation-free.
     *
     * @param address first byte of the range, an absolute address inside a live mapping
     * @param length  bytes in the range
     * @throws IllegalArgumentException if {@code length} is negative
     * @throws IllegalStateException if libpmem is unavailable
     */
    public static void flushAddress(long address, long length) {
        requireLibpmem();
        requireLength(length);
        try {
            CriticalFlushAddress.HANDLE.invokeExact(address, length);
        } catch (Throwable t) {
            throw propagate(t);
        }
    }

    /**
     * Waits until every preceding {@link #flush} has reached the persistence domain
     * ({@code pmem_drain}, an SFENCE on x86). Critical downcall, allocation-free.
     *
     * @throws IllegalStateException if libpmem is unavailable
     */
    public static void drain() {
        requireLibpmem();
        try {
            CriticalDrain.HANDLE.invokeExact();
        } catch (Throwable t) {
            throw propagate(t);
        }
    }

    /**
     * Copies all of {@code source} to {@code destination} at {@code destinationOffset} and makes the
     * copy durable ({@code pmem_memcpy_persist}, which may use non-temporal stores). A heap source
     * cannot be handed to a non-critical downcall, so it is copied with ordinary stores and then
     * persisted, which has the same effect. Ordinary downcall: copies can be long.
     *
     * @param destination       the mapped memory to copy into
     * @param destinationOffset where in {@code destination} the copy starts
     * @param source            the bytes to copy, all of them; native or heap
     * @throws IndexOutOfBoundsException if the destination range is outside {@code destination}
     * @throws IllegalStateException if libpmem is unavailable or a segment is closed
     */
    public static void memcpyPersist(MemorySegment destination, long destinationOffset, MemorySegment source) {
        requireLibpmem();
        long length = source.byteSize();
        MemorySegment target = destination.asSlice(destinationOffset, length);
        if (source.isNative()) {
            LibPmem.pmem_memcpy_persist(target, source, length);
        } else {
            MemorySegment.copy(source, 0, target, 0, length);
            persist(target, 0, length);
        }
    }

    /**
     * Writes the pages covering {@code [offset, offset + length)} back to the file
     * ({@code pmem_msync}: msync(MS_SYNC) after aligning the range to pages). The durable path for
     * memory that is not pmem. Ordinary downcall: it is a system call.
     *
     * @param segment the mapped memory (or a slice of it)
     * @param offset  first byte of the range, relative to {@code segment}
     * @param length  bytes in the range
     * @throws IndexOutOfBoundsException if the range is outside the segment
     * @throws IllegalStateException if libpmem is unavailable or the segment is closed
     * @throws PmemException carrying {@code pmem_errormsg()} if msync fails
     */
    public static void msync(MemorySegment segment, long offset, long length) {
        msync(null, segment, offset, length);
    }

    static void msync(Path path, MemorySegment segment, long offset, long length) {
        requireLibpmem();
        if (LibPmem.pmem_msync(segment.asSlice(offset, length), length) != 0) {
            throw libpmemFailure("pmem_msync", path);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // libpmem2
    // ---------------------------------------------------------------------------------------------

    /**
     * Maps the whole of an existing, non-empty file through libpmem2: the file is opened read-write
     * with libc {@code open}, then {@code pmem2_config_new} &rarr; {@code set_required_store_granularity}
     * &rarr; {@code pmem2_source_from_fd} &rarr; {@code pmem2_map_new} &rarr;
     * {@code pmem2_get_persist_fn}. The descriptor is closed before returning; the mapping keeps
     * the file referenced.
     *
     * @param path     an existing regular file (or Device DAX), sized by the caller
     * @param required the coarsest granularity the caller can live with; {@link StoreGranularity#PAGE}
     *                 accepts any medium
     * @return the mapping, whose {@link Pmem2Mapping#granularity()} is the effective granularity
     * @throws PmemException carrying {@code pmem2_errormsg()} (or strerror for {@code open}) on
     *                       failure, e.g. {@code PMEM2_E_GRANULARITY_NOT_SUPPORTED} when the medium
     *                       cannot offer {@code required}; the {@link #availability2()} reason if
     *                       libpmem2 is unavailable
     */
    public static Pmem2Mapping map2(Path path, StoreGranularity required) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(required, "required");
        Availability libpmem2 = Libpmem2.AVAILABILITY;
        if (!libpmem2.available()) {
            throw new PmemException("pmem2_map_new", path, libpmem2.reason(), PmemException.NO_ERROR_CODE);
        }
        int fd = Libc.openReadWrite(path);
        try (Arena call = Arena.ofConfined()) {
            MemorySegment configRef = call.allocate(LibPmem2.C_POINTER); // struct pmem2_config **
            check2(LibPmem2.pmem2_config_new(configRef), "pmem2_config_new", path);
            try {
                MemorySegment config = configRef.get(LibPmem2.C_POINTER, 0);
                check2(LibPmem2.pmem2_config_set_required_store_granularity(config, granularityCode(required)),
                        "pmem2_config_set_required_store_granularity", path);
                MemorySegment sourceRef = call.allocate(LibPmem2.C_POINTER); // struct pmem2_source **
                check2(LibPmem2.pmem2_source_from_fd(sourceRef, fd), "pmem2_source_from_fd", path);
                try {
                    MemorySegment mapRef = call.allocate(LibPmem2.C_POINTER); // struct pmem2_map **
                    check2(LibPmem2.pmem2_map_new(mapRef, config, sourceRef.get(LibPmem2.C_POINTER, 0)),
                            "pmem2_map_new", path);
                    return wrap(path, MemorySegment.ofAddress(mapRef.get(LibPmem2.C_POINTER, 0).address()));
                } finally {
                    LibPmem2.pmem2_source_delete(sourceRef); // always returns 0
                }
            } finally {
                LibPmem2.pmem2_config_delete(configRef); // always returns 0
            }
        } finally {
            Libc.close(fd);
        }
    }

    private static Pmem2Mapping wrap(Path path, MemorySegment map) {
        long address = LibPmem2.pmem2_map_get_address(map).address();
        long size = LibPmem2.pmem2_map_get_size(map);
        StoreGranularity granularity = granularityOf(LibPmem2.pmem2_map_get_store_granularity(map));
        MemorySegment persistFunction = MemorySegment.ofAddress(LibPmem2.pmem2_get_persist_fn(map).address());
        Arena lifetime = Arena.ofShared();
        MemorySegment segment = MemorySegment.ofAddress(address).reinterpret(size, lifetime, null);
        return new Pmem2Mapping(path, segment, granularity, lifetime, map, persistFunction);
    }

    static void persist2(Pmem2Mapping mapping, long offset, long length) {
        MemorySegment range = mapping.segment().asSlice(offset, length);
        try {
            // BYTE and CACHE_LINE persist functions are a fence or CLWB+fence: critical is legal.
            // PAGE's is msync, a system call that may block on I/O: it must not hold off safepoints.
            if (mapping.granularity() == StoreGranularity.PAGE) {
                Pmem2Functions.PERSIST.invokeExact(mapping.persistFunction, range, length);
            } else {
                Pmem2Functions.PERSIST_CRITICAL.invokeExact(mapping.persistFunction, range, length);
            }
        } catch (Throwable t) {
            throw propagate(t);
        }
    }

    static void unmap2(Pmem2Mapping mapping) {
        if (!mapping.invalidate()) {
            return;
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment mapRef = call.allocate(LibPmem2.C_POINTER); // struct pmem2_map **
            mapRef.set(LibPmem2.C_POINTER, 0, mapping.map);
            check2(LibPmem2.pmem2_map_delete(mapRef), "pmem2_map_delete", mapping.path());
        }
    }

    private static int granularityCode(StoreGranularity granularity) {
        return switch (granularity) {
            case BYTE -> LibPmem2.PMEM2_GRANULARITY_BYTE();
            case CACHE_LINE -> LibPmem2.PMEM2_GRANULARITY_CACHE_LINE();
            case PAGE -> LibPmem2.PMEM2_GRANULARITY_PAGE();
        };
    }

    private static StoreGranularity granularityOf(int code) {
        for (StoreGranularity granularity : StoreGranularity.values()) {
            if (granularityCode(granularity) == code) {
                return granularity;
            }
        }
        throw new IllegalStateException("pmem2_map_get_store_granularity returned " + code
                + ", expected one of PMEM2_GRANULARITY_BYTE/CACHE_LINE/PAGE");
    }

    // ---------------------------------------------------------------------------------------------
    // Plumbing
    // ---------------------------------------------------------------------------------------------

    private static void requireLibpmem() {
        if (!LIBPMEM.available()) {
            throw new IllegalStateException("libpmem is unavailable: " + LIBPMEM.reason());
        }
    }

    private static void requireLength(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, was " + length);
        }
    }

    /** Reads PMDK's thread-local message; call right after the failing call, on the same thread. */
    private static PmemException libpmemFailure(String operation, Path path) {
        return new PmemException(operation, path, LibPmem.pmem_errormsg().getString(0), PmemException.NO_ERROR_CODE);
    }

    private static void check2(int status, String operation, Path path) {
        if (status != 0) {
            throw new PmemException(operation, path, LibPmem2.pmem2_errormsg().getString(0), status);
        }
    }

    private static RuntimeException propagate(Throwable t) {
        if (t instanceof RuntimeException runtime) {
            return runtime;
        }
        if (t instanceof Error error) {
            throw error;
        }
        return new IllegalStateException("downcall threw a checked exception", t);
    }

    private static int mode(Set<PosixFilePermission> permissions) {
        int mode = 0;
        for (PosixFilePermission permission : permissions) {
            mode |= switch (permission) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }

    /*
     * Critical downcall handles for libpmem's cache-flush primitives (see the class comment), one holder
     * class each, so each is linked on first use only, after requireLibpmem() passed: making a downcall
     * handle takes the FFM linker milliseconds, and WALK uses three of these five.
     */

    private static final class CriticalPersist {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibPmem.pmem_persist$address(), LibPmem.pmem_persist$descriptor(), Linker.Option.critical(false));
    }

    private static final class CriticalFlush {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibPmem.pmem_flush$address(), LibPmem.pmem_flush$descriptor(), Linker.Option.critical(false));
    }

    private static final class CriticalDrain {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibPmem.pmem_drain$address(), LibPmem.pmem_drain$descriptor(), Linker.Option.critical(false));
    }

    /**
     * {@code void f(const void *addr, size_t len)} called with the address as a 64-bit integer: on
     * every 64-bit ABI Linux runs on (x86-64 SysV, AArch64, RISC-V LP64) a pointer and a
     * {@code long} travel in the same integer register, and with no segment argument the linker
     * has no arena to acquire (see {@link #persistAddress}).
     */
    private static final FunctionDescriptor BY_ADDRESS = FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG);

    private static final class CriticalPersistAddress {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibPmem.pmem_persist$address(), BY_ADDRESS, Linker.Option.critical(false));
    }

    private static final class CriticalFlushAddress {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
                LibPmem.pmem_flush$address(), BY_ADDRESS, Linker.Option.critical(false));
    }

    /**
     * Handles that call a libpmem2 persist function through its pointer: {@code (fn, addr, len)}.
     * Static and shared by every mapping, so each call site sees one constant handle.
     */
    private static final class Pmem2Functions {
        static final MethodHandle PERSIST_CRITICAL =
                LINKER.downcallHandle(pmem2_persist_fn.descriptor(), Linker.Option.critical(false));
        static final MethodHandle PERSIST = LINKER.downcallHandle(pmem2_persist_fn.descriptor());
    }

    /**
     * The two libc calls the libpmem2 path needs, because {@code pmem2_source_from_fd} wants a file
     * descriptor and Java does not expose one. Not part of the generated bindings: the include lists
     * keep libc out on purpose.
     */
    private static final class Libc {
        /** {@code <fcntl.h>} values shared by Linux x86-64, aarch64 and riscv64. */
        private static final int O_RDWR = 02;
        private static final int O_CLOEXEC = 02000000;

        private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO =
                CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        private static final AddressLayout C_STRING =
                ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, JAVA_BYTE));

        private static final SymbolLookup LIBC = LINKER.defaultLookup();
        /** {@code int open(const char *path, int flags, ...)}: variadic, called without a mode. */
        private static final MethodHandle OPEN = LINKER.downcallHandle(LIBC.findOrThrow("open"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
                Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
        private static final MethodHandle CLOSE = LINKER.downcallHandle(LIBC.findOrThrow("close"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        private static final MethodHandle STRERROR = LINKER.downcallHandle(LIBC.findOrThrow("strerror"),
                FunctionDescriptor.of(C_STRING, JAVA_INT));

        static int openReadWrite(Path path) {
            try (Arena call = Arena.ofConfined()) {
                MemorySegment callState = call.allocate(CALL_STATE);
                int fd = (int) OPEN.invokeExact(callState, call.allocateFrom(path.toString()), O_RDWR | O_CLOEXEC);
                if (fd < 0) {
                    int errno = (int) ERRNO.get(callState, 0L);
                    MemorySegment message = (MemorySegment) STRERROR.invokeExact(errno);
                    throw new PmemException("open", path, message.getString(0), errno);
                }
                return fd;
            } catch (Throwable t) {
                throw propagate(t);
            }
        }

        /** Closing a read-write descriptor after mmap cannot lose data; a failure is not actionable. */
        static void close(int fd) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                throw propagate(t);
            }
        }
    }
}
