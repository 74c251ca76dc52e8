#!/usr/bin/env bash
# The acceptance of docs/slurm.md in one script: a one-node SLURM (scripts/slurm-local.sh), 3 silo jobs of
# deploy/slurm/hpo-silo.sbatch with 2-minute limits (each requeued at every limit), one experiment of 4 minutes run
# from outside SLURM. Prints the jobs' restarts, the requeue lines of their logs and whether results.csv is complete
# (no duplicate (trial, epoch), no gap). Needs root (SLURM's daemons). Figures: docs/benchmarks.md, SLURM section.
#   BACKEND=redis|azurite bench/slurm/acceptance.sh
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"; cd "$here"
backend="${BACKEND:-redis}"
S=/tmp/slurm/accept-$backend; rm -rf $S; mkdir -p $S
HPO_SLURM_CRED_EXPIRE=10 scripts/slurm-local.sh start $S 48801 48802 || exit 1
export SLURM_CONF=$S/slurm.conf
if [ "$backend" = redis ]; then
  redis-server --port 48800 --bind 127.0.0.1 --daemonize yes --dir $S --pidfile $S/redis.pid >/dev/null
  export HPO_CLUSTER=redis://127.0.0.1:48800; cluster=$HPO_CLUSTER
else
  key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  export HPO_AZURE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:48810/devstoreaccount1;TableEndpoint=http://127.0.0.1:48811/devstoreaccount1;"
  setsid .tools/node_modules/.bin/azurite --blobHost 127.0.0.1 --blobPort 48810 --tableHost 127.0.0.1 --tablePort 48811 --queuePort 48812 --location $S/azurite --skipApiVersionCheck --disableTelemetry > $S/azurite.log 2>&1 < /dev/null &
  echo $! > $S/azurite.pid; sleep 3
  export HPO_CLUSTER=azure:HPO_AZURE; cluster=azure:HPO_AZURE
fi
dotnet build src/Client/Client.csproj -c Release -o artifacts/hpo -nologo -v q -clp:ErrorsOnly >&2
cp -r artifacts/hpo $S/hpo
export HPO_DLL=$S/hpo/hpo.dll HPO_SILO_ADDRESS=127.0.0.1 HPO_PORT_BASE=48100 HPO_SILO_ARGS="--slurm-min-margin 00:00:45 --fast-failure-detection"
mkdir -p $S/logs; cd $S/logs
for i in 1 2 3; do sbatch --parsable --job-name=hpo-silo --gres=none --mem=1G --cpus-per-task=2 --time=00:02:00 --signal=B:TERM@5 --begin=now+$((15*(i-1))) $here/deploy/slurm/hpo-silo.sbatch; done
cd "$here"
date -u
dotnet $S/hpo/hpo.dll run samples/synthetic/asha-promotion.json --cluster "$cluster" --results-dir $S/results --quiet \
  --set stop.max_wallclock_seconds=240 --set stop.max_trials_started=100000 --set config_space.delay_ms=500; echo "hpo run exit $?"
date -u
squeue -o "%i %j %T %M %L" ; sacct -n -o JobID,State,Restarts 2>&1 | head; scontrol show job 2>/dev/null | grep -E "JobId|Restarts" | head
grep -h "requeueing\|restart" $S/logs/*.out | head -20
python3 - $S/results/synthetic-asha-promotion/results.csv <<'PY'
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1])))
by = collections.defaultdict(list)
for r in rows: by[int(r['trial_id'])].append(int(r['epoch']))
dup = sum(len(v) - len(set(v)) for v in by.values())
gaps = [t for t, v in by.items() if sorted(v) != list(range(1, max(v) + 1))]
print(f"reports {len(rows)}, trials {len(by)}, duplicate (trial,epoch) {dup}, trials with a gap {len(gaps)}")
PY
cat $S/results/synthetic-asha-promotion/metadata.json | python3 -c "import json,sys; m=json.load(sys.stdin); print({k: m[k] for k in ['status','stop_reason','num_trials_started','num_trials_failed','num_retrained_epochs'] if k in m})"
scancel --name=hpo-silo; sleep 2
scripts/slurm-local.sh stop $S
[ -f $S/redis.pid ] && kill $(cat $S/redis.pid); [ -f $S/azurite.pid ] && kill $(cat $S/azurite.pid)
true
