#!/usr/bin/env bash
# Where the time goes in the configurations that missed their targets: each run under JFR with a 1 ms
# execution-sample period and -XX:+DebugNonSafepoints (so a sample in inlined code is charged to the
# inlined method, not to the compiled method it was inlined into), summarised by jfr_top.py over the measuring threads only (warm-up, pre-fill
# and the harness's other threads are excluded by thread name). Writes profile-<name>.txt and appends the
# profiled runs' results to profile.json (profiling costs a few per cent; those figures are not the table's).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
BENCH=${BENCH:-"$ROOT/engram bench"}
JFR=${JFR:-jfr}
TMP=${TMPDIR:-/tmp}

profile() {   # profile NAME METHOD WORKLOAD ARGS...: METHOD's lines get their own breakdown
  local name=$1 method=$2; shift 2
  local rec="$TMP/engram-kv-$name.jfr"
  ENGRAM_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -XX:StartFlightRecording:filename=$rec,jdk.ExecutionSample#period=1ms" \
    $BENCH "$@" --keys 1M --repeat 2 --label "profile-$name" --no-progress --json "$HERE/profile.json" \
    >"$HERE/profile-$name.txt" 2>&1
  "$JFR" print --json --stack-depth 64 --events jdk.ExecutionSample "$rec" | python3 "$HERE/jfr_top.py" 30 "$method" >>"$HERE/profile-$name.txt"
  rm -f "$rec"
  echo "profile-$name.txt"
}

profile put-durable-decimal-1t KvStore.writeOne fillrandom --dir /dev/shm --durable --threads 1 --key-format decimal
profile put-durable-index-1t   KvStore.writeOne fillrandom --dir /dev/shm --durable --threads 1 --key-format index
profile put-durable-decimal-2t KvStore.writeOne fillrandom --dir /dev/shm --durable --threads 2 --key-format decimal
profile get-decimal-1t         KvStore.get readrandom --dir /dev/shm --threads 1 --key-format decimal
profile get-index-1t           KvStore.get readrandom --dir /dev/shm --threads 1 --key-format index
profile get-decimal-2t         KvStore.get readrandom --dir /dev/shm --threads 2 --key-format decimal
profile get-sorted-1t          KvStore.get readrandom --dir /dev/shm --threads 1 --engine sorted
profile scan-sorted-1t         KvCursor.next readseq --dir /dev/shm --threads 1 --engine sorted

# The CPU split of one durable-put run by thread (measuring, warm-up, GC, JIT, main) and the measuring
# thread's time by symbol, native code included (JFR cannot see inside a critical downcall); needs perf
# and -XX:+DumpPerfMapAtExit for the names of compiled Java methods.
if command -v perf >/dev/null; then
  data="$TMP/engram-kv-perf.data"
  ENGRAM_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit" perf record -F 2999 -o "$data" -- \
    $BENCH fillrandom --dir /dev/shm --durable --key-format decimal --keys 1M --repeat 2 --no-progress \
    >"$HERE/perf-put-durable-decimal-1t.txt" 2>&1
  {
    echo; echo "CPU samples by thread (all of the run: warm-up, measured trials, set-up)"
    perf report -i "$data" --sort comm --stdio 2>/dev/null | grep "%" | head -14
    echo; echo "measuring thread (engram-bench-0), by symbol; JIT methods include what C2 inlined into them"
    perf report -i "$data" --comm engram-bench-0 --percentage relative --sort dso,sym --stdio 2>/dev/null | grep "%" | head -20
  } >>"$HERE/perf-put-durable-decimal-1t.txt"
  rm -f "$data"
  echo "perf-put-durable-decimal-1t.txt"
fi
