#!/bin/sh
# Durable puts with the lanes' tails committed after every persist (the default), left to the background
# agent, and off: one JVM per run, the three rotating, 1 and 2 threads. From the repository's root:
#   bench/results/2026-11-24-lane-tails-background/run.sh ROUNDS
set -e
out=bench/results/2026-11-24-lane-tails-background
rounds=${1:-8}
for r in $(seq 1 "$rounds"); do
  for threads in 1 2; do
    case $((r % 3)) in
      0) order="every-persist background off" ;;
      1) order="background off every-persist" ;;
      2) order="off every-persist background" ;;
    esac
    for tails in $order; do
      ./engram bench fillrandom --store engram --engine hash --mode walk --dir /dev/shm --keys 1000000 \
        --threads "$threads" --durable --lane-tails "$tails" --json "$out/fillrandom.json" \
        --label "round $r" --no-progress >> "$out/console.log" 2>&1
    done
  done
done
