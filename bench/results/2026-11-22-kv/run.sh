#!/usr/bin/env bash
# The exact commands of the 2026-11-22 KV run: three interleaved rounds of every target configuration
# (each a separate JVM, so every figure has three independent samples taken minutes apart), then one
# round of the remaining workloads. About 10 minutes on the reference machine.
#
#   bench/results/2026-11-22-kv/run.sh                 # appends to kv.json and console.txt next to this file
#   BENCH=/path/to/launcher-equivalent run.sh          # e.g. a frozen copy of the classpath (see README)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BENCH=${BENCH:-"$ROOT/engram bench"}
OUT=${OUT:-$HERE/kv.json}
LOG=${LOG:-$HERE/console.txt}
ROUNDS=${ROUNDS:-3}
SHAPE=(--keys 1M --key-size 16 --value-size 100)

run() {   # run LABEL WORKLOAD ARGS...: the shared shape first, so an explicit option after it wins
  local label=$1 workload=$2; shift 2
  echo "+ bench $workload ${SHAPE[*]} $* --label $label --json $(basename "$OUT")" >>"$LOG"
  $BENCH "$workload" "${SHAPE[@]}" "$@" --label "$label" --no-progress --json "$OUT" >>"$LOG" 2>&1
}

for round in $(seq 1 "$ROUNDS"); do
  r=round-$round
  echo "== $r $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$LOG"
  # Floors: same JVM harness, same directories, one and two threads.
  run "$r" floors --dir /dev/shm --threads 1 --duration 1
  run "$r" floors --dir /dev/shm --threads 2 --duration 1
  run "$r" floors --dir /tmp --threads 1 --duration 1 --keys 10k
  # The issue's targets, hash engine, WALK on /dev/shm, with the issue's binary keys and db_bench's decimal keys.
  for format in index decimal; do
    run "$r" fillrandom --dir /dev/shm --durable --threads 1 --key-format $format
    run "$r" fillrandom --dir /dev/shm --durable --threads 2 --key-format $format
    run "$r" readrandom --dir /dev/shm --threads 1 --key-format $format
    run "$r" readrandom --dir /dev/shm --threads 2 --key-format $format
    run "$r" fillrandom --dir /dev/shm --threads 1 --key-format $format
  done
  # Sorted engine: random get and the ordered scan.
  run "$r" readrandom --dir /dev/shm --engine sorted --threads 1
  run "$r" readseq --dir /dev/shm --engine sorted --threads 1
  # CRAWL durable put on ext4 against the fdatasync floor: 10k keys (1M would take ~2 minutes per run).
  run "$r" fillrandom --dir /tmp --mode crawl --durable --threads 1 --keys 10k --warmup-keys 2k
done

# One round of everything else the runner does, for the record.
r=extra
echo "== $r $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$LOG"
run "$r" fillseq --dir /dev/shm --durable --threads 1
run "$r" fillrandom --dir /dev/shm --threads 2
run "$r" overwrite --dir /dev/shm --durable --threads 1
run "$r" readmissing --dir /dev/shm --threads 1
run "$r" readseq --dir /dev/shm --threads 1
run "$r" deleterandom --dir /dev/shm --durable --threads 1
run "$r" readwhilewriting --dir /dev/shm --durable --threads 1
run "$r" readwhilewriting --dir /dev/shm --durable --threads 1 --key-format decimal
echo "== done $(date -u +%FT%TZ)" | tee -a "$LOG"
