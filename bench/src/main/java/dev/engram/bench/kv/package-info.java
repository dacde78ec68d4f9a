/**
 * JMH suites of Engram's key-value store, one class per question (bench/README.md lists each with its
 * {@code @Param}s): {@link dev.engram.bench.kv.KvPointOps} (get, buffered and durable put per engine, mode
 * and value size), {@link dev.engram.bench.kv.KvScan} (a step of an ordered scan, and opening a cursor),
 * {@link dev.engram.bench.kv.KvBatch} (atomic durable batches) and {@link dev.engram.bench.kv.KvRecovery}
 * (reopening a pool). {@code KvFixture} makes each trial's pre-filled store from one printed seed.
 * Run them with {@code ./engram bench jmh 'dev.engram.bench.kv'}.
 */
package dev.engram.bench.kv;
