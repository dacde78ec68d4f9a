#!/usr/bin/env bash
# The KV issue's WALK targets on a quiet machine (tenth session, main at 758f32e): durable put and random
# get, one and two threads, 1 M keys of 16 + 100 B, /dev/shm, one JVM per run, the four alternating.
# Rows to results.txt: workload threads ops/s unit p50 p99.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=bench/results/2026-11-23-kv-quiet
common=(--store engram --dir /dev/shm --keys 1000000 --no-progress)
row() {
  ./engram bench "$@" "${common[@]}" 2>/dev/null | awk -v t="$T" '$1 == "fillrandom" || $1 == "readrandom" { print $1, t, $9, $10, $11, $12 }'
}
for round in $(seq 1 "${ROUNDS:-5}"); do
  for T in 1 2; do
    T=$T row fillrandom --durable --threads "$T" >> "$out/results.txt"
    T=$T row readrandom --threads "$T" >> "$out/results.txt"
  done
done
