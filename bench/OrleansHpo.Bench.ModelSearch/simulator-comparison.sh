#!/usr/bin/env bash
# ASHA vs MOBSTER vs BOHB (promotion) on the synthetic curves in the simulator, 10 seeds, 60 trials each
# (samples/synthetic/asha-promotion.json: 4 workers, 10 ms per epoch). Usage: simulator-comparison.sh [RESULTS_DIR]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
res="${1:-/tmp/hpo-model-search-sim}"
mkdir -p $res
for seed in 0 1 2 3 4 5 6 7 8 9; do
  for m in asha mobster bohb; do
    spec=samples/synthetic/asha-promotion.json; type=random
    [ $m = mobster ] && type=bayesopt
    [ $m = bohb ] && type=kde
    /usr/bin/time -f "$m $seed wall %e s cpu %U s" ./hpo simulate $spec --results-dir $res --name sim-$m-s$seed \
      --set searcher.type=$type --set searcher.seed=$seed --set stop.max_trials_started=60 --json > $res/sim-$m-s$seed.json
  done
done
python3 bench/OrleansHpo.Bench.ModelSearch/regret.py "$res"
./hpo compare 'sim-asha-*' 'sim-mobster-*' 'sim-bohb-*' --results-dir "$res" --out "$res/model-search-simulated.png"
