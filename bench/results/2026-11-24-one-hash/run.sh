#!/usr/bin/env bash
# WALK durable put, base tree vs one-hash tree, alternating, one JVM per run.
set -u
ROUNDS=${ROUNDS:-6}
OUT=${OUT:-/tmp/hashab/fillrandom.json}
for r in $(seq 1 $ROUNDS); do
  if [ $((r % 2)) -eq 1 ]; then order="base new"; else order="new base"; fi
  for t in $order; do
    tree=/tmp/wt-hash; [ $t = base ] && tree=/tmp/wt-base
    for tails in every-persist background; do
      rm -rf /dev/shm/hashab; mkdir -p /dev/shm/hashab
      (cd $tree && ./engram bench fillrandom --store engram --mode walk --dir /dev/shm/hashab --keys 1000000 --durable \
        --lane-tails $tails --duration 6 --warmup-keys 100000 --json $OUT --label "$t $tails 1 $r" --no-progress 2>&1 | grep "^fillrandom")
    done
  done
done
rm -rf /dev/shm/hashab
