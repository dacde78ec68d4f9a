#!/usr/bin/env bash
# Runs ReopenTime with the pmem-kv jar of variant $1 (base | step1 | pipe), other args passed on. Same bench
# classes and native-headers jar for all; the classpath never reads engram jars from ~/.m2 (shared, rewritten by others' installs).
set -euo pipefail
which=$1; shift
case $which in
  base) kvjar=/tmp/reopen/base/pmem-kv/target/engram-pmem-kv-0.1.0-SNAPSHOT.jar ;;
  *)    kvjar=/tmp/reopen/$which.jar   # step1.jar: pmem-kv built at 8bb7c2e; pipe.jar: at cbb036b ;;
esac
nh=/tmp/reopen/base/native-headers/target/engram-native-headers-0.1.0-SNAPSHOT.jar
deps=$(tr ':' '\n' < /tmp/reopen/classpath.txt | grep -v -E 'engram-(pmem-kv|native-headers)-' | paste -sd:)
cp="/tmp/reopen/bench-classes:$kvjar:$nh:$deps"
echo "classpath: $(echo "$cp" | tr ':' '\n' | grep -E 'engram|reopen' | paste -sd' ')" >&2
exec /usr/lib/jvm/temurin-25-jdk-amd64/bin/java --enable-native-access=ALL-UNNAMED -Xss4m -XX:+UseTransparentHugePages ${ENGRAM_JAVA_OPTS:-} -cp "$cp" dev.engram.bench.kv.ReopenTime "$@"
