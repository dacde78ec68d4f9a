/**
 * The workload runner, {@code ./engram bench WORKLOAD}: db_bench-style and YCSB workloads against a store
 * (Engram's or a peer's, {@link dev.engram.bench.store}), and the floors they are judged against, with
 * throughput, sampled latency percentiles and JSON Lines output.
 *
 * <ul>
 *   <li>{@link dev.engram.bench.workload.BenchCli}: the command line; {@code RunConfig} is what it parsed.</li>
 *   <li>{@code Workload} / {@code DbBenchWorkload} / {@code YcsbWorkload}: what a workload does before and
 *       during measurement; {@code Zipfian}: YCSB's request distribution.</li>
 *   <li>The store under test is a {@link dev.engram.bench.store.BenchStore}, opened from a
 *       {@link dev.engram.bench.store.StoreSpec} per trial.</li>
 *   <li>{@code StoreTrial}: one trial on a fresh store (pre-fill, measure, verify), or several workloads on
 *       one pre-filled store ({@code --one-store}); {@code Phase},
 *       {@code Worker}, {@code Driver}: the measuring threads; {@code Sampler} and
 *       {@code LatencyHistogram}: which operations are timed and how percentiles are kept.</li>
 *   <li>{@code Floors}: the same harness with no store, on the same directory.</li>
 *   <li>{@code KeySpace}, {@code KeyOrder}: keys derived from an index, orders from the one printed seed.</li>
 * </ul>
 *
 * How to run it and what each field of a result means: {@code bench/README.md}.
 */
package dev.engram.bench.workload;
