#!/usr/bin/env python3
"""Tables and target ratios for bench/results/2026-11-22-regions/README.md, from the JMH JSON files here.

Usage: python3 summarize.py targets      target ratios per round (targets-N.json; before-N.json when present)
       python3 summarize.py FILE.json    every result of one run: median, JMH score +- error, unit

Every figure is the median of one fork's measurement iterations (JMH's 50th percentile). A ratio divides
two medians of the SAME run (one JSON file), so the machine's drift between runs cancels; the "median"
column is the median of a ratio over the rounds; a verdict is given only when every round agrees.
"""
import glob
import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
QUIET = {"workingSetBytes", "blockBytes", "fastTierBytes", "fastTierDirectory", "directory",
         "pmemDirectory", "syncDirectory"}

# (label, numerator, denominator, target): each side is (benchmark suffix, {param: value}).
RATIOS = [
    ("WALK 8 B load / raw MemorySegment load", ("RegionLongAccess.getLong", {"target": "WALK:/dev/shm"}),
     ("MappedSegmentFloor.load", {}), 1.5),
    ("WALK 8 B store / raw MemorySegment store", ("RegionLongAccess.putLong", {"target": "WALK:/dev/shm"}),
     ("MappedSegmentFloor.store", {}), 1.5),
    ("WALK 64 B write+persist / bare pmem_persist by address",
     ("RegionWritePersist.writePersist", {"target": "WALK:/dev/shm"}), ("PersistFloor.pmemPersistAddress64", {}), 1.3),
    ("WALK 64 B write+persist / bare pmem_persist (segment API)",
     ("RegionWritePersist.writePersist", {"target": "WALK:/dev/shm"}), ("PersistFloor.pmemPersist64", {}), 1.3),
    ("WALK 64 B write+persist / copy + pmem_persist by address",
     ("RegionWritePersist.writePersist", {"target": "WALK:/dev/shm"}), ("PersistFloor.store64PmemPersistAddress", {}), None),
    ("RUN resident 8 B read / WALK", ("RunResidentReads.getLong", {"target": "RUN:/dev/shm"}),
     ("RunResidentReads.getLong", {"target": "WALK:/dev/shm"}), 1.5),
    ("RUN resident 64 B read / WALK", ("RunResidentReads.read64", {"target": "RUN:/dev/shm"}),
     ("RunResidentReads.read64", {"target": "WALK:/dev/shm"}), 1.5),
    ("RUN resident 256 B read / WALK", ("RunResidentReads.read256", {"target": "RUN:/dev/shm"}),
     ("RunResidentReads.read256", {"target": "WALK:/dev/shm"}), 1.5),
    ("RUN resident 4 KiB read / WALK", ("RunResidentReads.read4096", {"target": "RUN:/dev/shm"}),
     ("RunResidentReads.read4096", {"target": "WALK:/dev/shm"}), 1.5),
    ("RUN getLong / WALK (RegionLongAccess)", ("RegionLongAccess.getLong", {"target": "RUN:/dev/shm"}),
     ("RegionLongAccess.getLong", {"target": "WALK:/dev/shm"}), None),
    ("RUN putLong / WALK (RegionLongAccess)", ("RegionLongAccess.putLong", {"target": "RUN:/dev/shm"}),
     ("RegionLongAccess.putLong", {"target": "WALK:/dev/shm"}), None),
]


def load(path):
    with open(path) as f:
        return json.load(f)


def short(name):
    return name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1]


def median(row):
    return row["primaryMetric"]["scorePercentiles"]["50.0"]


def find(rows, side):
    name, want = side
    for r in rows:
        p = r.get("params", {})
        if short(r["benchmark"]) == name and all(p.get(k) == v for k, v in want.items()):
            return median(r)
    return None


def fmt(x):
    if x is None:
        return "-"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def table(path):
    print("| benchmark | parameters | median | score ± error (99.9%) | unit |")
    print("|---|---|---:|---:|---|")
    for r in load(path):
        m = r["primaryMetric"]
        p = ", ".join(f"{k}={v}" for k, v in r.get("params", {}).items() if k not in QUIET)
        print(f"| {short(r['benchmark'])} | {p} | {fmt(median(r))} | {fmt(m['score'])} ± {fmt(m['scoreError'])} "
              f"| {m['scoreUnit']} |")


def rounds(prefix):
    files = sorted(glob.glob(os.path.join(HERE, prefix + "-*.json")))
    return [(os.path.basename(f), load(f)) for f in files]


def targets():
    for prefix in ("before", "targets"):
        runs = rounds(prefix)
        if not runs:
            continue
        print(f"\n### {prefix} ({', '.join(n for n, _ in runs)})\n")
        head = " | ".join(f"round {i + 1}" for i in range(len(runs)))
        print(f"| ratio | {head} | median | target | verdict |")
        print("|---|" + "---:|" * len(runs) + "---:|---|---|")
        for label, num, den, target in RATIOS:
            values = []
            cells = []
            for _, rows in runs:
                a, b = find(rows, num), find(rows, den)
                if a is None or b is None:
                    cells.append("-")
                    continue
                values.append(a / b)
                cells.append(f"{a / b:.2f}x ({fmt(a)} / {fmt(b)})")
            med = statistics.median(values) if values else None
            if target is None or not values:
                verdict = "-"
            elif all(v <= target for v in values):
                verdict = "met in every round"
            elif all(v > target for v in values):
                verdict = "missed in every round"
            else:
                verdict = "undecided: the rounds disagree"
            print(f"| {label} | {' | '.join(cells)} | {'-' if med is None else f'{med:.2f}x'} | "
                  f"{'-' if target is None else f'{target}x'} | {verdict} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(64)
    if sys.argv[1] == "targets":
        targets()
    else:
        table(sys.argv[1])
