#!/usr/bin/env python3
"""Best validation error so far every 30 s of tuner time for the tta-<method>-s<seed> runs under RESULTS, as a
markdown table: per method the median over seeds, then min-max, plus trials, failed trials and reports per seed.
Usage: tta_table.py RESULTS SECONDS"""
import csv, json, os, re, statistics, sys

root, seconds = sys.argv[1], int(sys.argv[2])
marks = list(range(30, seconds + 1, 30))
runs = {}
for name in sorted(os.listdir(root)):
    m = re.fullmatch(r"tta-(.+)-s(\d+)", name)
    if not m or not os.path.exists(f"{root}/{name}/results.csv"):
        continue
    rows = sorted(csv.DictReader(open(f"{root}/{name}/results.csv")), key=lambda r: float(r["st_tuner_time"]))
    meta = json.load(open(f"{root}/{name}/metadata.json"))
    best, at = None, []
    for t in marks:
        for r in rows:
            if float(r["st_tuner_time"]) <= t:
                v = float(r["validation_error"])
                best = v if best is None or v < best else best
        at.append(best)
    runs.setdefault(m.group(1), []).append((int(m.group(2)), at, meta.get("num_trials_started"), meta.get("num_trials_failed"), len(rows)))

print("| method | seeds | " + " | ".join(f"{t} s" for t in marks) + " | trials (failed) per seed | reports per seed |")
print("|---|---|" + "---|" * len(marks) + "---|---|")
for method, rs in runs.items():
    cells = []
    for i in range(len(marks)):
        vals = [r[1][i] for r in rs if r[1][i] is not None]
        cells.append(f"{statistics.median(vals):.4f} ({min(vals):.4f}-{max(vals):.4f})" if vals else "-")
    trials = ", ".join(f"{r[2]} ({r[3]})" for r in sorted(rs))
    reports = ", ".join(str(r[4]) for r in sorted(rs))
    print(f"| {method} | {','.join(str(r[0]) for r in sorted(rs))} | " + " | ".join(cells) + f" | {trials} | {reports} |")
