#!/bin/bash
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
out=/tmp/ab-pad/crawl-ext4.json
for round in 1 2 3 4 5 6 7 8; do
  if [ $((round % 2)) = 1 ]; then order="base new"; else order="new base"; fi
  for tree in $order; do
    if [ $tree = base ]; then d=/tmp/wt-base; else d=/work/main; fi
    (cd $d && ./engram bench fillrandom --store engram --engine hash --mode crawl --dir /tmp --keys 20000 --durable --json $out --label "$tree ext4 1t r$round" --no-progress > /dev/null)
    (cd $d && ./engram bench fillrandom --store engram --engine hash --mode crawl --dir /tmp --keys 20000 --durable --threads 2 --json $out --label "$tree ext4 2t r$round" --no-progress > /dev/null)
  done
done
echo finished
