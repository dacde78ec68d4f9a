#!/usr/bin/env bash
# Follow-ups to the profiles, each a question about where the time goes, answered by changing one thing
# (the engine is not touched: only the key count or JVM flags). Each configuration runs 3 trials in one
# JVM (--repeat 3); results go to experiments.json with the question as the label.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BENCH=${BENCH:-"$ROOT/engram bench"}
OUT=${OUT:-$HERE/experiments.json}
LOG=${LOG:-$HERE/experiments-console.txt}

run() {   # run LABEL JVM_OPTS WORKLOAD ARGS...
  local label=$1 opts=$2; shift 2
  echo "+ ENGRAM_JAVA_OPTS='$opts' bench $* --repeat 3 --label $label" >>"$LOG"
  ENGRAM_JAVA_OPTS="$opts" $BENCH "$@" --key-size 16 --value-size 100 --key-format decimal --repeat 3 \
    --label "$label" --no-progress --json "$OUT" >>"$LOG" 2>&1
}

# Is a get memory-bound? The same gets with an index and log that fit in the caches.
run get-1M-baseline        ""                                readrandom --dir /dev/shm --keys 1M
run get-10k-cache-resident ""                                readrandom --dir /dev/shm --keys 10k --ops 1M
# How much of a get is TLB misses? The heap (index) on transparent huge pages.
run get-1M-thp             "-XX:+UseTransparentHugePages"    readrandom --dir /dev/shm --keys 1M
# Do two readers scale? (cpu_workers_s / seconds / threads says how much of the time they were on a CPU.)
run get-1M-2t-baseline     ""                                readrandom --dir /dev/shm --keys 1M --threads 2
# How much of a durable put is the collector? The same puts with the throughput collector, and with G1
# given a 2 GiB young generation.
run put-1M-baseline        ""                                fillrandom --dir /dev/shm --keys 1M --durable
run put-1M-parallelgc      "-XX:+UseParallelGC"              fillrandom --dir /dev/shm --keys 1M --durable
run put-1M-g1-young2g      "-Xmn2g"                          fillrandom --dir /dev/shm --keys 1M --durable
# Is a durable put's index growth (ConcurrentHashMap resizes from 65,536 slots) significant? Overwrite
# puts the same keys into a full index, which never resizes.
run overwrite-1M-baseline  ""                                overwrite --dir /dev/shm --keys 1M --durable
# Two threads: baseline and with the throughput collector.
run put-1M-2t-baseline     ""                                fillrandom --dir /dev/shm --keys 1M --durable --threads 2
run put-1M-2t-parallelgc   "-XX:+UseParallelGC"              fillrandom --dir /dev/shm --keys 1M --durable --threads 2
