#!/usr/bin/env bash
# Medians per tree of reopen-ab rows: the open's seconds and the recovery report's millis (the loaders).
for f in "$@"; do
  echo "$f"
  for way in $(awk '{print $1}' "$f" | sort -u); do
    awk -v w="$way" '$1 == w { for (i = 1; i <= NF; i++) if ($i == "s") { print $(i - 1); break } }' "$f" | sort -n \
      | awk -v w="$way" '{ a[NR] = $1 } END { printf "  %s open: median %.3f s of %d (%s .. %s)\n", w, (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2), NR, a[1], a[NR] }'
    grep "^$way " "$f" | grep -o 'millis=[0-9]*' | cut -d= -f2 | sort -n \
      | awk -v w="$way" '{ a[NR] = $1 } END { printf "  %s loaders: median %.0f ms\n", w, (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'
  done
done
