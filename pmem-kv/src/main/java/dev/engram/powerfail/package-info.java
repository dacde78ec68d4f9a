/**
 * The power-fail simulator: simulated devices that record every store, flush, fence and operation
 * marker in one log, and the crash images a power failure at any point of that log could leave.
 *
 * <ul>
 *   <li>{@link dev.engram.powerfail.PowerFailSimulator} creates memory devices (WALK semantics:
 *       cache-line flush + fence, 8-byte failure atomicity) and block devices (CRAWL semantics:
 *       durable at fdatasync, torn per sector), marks operations, and rebuilds an image from its
 *       one-line descriptor.</li>
 *   <li>{@link dev.engram.powerfail.CrashPoints} selects crash points; a
 *       {@link dev.engram.powerfail.CrashPoint} enumerates its {@link dev.engram.powerfail.CrashImage}s,
 *       exhaustively up to {@link dev.engram.powerfail.Enumeration#exhaustiveLimit()} images, by
 *       families (prefixes, suffixes, leave-one-out, only-one, garbage sectors, seeded random) beyond.</li>
 *   <li>An image materialises into a new simulator, so recovery on it can be recorded and crashed in
 *       turn.</li>
 *   <li>With {@link dev.engram.powerfail.Checking} on, operations that return with stores not yet
 *       durable, and flushes of clean lines, are reported as {@link dev.engram.powerfail.Finding}s.</li>
 * </ul>
 *
 * The model is the one {@link dev.engram.region.Region} promises: a store is durable after a flush
 * of its bytes and a following drain; until then a crash may keep it or not, one aligned 8-byte word
 * at a time.
 */
package dev.engram.powerfail;
