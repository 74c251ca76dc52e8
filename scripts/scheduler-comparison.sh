#!/usr/bin/env bash
# Scheduler comparison on the synthetic benchmark with the simulator (docs/scheduler-comparison.md):
# ASHA stopping vs ASHA promotion vs asynchronous Hyperband (promotion) vs synchronous Hyperband vs random search (FIFO), SEEDS seeds each,
# 8 workers, 1 simulated second per epoch, a budget of 30 simulated minutes. Takes well under a minute.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-/tmp/hpo-scheduler-comparison}"
seeds="${SEEDS:-10}"
img="$here/docs/img"
mkdir -p "$dir" "$img"
common=(--results-dir "$dir" --set n_workers=8 --set config_space.delay_ms=1000 --set stop.max_wallclock_seconds=1800 --set stop.max_trials_started=100000)
for s in asha-stopping asha-promotion hyperband-promotion sync-hyperband random-search; do
  for seed in $(seq 1 "$seeds"); do
    "$here/hpo" simulate "$here/samples/synthetic/$s.json" "${common[@]}" --set searcher.seed="$seed" --name "cmp-$s-seed$seed" --json
  done
done
"$here/hpo" compare --aggregate 'cmp-asha-stopping-seed*' 'cmp-asha-promotion-seed*' 'cmp-hyperband-promotion-seed*' 'cmp-sync-hyperband-seed*' 'cmp-random-search-seed*' \
  --results-dir "$dir" --out "$img/scheduler-comparison.png"
"$here/hpo" plot cmp-asha-promotion-seed1 --results-dir "$dir" --out "$img/asha-promotion-seed1.png"
"$here/hpo" plot cmp-asha-stopping-seed1 --results-dir "$dir" --kind rungs --out "$img/asha-stopping-seed1-rungs.png"
"$here/hpo" plot cmp-sync-hyperband-seed1 --results-dir "$dir" --kind rungs --out "$img/sync-hyperband-seed1-rungs.png"
