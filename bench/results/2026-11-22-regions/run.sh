#!/usr/bin/env bash
# The exact commands behind this directory's results (see README.md). Run from anywhere; each step
# writes its JSON and console log here, beside `uptime` before and after.
#   targets  the issue's target ratios, each side and its floor in ONE JMH run (~5 min); ROUNDS=3 by default
#   suite    the whole region suite, every parameter combination (~10 min)
#   profiles device emulation (none, nvdimm-n, optane-pcm) over WALK, calibrated (~2 min)
# No argument: all three. BEFORE=<dir of a checkout built with `./mvnw -pl bench -am package`>: also run
# `targets` there, alternating round by round, for a before/after in the same conditions.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
unset PMEM_IS_PMEM_FORCE   # as in 2026-11-22/: libpmem's flush and drain do not consult it (see README)
ROUNDS=${ROUNDS:-3}

# JMH through a tree's own bench build: what `./engram bench jmh` runs, without its rebuild step.
jmh() {
  local tree=$1; shift
  (cd "$tree" && "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" --enable-native-access=ALL-UNNAMED -Xss4m \
    -cp "bench/target/classes:$(cat bench/target/classpath.txt)" org.openjdk.jmh.Main "$@")
}

TARGETS='MappedSegmentFloor|RegionLongAccess|PersistFloor.(pmemPersist64|pmemPersistAddress64|store64PmemPersist|store64PmemPersistAddress)|RegionWritePersist|RunResidentReads'
# Ten half-second iterations: on a shared machine the median of many short iterations moves less than
# the mean of a few long ones.
TARGET_RUN=(-f 1 -wi 3 -w 1s -i 10 -r 500ms -p target=WALK:/dev/shm,RUN:/dev/shm -p recordBytes=64 -p profile=none)

targets() {
  for round in $(seq 1 "$ROUNDS"); do
    if [[ -n "${BEFORE:-}" ]]; then
      { uptime; jmh "$BEFORE" "$TARGETS" "${TARGET_RUN[@]}" -rf json -rff "$HERE/before-$round.json"; uptime; } \
        > "$HERE/before-$round.log" 2>&1
    fi
    { uptime; jmh "$ROOT" "$TARGETS" "${TARGET_RUN[@]}" -rf json -rff "$HERE/targets-$round.json"; uptime; } \
      > "$HERE/targets-$round.log" 2>&1
  done
}

suite() {
  { uptime; jmh "$ROOT" 'dev.engram.bench.region' -f 1 -wi 3 -w 1s -i 5 -r 1s -rf json -rff "$HERE/region.json"; uptime; } \
    > "$HERE/region.log" 2>&1
}

profiles() {
  { uptime; jmh "$ROOT" 'RegionLongAccess|RegionWritePersist' -f 1 -wi 3 -w 1s -i 5 -r 1s \
      -p target=WALK:/dev/shm -p recordBytes=64 -p profile=none,nvdimm-n,optane-pcm \
      -rf json -rff "$HERE/profiles.json"; uptime; } > "$HERE/profiles.log" 2>&1
}

if [[ $# -eq 0 ]]; then set -- targets suite profiles; fi
for step in "$@"; do
  echo "$(date -u +%FT%TZ) $step" >&2
  "$step"
done
