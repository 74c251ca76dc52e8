#!/usr/bin/env bash
# Cost of SLURM job churn (docs/slurm.md): the same synthetic experiment on 3 silo jobs with a 2-minute time limit
# (drain, requeue, rejoin) and on 3 silo jobs without a limit, side by side on one local SLURM, each against its own
# Redis. Prints trials and epochs per minute of each, epochs recomputed after drains, and for every requeue: the
# time from `scontrol requeue` to the job's start, to "active in cluster" and to its first trial.
#   bench/slurm/churn.sh [MINUTES] [CRED_EXPIRE]   (default 10 minutes; requeued jobs wait CRED_EXPIRE + 1 s, default 10)
# Ports: 48000-48999 (this branch's block); work folder /tmp/slurm/bench-TIMESTAMP. Needs root (slurmd).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
minutes="${1:-10}"; cred="${2:-10}"
work="/tmp/slurm/bench-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$work"
dll="$here/artifacts/hpo/hpo.dll"
[ -f "$dll" ] || "$here/hpo" --help >/dev/null
HPO_SLURM_CRED_EXPIRE="$cred" "$here/scripts/slurm-local.sh" start "$work/slurm" 48901 48902 >/dev/null
export SLURM_CONF="$work/slurm/slurm.conf"
pids=()
cleanup() {
  scancel --name=churn-limit --name=churn-free 2>/dev/null || scancel --name=churn-limit 2>/dev/null || true
  scancel --name=churn-free 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  "$here/scripts/slurm-local.sh" stop "$work/slurm" >/dev/null
}
trap cleanup EXIT
for r in limit free; do
  port=$([ $r = limit ] && echo 48911 || echo 48912)
  mkdir -p "$work/$r"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$work/$r" --appendonly yes --appendfsync always --save "" >/dev/null 2>&1 &
  pids+=($!)
done
sleep 1
echo "# churn bench: $minutes min, 3 silos per run, load average at start: $(cut -d' ' -f1-3 /proc/loadavg), work $work"
submit() { # name redis-port port-base time
  HPO_CLUSTER="redis://127.0.0.1:$2" HPO_DLL="$dll" HPO_SILO_ADDRESS=127.0.0.1 HPO_PORT_BASE="$3" \
  HPO_SILO_ARGS="--slurm-min-margin 00:00:45 --fast-failure-detection --log-level Debug" \
    sbatch --parsable --job-name="$1" --array=1-3 --time="$4" --signal=B:TERM@5 --gres=none --cpus-per-task=2 --mem=256M \
      --output="$work/%x-%j.out" --chdir="$work" "$here/deploy/slurm/hpo-silo.sbatch"
}
submit churn-limit 48911 48000 00:02:00 >/dev/null
submit churn-free 48912 48400 UNLIMITED >/dev/null
spec="$work/spec.json"
cat > "$spec" <<JSON
{
  "name": "churn",
  "trainable": "synthetic",
  "config_space": {
    "learning_rate": { "type": "loguniform", "lower": 0.0001, "upper": 1.0 },
    "width": { "type": "randint", "lower": 8, "upper": 512, "log": true },
    "epochs": 27,
    "delay_ms": 1000
  },
  "metric": "loss",
  "mode": "min",
  "max_resource_attr": "epochs",
  "scheduler": { "type": "asha", "variant": "promotion", "grace_period": 1, "reduction_factor": 3 },
  "searcher": { "type": "random", "seed": 7 },
  "n_workers": 6,
  "stop": { "max_wallclock_seconds": $((minutes * 60)) }
}
JSON
start=$(date +%s)
for r in limit free; do
  port=$([ $r = limit ] && echo 48911 || echo 48912)
  ( dotnet "$dll" run "$spec" --cluster "redis://127.0.0.1:$port" --results-dir "$work/$r/results" > "$work/$r/client.out" 2> "$work/$r/client.err"
    echo $? > "$work/$r/client.rc"; date +%s > "$work/$r/client.end" ) &
done
wait_clients() { while [ ! -f "$work/limit/client.rc" ] || [ ! -f "$work/free/client.rc" ]; do sleep 2; done; }
wait_clients
echo "| run | client exit | wall (s) | trials started | epochs reported | trials/min | epochs/min |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for r in limit free; do
  meta="$work/$r/results/churn/metadata.json"; csv="$work/$r/results/churn/results.csv"
  wall=$(( $(cat "$work/$r/client.end") - start ))
  trials=$(grep -o '"num_trials_started": *[0-9]*' "$meta" | grep -o '[0-9]*$')
  epochs=$(( $(wc -l < "$csv") - 1 ))
  dups=$(tail -n +2 "$csv" | cut -d, -f1,5 | sort | uniq -d | wc -l)
  echo "| $r | $(cat "$work/$r/client.rc") | $wall | $trials | $epochs | $(awk -v t="$trials" -v w="$wall" 'BEGIN{printf "%.1f", t*60/w}') | $(awk -v t="$epochs" -v w="$wall" 'BEGIN{printf "%.1f", t*60/w}') | duplicates: $dups"
done
python3 "$here/bench/slurm/churn_logs.py" "$work"/churn-limit-*.out
echo "restarts: $(for j in $(squeue -h --name=churn-limit -o %i); do scontrol show job "$j" | grep -o 'Restarts=[0-9]*'; done | tr '\n' ' ')"
