#!/bin/bash
# A/B: CRAWL durable put, the tree before (base, /tmp/wt-base) and with the PAD written with its record (new, /work/main).
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
out=/tmp/ab-pad/crawl.json
for round in 1 2 3 4 5; do
  if [ $((round % 2)) = 1 ]; then order="base new"; else order="new base"; fi
  for tree in $order; do
    if [ $tree = base ]; then d=/tmp/wt-base; else d=/work/main; fi
    (cd $d && ./engram bench fillrandom --store engram --engine hash --mode crawl --dir /dev/shm --keys 300000 --durable --json $out --label "$tree shm 1t r$round" --no-progress > /dev/null)
    (cd $d && ./engram bench fillrandom --store engram --engine hash --mode crawl --dir /dev/shm --keys 300000 --durable --threads 2 --json $out --label "$tree shm 2t r$round" --no-progress > /dev/null)
    (cd $d && ./engram bench fillrandom --store engram --engine hash --mode crawl --dir /tmp --keys 10000 --durable --json $out --label "$tree ext4 1t r$round" --no-progress > /dev/null)
    (cd $d && ./engram bench fillrandom --store engram --engine hash --mode crawl --dir /tmp --keys 10000 --durable --threads 2 --json $out --label "$tree ext4 2t r$round" --no-progress > /dev/null)
  done
done
echo finished
