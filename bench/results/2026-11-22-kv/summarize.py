#!/usr/bin/env python3
"""Tables for README.md from kv.json (JSON Lines written by ./engram bench).

Usage: python3 summarize.py [kv.json]

* Throughput and latency of a configuration: the median over the rounds (round-1..3) of that figure.
* "on CPU": cpu_workers_s / seconds / threads, how much of the wall time the measuring threads were running
  (below 1: descheduled by GC pauses, the JVM's GC/JIT threads or other tenants); "ops / worker CPU-s":
  operations per CPU-second of the measuring threads, the figure least disturbed by a noisy machine.
* A ratio to a floor is computed inside one round (the store's figure over the floor's figure measured
  in the same round, minutes apart, in the same sweep); the table shows the median of the per-round
  ratios and, in brackets, their range.
"""
import json
import statistics
import sys
from collections import defaultdict

path = sys.argv[1] if len(sys.argv) > 1 else "kv.json"
rows = [json.loads(line) for line in open(path) if line.strip()]


def key(r):
    return (r["workload"], r["store"], r["engine"], r["mode"], r.get("key_format", "-"), r["threads"],
            r["durability"], r["dir"], r["keys"])


by = defaultdict(dict)            # config -> label -> row
for r in rows:
    by[key(r)][r.get("label")] = r
rounds = sorted({r.get("label") for r in rows if (r.get("label") or "").startswith("round-")})


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fig(r, field):
    return r.get(field) if r else None


def floor_of(r):
    """The floor a store result is divided by, as a config key, or None."""
    if r["store"] != "engram":
        return None
    w, d, t = r["workload"], r["dir"], r["threads"]
    fs = {"/dev/shm": 1_000_000, "/tmp": 10_000}
    if r["workload"] in ("fillrandom", "fillseq", "overwrite") and r["durability"] == "power":
        name = "floor-fdatasync" if r["mode"] == "crawl" else "floor-pmem-persist"
    elif r["workload"] in ("fillrandom", "fillseq", "overwrite"):
        name = "floor-mapped-store"
    elif r["workload"] in ("readrandom", "readmissing", "readwhilewriting"):
        name = "floor-mapped-read"
    elif r["workload"] == "readseq":
        name = "floor-mapped-scan"
    else:
        return None
    durability = {"floor-fdatasync": "power", "floor-pmem-persist": "power", "floor-mapped-store": "process"}.get(name, "none")
    keys = fs.get(d, r["keys"])
    return ("floors", name, "none", "none", "-", t, durability, d, keys if name != "floor-fdatasync" else t * 131072)


TARGETS = {  # (workload, engine, mode, durability, threads) -> (ops/s target or None, floor-time multiple or None)
    ("fillrandom", "hash", "walk", "power", 1): (1.0e6, None),
    ("fillrandom", "hash", "walk", "power", 2): (1.6e6, None),
    ("readrandom", "hash", "walk", "process", 1): (2.0e6, None),
    ("readrandom", "hash", "walk", "process", 2): (3.4e6, None),
    ("fillrandom", "hash", "crawl", "power", 1): (None, 1.5),
}


def describe(k):
    w, store, engine, mode, fmt, t, dur, d, keys = k
    if store != "engram":
        return f"{store} ({d}, {t} thr)"
    return f"{w} {engine} {mode} {fmt} keys, {t} thr, {dur} ({d}, {keys:,} keys)"


def si(v):
    if v is None:
        return "-"
    for scale, unit in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if v >= scale:
            return f"{v / scale:.3g}{unit}"
    return f"{v:.3g}"


print(f"rounds: {', '.join(rounds)}; {len(rows)} results\n")
print("| configuration | ops/s (median; per round) | p50 ns | p99 ns | vs floor: fraction of its ops/s (range) "
      "| floor time multiple | GC ms / s | on CPU | ops / worker CPU-s |")
print("|---|---|---:|---:|---|---:|---:|---:|---:|")
for k in sorted(by, key=lambda k: (k[1] != "engram", k[0], k[2], k[3], k[5], k[4], k[6], k[7])):
    per = by[k]
    labels = [l for l in rounds if l in per] or list(per)
    ops = [per[l]["ops_per_sec"] for l in labels]
    p50 = median([per[l]["p50_ns"] for l in labels])
    p99 = median([per[l]["p99_ns"] for l in labels])
    gc = median([per[l]["gc_ms"] / per[l]["seconds"] for l in labels if per[l].get("gc_ms") is not None])
    on_cpu = median([per[l]["cpu_workers_s"] / per[l]["seconds"] / per[l]["threads"] for l in labels
                     if per[l].get("cpu_workers_s")])
    per_cpu = median([per[l]["ops"] / per[l]["cpu_workers_s"] for l in labels if per[l].get("cpu_workers_s")])
    ratio_text, multiple_text = "", ""
    fk = floor_of(per[labels[0]])
    if fk and fk in by:
        ratios = [per[l]["ops_per_sec"] / by[fk][l]["ops_per_sec"] for l in labels if l in by[fk]]
        if ratios:
            m = median(ratios)
            ratio_text = f"{m:.3f} ({min(ratios):.3f}-{max(ratios):.3f}) of {fk[1]}"
            multiple_text = f"{1 / m:.2f}x"
    each = ", ".join(si(o) for o in ops)
    print(f"| {describe(k)} | **{si(median(ops))}** ({each}) | {p50:.0f} | {p99:.0f} | {ratio_text} | {multiple_text} | "
          f"{'' if gc is None else f'{gc:.0f}'} | {'' if on_cpu is None else f'{on_cpu:.2f}'} | {si(per_cpu)} |")

print("\nTargets")
for (w, engine, mode, dur, t), (ops_target, multiple_target) in TARGETS.items():
    for k, per in by.items():
        if (k[0], k[2], k[3], k[6], k[5]) != (w, engine, mode, dur, t):
            continue
        labels = [l for l in rounds if l in per]
        m = median([per[l]["ops_per_sec"] for l in labels])
        line = f"- {describe(k)}: median {si(m)} ops/s"
        if ops_target:
            line += f" vs target {si(ops_target)}: {m / ops_target:.2f} of target, {'MET' if m >= ops_target else 'MISSED'}"
        if multiple_target:
            fk = floor_of(per[labels[0]])
            ratios = [by[fk][l]["ops_per_sec"] / per[l]["ops_per_sec"] for l in labels if fk in by and l in by[fk]]
            mm = median(ratios)
            line += f"; {mm:.2f}x the fdatasync floor's time per op (target <= {multiple_target}x): " \
                    f"{'MET' if mm <= multiple_target else 'MISSED'} (per round: {', '.join(f'{x:.2f}' for x in ratios)})"
        print(line)
