/**
 * The workload runner, {@code ./engram bench WORKLOAD}: db_bench-style workloads against a store, and
 * the floors they are judged against, with throughput, sampled latency percentiles and JSON Lines output.
 *
 * <ul>
 *   <li>{@link dev.engram.bench.workload.BenchCli}: the command line; {@code RunConfig} is what it parsed.</li>
 *   <li>{@code Workload} / {@code DbBenchWorkload}: what a workload does before and during measurement;
 *       YCSB A-F would be one more enum of the same interface.</li>
 *   <li>{@code BenchStore} / {@code EngramStore}: the store under test behind one set of method names;
 *       peers (LMDB, RocksDB) come later as more implementations.</li>
 *   <li>{@code StoreTrial}: one trial on a fresh store (pre-fill, measure, verify); {@code Phase},
 *       {@code Worker}, {@code Driver}: the measuring threads; {@code Sampler} and
 *       {@code LatencyHistogram}: which operations are timed and how percentiles are kept.</li>
 *   <li>{@code Floors}: the same harness with no store, on the same directory.</li>
 *   <li>{@code KeySpace}, {@code KeyOrder}: keys derived from an index, orders from the one printed seed.</li>
 * </ul>
 *
 * How to run it and what each field of a result means: {@code bench/README.md}.
 */
package dev.engram.bench.workload;
