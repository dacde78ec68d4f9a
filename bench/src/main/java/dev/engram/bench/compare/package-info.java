/**
 * {@code ./engram bench compare}: the standard comparison of Engram with its peers. {@link
 * dev.engram.bench.compare.CompareCli} runs the steps of a {@code ComparePlan} (each a runner invocation in
 * a JVM of its own, {@link dev.engram.bench.compare.ChildJvm}, on a copy of the class path taken at the
 * start), then {@code CompareReport} writes the results README (power-safe rows beside power-safe rows
 * only, every Engram row as a fraction of its floor, the targets) and {@code ComparePlots} its
 * PNG charts. {@link dev.engram.bench.compare.DemoComparison} is the demo's one-minute table;
 * {@link dev.engram.bench.compare.Host} and {@link dev.engram.bench.compare.Results} describe the machine
 * and read results back for the deep-learning workload's report too.
 */
package dev.engram.bench.compare;
