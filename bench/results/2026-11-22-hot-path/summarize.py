"""Medians per (label tag, side, workload, threads) of runs.json: ops/s, ops per worker CPU-s, p50, p99."""
import collections, json, statistics as st, sys

rows = [json.loads(l) for l in open(sys.argv[1] if len(sys.argv) > 1 else "runs.json")]
by = collections.defaultdict(list)
for r in rows:
    tag, side, _ = r["label"].rsplit("-", 2)
    by[(tag, r["workload"], r["threads"], side)].append(r)
print("| tag | workload | thr | side | n | ops/s median [each round] | per worker CPU-s | p50 ns | p99 ns |")
print("|---|---|---|---|---|---|---|---|---|")
for (tag, w, t, side), rs in sorted(by.items()):
    ops = [r["ops_per_sec"] for r in rs]
    cpu = [r["ops"] / r["cpu_workers_s"] for r in rs]
    print(f"| {tag} | {w} | {t} | {side} | {len(rs)} | {st.median(ops)/1e3:.0f} k [{' '.join(f'{o/1e3:.0f}' for o in ops)}] "
          f"| {st.median(cpu)/1e3:.0f} k | {st.median(r['p50_ns'] for r in rs):.0f} | {st.median(r['p99_ns'] for r in rs):.0f} |")
