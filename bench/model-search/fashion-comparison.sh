#!/usr/bin/env bash
# ASHA vs MOBSTER vs BOHB, promotion type, on the real fashion-mlp task (docs/benchmarks.md, "Model-based search";
# docs/scheduler-comparison.md): 27 max epochs, 2 workers, SECONDS_PER_RUN of wall clock each (default 300), seeds
# 1..SEEDS (default 3). Runs are interleaved seed by seed (ASHA, MOBSTER, BOHB, next seed) so that a change in the
# machine's load falls on all three alike. Then `hpo compare --aggregate` draws the best-so-far validation error of
# each method as the median over seeds with its 25/75 percentile band, and the final medians are printed.
#   bench/model-search/fashion-comparison.sh [RESULTS_DIR]      HPO="dotnet path/to/hpo.dll" to use a fixed build
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="${1:-/tmp/hpo-fashion-model-search}"
seeds="${SEEDS:-3}"
budget="${SECONDS_PER_RUN:-300}"
read -r -a hpo <<< "${HPO:-$here/hpo}"
mkdir -p "$dir" "$here/docs/img"
methods=(asha-promotion mobster-promotion bohb-promotion)
for seed in $(seq 1 "$seeds"); do
  for m in "${methods[@]}"; do
    name="fm-$m-seed$seed"
    if [ -f "$dir/$name/metadata.json" ] && grep -q '"status": *"completed"' "$dir/$name/metadata.json"; then
      continue # finished by an earlier invocation
    fi
    echo "== $name ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    "${hpo[@]}" run "$here/samples/fashion-mnist/$m.json" --results-dir "$dir" --overwrite --quiet --set name="$name" \
      --set config_space.epochs=27 --set n_workers=2 --set searcher.seed="$seed" \
      --set stop.max_wallclock_seconds="$budget" >&2
  done
done
"${hpo[@]}" compare --aggregate 'fm-asha-promotion-seed*' 'fm-mobster-promotion-seed*' 'fm-bohb-promotion-seed*' \
  --results-dir "$dir" --out "$here/docs/img/fashion-model-search.png" >&2
for m in "${methods[@]}"; do
  for seed in $(seq 1 "$seeds"); do
    "${hpo[@]}" best "fm-$m-seed$seed" --results-dir "$dir" 2>/dev/null | head -n 1 | sed "s/^/$m seed $seed: /"
  done
done
