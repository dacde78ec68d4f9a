import json,collections,statistics,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
d=collections.defaultdict(dict)
for r in rows:
    tree,a,b,rnd=r['label'].split()
    d[(a,b)].setdefault(tree,{})[rnd]=r
for k,v in sorted(d.items()):
    b=v.get('base',{}); n=v.get('new',{})
    ratios=[n[r]['ops_per_sec']/b[r]['ops_per_sec'] for r in b if r in n]
    if not ratios: continue
    med=lambda rs,f: statistics.median(x[f] for x in rs.values())
    print(k, 'base %.0fk'%(med(b,'ops_per_sec')/1e3), 'new %.0fk'%(med(n,'ops_per_sec')/1e3),
          'ratio med %.3f'%statistics.median(ratios), ' '.join('%.2f'%x for x in ratios),
          '| p50 %d->%d p90 %d->%d p99 %d->%d mean %d->%d'%(med(b,'p50_ns'),med(n,'p50_ns'),med(b,'p90_ns'),med(n,'p90_ns'),med(b,'p99_ns'),med(n,'p99_ns'),med(b,'mean_ns'),med(n,'mean_ns')))
