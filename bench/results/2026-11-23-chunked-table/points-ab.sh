#!/usr/bin/env bash
# The chunked table on the point paths: random get (1 and 2 threads) and durable put (1 thread), 1 M keys
# of 16 + 100 B, WALK on /dev/shm, one JVM per run, the tree before (BASE, a worktree) and the tree under
# test (NEW, default this checkout; for this run a worktree with chunked-table.diff applied) alternating,
# the tree before first in each round. Rows to points-ab.txt: tree workload threads ops/s unit p50 p99.
# PUTS_ONLY=1 runs the durable puts alone; OUT names the rows file; NEW_OPTS goes to ENGRAM_JAVA_OPTS for both
# trees (32mib/puts-ab-2.txt ran a build that read its chunk size from -Dengram.index.chunkSlots, set to
# 524287: 32 MiB chunks; the tree before ignores it).
#   BASE=/tmp/base-wt ./points-ab.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
base=${BASE:?a built worktree of the tree before}
out=bench/results/2026-11-23-chunked-table/${OUT:-points-ab.txt}
common=(--store engram --dir /dev/shm --keys 1000000 --no-progress)
row() {
  local tree=$1; shift
  (cd "$tree" && ENGRAM_JAVA_OPTS="${NEW_OPTS:-}" ./engram bench "$@" "${common[@]}" 2>/dev/null) \
    | awk -v w="$way" -v t="$T" '$1 == "fillrandom" || $1 == "readrandom" { print w, $1, t, $9, $10, $11, $12 }'
}
for round in $(seq 1 "${ROUNDS:-5}"); do
  for way in base new; do
    tree=${NEW:-$PWD}; [[ $way == base ]] && tree=$base
    [[ -z ${PUTS_ONLY:-} ]] && T=1 row "$tree" readrandom --threads 1 >> "$out"
    [[ -z ${PUTS_ONLY:-} ]] && T=2 row "$tree" readrandom --threads 2 >> "$out"
    T=1 row "$tree" fillrandom --durable --threads 1 >> "$out"
  done
done
