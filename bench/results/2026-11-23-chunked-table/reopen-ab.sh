#!/usr/bin/env bash
# A fresh JVM opening a 10 M-key pool from its checkpoint (ReopenTime --open-only, the kv commands'
# flags: no huge pages, no start-up cache), the tree before (BASE, a worktree built by its own launcher)
# against the tree under test (NEW, default this checkout; for this run a worktree with
# chunked-table.diff applied), alternating. The pool (16 B keys, 100 B values, hash, WALK, /dev/shm) was filled once
# (ReopenTime --fill-only); both files are restored from a pristine copy before each open, since an open
# closes the store and rewrites them.
# EXTRA adds JVM flags (EXTRA=-XX:+UseTransparentHugePages: the bench launcher's huge pages).
#   BASE=/tmp/base-wt POOL=/dev/shm/ab/pool ./reopen-ab.sh   (POOL.pristine, POOL.index.pristine beside it)
set -euo pipefail
cd "$(dirname "$0")/../../.."
pool=${POOL:?the pool, with .pristine copies beside it}
base=${BASE:?a built worktree of the tree before}
# More trees: TREES="name=dir ..." (default: base and NEW).
trees=(${TREES:-base=$base new=${NEW:-$PWD}})
java=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
classpath() { echo "$(ls "$1"/bench/target/engram-bench-*.jar | head -1):$(cat "$1"/bench/target/classpath.txt)"; }
for round in $(seq 1 "${ROUNDS:-8}"); do
  for named in "${trees[@]}"; do
    way=${named%%=*}; tree=${named#*=}
    cp "$pool.pristine" "$pool"; cp "$pool.index.pristine" "$pool.index"
    printf '%s ' "$way"
    "$java" --enable-native-access=ALL-UNNAMED -Xss4m ${EXTRA:-} -cp "$(classpath "$tree")" \
      dev.engram.bench.kv.ReopenTime --open-only "$pool" --keys 10000000
  done
done
