#!/usr/bin/env bash
# Ordered scan (readseq) after a random pre-fill of 1 M keys (16 B keys, 100 B values), /dev/shm, settled
# (compaction in key order): the tree before (BASE, a worktree of 6cdb546) and this tree, whose
# compactInKeyOrder also rebuilds the skip list in key order, alternating with MapDB's BTreeMap, one JVM
# per run. BASE=/path/to/worktree ./run.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=bench/results/2026-11-23-scan-rebuilt
base=${BASE:?a worktree of the tree before}
common=(--dir /dev/shm --keys 1000000 --key-size 16 --value-size 100 --threads 1 --duration 6 --no-progress --one-store)
for round in $(seq 1 "${ROUNDS:-6}"); do
  (cd "$base" && ./engram bench readseq --store engram --engine sorted --label "r$round-base" "${common[@]}" --json "$OLDPWD/$out/base.json")
  ./engram bench readseq --store engram --engine sorted --label "r$round-rebuilt" "${common[@]}" --json "$out/rebuilt.json"
  ./engram bench readseq --store mapdb --engine sorted --label "r$round" "${common[@]}" --json "$out/mapdb.json"
done
