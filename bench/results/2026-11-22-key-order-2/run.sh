#!/usr/bin/env bash
# Ordered scan (readseq) after a random pre-fill of 1 M keys (16 B keys, 100 B values), /dev/shm, with
# the Engram scan reading each value in place (KvCursor.value(ValueReader)) into one reused array, as
# the LMDB scan does, and with System.gc() after every pre-fill (StoreTrial). Four alternating rounds,
# one JVM per store and round.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=bench/results/2026-11-22-key-order-2
rm -f "$out/results.json"
common=(--dir /dev/shm --keys 1000000 --key-size 16 --value-size 100 --threads 1 --duration 6 --no-progress
        --one-store --json "$out/results.json")
for round in 1 2 3 4; do
  ./engram bench readseq --store engram --engine sorted --label "r$round-settled" "${common[@]}"
  ./engram bench readseq --store engram --engine sorted --as-written --label "r$round-as-written" "${common[@]}"
  ./engram bench readseq --store lmdb --label "r$round" "${common[@]}"
  ./engram bench readseq --store mapdb --engine sorted --label "r$round" "${common[@]}"
done
