#!/bin/sh
out=bench/results/2026-11-24-bytewise-comparator/fillrandom.json
for r in 1 2 3 4 5 6; do
  if [ $((r % 2)) = 1 ]; then order="base new"; else order="new base"; fi
  for t in $order; do
    if [ $t = base ]; then dir=/tmp/wt-base; else dir=/work/main; fi
    (cd $dir && ./engram bench fillrandom --store engram --engine sorted --mode walk --dir /dev/shm --keys 1000000 \
      --durable --json $out --label "$t $r" --no-progress > /dev/null 2>&1)
  done
done
echo done
