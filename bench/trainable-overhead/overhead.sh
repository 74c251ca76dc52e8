#!/usr/bin/env bash
# Overhead of running fashion-mlp as a trial (hpo run: trial grain on the embedded silo, worker thread, reports,
# final checkpoint) vs the same training in a bare TorchSharp loop (bench/OrleansHpo.Bench.Torch). Same config
# (256-256 units, batch 64, dropout 0.2, Adam 1e-3, wd 1e-5, 5,000 training images), same intra-op threads
# (THREADS, default 1: on an oversubscribed machine 2 OpenMP threads measure the neighbours, not us).
# ROUNDS rounds alternate bare and trial; the best epochs/s of each is compared (setup excluded on both sides).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
epochs=6
threads="${THREADS:-1}"
rounds="${ROUNDS:-3}"
dotnet build bench/OrleansHpo.Bench.Torch -c Release -nologo -v q -clp:ErrorsOnly >&2
./hpo --help >/dev/null # build hpo first, outside the measurement
best_bare=0; best_trial=0
for r in $(seq "$rounds"); do
  bare="$(dotnet bench/OrleansHpo.Bench.Torch/bin/Release/net10.0/OrleansHpo.Bench.Torch.dll --subset 5000 --epochs "$epochs" --threads "$threads" --batch 64 --repeats 1)"
  b="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["bare_epochs_per_s"])' "$bare")"
  out="$(mktemp -d)"
  ./hpo run bench/trainable-overhead/overhead-trial.json --results-dir "$out" --intra-op-threads "$threads" --device cpu --quiet >/dev/null
  # st_worker_time: seconds since the run's epoch loop started. Epochs 2..6 only: the bare side warms up before
  # timing (first-touch allocations, kernel selection), the trial's first epoch pays that.
  t="$(python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); w=[float(x["st_worker_time"]) for x in r]; print((len(w)-1)/(w[-1]-w[0]))' "$out/overhead-trial/results.csv")"
  rm -rf "$out"
  echo "round $r: bare $b epochs/s, trial $t epochs/s" >&2
  best_bare="$(python3 -c "print(max($best_bare, $b))")"; best_trial="$(python3 -c "print(max($best_trial, $t))")"
done
python3 -c "import json; print(json.dumps({'threads': $threads, 'rounds': $rounds, 'epochs': $epochs, 'bare_epochs_per_s': round($best_bare, 4), 'trial_epochs_per_s': round($best_trial, 4), 'trial_over_bare': round($best_trial / $best_bare, 4)}))"
