#!/usr/bin/env bash
# Does the launcher's -XX:+UseTransparentHugePages help or hurt the sorted engine's reads? readrandom
# and readseq on one settled store of 1 M keys (16 B / 100 B), /dev/shm, with and without THP,
# alternating, four rounds, one JVM each.
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=bench/results/2026-11-22-thp-scan
rm -f "$out/results.json"
common=(--dir /dev/shm --keys 1000000 --key-size 16 --value-size 100 --threads 1 --duration 6 --no-progress
        --one-store --engine sorted --json "$out/results.json")
for round in 1 2 3 4; do
  ./engram bench readrandom,readseq --store engram --label "r$round-thp" "${common[@]}"
  ENGRAM_JAVA_OPTS=-XX:-UseTransparentHugePages ./engram bench readrandom,readseq --store engram \
      --label "r$round-no-thp" "${common[@]}"
done
