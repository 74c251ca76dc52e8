"""Reads hpo-silo job logs (deploy/slurm/hpo-silo.sbatch) of one churn bench run: per requeue, seconds from
`scontrol requeue` to the job's next start, to 'active in cluster' and to its first trial; epochs recomputed
after drains (drained at epoch E, recovered from epoch F: E - F, plus 1 per run cancelled mid-epoch)."""
import re
import sys
from datetime import datetime, timedelta

header = re.compile(r"^\[hpo-silo\] (\S+Z) (job \d+ \(\S+\) restart (\d+)|requeueing job)")
stamp = re.compile(r"^(\d\d:\d\d:\d\d\.\d\d\d) ")
drained = re.compile(r"Trial (\d+): silo draining, run \S+ ends after epoch (\d+)")
recovered = re.compile(r"Trial (\d+) recovers from \S*epoch-(\d+)")
trial = re.compile(r"Trial \d+ (starts|resumes|recovers)")
cancelled = re.compile(r"Drain leeway over with (\d+) runs")


def at(day, text):
    t = datetime.strptime(text, "%H:%M:%S.%f")
    return datetime.combine(day, t.time())


rows, drains, recovers, aborted = [], [], [], 0
for path in sys.argv[1:]:
    requeued = started = active = first = None
    day = None
    for line in open(path, errors="replace"):
        h = header.match(line)
        if h:
            when = datetime.strptime(h.group(1), "%Y-%m-%dT%H:%M:%SZ")
            day = when.date()
            if h.group(2).startswith("requeueing"):
                requeued, started, active, first = when, None, None, None
            elif requeued is not None:
                started = when
            continue
        s = stamp.match(line)
        if s and day:
            now = at(day, s.group(1))
            if started and active is None and "active in cluster" in line:
                active = now
            if started and active and first is None and trial.search(line):
                first = now
                rows.append((path, (started - requeued).total_seconds(), (active - requeued).total_seconds(),
                             (first - requeued).total_seconds()))
        for m in drained.finditer(line):
            drains.append((int(m.group(1)), int(m.group(2))))
        for m in recovered.finditer(line):
            recovers.append((int(m.group(1)), int(m.group(2))))
        for m in cancelled.finditer(line):
            aborted += int(m.group(1))
# All logs of the run: recoveries may happen on another job's silo.
recomputed = []
for t, e in drains:
    later = [f for (rt, f) in recovers if rt == t]
    if later:
        recomputed.append(max(0, e - max(f for f in later if f <= e) if any(f <= e for f in later) else 0))
print("| requeue | to job start (s) | to active in cluster (s) | to first trial (s) |")
print("| --- | --- | --- | --- |")
for i, (p, a, b, c) in enumerate(rows, 1):
    print(f"| {i} ({p.rsplit('/', 1)[-1]}) | {a:.0f} | {b:.0f} | {c:.0f} |")
if rows:
    print(f"median to first trial: {sorted(r[3] for r in rows)[len(rows) // 2]:.0f} s over {len(rows)} requeues")
print(f"drained runs: {len(drains)}, recovered from their drain checkpoint: {sum(1 for r in recomputed if r == 0)}, "
      f"epochs recomputed (drained epoch - recovered epoch, summed): {sum(recomputed)}, runs cancelled mid-epoch: {aborted}")
