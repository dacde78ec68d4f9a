#!/usr/bin/env bash
# What C2p (a cleaning persists every lane before it frees a segment; 88d25db, BUG-9) costs buffered
# overwrites: the workload runner alternating the tree before it (17a5379, checked out as a worktree in
# $BEFORE and built there with ./mvnw -o package -DskipTests) with this tree, one JVM per run.
#   BEFORE=/tmp/wt-before ./run.sh            # writes run-hash.txt, run-sorted.txt, results.jsonl
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
after="$(cd "$here/../../.." && pwd)"
before=${BEFORE:?the 17a5379 worktree}
run() {   # engine keys ops rounds out
  for r in $(seq 1 "$4"); do
    for tree in before after; do
      dir=$before; [ $tree = after ] && dir=$after
      echo "== round $r $tree $(cut -d' ' -f1 /proc/loadavg)"
      (cd "$dir" && ./engram bench overwrite --store engram --engine "$1" --mode walk --dir /dev/shm --keys "$2" \
          --ops "$3" --json "$here/results.jsonl" --no-progress 2>&1 | grep -E "^overwrite")
    done
  done > "$here/$5"
}
run hash 1M 4M 5 run-hash.txt
run sorted 200k 2M 3 run-sorted.txt
