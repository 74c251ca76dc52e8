#!/usr/bin/env bash
# Installs what OrleansHpo needs on a fresh Debian machine and builds the `hpo` CLI. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/scripts/install-deps.sh"
dotnet build "$here/src/Client/Client.csproj" -c Release -o "$here/artifacts/hpo" -nologo -v q -clp:ErrorsOnly
echo "setup done"
