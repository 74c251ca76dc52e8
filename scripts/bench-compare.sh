#!/usr/bin/env bash
# Scheduler throughput at two commits, run alternately on this machine, and the ratio of their wall times.
# A loaded machine shifts both sides alike; only the ratio is meaningful (docs/benchmarks.md, "Regression guard").
#
#   scripts/bench-compare.sh BASE_SHA NEW_SHA [REPEATS] [-- BENCH ARGS]
#   scripts/bench-compare.sh 08ed4a9 HEAD 3 -- --trials 1000 --workers 8
#
# Each commit is checked out in a detached worktree under ${HPO_BENCH_TMP:-/tmp/hpo-bench-compare} and only
# bench/OrleansHpo.Bench is built there. Prints one JSON line per run and, last, the median ratios NEW/BASE of wall
# time and of CPU time (user+system of the bench process, measured here, so any commit's bench works). On a loaded
# machine the CPU-time ratio is the steadier one: waiting for a core does not count in it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="${1:?usage: bench-compare.sh BASE_SHA NEW_SHA [REPEATS] [-- BENCH ARGS]}"
new="${2:?usage: bench-compare.sh BASE_SHA NEW_SHA [REPEATS] [-- BENCH ARGS]}"
shift 2
repeats=3
if [ $# -gt 0 ] && [ "$1" != "--" ]; then repeats="$1"; shift; fi
[ "${1:-}" = "--" ] && shift
bench_args=("$@")
[ ${#bench_args[@]} -eq 0 ] && bench_args=(--trials 300 --workers 8 --max-t 9)
tmp="${HPO_BENCH_TMP:-/tmp/hpo-bench-compare}"
mkdir -p "$tmp"

build() { # sha -> path of the built bench dll
  local sha; sha="$(git -C "$here" rev-parse --short=10 "$1")"
  local tree="$tmp/$sha"
  local dll="$tree/bench/OrleansHpo.Bench/bin/Release/net10.0/OrleansHpo.Bench.dll"
  if [ ! -f "$dll" ]; then
    [ -d "$tree" ] || git -C "$here" worktree add --detach "$tree" "$sha" >/dev/null 2>&1
    # The project's own output folder: the shipped trainables' dependencies (TorchSharp) land next to it.
    dotnet build "$tree/bench/OrleansHpo.Bench/OrleansHpo.Bench.csproj" -c Release -nologo -v q -clp:ErrorsOnly >&2
  fi
  echo "$dll"
}

run() { # dll -> "wall_seconds cpu_seconds" (and the JSON line on stderr)
  python3 - "$@" "${bench_args[@]}" <<'PY'
import json, resource, subprocess, sys
out = subprocess.run(["dotnet", *sys.argv[1:]], stdout=subprocess.PIPE, text=True, check=True).stdout
line = [l for l in out.splitlines() if l.startswith("{")][-1]
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(line, file=sys.stderr)
print(json.loads(line)["seconds"], round(usage.ru_utime + usage.ru_stime, 2))
PY
}

dll_base="$(build "$base")"
dll_new="$(build "$new")"
ratios=()
cpu_ratios=()
for i in $(seq 1 "$repeats"); do
  # Alternate which side goes first so a drift in load favours neither.
  if [ $((i % 2)) -eq 1 ]; then a="$(run "$dll_base")"; b="$(run "$dll_new")"; else b="$(run "$dll_new")"; a="$(run "$dll_base")"; fi
  read -r aw ac <<<"$a"; read -r bw bc <<<"$b"
  r="$(python3 -c "print(round($bw / $aw, 3))")"; rc="$(python3 -c "print(round($bc / $ac, 3))")"
  echo "run $i: base $aw s (cpu $ac s), new $bw s (cpu $bc s), ratio new/base wall $r, cpu $rc"
  ratios+=("$r"); cpu_ratios+=("$rc")
done
python3 - "${#ratios[@]}" "${ratios[@]}" "${cpu_ratios[@]}" <<'PY'
import statistics, sys
n = int(sys.argv[1])
for name, values in (("wall time", sys.argv[2:2 + n]), ("CPU time", sys.argv[2 + n:])):
    r = sorted(float(x) for x in values)
    print(f"ratio NEW/BASE {name}: {statistics.median(r):.3f} (median of {len(r)}; {r[0]:.3f}..{r[-1]:.3f}); < 1 means NEW is faster")
PY
