#!/usr/bin/env bash
# Overhead of running fashion-mlp as a trial (trial grain, worker thread, reports, checkpoint at the end) vs the same
# training in a bare TorchSharp loop. Same config (256-256 units, batch 64, dropout 0.2, Adam 1e-3, wd 1e-5, 5,000
# training images), same intra-op threads (all cores: n_workers 1). Prints epochs/s of each and the ratio.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
epochs=6
threads="$(nproc)"
dotnet build bench/OrleansHpo.Bench.Torch -c Release -nologo -v q -clp:ErrorsOnly >&2
bare="$(dotnet bench/OrleansHpo.Bench.Torch/bin/Release/net10.0/OrleansHpo.Bench.Torch.dll --subset 5000 --epochs "$epochs" --threads "$threads" --batch 64 --repeats 2)"
echo "$bare"
out="$(mktemp -d)"
./hpo run bench/issue3/overhead-trial.json --results-dir "$out" --intra-op-threads "$threads" --device cpu --quiet >&2
python3 - "$out/overhead-trial/results.csv" "$bare" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
epochs = len(rows)
# st_worker_time: seconds since the run's epoch loop started (setup excluded, as in the bare loop).
trial_rate = epochs / float(rows[-1]["st_worker_time"])
bare = json.loads(sys.argv[2])
key = next(k for k in bare if "bare" in k and "epochs_per_s" in k)
print(json.dumps({"trial_epochs_per_s": round(trial_rate, 4), "bare_epochs_per_s": bare[key],
                  "trial_over_bare": round(trial_rate / bare[key], 4)}))
PY
