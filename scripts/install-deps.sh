#!/usr/bin/env bash
# Installs everything rulegap needs to build and test, from Debian 12 packages only.
# Idempotent: when every package is present it only checks and exits (well under a second).
# Usage: scripts/install-deps.sh [--fuzz] [--browser]
#   --fuzz     adds clang-14 and its sanitizer runtime
#   --browser  adds Debian's Chromium, for the HTML report's browser test (tests/system/html_browser.sh)
set -euo pipefail

packages=(
  g++ cmake make pkg-config libasan8 libubsan1 libtsan2
  libboost-dev libboost-graph-dev
  libfmt-dev doctest-dev libpugixml-dev nlohmann-json3-dev libcli11-dev libhivex-dev
  iptables iproute2 conntrack python3 help2man
)
for option in "$@"; do
  case "$option" in
    --fuzz) packages+=(clang-14 libclang-rt-14-dev) ;;
    --browser) packages+=(chromium) ;;
    *) echo "install-deps: unknown option $option (--fuzz, --browser)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
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
echo "install-deps: done"
