import re,sys,glob,statistics,collections
d=sys.argv[1]
rows=collections.defaultdict(list)  # (variant, kind, round) -> [(wall, gc, index)]
loads=collections.defaultdict(list)
for f in sorted(glob.glob(d+'/*.txt')):
    v=f.split('/')[-1].rsplit('-',1)[0]
    txt=open(f).read()
    for l in re.findall(r'load average: ([\d.]+)', txt): loads[v].append(float(l))
    r={'checkpoint':0,'scan':0}
    for m in re.finditer(r'open after (clean close|crash).*?([\d.]+) s  \(GC pauses ([\d.]+) s\).*?method=([a-z+]+).*?millis=(\d+)', txt):
        kind='clean' if m.group(1)=='clean close' else 'crash'
        r[kind]=r.get(kind,0)+1
        rows[(v,kind,r[kind])].append((float(m.group(2)),float(m.group(3)),int(m.group(5))/1000))
print('| variant | open | round in JVM | wall s (each pass) | median wall | median GC pauses | median index s |')
print('|---|---|---|---|---|---|---|')
for k in sorted(rows):
    xs=rows[k]
    print(f"| {k[0]} | {k[1]} | {k[2]} | {', '.join('%.2f'%x[0] for x in xs)} | {statistics.median(x[0] for x in xs):.2f} | {statistics.median(x[1] for x in xs):.2f} | {statistics.median(x[2] for x in xs):.2f} |")
for v in loads: print(v,'load',loads[v])
