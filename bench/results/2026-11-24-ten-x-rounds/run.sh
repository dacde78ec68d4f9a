#!/bin/bash
# The 10x target in alternating rounds: Engram WALK durable put (lane tails every persist and in the
# background) against RocksDB sync=true, same keys, one JVM per run, order swapped each round.
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
out=${OUT:-ten-x.json}
for round in 1 2 3 4 5 6; do
  if [ $((round % 2)) = 1 ]; then order="engram rocksdb"; else order="rocksdb engram"; fi
  for store in $order; do
    if [ $store = engram ]; then
      ./engram bench fillrandom --store engram --engine hash --mode walk --dir /dev/shm --keys 1000000 --durable --lane-tails background --json $out --label "engram-background r$round" --no-progress > /dev/null
      ./engram bench fillrandom --store engram --engine hash --mode walk --dir /dev/shm --keys 1000000 --durable --json $out --label "engram-every r$round" --no-progress > /dev/null
    else
      ./engram bench fillrandom --store rocksdb --dir /dev/shm --keys 1000000 --durable --json $out --label "rocksdb-sync r$round" --no-progress > /dev/null
    fi
  done
done
echo finished
