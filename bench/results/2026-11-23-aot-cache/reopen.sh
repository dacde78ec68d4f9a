#!/usr/bin/env bash
# A fresh JVM opening a 10 M-key pool from its checkpoint (ReopenTime --open-only, the kv commands'
# flags: no huge pages), with and without the launcher's start-up cache (target/engram.aot), alternating.
# The pool (16 B keys, 100 B values, hash, WALK, /dev/shm) was filled once; both files are restored from
# a pristine copy before each open. POOL=/dev/shm/ab/pool ./reopen.sh  (POOL.pristine, POOL.index.pristine)
set -euo pipefail
cd "$(dirname "$0")/../../.."
pool=${POOL:?the pool, with .pristine copies beside it}
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
cp="$(ls bench/target/engram-bench-*.jar | head -1):$(cat bench/target/classpath.txt)"
for round in $(seq 1 "${ROUNDS:-8}"); do
  for way in aot plain; do
    cp "$pool.pristine" "$pool"; cp "$pool.index.pristine" "$pool.index"
    flags=(--enable-native-access=ALL-UNNAMED -Xss4m)
    [[ $way == aot ]] && flags+=(-XX:AOTCache=target/engram.aot -Xlog:aot=off -Xlog:cds=off)
    printf '%s ' "$way"
    "$java" "${flags[@]}" -cp "$cp" dev.engram.bench.kv.ReopenTime --open-only "$pool" --keys 10000000
  done
done
