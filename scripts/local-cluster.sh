#!/usr/bin/env bash
# A cluster on this machine: redis-server plus N OrleansHpo silos on loopback, each with its own ports, log and pid file.
#   scripts/local-cluster.sh start N [-- extra silo options]   prints redis://127.0.0.1:PORT (pass it to --cluster)
#   scripts/local-cluster.sh status                            one line per process: "silo 1 pid N ..." / "redis pid N ..."
#   scripts/local-cluster.sh stop                              ends exactly the processes it started (by pid)
#   scripts/local-cluster.sh kill I                            kill -9 silo I (chaos); scripts/local-cluster.sh restart I
# State (pids, logs, Redis AOF) lives in $HPO_CLUSTER_DIR (default: .cluster/ in the repository).
# Ports: redis $HPO_REDIS_PORT (default 6390), silo I: 11110+I, gateway I: 30000+I (override with HPO_SILO_PORT_BASE, HPO_GATEWAY_PORT_BASE).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${HPO_CLUSTER_DIR:-$here/.cluster}"
redis_port="${HPO_REDIS_PORT:-6390}"
silo_base="${HPO_SILO_PORT_BASE:-11110}"
gateway_base="${HPO_GATEWAY_PORT_BASE:-30000}"
slots="${HPO_SILO_SLOTS:-2}"
hpo_dll="${HPO_DLL:-$here/artifacts/hpo/hpo.dll}"

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

usage() { echo "usage: $0 start N [-- silo options] | stop | status | kill I | restart I" >&2; exit 2; }

start_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    "$here/scripts/install-deps.sh"
  fi
  mkdir -p "$dir/redis"
  if alive "$dir/redis.pid"; then return; fi
  # AOF with fsync on every write: an acknowledged grain-state write survives a crash of Redis itself.
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir/redis" --appendonly yes --appendfsync always \
    --save "" --daemonize no --logfile "$dir/redis.log" >/dev/null 2>&1 &
  echo $! > "$dir/redis.pid"
  for _ in $(seq 1 100); do
    if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then return; fi
    sleep 0.1
  done
  echo "error: redis-server did not answer on 127.0.0.1:$redis_port; see $dir/redis.log" >&2
  exit 1
}

start_silo() {
  local i="$1"; shift
  if alive "$dir/silo$i.pid"; then return; fi
  local extra=()
  [ -f "$dir/silo-options" ] && mapfile -t extra < "$dir/silo-options"
  # setsid: the silo gets its own process group, so a Ctrl+C in this shell does not reach it.
  if [ -f "$dir/silo$i.log" ]; then wc -c < "$dir/silo$i.log"; else echo 0; fi > "$dir/silo$i.logstart"
  setsid dotnet "$hpo_dll" silo --redis "redis://127.0.0.1:$redis_port" --silo-port $((silo_base + i)) --gateway-port $((gateway_base + i)) \
    --address 127.0.0.1 --name "silo$i" --slots "$slots" --fast-failure-detection "${extra[@]}" >> "$dir/silo$i.log" 2>&1 < /dev/null &
  echo $! > "$dir/silo$i.pid"
}

# Ready when the silo logs that it has joined the cluster (its gateway opens earlier, while it is still joining).
# With --log-level above Information that line is filtered out: then an open gateway has to do.
wait_ready() {
  local i="$1" off
  off=$(cat "$dir/silo$i.logstart" 2>/dev/null || echo 0)
  for _ in $(seq 1 900); do
    if grep -qiE -- '--log-level(=| +)(warning|error|critical|none)' "$dir/silo-options" 2>/dev/null; then
      if (echo > "/dev/tcp/127.0.0.1/$((gateway_base + i))") 2>/dev/null; then return 0; fi
    # Not `tail | grep -q`: grep -q exits at the first match, tail then dies of SIGPIPE and pipefail turns the
    # match into exit status 141 (a live cluster then looked as if its silo had not joined).
    elif grep -q "active in cluster" < <(tail -c +$((off + 1)) "$dir/silo$i.log" 2>/dev/null); then
      return 0
    fi
    if ! alive "$dir/silo$i.pid"; then echo "error: silo $i exited; see $dir/silo$i.log" >&2; exit 1; fi
    sleep 0.1
  done
  echo "error: silo $i did not join the cluster in 90 s; see $dir/silo$i.log" >&2; exit 1
}

case "${1:-}" in
  start)
    n="${2:-}"; [[ "$n" =~ ^[1-9][0-9]*$ ]] || usage
    shift 2; [ "${1:-}" = "--" ] && shift
    mkdir -p "$dir"
    printf '%s\n' "$@" | grep -v '^$' > "$dir/silo-options" || true
    if [ ! -f "$hpo_dll" ] || [ -z "${HPO_DLL:-}" ]; then "$here/hpo" --help >/dev/null; fi
    start_redis
    for i in $(seq 1 "$n"); do start_silo "$i"; done
    echo "$n" > "$dir/silos"
    for i in $(seq 1 "$n"); do wait_ready "$i"; done
    echo "redis://127.0.0.1:$redis_port"
    ;;
  status)
    if alive "$dir/redis.pid"; then echo "redis pid $(cat "$dir/redis.pid") port $redis_port log $dir/redis.log"; else echo "redis not running"; fi
    for f in "$dir"/silo*.pid; do
      [ -e "$f" ] || continue
      i="${f##*/silo}"; i="${i%.pid}"
      if alive "$f"; then state="running"; else state="dead"; fi
      echo "silo $i pid $(cat "$f") $state silo-port $((silo_base + i)) gateway-port $((gateway_base + i)) log $dir/silo$i.log"
    done
    ;;
  kill)
    i="${2:-}"; [[ "$i" =~ ^[0-9]+$ ]] || usage
    alive "$dir/silo$i.pid" && kill -9 "$(cat "$dir/silo$i.pid")"
    echo "killed silo $i"
    ;;
  restart)
    i="${2:-}"; [[ "$i" =~ ^[0-9]+$ ]] || usage
    start_silo "$i"
    wait_ready "$i"
    echo "started silo $i pid $(cat "$dir/silo$i.pid")"
    ;;
  stop)
    for f in "$dir"/silo*.pid; do
      [ -e "$f" ] || continue
      if alive "$f"; then kill -TERM "$(cat "$f")"; fi
    done
    for f in "$dir"/silo*.pid; do
      [ -e "$f" ] || continue
      for _ in $(seq 1 300); do alive "$f" || break; sleep 0.2; done
      if alive "$f"; then kill -9 "$(cat "$f")"; fi
      rm -f "$f"
    done
    if alive "$dir/redis.pid"; then
      kill -TERM "$(cat "$dir/redis.pid")"
      for _ in $(seq 1 100); do alive "$dir/redis.pid" || break; sleep 0.1; done
    fi
    rm -f "$dir/redis.pid"
    echo "stopped"
    ;;
  *) usage ;;
esac
