#!/usr/bin/env bash
# The KV issue's targets that `./engram bench compare` does not cover, after the flat hash index:
# two threads, CRAWL group commit on ext4, the buffered put against Chronicle Map, the sorted engine
# against LMDB, and reopening 10 M keys. Three rounds, each configuration once per round, so a
# drift of the shared machine hits every configuration alike. Writes kv.json and reopen-10M.txt here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
out=bench/results/2026-11-22-kv-index
json=$out/kv.json
run() { echo "== $*"; ./engram bench "$@" --json "$json" --no-progress | grep -E '^(fill|read|floors)'; }
for round in 1 2 3; do
  w=(--dir /dev/shm --keys 1M --key-size 16 --value-size 100 --label "round-$round")
  d=(--dir /tmp --keys 20k --warmup-keys 2k --key-size 16 --value-size 100 --label "round-$round")
  uptime
  run fillrandom --store engram --durable --threads 1 "${w[@]}"
  run fillrandom --store engram --durable --threads 2 "${w[@]}"
  run readrandom --store engram --threads 1 "${w[@]}"
  run readrandom --store engram --threads 2 "${w[@]}"
  run fillrandom --store engram --threads 1 "${w[@]}"
  run fillrandom --store chronicle --threads 1 "${w[@]}"
  run readrandom,readseq --one-store --engine sorted --store engram "${w[@]}"
  run readrandom,readseq --one-store --store lmdb "${w[@]}"
  run fillrandom --store engram --mode crawl --durable --threads 1 "${d[@]}"
  run fillrandom --store engram --mode crawl --durable --threads 2 "${d[@]}"
  run fillrandom --store rocksdb --durable --threads 1 "${d[@]}"
  run fillrandom --store rocksdb --durable --threads 2 "${d[@]}"
  run floors --dir /dev/shm --duration 1 --label "round-$round"
  run floors --dir /tmp --duration 1 --label "round-$round"
done
uptime
./engram bench reopen --keys 10M --rounds 3 | tee "$out/reopen-10M.txt"
uptime
