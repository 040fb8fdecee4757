#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer: builds into
# <repo>/build-asan and runs ctest there. The system tests (Linux kernel, shared corpora) are
# left out, and so are the million-rule and 10,000-undecided-matches tests: they test semantics
# or scale, not memory safety, and are slow under the sanitizers; the other hostile-input and
# fuzz-regression tests are in.
# Usage: bash scripts/sanitize.sh          CXX=clang++-14 to build with clang instead of g++
#        SANITIZE_JOBS (default 2)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SANITIZE_BUILD:-$repo/build-asan}
jobs=${SANITIZE_JOBS:-2}
start=$(date +%s)
# -O1: fast enough to run, much faster to compile than -O2; -g1: line numbers in reports.
CXX=${CXX:-g++} cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -g1" \
    -DRULEGAP_SANITIZE=ON -DRULEGAP_WERROR=OFF -DRULEGAP_INSTALL=OFF >/dev/null
cmake --build "$build" -j"$jobs"
built=$(date +%s)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build" --output-on-failure -j"$jobs" -E '^(system\.|hostile\.(million|undecided_scale))'
echo "sanitize.sh: build $((built - start)) s, tests $(( $(date +%s) - built )) s"
