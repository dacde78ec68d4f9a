#!/bin/bash
# A/B of the scans: base (/tmp/wt-base) vs new (/work/main), alternating, one JVM per run.
out=${OUT:-/tmp/scan-ab.json}
for round in 1 2 3 4 5; do
  if [ $((round % 2)) = 1 ]; then order="base new"; else order="new base"; fi
  for v in $order; do
    if [ $v = base ]; then T=/tmp/wt-base; else T=/work/main; fi
    (cd $T && ./engram bench readrandom,readseq --store engram --one-store --dir /dev/shm --keys 1M --no-progress --json $out --label "$v-hash-r$round" >/dev/null 2>&1)
    (cd $T && ./engram bench readrandom,readseq --store engram --engine sorted --one-store --dir /dev/shm --keys 1M --no-progress --json $out --label "$v-sorted-r$round" >/dev/null 2>&1)
    (cd $T && ./engram bench readseq --store engram --engine sorted --one-store --as-written --dir /dev/shm --keys 1M --no-progress --json $out --label "$v-written-r$round" >/dev/null 2>&1)
  done
done
echo done
