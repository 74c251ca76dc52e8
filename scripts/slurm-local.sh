#!/usr/bin/env bash
# A one-node SLURM on this machine, for the SLURM tests, the benchmark and trying deploy/slurm/ by hand:
# munged, slurmctld and slurmd as root, loopback only, no cgroups (proctrack/linuxproc, task/none), everything
# (config, munge key and socket, state, logs, pid files) in one folder so that it never touches a system SLURM.
#   scripts/slurm-local.sh start DIR CTLD_PORT SLURMD_PORT   writes DIR/slurm.conf, starts the daemons, waits for the
#                                                          node to be idle; prints "export SLURM_CONF=DIR/slurm.conf"
#   scripts/slurm-local.sh stop DIR                          ends exactly the daemons it started (pid files), then
#                                                          the job processes they left (by the job's pid file)
# Installs slurm-wlm and munge when missing (apt-get; needs root). Exit 3 with a reason when SLURM cannot run here
# (not root, no apt, daemons fail to start). HPO_SLURM_CRED_EXPIRE (default 120, SLURM's) sets how long a requeued
# job waits before it may start again (cred_expire + 1 s); the tests shorten it: the tests then report that reason and skip. See docs/slurm.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmd="${1:-}"; dir="${2:-}"
usage() { echo "usage: $0 start DIR CTLD_PORT SLURMD_PORT | stop DIR" >&2; exit 2; }
[ -n "$dir" ] || usage
cannot() { echo "slurm-unavailable: $*" >&2; exit 3; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop() {
  # Job processes of this SLURM first (a stopped slurmd leaves its jobs running): processes whose environment
  # has a SLURM_JOB_ID and this SLURM_CONF.
  for p in /proc/[0-9]*; do
    pid="${p#/proc/}"
    [ "$pid" = "$$" ] && continue
    env="$(tr '\0' '\n' 2>/dev/null < "$p/environ")" || continue
    if grep -qxF "SLURM_CONF=$dir/slurm.conf" <<<"$env" && grep -q '^SLURM_JOB_ID=' <<<"$env"; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  # slurmd first, then slurmctld, then munged: each by the pid it wrote, read before the signal (a daemon removes
  # its pid file as it begins to stop, and may take a while to finish).
  local pids=()
  for d in slurmd slurmctld munged; do
    if alive "$dir/$d.pid"; then pids+=("$(cat "$dir/$d.pid")"); fi
  done
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  echo "stopped"
}

case "$cmd" in
  stop) stop; exit 0 ;;
  start) ;;
  *) usage ;;
esac
ctld_port="${3:-}"; slurmd_port="${4:-}"
[[ "$ctld_port" =~ ^[0-9]+$ && "$slurmd_port" =~ ^[0-9]+$ ]] || usage

[ "$(id -u)" -eq 0 ] || cannot "slurmd must run as root to start jobs (this user is $(id -un))"
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || cannot "slurm-wlm and munge are not installed and there is no apt-get"
  echo "installing: slurm-wlm munge" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null; } \
    || cannot "apt-get install slurm-wlm munge failed"
fi

mkdir -p "$dir"/{ctld,spool}
chmod 700 "$dir"
host="$(hostname -s)"
# A requeued job becomes eligible again cred_expire + 1 s after the requeue (SLURM's default 120 s: 121 s).
cred_expire="${HPO_SLURM_CRED_EXPIRE:-120}"
cpus=16  # logical CPUs offered to jobs (more than the cores: silos mostly wait; SlurmdParameters=config_overrides)
cat > "$dir/slurm.conf" <<EOF
# One-node SLURM written by scripts/slurm-local.sh (loopback only, no cgroups, no accounting).
ClusterName=hpo-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge.sock,cred_expire=$cred_expire
CredType=cred/munge
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
SlurmdParameters=config_overrides
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=5
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
JobCompType=jobcomp/none
MailProg=/bin/true
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
KillWait=30
MinJobAge=3600
InactiveLimit=0
NodeName=$host NodeAddr=127.0.0.1 NodeHostname=$host CPUs=$cpus RealMemory=4096 State=UNKNOWN
PartitionName=hpo Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$dir/slurm.conf"

if [ ! -f "$dir/munge.key" ]; then
  dd if=/dev/urandom of="$dir/munge.key" bs=1 count=1024 status=none
  chmod 600 "$dir/munge.key"
fi
if ! alive "$dir/munged.pid"; then
  munged --force --key-file="$dir/munge.key" --socket="$dir/munge.sock" --pid-file="$dir/munged.pid" \
    --log-file="$dir/munged.log" --seed-file="$dir/munge.seed" 2>>"$dir/munged.log" \
    || cannot "munged did not start: $(tail -n 3 "$dir/munged.log" | tr '\n' ' ')"
fi
if ! alive "$dir/slurmctld.pid"; then
  slurmctld -c -f "$dir/slurm.conf" 2>>"$dir/slurmctld.log" || cannot "slurmctld did not start: $(tail -n 3 "$dir/slurmctld.log" | tr '\n' ' ')"
fi
if ! alive "$dir/slurmd.pid"; then
  slurmd -f "$dir/slurm.conf" -N "$host" 2>>"$dir/slurmd.log" || cannot "slurmd did not start: $(tail -n 3 "$dir/slurmd.log" | tr '\n' ' ')"
fi
for _ in $(seq 1 300); do
  state="$(sinfo -h -n "$host" -o %t 2>/dev/null || true)"
  case "$state" in idle|mix|alloc) echo "export SLURM_CONF=$dir/slurm.conf"; exit 0 ;; esac
  sleep 0.1
done
cannot "node $host did not become idle in 30 s (state '${state:-?}'); see $dir/slurmctld.log and $dir/slurmd.log"
