"""Regret over simulated time of the simulator comparison: best loss so far minus 0.0839, the synthetic trainable's
lower bound (0.08 + 2/512: src/Core/Training/SyntheticTrainable.cs), median and 25/75 percentiles over seeds."""
import csv, glob, os, sys, statistics

res = sys.argv[1]
methods = ["asha", "mobster", "bohb"]
floor = 0.08 + 2 / 512
times = [0.1, 0.2, 0.4, 0.6, 0.8, 1.0]

def curve(path):
    rows = list(csv.DictReader(open(path)))
    pts = sorted((float(r["st_tuner_time"]), float(r["loss"]), r.get("st_config_source", "")) for r in rows if r["loss"] not in ("", "nan", "NaN"))
    sources = {r["trial_id"]: r.get("st_config_source", "") for r in rows}
    return pts, sources, max((p[0] for p in pts), default=0.0)

def best_at(pts, t):
    vals = [l for (tt, l, _) in pts if tt <= t]
    return min(vals) - floor if vals else float("nan")

def q(xs, p):
    xs = sorted(x for x in xs if x == x)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)

print("| method | " + " | ".join(f"{t} s" for t in times) + " | end of run | simulated s (median) | model configs |")
print("|---|" + "---:|" * (len(times) + 3))
for m in methods:
    runs = [curve(p) for p in sorted(glob.glob(os.path.join(res, f"sim-{m}-s*", "results.csv"))) if os.path.getsize(p) > 200]
    runs = [r for r in runs if r[0]]
    cells = []
    for t in times:
        xs = [best_at(p, t) for p, _, _ in runs]
        cells.append(f"{q(xs, .5):.4f} ({q(xs, .25):.4f}-{q(xs, .75):.4f})")
    ends = [best_at(p, e) for p, _, e in runs]
    model = statistics.median(sum(1 for v in s.values() if v == "model") for _, s, _ in runs)
    print(f"| {m} ({len(runs)} seeds) | " + " | ".join(cells) + f" | **{q(ends, .5):.4f}** ({q(ends, .25):.4f}-{q(ends, .75):.4f}) | {statistics.median(e for _, _, e in runs):.2f} | {model:.0f} |")
