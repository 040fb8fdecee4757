#!/usr/bin/env bash
# The tests of code that runs on several threads, under ThreadSanitizer: builds the unit tests
# into <repo>/build-tsan and runs the thread test cases (packet sets in two spaces and in one
# shared space, two evaluations at once, the iptables reader's threads). A data
# race fails the run.
# Usage: bash scripts/tsan.sh          CXX=clang++-14 to build with clang instead of g++
#        TSAN_JOBS (default 2)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${TSAN_BUILD:-$repo/build-tsan}
jobs=${TSAN_JOBS:-2}
start=$(date +%s)
CXX=${CXX:-g++} cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -g1" \
    -DRULEGAP_TSAN=ON -DRULEGAP_WERROR=OFF -DRULEGAP_INSTALL=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target rulegap_tests
built=$(date +%s)
# halt_on_error: the first race ends the run with a failure status.
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
cases='two threads*,evaluate: two threads*,iptables threads*'
"$build/tests/rulegap_tests" --test-case="$cases" --no-intro
echo "tsan.sh: build $((built - start)) s, tests $(( $(date +%s) - built )) s"
