#!/usr/bin/env bash
# C2p without the cleaner's own flush (frees wait for the lanes' own persists) against C2p as BUG-9's
# fix left it and against the tree before C2p: the workload runner's buffered overwrite, one JVM per
# run, the three trees in a rotating order each round. BEFORE and C2P are worktrees of 17a5379 and
# 5377106; the third ("deferred") is the tree this script lies in, which was 5377106 with
# deferred-free.patch applied when it ran (git apply it to repeat). Build each with
# ./mvnw -o package -DskipTests.
#   BEFORE=/tmp/wt-before C2P=/tmp/wt-c2p ./run.sh     # writes run-hash.txt, run-sorted.txt, results.jsonl
#   ROUNDS=5 HASH_OUT=run-hash-2.txt HASH_ONLY=1 ...    # the second five hash rounds
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
deferred="$(cd "$here/../../.." && pwd)"
before=${BEFORE:?the 17a5379 worktree}
c2p=${C2P:?the 5377106 worktree}
trees=(before c2p deferred)
run() {   # engine keys ops rounds out
  for r in $(seq 1 "$4"); do
    for i in 0 1 2; do
      tree=${trees[$(( (r + i) % 3 ))]}
      dir=${!tree}
      echo "== round $r $tree $(cut -d' ' -f1 /proc/loadavg)"
      (cd "$dir" && ./engram bench overwrite --store engram --engine "$1" --mode walk --dir /dev/shm --keys "$2" \
          --ops "$3" --json "$here/results.jsonl" --label "$tree" --no-progress 2>&1 | grep -E "^overwrite")
    done
  done > "$here/$5"
}
run hash 1M 4M "${ROUNDS:-5}" "${HASH_OUT:-run-hash.txt}"
[ -n "${HASH_ONLY:-}" ] || run sorted 200k 2M 3 run-sorted.txt
