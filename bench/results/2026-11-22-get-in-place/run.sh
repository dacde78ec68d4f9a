#!/usr/bin/env bash
# The A/B of this directory: BASE is a worktree of git 44a4019 (before), NEW this tree; rounds alternate.
# Results append to the JSON files named; consoles were kept for the reopen runs (reopen/).
set -euo pipefail
BASE=${BASE:-/tmp/base-wt}
NEW=${NEW:-$(cd "$(dirname "$0")/../../.." && pwd)}
OUT=${OUT:-$(pwd)}
tree() { [[ $1 == base ]] && echo "$BASE" || echo "$NEW"; }
for r in 1 2 3 4 5 6 7 8; do for t in base new; do
  (cd "$(tree $t)" && ./engram bench readrandom --store engram --dir /dev/shm --keys 1M --threads 1 --json "$OUT/rr-$t.json")
done; done
for r in 1 2 3; do for t in base new; do
  (cd "$(tree $t)" && ./engram bench dl --store engram --mode walk --dir /dev/shm --json "$OUT/dl-$t.json")
done; done
# Reopen: rounds 1-3 as below; rounds 4 and 5 the same with "new base" order, after the switch to
# SpscAtomicArrayQueue (see the README).
for r in 1 2 3; do for t in base new; do
  (cd "$(tree $t)" && ./engram bench reopen --keys 10M --rounds 3 > "$OUT/reopen/reopen-$t-$r.txt")
done; done
for r in 1 2 3 4 5 6 7 8; do for t in base new; do
  (cd "$(tree $t)" && ./engram bench readrandom --store engram --dir /dev/shm --keys 1M --threads 2 --json "$OUT/rr2-$t.json")
done; done
