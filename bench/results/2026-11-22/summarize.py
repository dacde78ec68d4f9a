#!/usr/bin/env python3
"""Tables and ratios for bench/results/2026-11-22/README.md, from JMH JSON results.

Usage: python3 summarize.py region.json       results table and target ratios of the suite
       python3 summarize.py profiles.json     results table of the device-profile run
       python3 summarize.py --pairs           target ratios per round of the pairs-*.json runs, and their median

Every figure is the median of the measurement iterations of one fork (JMH's 50th percentile), with
JMH's 99.9% error of the mean beside it. Ratios divide medians from the same JSON file, i.e. the same
run. Bandwidth rows also show MB/s = ops/s x block bytes / 1e6.
"""
import json
import os
import sys

# Parameters that are the same in every row of a class, shown in the README's text instead of the table.
QUIET = {"workingSetBytes", "blockBytes", "fastTierBytes", "fastTierDirectory", "directory",
         "pmemDirectory", "syncDirectory"}


def load(path):
    with open(path) as f:
        return json.load(f)


def short(name):
    return name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1]


def median(row):
    return row["primaryMetric"]["scorePercentiles"]["50.0"]


def params(row):
    p = row.get("params", {})
    return ", ".join(f"{k}={v}" for k, v in p.items() if k not in QUIET)


def fmt(x):
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def table(rows):
    print("| benchmark | parameters | median | score ± error (99.9%) | unit | MB/s (median) |")
    print("|---|---|---:|---:|---|---:|")
    for r in rows:
        m = r["primaryMetric"]
        unit = m["scoreUnit"]
        mbs = ""
        block = None
        p = r.get("params", {})
        if unit == "ops/s":
            if "blockBytes" in p:
                block = int(p["blockBytes"])
            elif "RunBeyondFastTier" in r["benchmark"]:
                block = 4096
        if block:
            mbs = fmt(median(r) * block / 1e6)
        print(f"| {short(r['benchmark'])} | {params(r)} | {fmt(median(r))} | {fmt(m['score'])} ± {fmt(m['scoreError'])} "
              f"| {unit} | {mbs} |")


def find(rows, bench, **want):
    hits = [r for r in rows if r["benchmark"].endswith(bench)
            and all(str(r.get("params", {}).get(k)) == str(v) for k, v in want.items())]
    if len(hits) != 1:
        raise SystemExit(f"{bench} {want}: {len(hits)} rows")
    return median(hits[0])


def ratio(label, num, den, target=None):
    r = num / den
    verdict = ""
    if target is not None:
        verdict = f" | {'met' if r <= target else 'missed'} (target {target}x)"
    else:
        verdict = " | -"
    print(f"| {label} | {fmt(num)} / {fmt(den)} | {r:.2f}x{verdict} |")


def ratios(rows):
    print("| ratio | medians (ns/op, or ops/s where marked) | value | target |")
    print("|---|---:|---:|---|")
    walk64 = find(rows, "RegionWritePersist.writePersist", target="WALK:/dev/shm", recordBytes=64, profile="none")
    ratio("WALK 64 B write+persist / bare pmem_persist 64 B", walk64, find(rows, "PersistFloor.pmemPersist64"), 1.3)
    ratio("WALK 64 B write+persist / 64 B copy + pmem_persist (same work, no region)", walk64,
          find(rows, "PersistFloor.store64PmemPersist"))
    ratio("WALK getLong / raw MemorySegment load", find(rows, "RegionLongAccess.getLong", target="WALK:/dev/shm", profile="none"),
          find(rows, "MappedSegmentFloor.load"), 1.5)
    ratio("WALK putLong / raw MemorySegment store", find(rows, "RegionLongAccess.putLong", target="WALK:/dev/shm", profile="none"),
          find(rows, "MappedSegmentFloor.store"), 1.5)
    for m in ["getLong", "read64", "read256", "read4096"]:
        ratio(f"RUN resident {m} / WALK {m}", find(rows, f"RunResidentReads.{m}", target="RUN:/dev/shm"),
              find(rows, f"RunResidentReads.{m}", target="WALK:/dev/shm"), 1.5)
    ratio("RUN getLong / WALK getLong (RegionLongAccess)", find(rows, "RegionLongAccess.getLong", target="RUN:/dev/shm", profile="none"),
          find(rows, "RegionLongAccess.getLong", target="WALK:/dev/shm", profile="none"))
    ratio("RUN putLong / WALK putLong (RegionLongAccess)", find(rows, "RegionLongAccess.putLong", target="RUN:/dev/shm", profile="none"),
          find(rows, "RegionLongAccess.putLong", target="WALK:/dev/shm", profile="none"))
    ratio("CRAWL 64 B write+persist on /tmp / pwrite 64 B + fdatasync",
          find(rows, "RegionWritePersist.writePersist", target="CRAWL:/tmp", recordBytes=64, profile="none"),
          find(rows, "PersistFloor.pwrite64Fdatasync"))
    for d in ["/dev/shm", "/tmp"]:
        for b in ["randomRead4k", "randomWrite4kPersist"]:
            fit = find(rows, f"RunBeyondFastTier.{b}", regionToFastTier=0.25, capacityDirectory=d)
            over = find(rows, f"RunBeyondFastTier.{b}", regionToFastTier=10, capacityDirectory=d)
            print(f"| RUN {b}, capacity on {d}: 10x fast tier vs fits (ops/s) | {fmt(over)} / {fmt(fit)} | "
                  f"{over / fit:.3f}x; {1e9 / over - 1e9 / fit:,.0f} ns more per op | - |")


PAIRS = [
    # label, numerator (file kind, benchmark, params), denominator, target
    ("WALK 64 B write+persist / bare pmem_persist 64 B",
     ("walk", "RegionWritePersist.writePersist", {}), ("walk", "PersistFloor.pmemPersist64", {}), 1.3),
    ("WALK 64 B write+persist / 64 B copy + pmem_persist",
     ("walk", "RegionWritePersist.writePersist", {}), ("walk", "PersistFloor.store64PmemPersist", {}), None),
    ("WALK getLong / raw MemorySegment load",
     ("walk", "RegionLongAccess.getLong", {}), ("walk", "MappedSegmentFloor.load", {}), 1.5),
    ("WALK putLong / raw MemorySegment store",
     ("walk", "RegionLongAccess.putLong", {}), ("walk", "MappedSegmentFloor.store", {}), 1.5),
] + [
    (f"RUN resident {m} / WALK {m}", ("run", f"RunResidentReads.{m}", {"target": "RUN:/dev/shm"}),
     ("run", f"RunResidentReads.{m}", {"target": "WALK:/dev/shm"}), 1.5)
    for m in ["getLong", "read64", "read256", "read4096"]
]


def pairs():
    import glob
    import os
    import statistics
    here = os.path.dirname(os.path.abspath(__file__))
    rounds = sorted({os.path.basename(f).split("-")[1] for f in glob.glob(os.path.join(here, "pairs-*-walk.json"))})
    print("| ratio | " + " | ".join(f"round {r}" for r in rounds) + " | median | target |")
    print("|---|" + "---:|" * len(rounds) + "---:|---|")
    for label, num, den, target in PAIRS:
        values = []
        for r in rounds:
            rows = {k: load(os.path.join(here, f"pairs-{r}-{k}.json")) for k in ("walk", "run")}
            a = find(rows[num[0]], num[1], **num[2])
            b = find(rows[den[0]], den[1], **den[2])
            values.append(a / b)
        med = statistics.median(values)
        verdict = "-" if target is None else f"{'met' if med <= target else 'missed'} ({target}x)"
        print(f"| {label} | " + " | ".join(f"{v:.2f}x" for v in values) + f" | {med:.2f}x | {verdict} |")
    print("\nMedians per round (ns/op):\n")
    print("| benchmark | parameters | " + " | ".join(f"round {r}" for r in rounds) + " |")
    print("|---|---|" + "---:|" * len(rounds))
    per = {}
    for r in rounds:
        for k in ("walk", "run"):
            for row in load(os.path.join(here, f"pairs-{r}-{k}.json")):
                key = (short(row["benchmark"]), params(row))
                per.setdefault(key, []).append(fmt(median(row)))
    for (bench, p), values in per.items():
        print(f"| {bench} | {p} | " + " | ".join(values) + " |")


def main():
    if sys.argv[1:] == ["--pairs"]:
        pairs()
        return
    rows = []
    for path in sys.argv[1:]:
        rows += load(path)
    print("## Results\n")
    table(rows)
    if len(sys.argv) == 2 and os.path.basename(sys.argv[1]) == "region.json":
        print("\n## Ratios\n")
        ratios(rows)


if __name__ == "__main__":
    main()
