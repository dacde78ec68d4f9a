#!/usr/bin/env bash
# Second run: the tree before (BASE), the skip list rebuilt with the same key arrays (V1, a worktree
# with the constructor copy), this tree (the rebuild also copies the keys in key order), and MapDB,
# alternating, one JVM per run. BASE=... V1=... ./run2.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
out=bench/results/2026-11-23-scan-rebuilt
base=${BASE:?a worktree of the tree before}
v1=${V1:?a worktree of the rebuild without key copies}
common=(--dir /dev/shm --keys 1000000 --key-size 16 --value-size 100 --threads 1 --duration 6 --no-progress --one-store)
for round in $(seq 1 "${ROUNDS:-5}"); do
  (cd "$base" && ./engram bench readseq --store engram --engine sorted --label "r$round-base" "${common[@]}" --json "$OLDPWD/$out/run2-base.json")
  (cd "$v1" && ./engram bench readseq --store engram --engine sorted --label "r$round-v1" "${common[@]}" --json "$OLDPWD/$out/run2-same-keys.json")
  ./engram bench readseq --store engram --engine sorted --label "r$round-v2" "${common[@]}" --json "$out/run2-key-copies.json"
  ./engram bench readseq --store mapdb --engine sorted --label "r$round" "${common[@]}" --json "$out/run2-mapdb.json"
done
