package dev.engram.bench.store;

import dev.engram.kv.EngineKind;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Every store the runner can drive ({@code --store NAME}), what each offers, and what each of its two
 * settings promises. Each peer runs at its fastest setting by default and at its power-fail-safe setting
 * with {@code --durable}:
 *
 * <table>
 *   <caption>settings and the durability each promises when a put returns</caption>
 *   <tr><th>store</th><th>default (fastest)</th><th>{@code --durable}</th></tr>
 *   <tr><td>engram</td><td>buffered: in the shared mapping / page cache ({@code process})</td>
 *       <td>flushed and fenced before the put returns ({@code power})</td></tr>
 *   <tr><td>lmdb</td><td>{@code MDB_NOSYNC | MDB_WRITEMAP}, one write transaction per put, committed into
 *       the shared mapping ({@code process})</td><td>default flags: one write transaction per put, its
 *       commit fdatasync'ed ({@code power})</td></tr>
 *   <tr><td>rocksdb</td><td>write-ahead log disabled: the put is in the memtable ({@code none})</td>
 *       <td>{@code WriteOptions.sync = true}: the WAL record fsync'ed per put ({@code power})</td></tr>
 *   <tr><td>chronicle</td><td>written into its memory-mapped file ({@code process})</td>
 *       <td>none: Chronicle Map never syncs, so {@code --durable} is refused</td></tr>
 *   <tr><td>mapdb</td><td>memory-mapped file, no transactions: an unclosed store may be corrupt after a
 *       crash ({@code none})</td><td>{@code transactionEnable()} and {@code commit()} per put ({@code power})</td></tr>
 *   <tr><td>mvstore</td><td>H2 MVStore's default: changes committed by its background thread about once a
 *       second ({@code none})</td><td>auto-commit off, {@code commit()} then {@code sync()} per put
 *       ({@code power})</td></tr>
 * </table>
 *
 * On a memory-backed directory ({@code /dev/shm}) nothing survives power loss whatever the protocol:
 * {@code power} names the protocol, which is what would survive on a persistent medium.
 */
public enum StoreKind {

    ENGRAM("engram", EnumSet.of(EngineKind.HASH, EngineKind.SORTED), null),
    LMDB("lmdb", EnumSet.of(EngineKind.SORTED), null),
    ROCKSDB("rocksdb", EnumSet.of(EngineKind.SORTED), null),
    CHRONICLE("chronicle", EnumSet.of(EngineKind.HASH),
            "Chronicle Map has no power-fail-safe setting: it writes into a memory-mapped file and never syncs "
                    + "it (a put survives a crash of the process, not power loss), so it cannot run --durable"),
    MAPDB("mapdb", EnumSet.of(EngineKind.HASH, EngineKind.SORTED), null),
    MVSTORE("mvstore", EnumSet.of(EngineKind.SORTED), null);

    private final String id;
    private final Set<EngineKind> engines;
    private final String noDurableReason;

    StoreKind(String id, Set<EngineKind> engines, String noDurableReason) {
        this.id = id;
        this.engines = engines;
        this.noDurableReason = noDurableReason;
    }

    /** The {@code --store} name. */
    public String id() {
        return id;
    }

    /** Whether the store is a peer (not Engram). */
    public boolean peer() {
        return this != ENGRAM;
    }

    /** Whether {@code --engine engine} is meaningful here: hash stores cannot scan in order, sorted ones have no hash index. */
    public boolean supports(EngineKind engine) {
        return engines.contains(engine);
    }

    /** The engine used when {@code --engine} is not given: hash where the store has one, else sorted. */
    public EngineKind defaultEngine() {
        return engines.contains(EngineKind.HASH) ? EngineKind.HASH : EngineKind.SORTED;
    }

    /** Whether the store has a power-fail-safe setting ({@code --durable}). */
    public boolean hasPowerSafeSetting() {
        return noDurableReason == null;
    }

    /** Why {@code --durable} is refused, or null when it is not. */
    public String noDurableReason() {
        return noDurableReason;
    }

    /** {@code power}, {@code process} or {@code none}: what a put of this store has survived when it returns. */
    public String durability(boolean durable) {
        if (durable) {
            return "power";
        }
        return switch (this) {
            case ENGRAM, LMDB, CHRONICLE -> "process";
            case ROCKSDB, MAPDB, MVSTORE -> "none";
        };
    }

    /** The store called {@code name} (case-insensitively), or null. */
    public static StoreKind byId(String name) {
        for (StoreKind k : values()) {
            if (k.id.equals(name.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        return null;
    }

    /** Every name, for messages and help: {@code engram, lmdb, ...}. */
    public static String ids() {
        StringBuilder b = new StringBuilder();
        for (StoreKind k : values()) {
            b.append(b.isEmpty() ? "" : ", ").append(k.id);
        }
        return b.toString();
    }
}
