#!/usr/bin/env bash
# The sorted engine's skip-list cells (an overwrite updates the key's cell through the point hash
# instead of searching the skip list): the workload runner on the sorted engine, alternating the tree
# before (BEFORE: a worktree of 5377106, whose engine code is 692f6ea's, built there with
# ./mvnw -o package -DskipTests) with the tree this script lies in, which was 5377106's engine with
# sorted-cells.patch applied when it ran (git apply it to repeat), one JVM per run, the order swapped
# every round. 16 B keys, 100 B values, WALK on /dev/shm: buffered (the runner's default) and durable
# overwrites, a random fill, and ordered scans (settled: after the compaction in key order, which
# rebuilds the skip list; and as written).
#   BEFORE=/tmp/wt-c2p ./run.sh           # writes run.txt and results.jsonl
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
after="$(cd "$here/../../.." && pwd)"
before=${BEFORE:?the 5377106 worktree}
common=(--store engram --engine sorted --mode walk --dir /dev/shm --json "$here/results.jsonl" --no-progress)
for r in $(seq 1 "${ROUNDS:-4}"); do
  trees=(before after); [ $((r % 2)) = 0 ] && trees=(after before)
  for tree in "${trees[@]}"; do
    dir=$before; [ $tree = after ] && dir=$after
    echo "== round $r $tree $(cut -d' ' -f1 /proc/loadavg)"
    (cd "$dir" && {
      ./engram bench overwrite "${common[@]}" --keys 200k --ops 2M --label "$tree"
      ./engram bench overwrite "${common[@]}" --keys 200k --ops 400k --durable --label "$tree"
      ./engram bench fillrandom "${common[@]}" --keys 1M --label "$tree"
      ./engram bench readseq "${common[@]}" --keys 1M --label "$tree"
      ./engram bench readseq "${common[@]}" --keys 1M --as-written --label "$tree"
    } 2>&1 | grep -E "^(overwrite|fillrandom|readseq)")
  done
done > "$here/run.txt"
