#!/usr/bin/env bash
# The test command: builds the solution and runs every test. CI runs exactly this (.ci/run).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
dotnet build OrleansHpo.sln -c Release -nologo -v q -clp:ErrorsOnly
dotnet test tests/OrleansHpo.Tests/OrleansHpo.Tests.csproj -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee /tmp/hpo-test.log | grep -vE '^\s+(Passed|Skipped) ' || true
status=${PIPESTATUS[0]}
total=$(grep -E '^\s*Total tests:' /tmp/hpo-test.log | tail -1 | awk '{print $3}')
passed=$(grep -E '^\s*Passed:' /tmp/hpo-test.log | tail -1 | awk '{print $2}')
failed=$(grep -E '^\s*Failed:' /tmp/hpo-test.log | tail -1 | awk '{print $2}')
skipped=$(grep -E '^\s*Skipped:' /tmp/hpo-test.log | tail -1 | awk '{print $2}')
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit "$status"
