#!/usr/bin/env bash
# The exact commands behind this directory's results. Run from anywhere; each step writes its JSON
# and console log here. Steps: suite (the whole region suite, ~9 min), profiles (device emulation,
# ~2 min), pairs (the target ratios re-measured back to back, 3 rounds, ~5 min). No argument: all three.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
cd "$ROOT"
unset PMEM_IS_PMEM_FORCE   # the floors and WALK on /dev/shm are meant to run without it

JMH_RUN=(-f 1 -wi 3 -w 1s -i 5 -r 1s)

suite() {
  ./engram bench jmh 'dev.engram.bench.region' "${JMH_RUN[@]}" \
    -rf json -rff "$HERE/region.json" > "$HERE/region.log" 2>&1
}

profiles() {
  ./engram bench jmh 'RegionLongAccess|RegionWritePersist' "${JMH_RUN[@]}" \
    -p target=WALK:/dev/shm -p recordBytes=64 -p profile=none,nvdimm-n,optane-pcm \
    -rf json -rff "$HERE/profiles.json" > "$HERE/profiles.log" 2>&1
}

# Each target ratio's two sides, measured seconds apart, three times over: on a shared two-core
# machine the background load drifts over minutes, so a ratio of two medians taken minutes apart in
# the suite can be off by that drift. Shorter iterations keep the three rounds to ~5 minutes.
pairs() {
  for round in 1 2 3; do
    ./engram bench jmh 'MappedSegmentFloor|RegionLongAccess|PersistFloor.(pmemPersist64|store64PmemPersist)|RegionWritePersist' \
      -f 1 -wi 2 -w 1s -i 3 -r 1s -p target=WALK:/dev/shm -p recordBytes=64 \
      -rf json -rff "$HERE/pairs-$round-walk.json" > "$HERE/pairs-$round-walk.log" 2>&1
    ./engram bench jmh 'RunResidentReads' -f 1 -wi 2 -w 1s -i 3 -r 1s \
      -rf json -rff "$HERE/pairs-$round-run.json" > "$HERE/pairs-$round-run.log" 2>&1
  done
}

if [[ $# -eq 0 ]]; then set -- suite profiles pairs; fi
for step in "$@"; do
  echo "$(date -u +%FT%TZ) $step" >&2
  "$step"
done
