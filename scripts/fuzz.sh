#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang-14, ASan and UBSan, seeds each corpus from the
# repo's fixtures (and ../shared when present), replays fuzz/regressions/, then fuzzes every
# target for SECONDS of CPU time each.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]     SECONDS default 600 (10 CPU-minutes each)
#   FUZZ_BUILD   build folder (default <repo>/build-fuzz); corpora and crashes land under it
#   FUZZ_JOBS    targets run side by side (default 1)
#   FUZZ_NICE    niceness (default 19)
#   FUZZ_BUILD_JOBS  parallel compile jobs for the fuzz build (default 1)
#   FUZZ_TIMEOUT seconds one input may take before libFuzzer calls it a hang (default 60; wall
#                time, so on a loaded machine a niced fuzzer sees false hangs: each one is run
#                again alone, and counts only when it is still slow, > FUZZ_TIMEOUT / 4 CPU-s)
# Run it in the background so others can still compile: nice is applied to everything.
# Exit status: 0 no crash, 1 a target crashed (its input is under $FUZZ_BUILD/artifacts/TARGET/).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-600}
shift || true
build=${FUZZ_BUILD:-$repo/build-fuzz}
jobs=${FUZZ_JOBS:-1}
niceness=${FUZZ_NICE:-19}
timeout=${FUZZ_TIMEOUT:-60}
cxx=${CXX:-clang++-14}

all_targets=(fuzz_iptables fuzz_ipset fuzz_explain fuzz_windows_rule_strings fuzz_windows_reg
             fuzz_windows_gpo_xml fuzz_windows_csv fuzz_windows_wfw fuzz_windows_policy
             fuzz_catalog fuzz_site fuzz_packet)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")

command -v "$cxx" >/dev/null || { echo "fuzz.sh: $cxx not found (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 2; }
CXX=$cxx nice -n "$niceness" cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DRULEGAP_FUZZ=ON -DRULEGAP_TESTS=OFF -DRULEGAP_INSTALL=OFF -DRULEGAP_WERROR=OFF >/dev/null
nice -n "$niceness" cmake --build "$build" -j"${FUZZ_BUILD_JOBS:-1}" --target "${targets[@]}"

shared=$repo/../shared
# Seeds per target: the repo's fixtures and examples, then the shared corpora when present.
seeds() {
    case $1 in
        fuzz_iptables|fuzz_explain)
            ls "$repo"/tests/fixtures/iptables/errors/*.input "$repo"/examples/explain/*.rules \
               "$repo"/tests/fixtures/site/*.rules "$repo"/tests/fixtures/site/mps/*.rules 2>/dev/null
            [[ -d $shared/iptables-corpus ]] && find "$shared/iptables-corpus" -type f -size -200k \
                \( -name '*.rules' -o -name '*save*' -o -name '*.txt' -o -name '*iptables*' \) | head -200
            ;;
        fuzz_ipset) printf 'create s hash:ip family inet\nadd s 10.0.0.1\ncreate n hash:net family inet6\nadd n 2001:db8::/32\n' > "$build/seed_ipset.txt"
                    echo "$build/seed_ipset.txt" ;;
        fuzz_windows_*)
            ls "$repo"/tests/fixtures/windows/* 2>/dev/null
            [[ -d $shared/windows-samples ]] && ls "$shared"/windows-samples/* | grep -v PROVENANCE
            ;;
        fuzz_catalog) ls "$repo"/rules/*.catalog "$repo"/tests/fixtures/catalog/*.catalog ;;
        fuzz_site) ls "$repo"/tests/fixtures/site/*.site "$repo"/tests/fixtures/site/mps/site.conf ;;
        fuzz_packet) ls "$repo"/examples/explain/packets.txt
                     grep -hv '^#' "$repo"/examples/explain/packets.txt | grep . | head -50 |
                         while IFS= read -r line; do f=$build/seed_packet_$(printf %s "$line" | md5sum | cut -c1-8)
                             printf %s "$line" > "$f"; echo "$f"; done ;;
    esac
}

run_one() {
    local t=$1 corpus=$build/corpus/$1 art=$build/artifacts/$1/ log=$build/logs/$1.log
    mkdir -p "$corpus" "$art" "$build/logs"
    seeds "$t" | while IFS= read -r f; do [[ -f $f ]] && cp -f "$f" "$corpus/seed_$(basename "$f")"; done
    # Known crashers first: each must now run clean.
    local reg=$repo/fuzz/regressions/$t
    if [[ -d $reg ]] && ls "$reg"/* >/dev/null 2>&1; then
        if ! nice -n "$niceness" "$build/fuzz/$t" -runs=1 "$reg"/* >"$build/logs/$t.regressions.log" 2>&1; then
            echo "$t: a regression input fails again (see $build/logs/$t.regressions.log)"; return 1
        fi
    fi
    local max_len=65536
    [[ $t == fuzz_windows_wfw || $t == fuzz_windows_policy ]] && max_len=1048576
    local rc=0 cpu=0 part=0 left=$seconds
    # libFuzzer's -max_total_time is wall time; on a shared machine that is not a budget. The
    # budget is CPU time: `ulimit -t` ends the run after the CPU-seconds left (SIGXCPU, exit
    # 152); the corpus is kept as it grows. Wall time is capped at 4x as a safety net. A run
    # that ends on a hang seen only under load goes on with what is left of the budget.
    while [[ $left -gt 0 ]]; do
        rc=0
        # (soft limit: SIGXCPU, exit 152; the hard limit a little later, or the kernel's SIGKILL
        # at the same instant would look like a crash)
        ( ulimit -H -t $((left + 30)); ulimit -S -t "$left"
          exec /usr/bin/time -f 'cpu %U %S' -o "$build/logs/$t.time" nice -n "$niceness" "$build/fuzz/$t" "$corpus" \
            -max_total_time=$((left * 4)) -timeout="$timeout" -rss_limit_mb=2048 -max_len=$max_len \
            -artifact_prefix="$art" -print_final_stats=1 ) >"$log.$part" 2>&1 || rc=$?
        cp -f "$log.$part" "$log"
        part=$((part + 1))
        local used
        used=$(awk '/^cpu/ {printf "%d", $2 + $3}' "$build/logs/$t.time" 2>/dev/null || true)
        [[ $rc -eq 152 ]] && used=$left   # (time(1) cannot write when the child is killed by SIGXCPU)
        # Killed (SIGKILL) at the hard limit with nothing saved: the budget ended, not a crash.
        if [[ $rc -eq 137 && ${used:-0} -ge $((left - 5)) ]] && ! ls "$art" | grep -q .; then rc=152; fi
        cpu=$((cpu + ${used:-0}))
        left=$((seconds - cpu))
        # A hang reported under load: run the input again, alone and not niced, and time its CPU.
        local f false_hang=0
        for f in "$art"timeout-* "$art"slow-unit-*; do
            [[ -f $f ]] || continue
            local again
            again=$( { /usr/bin/time -f '%U %S' "$build/fuzz/$t" -runs=1 -timeout=$((timeout * 4)) "$f" >/dev/null 2>/dev/null; } 2>&1 |
                     awk 'END {printf "%d", $1 + $2}')
            if [[ ${again:-0} -lt $((timeout / 4)) ]]; then
                echo "$t: $(basename "$f") was slow only under load (${again:-?} CPU-s alone); kept in $build/slow-under-load/"
                mkdir -p "$build/slow-under-load"
                mv -f "$f" "$build/slow-under-load/$t-$(basename "$f")"
                false_hang=1
            fi
        done
        [[ $rc -eq 70 && $false_hang -eq 1 ]] && continue
        break
    done
    if [[ $rc -ne 0 && $rc -ne 152 ]] || ls "$art" | grep -q .; then
        echo "$t: CRASH (exit $rc) after ${cpu:-?} CPU-s, inputs in $art; log $log"; return 1
    fi
    echo "$t: ok, ${cpu:-?} CPU-s, corpus $(ls "$corpus" | wc -l) files"
}

export -f run_one seeds
export repo build seconds niceness shared timeout
status=0
if [[ $jobs -le 1 ]]; then
    for t in "${targets[@]}"; do run_one "$t" || status=1; done
else
    printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one {}' || status=1
fi
exit $status
