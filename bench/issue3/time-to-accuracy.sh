#!/usr/bin/env bash
# Time to accuracy on fashion-mlp, 2 workers, 27 max epochs: ASHA promotion vs ASHA stopping vs random search (FIFO).
# Scaled down from the issue's 15 minutes x 3 seeds to SECONDS (default 180) x 1 seed (searcher seed 3) to fit a
# shared 2-core machine. Writes RESULTS/<name>/results.csv for each and the curve PNG via plot_time_to_accuracy.py.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
seconds="${1:-180}"
out="${2:-/tmp/hpo-tta}"
./hpo run samples/fashion-mnist/asha-promotion.json --set config_space.epochs=27 --set name=tta-asha-promotion \
  --set stop.max_wallclock_seconds="$seconds" --results-dir "$out" --overwrite --quiet
./hpo run samples/fashion-mnist/asha-stopping.json --set name=tta-asha-stopping \
  --set stop.max_wallclock_seconds="$seconds" --results-dir "$out" --overwrite --quiet
./hpo run bench/issue3/random-fifo.json --set name=tta-random \
  --set stop.max_wallclock_seconds="$seconds" --results-dir "$out" --overwrite --quiet
python3 bench/issue3/plot_time_to_accuracy.py "$out" docs/time-to-accuracy-issue3.png tta-asha-promotion tta-asha-stopping tta-random
