/**
 * Byte-addressable persistent regions: the {@link dev.engram.region.Region} abstraction, its three
 * access modes ({@link dev.engram.region.AccessMode#CRAWL CRAWL}, {@link dev.engram.region.AccessMode#WALK
 * WALK}, {@link dev.engram.region.AccessMode#RUN RUN}), the on-media region header, and the factory
 * {@link dev.engram.region.Regions} that creates and opens them. Device emulation (profiles, wear,
 * faults) is in {@code dev.engram.device}; the power-fail simulator in {@code dev.engram.powerfail}.
 */
package dev.engram.region;
