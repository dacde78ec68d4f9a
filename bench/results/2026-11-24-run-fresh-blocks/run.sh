#!/usr/bin/env bash
# RUN durable put, base tree vs discard tree, alternating, one JVM per run.
set -u
ROUNDS=${ROUNDS:-6}
OUT=${OUT:-/tmp/runzero/fillrandom.json}
for r in $(seq 1 $ROUNDS); do
  if [ $((r % 2)) -eq 1 ]; then order="base new"; else order="new base"; fi
  for t in $order; do
    tree=/work/main; [ $t = base ] && tree=/tmp/wt-base
    for mode in durable fast; do
      rm -rf /dev/shm/runzero; mkdir -p /dev/shm/runzero
      extra=""; [ $mode = durable ] && extra="--durable"
      (cd $tree && ./engram bench fillrandom --store engram --mode run --dir /dev/shm/runzero --keys 1000000 $extra \
        --duration 6 --warmup-keys 100000 --json $OUT --label "$t $mode 1 $r" --no-progress 2>&1 | grep "^fillrandom")
    done
  done
done
rm -rf /dev/shm/runzero
