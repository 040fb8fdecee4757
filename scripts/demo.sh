#!/usr/bin/env bash
# The main job: installs what is missing, builds, and explains packets against the example
# ruleset (until `rulegap check` lands, explain is the demo).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

bash scripts/install-deps.sh >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target rulegap_cli >/dev/null
ex=examples/explain
./build/rulegap lint "$ex/perimeter.rules" || true
echo
./build/rulegap explain "$ex/perimeter.rules" --hook FORWARD --packets "$ex/packets.txt"
