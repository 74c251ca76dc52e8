#!/usr/bin/env python3
"""Best validation error so far vs tuner time, one curve per experiment, as a PNG (no plotting library needed:
the PNG is drawn pixel by pixel and written with zlib). Also prints the curve points as a markdown table.
Usage: plot_time_to_accuracy.py RESULTS_ROOT OUT.png NAME [NAME ...]
Colors in order: blue, orange, green, red. x: 0..max tuner time (grid every 30 s); y: 0.10..0.40 validation error
(grid every 0.05)."""
import csv, struct, sys, zlib

root, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]
W, H, M = 800, 500, 40
COLORS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40)]
Y0, Y1 = 0.10, 0.40

curves, ends = {}, {}
for name in names:
    rows = sorted(csv.DictReader(open(f"{root}/{name}/results.csv")), key=lambda r: float(r["st_tuner_time"]))
    best, points = None, []
    for r in rows:
        v = float(r["validation_error"])
        if best is None or v < best:
            best = v
            points.append((float(r["st_tuner_time"]), v))
    curves[name] = points
    ends[name] = float(rows[-1]["st_tuner_time"]) if rows else 0
tmax = max(ends.values()) * 1.02 or 1

img = [[(255, 255, 255)] * W for _ in range(H)]
def px(x, y, c):
    if 0 <= x < W and 0 <= y < H:
        img[y][x] = c
def X(t): return int(M + (W - 2 * M) * t / tmax)
def Y(v): return int(H - M - (H - 2 * M) * (min(max(v, Y0), Y1) - Y0) / (Y1 - Y0))
def line(x0, y0, x1, y1, c, w=1):
    n = max(abs(x1 - x0), abs(y1 - y0), 1)
    for i in range(n + 1):
        x, y = x0 + (x1 - x0) * i // n, y0 + (y1 - y0) * i // n
        for dx in range(w):
            for dy in range(w):
                px(x + dx, y + dy, c)
t = 0
while t <= tmax:
    line(X(t), M, X(t), H - M, (225, 225, 225)); t += 30
v = Y0
while v <= Y1 + 1e-9:
    line(M, Y(v), W - M, Y(v), (225, 225, 225)); v += 0.05
line(M, H - M, W - M, H - M, (0, 0, 0)); line(M, M, M, H - M, (0, 0, 0))
for k, (name, points) in enumerate(curves.items()):
    c = COLORS[k % len(COLORS)]
    for (t0, v0), (t1, _) in zip(points, points[1:] + [(ends[name], None)]):
        line(X(t0), Y(v0), X(t1), Y(v0), c, 2)          # step: best so far holds until the next improvement
    for (t0, v0), (t1, v1) in zip(points, points[1:]):
        line(X(t1), Y(v0), X(t1), Y(v1), c, 2)

raw = b"".join(b"\x00" + bytes(ch for p in row for ch in p) for row in img)
def chunk(kind, data): return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
open(out, "wb").write(png)

marks = [30, 60, 90, 120, 150, 180]
print("| experiment | " + " | ".join(f"best at {m} s" for m in marks) + " | final best | reports |")
print("|---|" + "---|" * (len(marks) + 2))
for name, points in curves.items():
    cells = []
    for m in marks:
        seen = [v for t, v in points if t <= m]
        cells.append(f"{seen[-1]:.4f}" if seen else "-")
    n = sum(1 for _ in open(f"{root}/{name}/results.csv")) - 1
    print(f"| {name} | " + " | ".join(cells) + f" | {points[-1][1]:.4f} | {n} |")
