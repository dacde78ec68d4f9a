#!/usr/bin/env bash
# One thread's overwrites on a sorted store beside the background pass in key order
# (KvOptions.autoKeyOrder): OverwritesBesideKeyOrder in ROUNDS fresh JVMs (default 4; even rounds with
# --on-first), each filling two stores of KEYS keys (default 200k; 16 B keys in a scattered order, 100 B
# values, WALK, /dev/shm), one with the policy off and one with it on, then overwriting random keys for
# 30 s each, every put timed. Extra arguments go to the program (e.g. --durable).
#   ./run.sh > run.txt; ROUNDS=2 ./run.sh --durable > run-durable.txt   (after ./engram bench ... built the jar)
set -euo pipefail
cd "$(dirname "$0")/../../.."
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
cp="$(ls bench/target/engram-bench-*.jar | head -1):$(cat bench/target/classpath.txt)"
for round in $(seq 1 "${ROUNDS:-4}"); do
  first=(); if (( round % 2 == 0 )); then first=(--on-first); fi
  echo "round $round ${first[*]:-} (load $(cut -d' ' -f1-3 /proc/loadavg))"
  "$java" --enable-native-access=ALL-UNNAMED -Xss4m -cp "$cp" \
    dev.engram.bench.kv.OverwritesBesideKeyOrder --keys "${KEYS:-200000}" "${first[@]}" "$@"
done
