#!/bin/sh
# Issue #4's WALK targets on this session's host: random get on 1 and 2 threads, durable put on 2
# threads with the default lane tails and with them in the background; one JVM per run, 5 rounds.
# From the repository's root: bench/results/2026-11-24-walk-targets/run.sh
set -e
out=bench/results/2026-11-24-walk-targets
for r in 1 2 3 4 5; do
  for threads in 1 2; do
    ./engram bench readrandom --store engram --engine hash --mode walk --dir /dev/shm --keys 1000000 \
      --threads "$threads" --json "$out/results.json" --label "round $r" --no-progress >> "$out/console.log" 2>&1
  done
  for tails in every-persist background; do
    ./engram bench fillrandom --store engram --engine hash --mode walk --dir /dev/shm --keys 1000000 \
      --threads 2 --durable --lane-tails "$tails" --json "$out/results.json" --label "round $r" --no-progress \
      >> "$out/console.log" 2>&1
  done
done
# Then, appended after the first five rounds: durable put on one thread, both lane-tail settings.
for r in 1 2 3 4 5; do
  for tails in every-persist background; do
    ./engram bench fillrandom --store engram --engine hash --mode walk --dir /dev/shm --keys 1000000 \
      --durable --lane-tails "$tails" --json "$out/results.json" --label "one-thread round $r" --no-progress \
      >> "$out/console.log" 2>&1
  done
done
