#!/usr/bin/env bash
# Installs the system packages OrleansHpo's training, cluster and tests use, when they are missing.
# Idempotent; called by setup.sh and test.sh. Needs root (or sudo) only when something is missing.
#   dataset-fashion-mnist  real FashionMNIST IDX files under /usr/share/datasets/fashion-mnist/
#   redis-server           clustering, grain state and reminders for multi-silo clusters
#   iproute2, nftables     network namespaces, tc netem and firewall cuts for scripts/netns-cluster.sh
#   azurite (npm)          Azure Storage emulator (blob + table): the Azure cluster backend's tests and
#                          local-cluster.sh --backend azurite (--tests, or --azurite)
#   chromium               headless browser for the dashboard tests (--tests; Playwright drives it, never downloads one)
#   echarts (npm)          Apache ECharts, the dashboard's charts, into .tools/ (built into the dashboard, served by it)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
want_azurite=0
for arg in "$@"; do
  case "$arg" in
    --tests|--azurite) want_azurite=1 ;;
    *) echo "usage: $0 [--tests]" >&2; exit 2 ;;
  esac
done

command -v dotnet >/dev/null 2>&1 || {
  echo "error: the .NET SDK is missing; install .NET SDK 10.0.401 (see global.json), then run this again" >&2; exit 2; }

need=()
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need+=(dataset-fashion-mnist)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v tc >/dev/null 2>&1 || need+=(iproute2)
command -v nft >/dev/null 2>&1 || need+=(nftables)
if [ "$want_azurite" -eq 1 ]; then [ -x /usr/bin/chromium ] || need+=(chromium); fi
if [ "${#need[@]}" -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

echarts_version=6.1.0
if ! grep -qs "\"version\": \"$echarts_version\"" "$here/.tools/node_modules/echarts/package.json"; then
  echo "installing: echarts $echarts_version (npm, into .tools/)"
  mkdir -p "$here/.tools"
  npm install --prefix "$here/.tools" --no-audit --no-fund --silent "echarts@$echarts_version" >/dev/null
fi

if [ "$want_azurite" -eq 1 ] && [ ! -x "$here/.tools/node_modules/.bin/azurite" ]; then
  echo "installing: azurite (npm, into .tools/)"
  mkdir -p "$here/.tools"
  npm install --prefix "$here/.tools" --no-audit --no-fund --silent azurite >/dev/null
fi
