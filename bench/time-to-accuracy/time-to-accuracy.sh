#!/usr/bin/env bash
# Time to accuracy on fashion-mlp, 2 workers, 27 max epochs: ASHA promotion vs ASHA stopping vs random search (FIFO),
# each with searcher seeds SEEDS. Scaled down from the issue's 15 minutes to SECONDS per run (default 180) to fit a
# shared 2-core machine. Writes RESULTS/tta-<method>-s<seed>/, the curve PNG (`hpo compare`: median and 25/75 band
# over the seeds) and a table of the best validation error every 30 s (tta_table.py).
# Usage: bench/time-to-accuracy/time-to-accuracy.sh [SECONDS] [RESULTS] [SEEDS] [PNG]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
seconds="${1:-180}"
out="${2:-/tmp/hpo-tta}"
seeds="${3:-1 2 3}"
png="${4:-docs/img/time-to-accuracy-fashion-mlp.png}"
for seed in $seeds; do
  ./hpo run samples/fashion-mnist/asha-promotion.json --set config_space.epochs=27 --set name="tta-asha-promotion-s$seed" \
    --set searcher.seed="$seed" --set stop.max_wallclock_seconds="$seconds" --results-dir "$out" --overwrite --quiet
  ./hpo run samples/fashion-mnist/asha-stopping.json --set name="tta-asha-stopping-s$seed" \
    --set searcher.seed="$seed" --set stop.max_wallclock_seconds="$seconds" --results-dir "$out" --overwrite --quiet
  ./hpo run bench/time-to-accuracy/random-fifo.json --set name="tta-random-s$seed" \
    --set searcher.seed="$seed" --set stop.max_wallclock_seconds="$seconds" --results-dir "$out" --overwrite --quiet
done
./hpo compare 'tta-*' --aggregate --results-dir "$out" --out "$png"
python3 bench/time-to-accuracy/tta_table.py "$out" "$seconds"
