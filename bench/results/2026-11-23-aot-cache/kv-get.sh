#!/usr/bin/env bash
# Wall time of a whole `./engram kv get` (launcher, fresh JVM, open, one get, close) on a one-key pool in
# /dev/shm, with the start-up cache and with ENGRAM_AOT=off, alternating.
set -euo pipefail
cd "$(dirname "$0")/../../.."
dir=$(mktemp -d /dev/shm/engram-aot-get-XXXXXX)
trap 'rm -rf "$dir"' EXIT
./engram kv create --pool "$dir/pool" --engine hash > /dev/null
./engram kv put --pool "$dir/pool" a b
for round in $(seq 1 "${ROUNDS:-8}"); do
  /usr/bin/time -f "aot %e s" ./engram kv get --pool "$dir/pool" a > /dev/null
  ENGRAM_AOT=off /usr/bin/time -f "off %e s" ./engram kv get --pool "$dir/pool" a > /dev/null
done
