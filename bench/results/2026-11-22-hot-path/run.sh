#!/bin/bash
# Alternating A/B of the hot-path change: A = a work tree at main before it, B = this branch.
# usage: run.sh A_TREE B_TREE ROUNDS THREADS TAG [WORKLOADS]   (JSON lines appended to $OUT/TAG-A.json, TAG-B.json)
# as run: OUT=/tmp/hot/ab run.sh /work/wt-hot-base /work/wt-hot 5 1 final1
#         OUT=/tmp/hot/ab run.sh /work/wt-hot-base /work/wt-hot 3 2 final2
#         OUT=/tmp/hot/ab run.sh /work/wt-hot-base /work/wt-hot 4 2 read2 readrandom
set -eu
A=$1; B=$2; R=$3; T=$4; TAG=$5; W=${6:-fillrandom,readrandom}; OUT=${OUT:-.}
for r in $(seq 1 "$R"); do
  for side in A B; do
    dir=$A; [ "$side" = B ] && dir=$B
    echo "round $r side $side load $(cut -d' ' -f1-3 /proc/loadavg)"
    (cd "$dir" && ./engram bench "$W" --store engram --mode walk --dir /dev/shm --keys 1M --durable --threads "$T" \
        --no-progress --label "$TAG-$side-$r" --json "$OUT/$TAG-$side.json" 2>&1 | grep -E "^(fill|read)")
  done
done
