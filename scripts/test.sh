#!/usr/bin/env bash
# The test command: installs what is missing (Chromium included, for the HTML report), builds with warnings as errors, runs every test
# under AddressSanitizer + UndefinedBehaviorSanitizer (scripts/sanitize.sh: unit, CLI and
# hostile-input tests), the thread tests under ThreadSanitizer (scripts/tsan.sh), then every
# test, system tests included, on the normal build.
# Usage: bash scripts/test.sh            (from anywhere; builds into <repo>/build)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

bash scripts/install-deps.sh --browser
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRULEGAP_WERROR=ON >/dev/null
cmake --build build -j2
bash scripts/sanitize.sh
bash scripts/tsan.sh
ctest --test-dir build --output-on-failure -j2
