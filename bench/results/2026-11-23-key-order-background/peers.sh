#!/usr/bin/env bash
# Ordered scan (readseq) of 1 M keys (16 B keys, 100 B values, random pre-fill, /dev/shm), one JVM per
# run, alternating: Engram sorted settled by the explicit pass (the runner's settling, which now also
# seals the cleaner's segment first), LMDB and MapDB's BTreeMap.   ./peers.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=bench/results/2026-11-23-key-order-background
common=(--dir /dev/shm --keys 1000000 --key-size 16 --value-size 100 --threads 1 --duration 6 --no-progress --one-store)
for round in $(seq 1 "${ROUNDS:-3}"); do
  ./engram bench readseq --store engram --engine sorted --label "r$round" "${common[@]}" --json "$out/engram.json"
  ./engram bench readseq --store lmdb --label "r$round" "${common[@]}" --json "$out/lmdb.json"
  ./engram bench readseq --store mapdb --engine sorted --label "r$round" "${common[@]}" --json "$out/mapdb.json"
done
