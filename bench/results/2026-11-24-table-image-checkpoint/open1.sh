#!/bin/bash
# usage: open1.sh TREE [extra java flags...]
T=$1; shift
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
CP="$(ls $T/bench/target/engram-bench-*.jar):$(cat $T/bench/target/classpath.txt)"
P=${PRISTINE:-/tmp/pristine}; cp $P/pool $P/pool.index /dev/shm/ab/
sync
$J --enable-native-access=ALL-UNNAMED -Xss4m "$@" -cp "$CP" dev.engram.bench.kv.ReopenTime --open-only /dev/shm/ab/pool --keys 10000000 2>&1 | grep -v "^$"
