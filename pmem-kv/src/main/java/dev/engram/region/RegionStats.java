package dev.engram.region;

/**
 * What a region did since it was opened. Loads and stores on a mapping are not counted (counting
 * them would cost more than they do); every call that reaches the kernel or the persistence
 * machinery is.
 *
 * @param flushes  {@link Region#flush} calls
 * @param drains   {@link Region#drain} calls
 * @param syscalls system calls made on the data path (CRAWL: one per read, write and persist)
 * @param bytesWritten bytes handed to the kernel by write calls (CRAWL and RUN destage)
 * @param bytesRead    bytes read by read calls from the kernel (CRAWL and RUN promotion)
 */
public record RegionStats(long flushes, long drains, long syscalls, long bytesWritten, long bytesRead) {
}
