#!/usr/bin/env bash
# CRAWL durable put on ext4 (/tmp), Engram against RocksDB sync=true, alternating, one JVM per run.
# Output rows: store threads k-ops/s p50-ns p99-ns (to two-threads.txt / one-thread.txt).
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=bench/results/2026-11-24-crawl-amd
row() {  # store threads [--mode crawl]
  local store=$1 threads=$2; shift 2
  rm -rf /tmp/crawl-amd; mkdir -p /tmp/crawl-amd
  ./engram bench fillrandom --store "$store" "$@" --dir /tmp/crawl-amd --keys 20000 --durable --threads "$threads" 2>/dev/null \
    | awk -v s="$store" -v t="$threads" '$1 == "fillrandom" { v = $9; if ($10 == "k") v = v; print s, t, v, $11, $12 }'
}
for round in $(seq 1 "${ROUNDS:-10}"); do
  row engram 2 --mode crawl >> $out/two-threads.txt
  row rocksdb 2 >> $out/two-threads.txt
done
for round in $(seq 1 "${ROUNDS1:-5}"); do
  row engram 1 --mode crawl >> $out/one-thread.txt
  row rocksdb 1 >> $out/one-thread.txt
done
