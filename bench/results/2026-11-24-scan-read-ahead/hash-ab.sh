#!/bin/bash
out=$1; shift
for round in $(seq 1 ${ROUNDS:-8}); do
  if [ $((round % 2)) = 1 ]; then order="base new"; else order="new base"; fi
  for v in $order; do
    if [ $v = base ]; then T=/tmp/wt-base; else T=/work/main; fi
    (cd $T && ./engram bench readrandom,readseq --store engram "$@" --one-store --dir /dev/shm --keys 1M --no-progress --json $out --label "$v-x-r$round" >/dev/null 2>&1)
  done
done
