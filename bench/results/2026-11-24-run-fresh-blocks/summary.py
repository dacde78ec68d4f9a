import json,sys,collections,statistics
rows=[json.loads(l) for l in open(sys.argv[1])]
by=collections.defaultdict(dict)
for r in rows:
    tree,variant,thr,rnd=r['label'].split()
    by[(variant,thr)].setdefault(rnd,{})[tree]=r
for k,rounds in sorted(by.items()):
    ratios=[];b=[];n=[];bp=[];np_=[]
    for rnd,t in sorted(rounds.items()):
        if 'base' in t and 'new' in t:
            ratios.append(t['new']['ops_per_sec']/t['base']['ops_per_sec'])
            b.append(t['base']['ops_per_sec']); n.append(t['new']['ops_per_sec'])
            bp.append(t['base']['p50_ns']); np_.append(t['new']['p50_ns'])
    print(k, 'base %.0f k new %.0f k ratio median %.3f (%.3f-%.3f) n=%d p50 %d -> %d' % (statistics.median(b)/1e3, statistics.median(n)/1e3, statistics.median(ratios), min(ratios), max(ratios), len(ratios), statistics.median(bp), statistics.median(np_)))
    print('   ', ' '.join('%.3f'%x for x in ratios))
