#!/usr/bin/env bash
# A cluster of separate hosts on this machine: Linux network namespaces joined by veth pairs to a bridge, on a private
# subnet that exists only inside this machine (the bridge has no address, no namespace has a default route, no NAT).
# Redis runs in one namespace, silo I in namespace PREFIX-sI (bound to and advertising its own address), the client in
# another. Faults (nftables, tc tbf and a delaying relay inside the namespaces) make links cut, one-way, slow or lossy. Needs root.
#
#   scripts/netns-cluster.sh start N [-- silo options]   prints the hosts' addresses, then the --cluster URL (last line)
#   scripts/netns-cluster.sh client CMD...               run CMD in the client namespace, e.g. ./hpo run SPEC --cluster URL
#   scripts/netns-cluster.sh exec HOST CMD...            run CMD in a host's namespace (HOST: redis, client, s1..sN)
#   scripts/netns-cluster.sh status | url | stop
# Faults (each one command; `heal` removes every cut and link impairment, `heal HOST` those of one host):
#   isolate I          silo I cut off from everything (its peers, Redis, the client)
#   cut-redis I        silo I cut off from Redis only; its peers and the client still reach it
#   cut FROM TO        one direction only: packets from host FROM to host TO are dropped (TO -> FROM still flows)
#   cut-client         the client cut off from the cluster (silos and Redis)
#   delay HOST MS [JITTER_MS]   latency on every connection to HOST (redis or sI), both directions, e.g. delay s2 100 50
#   loss HOST PCT      packet loss on HOST's link, each direction, e.g. loss s1 5
#   rate HOST RATE     bandwidth cap on HOST's outgoing link (tc tbf), e.g. rate s3 1mbit
#   kill I | pause I | resume I | restart I     kill -9, SIGSTOP, SIGCONT, start again
#   revive             start again every silo that exited (one declared dead by its peers stops itself)
#   heal [HOST]
# Names: namespaces, veths and the bridge all start with $HPO_NETNS_PREFIX (default hpons, at most 9 characters), so
# `stop` removes exactly what `start` made. Subnet: $HPO_NETNS_SUBNET.0/24 (default 10.231.0); Redis .2, client .3,
# silo I .(10+I). State (pids, logs, Redis AOF): $HPO_NETNS_DIR (default .cluster/netns). See docs/cluster.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${HPO_NETNS_PREFIX:-hpons}"
subnet="${HPO_NETNS_SUBNET:-10.231.0}"
dir="${HPO_NETNS_DIR:-$here/.cluster/netns}"
slots="${HPO_SILO_SLOTS:-2}"
hpo_dll="${HPO_DLL:-$here/artifacts/hpo/hpo.dll}"
redis_port=6379   # inside its own namespace: no other process can hold these ports
silo_port=11111
gateway_port=30000
bridge="$prefix-br"
fault_table="hpofault"

die() { echo "error: $*" >&2; exit 1; }
usage() { sed -n '6,21p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[[ "$prefix" =~ ^[a-z][a-z0-9]{0,8}$ ]] || die "HPO_NETNS_PREFIX '$prefix': 1-9 lower-case letters/digits, starting with a letter (interface names are at most 15 characters)"
[[ "$subnet" =~ ^10\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || die "HPO_NETNS_SUBNET '$subnet': give the first three octets of a private 10.x.y subnet, e.g. 10.231.0"

need_root() {
  [ "$(id -u)" -eq 0 ] || die "network namespaces need root (run as root, or use scripts/local-cluster.sh on loopback)"
  command -v ip >/dev/null 2>&1 && command -v nft >/dev/null 2>&1 && command -v tc >/dev/null 2>&1 && command -v redis-server >/dev/null 2>&1 \
    || "$here/scripts/install-deps.sh"
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
ns_of() {
  case "$1" in
    redis) echo "$prefix-redis" ;;
    client) echo "$prefix-client" ;;
    s[0-9]*) echo "$prefix-$1" ;;
    [0-9]*) echo "$prefix-s$1" ;;
    *) die "unknown host '$1': use redis, client or sI (silo I)" ;;
  esac
}
ip_of() {
  case "$1" in
    redis) echo "$subnet.2" ;;
    client) echo "$subnet.3" ;;
    s[0-9]*) echo "$subnet.$((10 + ${1#s}))" ;;
    [0-9]*) echo "$subnet.$((10 + $1))" ;;
    *) die "unknown host '$1'" ;;
  esac
}
veth_of() { case "$1" in redis) echo "$prefix-r" ;; client) echo "$prefix-c" ;; *) echo "$prefix-$1" ;; esac; }
silo_count() { cat "$dir/silos" 2>/dev/null || echo 0; }
silo_index() { local i="${1#s}"; [[ "$i" =~ ^[0-9]+$ ]] && [ "$i" -ge 1 ] && [ "$i" -le "$(silo_count)" ] || die "no silo '$1' (silos 1..$(silo_count))"; echo "$i"; }
url() { echo "redis://$(ip_of redis):$redis_port"; }
in_ns() { local ns="$1"; shift; ip netns exec "$ns" "$@"; }

# One namespace per host: veth pair (PREFIX-<host> on the bridge, eth0 inside), its address, lo up, no default route.
add_host() {
  local host="$1" ns veth
  ns="$(ns_of "$host")"; veth="$(veth_of "$host")"
  ip netns add "$ns"
  ip link add "$veth" type veth peer name eth0 netns "$ns"
  ip link set "$veth" master "$bridge" up
  in_ns "$ns" ip addr add "$(ip_of "$host")/24" dev eth0
  in_ns "$ns" ip link set eth0 up
  in_ns "$ns" ip link set lo up
}

start_redis() {
  mkdir -p "$dir/redis"
  if alive "$dir/redis.pid"; then return; fi
  in_ns "$(ns_of redis)" redis-server --port "$redis_port" --bind "$(ip_of redis)" --protected-mode no --dir "$dir/redis" \
    --appendonly yes --appendfsync always --save "" --daemonize no --logfile "$dir/redis.log" >/dev/null 2>&1 &
  echo $! > "$dir/redis.pid"
  for _ in $(seq 1 100); do
    if in_ns "$(ns_of redis)" redis-cli -h "$(ip_of redis)" -p "$redis_port" ping >/dev/null 2>&1; then return; fi
    sleep 0.1
  done
  die "redis-server did not answer on $(ip_of redis):$redis_port; see $dir/redis.log"
}

start_silo() {
  local i="$1" extra=()
  if alive "$dir/silo$i.pid"; then return; fi
  [ -f "$dir/silo-options" ] && mapfile -t extra < "$dir/silo-options"
  if [ -f "$dir/silo$i.log" ]; then wc -c < "$dir/silo$i.log"; else echo 0; fi > "$dir/silo$i.logstart"
  in_ns "$(ns_of "s$i")" setsid dotnet "$hpo_dll" silo --redis "$(url)" --silo-port "$silo_port" --gateway-port "$gateway_port" \
    --address "$(ip_of "s$i")" --name "silo$i" --slots "$slots" --fast-failure-detection "${extra[@]}" >> "$dir/silo$i.log" 2>&1 < /dev/null &
  echo $! > "$dir/silo$i.pid"
}

wait_ready() {
  local i="$1" off
  off=$(cat "$dir/silo$i.logstart" 2>/dev/null || echo 0)
  for _ in $(seq 1 1200); do
    if tail -c +$((off + 1)) "$dir/silo$i.log" 2>/dev/null | grep -q "active in cluster"; then return 0; fi
    alive "$dir/silo$i.pid" || die "silo $i exited; see $dir/silo$i.log"
    sleep 0.1
  done
  die "silo $i did not join the cluster in 120 s; see $dir/silo$i.log"
}

# nftables rules live inside a host's namespace, in one table of their own: heal deletes the table.
nft_rule() {
  local ns="$1" chain="$2"; shift 2
  in_ns "$ns" nft add table inet "$fault_table"
  in_ns "$ns" nft add chain inet "$fault_table" in '{ type filter hook input priority 0 ; }'
  in_ns "$ns" nft add chain inet "$fault_table" out '{ type filter hook output priority 0 ; }'
  in_ns "$ns" nft add rule inet "$fault_table" "$chain" "$@"
}

# Latency: this kernel has no tc netem, so new TCP connections to the host's service ports are redirected (nftables,
# prerouting) to a delaying relay in the host's namespace (bench/OrleansHpo.Bench.Netns, DelayRelay); established
# connections are reset (ss -K) so they reconnect through it. Loss: nftables numgen drops. Rate: tc tbf.
service_ports() { case "$1" in redis) echo "$redis_port" ;; client) die "the client has no service port; delay redis or a silo" ;; *) echo "$silo_port $gateway_port" ;; esac; }
relay_dll() {
  local dll="${HPO_RELAY_DLL:-$here/artifacts/netns/OrleansHpo.Bench.Netns.dll}"
  if [ ! -f "$dll" ]; then
    dotnet build "$here/bench/OrleansHpo.Bench.Netns/OrleansHpo.Bench.Netns.csproj" -c Release -o "$here/artifacts/netns" -nologo -v q -clp:ErrorsOnly >&2
  fi
  echo "$dll"
}
delay() {
  local host="$1" ms="$2" jitter="${3:-0}" ns ip maps=() redirects="" port
  ns="$(ns_of "$host")"; ip="$(ip_of "$host")"
  heal_delay "$host"
  for port in $(service_ports "$host"); do
    maps+=(--map "$((port + 20000))=$ip:$port")
    redirects+="tcp dport $port redirect to :$((port + 20000)); "
  done
  in_ns "$ns" setsid dotnet "$(relay_dll)" relay "${maps[@]}" --delay "$ms" --jitter "$jitter" >> "$dir/relay-$host.log" 2>&1 < /dev/null &
  echo $! > "$dir/relay-$host.pid"
  for _ in $(seq 1 100); do grep -q "relay listening" "$dir/relay-$host.log" 2>/dev/null && break; sleep 0.1; done
  in_ns "$ns" nft -f - <<NFT
table ip hpodelay {
  chain pre { type nat hook prerouting priority -100; ${redirects} }
}
NFT
  for port in $(service_ports "$host"); do in_ns "$ns" ss -K state established "( sport = :$port )" >/dev/null 2>&1 || true; done
}
heal_delay() {
  local host="$1" ns port
  ns="$(ns_of "$host")"
  in_ns "$ns" nft delete table ip hpodelay 2>/dev/null || true
  if alive "$dir/relay-$host.pid"; then
    kill -TERM "$(cat "$dir/relay-$host.pid")" 2>/dev/null || true
    for _ in $(seq 1 50); do alive "$dir/relay-$host.pid" || break; sleep 0.1; done
  fi
  rm -f "$dir/relay-$host.pid"
}

heal_host() {
  local ns; ns="$(ns_of "$1")"
  ip netns list | grep -qw "^$ns" || return 0
  in_ns "$ns" nft delete table inet "$fault_table" 2>/dev/null || true
  in_ns "$ns" tc qdisc del dev eth0 root 2>/dev/null || true
  [ "$1" = client ] || heal_delay "$1"
}

hosts() { echo redis client; for i in $(seq 1 "$(silo_count)"); do echo "s$i"; done; }

stop_all() {
  for f in "$dir"/silo*.pid; do
    [ -e "$f" ] || continue
    if alive "$f"; then kill -CONT "$(cat "$f")" 2>/dev/null || true; kill -TERM "$(cat "$f")" 2>/dev/null || true; fi
  done
  for f in "$dir"/silo*.pid; do
    [ -e "$f" ] || continue
    for _ in $(seq 1 150); do alive "$f" || break; sleep 0.2; done
    if alive "$f"; then kill -9 "$(cat "$f")" 2>/dev/null || true; fi
    rm -f "$f"
  done
  if alive "$dir/redis.pid"; then
    kill -TERM "$(cat "$dir/redis.pid")"
    for _ in $(seq 1 100); do alive "$dir/redis.pid" || break; sleep 0.1; done
    if alive "$dir/redis.pid"; then kill -9 "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
  fi
  rm -f "$dir/redis.pid"
  # Whatever else still runs inside our namespaces (a client, a command from `exec`): exactly those pids.
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$prefix-(redis|client|s[0-9]+)$" || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns delete "$ns" 2>/dev/null || true
  done
  for link in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E "^$prefix-(r|c|s[0-9]+|br)$" || true); do
    ip link delete "$link" 2>/dev/null || true
  done
  for f in "$dir"/relay-*.pid; do [ -e "$f" ] && alive "$f" && kill -9 "$(cat "$f")" 2>/dev/null; rm -f "$f"; done
}

cmd="${1:-}"; [ -n "$cmd" ] || usage; shift
case "$cmd" in
  start)
    n="${1:-}"; [[ "$n" =~ ^[1-9][0-9]?$ ]] && [ "$n" -le 200 ] || usage
    shift; [ "${1:-}" = "--" ] && shift
    need_root
    if ip netns list | grep -qE "^$prefix-(redis|client|s[0-9]+)( |$)" || ip link show "$bridge" >/dev/null 2>&1; then
      die "a netns cluster named '$prefix' exists; run '$0 stop' first (or set HPO_NETNS_PREFIX)"
    fi
    mkdir -p "$dir"
    printf '%s\n' "$@" | grep -v '^$' > "$dir/silo-options" || true
    if [ ! -f "$hpo_dll" ] || [ -z "${HPO_DLL:-}" ]; then "$here/hpo" --help >/dev/null; fi
    echo "$n" > "$dir/silos"
    # A failed (or interrupted) start leaves nothing behind.
    started=0
    trap 'if [ "$started" -eq 0 ]; then echo "error: start failed; removing what it made" >&2; stop_all; fi' EXIT
    ip link add "$bridge" type bridge
    ip link set "$bridge" up
    for host in $(hosts); do add_host "$host"; done
    start_redis
    for i in $(seq 1 "$n"); do start_silo "$i"; done
    for i in $(seq 1 "$n"); do wait_ready "$i"; done
    started=1
    for host in $(hosts); do echo "host $host namespace $(ns_of "$host") address $(ip_of "$host")"; done
    url
    ;;
  url) url ;;
  status)
    for host in $(hosts); do
      ns="$(ns_of "$host")"
      if ip netns list | grep -qw "^$ns"; then
        faults="$(in_ns "$ns" nft list table inet "$fault_table" 2>/dev/null | grep -cE 'drop' || true)"
        qdisc="$(in_ns "$ns" tc qdisc show dev eth0 2>/dev/null | grep -o 'tbf.*' || true)"
        if [ -f "$dir/relay-$host.pid" ]; then qdisc+=" delay-relay pid $(cat "$dir/relay-$host.pid")"; fi
        line="host $host namespace $ns address $(ip_of "$host") drop-rules ${faults:-0}${qdisc:+ $qdisc}"
      else
        line="host $host namespace $ns missing"
      fi
      case "$host" in
        redis) if alive "$dir/redis.pid"; then line+=" redis pid $(cat "$dir/redis.pid")"; fi ;;
        s*) f="$dir/silo${host#s}.pid"; if alive "$f"; then line+=" silo pid $(cat "$f") log $dir/silo${host#s}.log"; else line+=" silo dead"; fi ;;
      esac
      echo "$line"
    done
    ;;
  client)
    [ $# -gt 0 ] || usage
    in_ns "$(ns_of client)" "$@"
    ;;
  exec)
    [ $# -gt 1 ] || usage
    host="$1"; shift
    in_ns "$(ns_of "$host")" "$@"
    ;;
  isolate)
    i="$(silo_index "${1:-}")"
    nft_rule "$(ns_of "s$i")" in iifname eth0 drop
    nft_rule "$(ns_of "s$i")" out oifname eth0 drop
    echo "isolated silo $i"
    ;;
  cut-redis)
    i="$(silo_index "${1:-}")"
    nft_rule "$(ns_of "s$i")" in ip saddr "$(ip_of redis)" drop
    nft_rule "$(ns_of "s$i")" out ip daddr "$(ip_of redis)" drop
    echo "cut silo $i from redis"
    ;;
  cut)
    [ $# -eq 2 ] || usage
    from="$1"; to="$2"; ns_of "$from" >/dev/null; ns_of "$to" >/dev/null
    nft_rule "$(ns_of "$from")" out ip daddr "$(ip_of "$to")" drop
    echo "cut $from -> $to"
    ;;
  cut-client)
    nft_rule "$(ns_of client)" in iifname eth0 drop
    nft_rule "$(ns_of client)" out oifname eth0 drop
    echo "cut the client from the cluster"
    ;;
  delay)
    [[ "${2:-}" =~ ^[0-9]+$ ]] && [[ "${3:-0}" =~ ^[0-9]+$ ]] || usage
    delay "$1" "$2" "${3:-0}"
    echo "delay $1 ${2}ms${3:+ +- ${3}ms}"
    ;;
  loss)
    [[ "${2:-}" =~ ^[0-9]+$ ]] && [ "$2" -le 100 ] || die "loss: give a whole percentage, e.g. loss s1 5"
    nft_rule "$(ns_of "$1")" in iifname eth0 numgen random mod 100 '<' "$2" drop
    nft_rule "$(ns_of "$1")" out oifname eth0 numgen random mod 100 '<' "$2" drop
    echo "loss $1 ${2}%"
    ;;
  rate)
    [[ "${2:-}" =~ ^[0-9]+(bit|kbit|mbit|gbit)$ ]] || die "rate: give e.g. 1mbit, 500kbit"
    in_ns "$(ns_of "$1")" tc qdisc replace dev eth0 root tbf rate "$2" burst 32kbit latency 400ms
    echo "rate $1 $2"
    ;;
  heal)
    if [ -n "${1:-}" ]; then heal_host "$1"; else for host in $(hosts); do heal_host "$host"; done; fi
    echo "healed ${1:-all}"
    ;;
  kill)
    i="$(silo_index "${1:-}")"
    alive "$dir/silo$i.pid" && kill -9 "$(cat "$dir/silo$i.pid")"
    echo "killed silo $i"
    ;;
  pause)
    i="$(silo_index "${1:-}")"
    kill -STOP "$(cat "$dir/silo$i.pid")"
    echo "paused silo $i"
    ;;
  resume)
    i="$(silo_index "${1:-}")"
    kill -CONT "$(cat "$dir/silo$i.pid")"
    echo "resumed silo $i"
    ;;
  restart)
    i="$(silo_index "${1:-}")"
    if alive "$dir/silo$i.pid"; then kill -CONT "$(cat "$dir/silo$i.pid")" 2>/dev/null || true; kill -9 "$(cat "$dir/silo$i.pid")"; fi
    for _ in $(seq 1 100); do alive "$dir/silo$i.pid" || break; sleep 0.1; done
    start_silo "$i"
    wait_ready "$i"
    echo "restarted silo $i pid $(cat "$dir/silo$i.pid")"
    ;;
  revive)
    # A supervisor's job (systemd Restart=always): start again every silo whose process has exited, e.g. one its
    # peers declared dead during a partition (an Orleans silo that learns it was declared dead stops itself).
    for i in $(seq 1 "$(silo_count)"); do
      if ! alive "$dir/silo$i.pid"; then start_silo "$i"; wait_ready "$i"; echo "revived silo $i pid $(cat "$dir/silo$i.pid")"; fi
    done
    ;;
  stop)
    stop_all
    echo "stopped"
    ;;
  *) usage ;;
esac
