import json,statistics,sys,collections
rows=[json.loads(l) for l in open(sys.argv[1])]
d=collections.defaultdict(dict)
for r in rows:
    if r['workload']!='readseq': continue
    v,kind,rnd=r['label'].split('-')
    d[kind].setdefault(v,{})[rnd]=r['ops_per_sec']
for kind,vs in d.items():
    b=vs['base']; n=vs['new']
    ratios=sorted(n[k]/b[k] for k in b)
    print(kind, 'base', sorted(round(x/1e6,2) for x in b.values()), 'med', round(statistics.median(b.values())/1e6,2),
          '| new', sorted(round(x/1e6,2) for x in n.values()), 'med', round(statistics.median(n.values())/1e6,2),
          '| ratio med', round(statistics.median(ratios),2), [round(x,2) for x in ratios])
