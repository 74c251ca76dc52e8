#!/usr/bin/env bash
# Scheduler throughput at two commits, run alternately on this machine, and the ratio of their wall times.
# A loaded machine shifts both sides alike; only the ratio is meaningful (docs/benchmarks.md, "Regression guard").
#
#   scripts/bench-compare.sh BASE_SHA NEW_SHA [REPEATS] [-- BENCH ARGS]
#   scripts/bench-compare.sh 08ed4a9 HEAD 3 -- --trials 1000 --workers 8
#
# Each commit is checked out in a detached worktree under ${HPO_BENCH_TMP:-/tmp/hpo-bench-compare} and only
# bench/OrleansHpo.Bench is built there. Prints one JSON line per run and, last, "ratio NEW/BASE: X (median)".
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

run() { # dll -> wall seconds (and the JSON line on stderr)
  local line; line="$(dotnet "$1" "${bench_args[@]}" | grep '^{' | tail -1)"
  echo "$line" >&2
  python3 -c 'import json,sys; print(json.loads(sys.argv[1])["seconds"])' "$line"
}

dll_base="$(build "$base")"
dll_new="$(build "$new")"
ratios=()
for i in $(seq 1 "$repeats"); do
  # Alternate which side goes first so a drift in load favours neither.
  if [ $((i % 2)) -eq 1 ]; then a="$(run "$dll_base")"; b="$(run "$dll_new")"; else b="$(run "$dll_new")"; a="$(run "$dll_base")"; fi
  r="$(python3 -c "print(round($b / $a, 3))")"
  echo "run $i: base $a s, new $b s, ratio new/base $r"
  ratios+=("$r")
done
python3 - "${ratios[@]}" <<'PY'
import statistics, sys
r = sorted(float(x) for x in sys.argv[1:])
print(f"ratio NEW/BASE wall time: {statistics.median(r):.3f} (median of {len(r)}; {r[0]:.3f}..{r[-1]:.3f}); < 1 means NEW is faster")
PY
