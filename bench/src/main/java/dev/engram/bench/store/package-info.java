/**
 * The stores under test, behind one interface: {@link dev.engram.bench.store.BenchStore}, implemented by
 * Engram's key-value store and by the peers the issue compares it with (LMDB, RocksDB, Chronicle Map,
 * MapDB, H2 MVStore), each at its fastest setting and at its power-fail-safe setting where it has one.
 *
 * <ul>
 *   <li>{@link dev.engram.bench.store.StoreKind}: the {@code --store} names, their engines and what each
 *       setting promises ({@code durability}: none, process or power);</li>
 *   <li>{@link dev.engram.bench.store.StoreSpec}: how to open one store for one trial;</li>
 *   <li>{@link dev.engram.bench.store.Media}: the {@code dax} label of a directory;</li>
 *   <li>{@link dev.engram.bench.store.PeerJvmFlags}: the JVM flags the peers need on JDK 25.</li>
 * </ul>
 *
 * Each JVM should drive one store implementation only, so the workloads' call sites stay monomorphic;
 * {@code bench compare} starts one JVM per store and setting.
 */
package dev.engram.bench.store;
