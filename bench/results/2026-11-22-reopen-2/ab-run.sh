#!/usr/bin/env bash
# $1 = label, $2 = keys, $3 = rounds per JVM, $4 = passes, then the variants, run in turn in each pass.
label=$1; keys=$2; rounds=$3; passes=$4; shift 4
out=/tmp/reopen/ab-$label; mkdir -p $out
for i in $(seq 1 $passes); do
  for w in "$@"; do
    { echo "== $w pass $i"; uptime; /tmp/reopen/ab.sh $w --keys $keys --rounds $rounds; uptime; } > $out/$w-$i.txt 2>&1
  done
done
