#!/usr/bin/env python3
"""Tables for README.md from the interleaved-{before,after}-N.log files in this directory."""
import glob
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))


def parse(path):
    text = open(path).read()
    loads = re.findall(r"load average: ([\d.]+)", text)
    ratios = {m[0].strip(): (m[1], m[2], m[3]) for m in
              re.findall(r"^ratio (.+?)\s+median ([\d.]+)x \(p25 ([\d.]+)x, p75 ([\d.]+)x\)", text, re.M)}
    sides = {m[0].strip(): m[1] for m in re.findall(r"^side  (.+?)\s+median\s+([\d.]+) ns/op", text, re.M)}
    return loads[0] if loads else "?", loads[-1] if loads else "?", ratios, sides


def runs(kind):
    return sorted(glob.glob(os.path.join(HERE, f"interleaved-{kind}-*.log")))


def main():
    before = [parse(p) for p in runs("before")]
    after = [parse(p) for p in runs("after")]
    heads = [f"before {i + 1}" for i in range(len(before))] + [f"after {i + 1}" for i in range(len(after))]
    print("| ratio | " + " | ".join(heads) + " |")
    print("|---|" + "---:|" * len(heads))
    for name in before[0][2]:
        cells = []
        for run in before + after:
            m, lo, hi = run[2].get(name, ("-", "-", "-"))
            cells.append(f"{m}x ({lo}-{hi})")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("| load average (1 min), start / end | " + " | ".join(f"{r[0]} / {r[1]}" for r in before + after) + " |")
    print()
    print("| side, median ns/op | " + " | ".join(heads) + " |")
    print("|---|" + "---:|" * len(heads))
    for name in before[0][3]:
        print(f"| {name} | " + " | ".join(r[3].get(name, "-") for r in before + after) + " |")


if __name__ == "__main__":
    main()
