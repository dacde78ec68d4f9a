#!/usr/bin/env python3
"""Medians over the rounds of run.sh: one row per configuration, from kv.json."""
import json, statistics, sys
from collections import defaultdict

path = sys.argv[1] if len(sys.argv) > 1 else 'kv.json'
groups = defaultdict(list)
for line in open(path):
    r = json.loads(line)
    key = (r['workload'], r['store'], r['engine'], r['mode'], r['threads'], r['durability'], r['dir'])
    groups[key].append(r)

def fmt(x):
    return f'{x / 1e6:.2f} M' if x >= 1e6 else f'{x / 1e3:.1f} k' if x >= 1e3 else f'{x:.0f}'

print('| workload | store | engine | mode | threads | durability | dir | ops/s median (rounds) | p50 ns | ops per worker CPU-s | GC ms per run |')
print('|---|---|---|---|---:|---|---|---|---:|---:|---:|')
for key, rs in groups.items():
    ops = [r['ops_per_sec'] for r in rs]
    cpu = [r['ops'] / r['cpu_workers_s'] for r in rs if r.get('cpu_workers_s')]
    print('| ' + ' | '.join(str(k) for k in key) + f' | **{fmt(statistics.median(ops))}** ({", ".join(fmt(o) for o in ops)})'
          f' | {statistics.median(r["p50_ns"] for r in rs):.0f} | {fmt(statistics.median(cpu)) if cpu else "-"}'
          f' | {statistics.median(r.get("gc_ms") or 0 for r in rs):.0f} |')
