#!/usr/bin/env bash
# Installs everything rulegap needs to build and test, from Debian 12 packages only.
# Idempotent: when every package is present it only checks and exits (well under a second).
# Usage: scripts/install-deps.sh [--fuzz] [--browser] [--sarif-multitool]
#   --fuzz             adds clang-14 and its sanitizer runtime
#   --browser          adds Debian's Chromium, for the HTML report's browser test (tests/system/html_browser.sh)
#   --sarif-multitool  adds Microsoft's SARIF multitool (npm @microsoft/sarif-multitool, MIT), which
#                      tests/cli/sarif_multitool.sh uses when present (it skips otherwise)
set -euo pipefail

packages=(
  g++ cmake make pkg-config libasan8 libubsan1 libtsan2
  libboost-dev libboost-graph-dev
  libfmt-dev doctest-dev libpugixml-dev nlohmann-json3-dev libcli11-dev libhivex-dev
  iptables iproute2 conntrack python3 help2man
  python3-jsonschema libxml2-utils python3-yaml   # tests: SARIF schema, JUnit XSD, examples/ci
)
multitool=0
for option in "$@"; do
  case "$option" in
    --fuzz) packages+=(clang-14 libclang-rt-14-dev) ;;
    --browser) packages+=(chromium) ;;
    --sarif-multitool) multitool=1 ;;
    *) echo "install-deps: unknown option $option (--fuzz, --browser, --sarif-multitool)" >&2; exit 2 ;;
  esac
done
if [[ $multitool -eq 1 ]] && ! command -v npm >/dev/null; then
  packages+=(npm)
fi

# The optional SARIF multitool, from npm (after the Debian packages, which may bring npm).
install_multitool() {
  [[ $multitool -eq 1 ]] || return 0
  if command -v sarif-multitool >/dev/null; then
    echo "install-deps: sarif-multitool present"
    return 0
  fi
  echo "install-deps: installing @microsoft/sarif-multitool from npm"
  local sudo=
  [[ $(id -u) -eq 0 ]] || sudo=sudo
  $sudo npm install -g --no-audit --no-fund @microsoft/sarif-multitool@5.7.0 >/dev/null
}

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  install_multitool
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_multitool
echo "install-deps: done"
