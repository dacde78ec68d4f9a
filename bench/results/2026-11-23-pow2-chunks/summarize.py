#!/usr/bin/env python3
"""Medians per tree and workload of points-ab rows (tree workload threads ops/s unit p50 p99), and the
median of the per-round ratios new/base (rounds paired in file order)."""
import statistics as st
import sys

def value(number, unit):
    return float(number) * {'M': 1e6, 'k': 1e3}.get(unit, 1)

for path in sys.argv[1:]:
    rows = [line.split() for line in open(path) if line.strip()]
    print(path)
    for wl, th in sorted({(r[1], r[2]) for r in rows}):
        b = [r for r in rows if r[0] == 'base' and r[1] == wl and r[2] == th]
        n = [r for r in rows if r[0] == 'new' and r[1] == wl and r[2] == th]
        bv = [value(r[3], r[4]) for r in b]
        nv = [value(r[3], r[4]) for r in n]
        ratios = [x / y for x, y in zip(nv, bv)]
        print(f"  {wl} {th}t: base {st.median(bv)/1e3:.0f} k p50 {st.median(int(r[5]) for r in b):.0f} ns;"
              f" new {st.median(nv)/1e3:.0f} k p50 {st.median(int(r[5]) for r in n):.0f} ns;"
              f" ratio median {st.median(ratios):.3f}, {sum(r < 1 for r in ratios)} of {len(ratios)} below 1")
