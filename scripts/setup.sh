#!/usr/bin/env bash
# Installs what OrleansHpo needs on a fresh Debian machine. Idempotent.
set -euo pipefail
need=()
command -v dotnet >/dev/null 2>&1 || { echo "error: install the .NET 10 SDK (10.0.401, see global.json) first" >&2; exit 2; }
if [ -n "${need[*]}" ]; then
  apt-get update -qq && apt-get install -y -qq "${need[@]}"
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dotnet build "$here/src/Client/Client.csproj" -c Release -o "$here/artifacts/hpo" -nologo -v q -clp:ErrorsOnly
echo "setup done"
