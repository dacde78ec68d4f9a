#!/usr/bin/env bash
# The sorted engine's background pass in key order (KvOptions.autoKeyOrder): KeyOrderInBackground in
# ROUNDS fresh JVMs (default 6; even rounds with --on-first), each filling two 1 M-key stores (16 B keys in a scattered order, 100 B
# values, buffered, WALK, /dev/shm): one with the policy off (scans as written, then after the explicit
# compactInKeyOrder), one with it on (the fill, the wait for the background pass, gets meanwhile, scans).
#   ./run.sh > run.txt     (after ./engram bench ... has built the bench jar)
set -euo pipefail
cd "$(dirname "$0")/../../.."
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
cp="$(ls bench/target/engram-bench-*.jar | head -1):$(cat bench/target/classpath.txt)"
for round in $(seq 1 "${ROUNDS:-6}"); do
  first=(); if (( round % 2 == 0 )); then first=(--on-first); fi
  echo "round $round ${first[*]:-}"
  "$java" --enable-native-access=ALL-UNNAMED -Xss4m -cp "$cp" \
    dev.engram.bench.kv.KeyOrderInBackground --keys "${KEYS:-1000000}" "${first[@]}" "$@"
done
