#!/usr/bin/env python3
"""Medians (of the ten 500 ms iterations) of the persist JMH runs persist-{before,counters,after}-N.json."""
import glob
import json
import os
import re
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))


def medians(path):
    out = {}
    for b in json.load(open(path)):
        raw = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
        out[".".join(b["benchmark"].split(".")[-2:])] = statistics.median(raw)
    return out


print("| run | load average (1 min), start / end | WALK write+persist 64 B | copy + pmem_persist by address |"
      " pmem_persist by address | WALK / copy+persist | WALK / persist |")
print("|---|---|---:|---:|---:|---:|---:|")
for kind in ("before", "counters", "after"):
    for path in sorted(glob.glob(os.path.join(HERE, f"persist-{kind}-*.json"))):
        m = medians(path)
        loads = re.findall(r"load average: ([\d.]+)", open(path[:-5] + ".log").read())
        wp = m["RegionWritePersist.writePersist"]
        cp = m["PersistFloor.store64PmemPersistAddress"]
        fl = m["PersistFloor.pmemPersistAddress64"]
        name = os.path.basename(path)[:-5]
        print(f"| {name} | {loads[0]} / {loads[-1]} | {wp:.0f} | {cp:.0f} | {fl:.0f} | {wp / cp:.2f}x | {wp / fl:.2f}x |")
