#!/usr/bin/env bash
# Power-of-two chunks on the point paths: random get (1 and 2 threads) and durable put (1 thread), 1 M
# keys of 16 + 100 B, WALK on /dev/shm, one JVM per run, the tree before (BASE, a worktree built by its
# own launcher) and the tree under test (NEW, default this checkout) alternating. ORDER="new base" runs
# the tree under test first in each round; ONLY=readrandom or ONLY=fillrandom runs one workload. Rows
# appended to OUT (default points-ab.txt here): tree workload threads ops/s unit p50 p99.
#   BASE=/tmp/base-wt ROUNDS=8 ./points-ab.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../.."
base=${BASE:?a built worktree of the tree before}
out=$here/${OUT:-points-ab.txt}
common=(--store engram --dir /dev/shm --keys 1000000 --no-progress)
row() {
  local way=$1 tree=$2 threads=$3; shift 3
  (cd "$tree" && ./engram bench "$@" --threads "$threads" "${common[@]}" 2>/dev/null) \
    | awk -v w="$way" -v t="$threads" '$1 == "fillrandom" || $1 == "readrandom" { print w, $1, t, $9, $10, $11, $12 }'
}
for round in $(seq 1 "${ROUNDS:-5}"); do
  for way in ${ORDER:-base new}; do
    tree=${NEW:-$PWD}; [[ $way == base ]] && tree=$base
    if [[ ${ONLY:-readrandom} == readrandom ]]; then
      row "$way" "$tree" 1 readrandom >> "$out"
      row "$way" "$tree" 2 readrandom >> "$out"
    fi
    if [[ ${ONLY:-fillrandom} == fillrandom ]]; then
      row "$way" "$tree" 1 fillrandom --durable >> "$out"
    fi
  done
done
