#!/usr/bin/env bash
# The test command: builds the solution and runs every test project. CI runs exactly this (.ci/run).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

./scripts/install-deps.sh --tests
dotnet build OrleansHpo.sln -c Release -nologo -v q -clp:ErrorsOnly

log="$(mktemp -t hpo-test.XXXXXX.log)"
status=0
for project in tests/*/*.Tests.csproj; do
  echo "== $project"
  set +e
  dotnet test "$project" -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 \
    | tee -a "$log" | grep -vE '^\s+(Passed|Skipped) '
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" -ne 0 ]; then status=$rc; fi
done

# Throughput guard (docs/benchmarks.md): a few seconds of scheduler-only work; the figure goes into the CI log so a
# regression is seen the day it lands. Compare two commits side by side with scripts/bench-compare.sh.
guard="$(dotnet bench/OrleansHpo.Bench/bin/Release/net10.0/OrleansHpo.Bench.dll --trials 300 --workers 8 --max-t 9 2>/dev/null | grep '^{' | tail -1 || true)"
echo "throughput guard (bench/OrleansHpo.Bench --trials 300 --workers 8 --max-t 9): ${guard:-did not run}"

sum() { { grep -E "^\s*$1:" "$log" || true; } | awk '{s += $2} END {print s + 0}'; }
echo "tests: $(sum Passed) passed, $(sum Failed) failed, $(sum Skipped) skipped"
exit "$status"
