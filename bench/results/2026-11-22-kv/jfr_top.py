#!/usr/bin/env python3
"""Summarises JFR execution samples of the measuring threads (engram-bench-N) only.

Usage: jfr print --json --stack-depth 64 --events jdk.ExecutionSample REC.jfr | python3 jfr_top.py [TOP [METHOD]]
(jfr print keeps only the top 5 frames of each stack unless told otherwise.)

Prints, over the samples whose thread is a measuring thread:
  where     - each sample assigned to the innermost frame that names a step of a KV operation
              (index lookup, index insert, persist, ...; see STEPS), as a share of samples;
  self      - the method on top of the stack (where the CPU was), as a share of samples;
  inclusive - every method anywhere on the stack (counted once per sample), as a share of samples;
  lines     - with METHOD (e.g. KvStore.writeOne): samples under METHOD grouped by the line of METHOD they
              are under, i.e. which statement of it the time goes to, callees included.
JFR samples Java frames only. A sample taken inside a critical downcall (pmem_flush, pmem_drain) shows the
downcall stub and its method-handle frames and nothing below them (the walk stops at the stub), so the
persist step is recognised by the DowncallStub frame alone.
"""
import json
import re
import sys
from collections import Counter

top = int(sys.argv[1]) if len(sys.argv) > 1 else 25
by_line = sys.argv[2] if len(sys.argv) > 2 else None

# (step, method-name prefixes); a sample goes to the step of its innermost frame matching a prefix.
STEPS = [
    ("persist: pmem_flush + pmem_drain downcalls", ("DowncallStub", "Log.persistLane", "WalkRegion.persist",
                                                    "WalkRegion.flush", "WalkRegion.drain", "Pmem.",
                                                    "SharedSession.", "MemorySessionImpl.")),
    ("persist: fdatasync / pwrite (CRAWL)", ("FileChannelImpl.force", "FileDispatcherImpl", "CrawlRegion.drain",
                                             "CrawlRegion.write")),
    ("index lookup (Index.get: hash map or skip list)", ("Index$Hash.get", "Index$Sorted.get")),
    ("index insert (Index.put / publish, incl. map resize)", ("Index$Hash.put", "Index$Sorted.put", "KvStore.publish")),
    ("log append: record into the mapping (copy, CRC32C, header)", ("Log.append", "Log.reserve", "WalkRegion.write")),
    ("version check (Entry of the key: first touch of the entry)", ("KvStore.visible", "Entry.visibleAt")),
    ("record read + CRC32C check", ("KvStore.verifiedRecord", "WalkRegion.read")),
    ("value copy-out", ("Arrays.copyOfRange",)),
    ("cursor / snapshot (KvCursor.next: higherEntry per step; key and value copies)",
     ("KvCursor.", "Snapshot.", "ConcurrentSkipListMap.higherEntry", "EngramStore$1.")),
    ("writeOne itself: record assembly, stripe and lane locks, counters", ("KvStore.writeOne", "ReentrantLock",
                                                                          "LongAdder", "AtomicLong")),
    # KvStore.get's own lines and the one-line adapter that calls it: C2 inlines the whole get into them, and
    # samples stalled on an inlined load land here when no finer debug information covers the instruction.
    ("KvStore.get/put entry or its adapter line (inlined loads not attributed further)", ("KvStore.", "EngramStore.")),
    ("harness (key encoding, driver loop, sampling)", ("KeySpace.", "DbBenchWorkload", "Worker.", "Sampler.",
                                                      "LatencyHistogram.")),
]


def step_of(names):
    for name in names:
        for step, prefixes in STEPS:
            if name.startswith(prefixes):
                return step
    return "other"


doc = json.load(sys.stdin)
events = doc["recording"]["events"]
self_count, incl_count, step_count, line_count, n = Counter(), Counter(), Counter(), Counter(), 0
for e in events:
    v = e["values"]
    thread = (v.get("sampledThread") or {}).get("javaName") or ""
    if not thread.startswith("engram-bench-"):      # measured phases only (warm-ups run on engram-warmup-N)
        continue
    frames = (v.get("stackTrace") or {}).get("frames") or []
    if not frames:
        continue
    n += 1
    names = []
    for f in frames:
        m = f["method"]
        type_name = re.sub(r"/0x[0-9a-f]+$", "", m["type"]["name"])    # hidden classes: LambdaForm$MH/0x...
        names.append(type_name.replace("/", ".").split(".")[-1] + "." + m["name"])
    if by_line:
        for f, name in zip(frames, names):
            if name == by_line:
                line_count[f"{by_line}:{f.get('lineNumber')}"] += 1
                break
    self_count[names[0]] += 1
    step_count[step_of(names)] += 1
    for name in set(names):
        incl_count[name] += 1
print(f"{n} samples of measuring threads")
print("\nwhere (innermost step of a KV operation)")
for name, c in step_count.most_common():
    print(f"  {100.0 * c / n:5.1f}%  {name}")
print("\nself (top of stack)")
for name, c in self_count.most_common(top):
    print(f"  {100.0 * c / n:5.1f}%  {name}")
print("\ninclusive (anywhere on the stack)")
for name, c in incl_count.most_common(top):
    print(f"  {100.0 * c / n:5.1f}%  {name}")
if by_line:
    print(f"\nlines of {by_line} (callees included)")
    for name, c in sorted(line_count.items(), key=lambda kv: int(kv[0].rsplit(":", 1)[1] or 0)):
        print(f"  {100.0 * c / n:5.1f}%  {name}")
