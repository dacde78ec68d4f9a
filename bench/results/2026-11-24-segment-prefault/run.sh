#!/bin/bash
# A/B: WALK durable put, the tree before (base, /tmp/wt-base at a88ce2c) and with the next segment prefaulted (new, /tmp/wt-pf, this tree).
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
out=walk.json   # walk-every-cpu.json for the first version (no spare-CPU rule)
for round in 1 2 3 4 5 6; do
  if [ $((round % 2)) = 1 ]; then order="base new"; else order="new base"; fi
  for tree in $order; do
    if [ $tree = base ]; then d=/tmp/wt-base; else d=/tmp/wt-pf; fi
    (cd $d && ./engram bench fillrandom --store engram --engine hash --mode walk --dir /dev/shm --keys 1000000 --durable --json $out --label "$tree every 1t r$round" --no-progress > /dev/null)
    (cd $d && ./engram bench fillrandom --store engram --engine hash --mode walk --dir /dev/shm --keys 1000000 --durable --lane-tails background --json $out --label "$tree background 1t r$round" --no-progress > /dev/null)
    (cd $d && ./engram bench fillrandom --store engram --engine hash --mode walk --dir /dev/shm --keys 1000000 --durable --threads 2 --json $out --label "$tree every 2t r$round" --no-progress > /dev/null)
  done
done
echo finished
