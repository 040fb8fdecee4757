#!/usr/bin/env bash
# Whole-space evaluation figures against the targets of issue 14, section 6. Builds nothing.
#
#   benchmarks/whole_space.sh BUILD_DIR [WORKDIR]
#
# BUILD_DIR is a Release build holding the CLI and the decision-diagram benchmark:
#   cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-release --target rulegap_cli rulegap_bench_dd
# The generated rulesets (filter100k, kube) go to WORKDIR, reused when already there, or to a
# temporary directory removed at the end. Environment: RUNS (default 3) runs of each
# rulegap_bench_dd measurement (the median is shown), CAP (default 120) seconds after which a
# command is killed and reported as "> CAP s", MEMCAP (default 6144) MiB of address space a
# command may take (ulimit -v; beyond it, it fails and is reported as out of memory), CORPUS
# (default ../shared/iptables-corpus).
# Prints one table (and each figure on standard error as it comes); exit status 0 whatever the
# figures, 2 on a setup error.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
usage() { echo "usage: $0 BUILD_DIR [WORKDIR]" >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 ]] || usage
build="$(cd "$1" 2>/dev/null && pwd)" || { echo "whole_space.sh: no build directory $1" >&2; exit 2; }
cli="$build/rulegap"
dd="$build/benchmarks/rulegap_bench_dd"
runs=${RUNS:-3}
cap=${CAP:-120}
memcap=${MEMCAP:-6144}
corpus=${CORPUS:-$repo/../shared/iptables-corpus}
tum="$corpus/net-network/configs_chair_for_Network_Architectures_and_Services"
fffuu="$corpus/fffuu-results.tsv"

for tool in "$cli" "$dd"; do
    [[ -x "$tool" ]] || { echo "whole_space.sh: $tool is missing; build it: cmake --build $1 --target rulegap_cli rulegap_bench_dd" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "whole_space.sh: GNU time (/usr/bin/time) is required" >&2; exit 2; }
command -v timeout >/dev/null || { echo "whole_space.sh: timeout (coreutils) is required" >&2; exit 2; }
command -v python3 >/dev/null || { echo "whole_space.sh: python3 is required (generate.py)" >&2; exit 2; }
[[ -d "$tum" && -f "$corpus/RULESETS.txt" ]] || { echo "whole_space.sh: no corpus at $corpus (set CORPUS)" >&2; exit 2; }
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null)
[[ "$build_type" == Release ]] || echo "whole_space.sh: warning: $build is a '${build_type:-?}' build, not Release" >&2

scratch="$(mktemp -d "${TMPDIR:-/tmp}/rulegap-ws.XXXXXX")"
trap 'rm -rf -- "$scratch"' EXIT
work=${2:-$scratch/gen}
mkdir -p "$work" || exit 2

# timed CMD...: runs it under the caps; sets rc, secs (wall), mb (peak RSS of the process) and
# why (empty, or why it has no figure: cut at the cap, out of memory, its exit status).
timed() {
    : > "$scratch/res"
    ( ulimit -v $((memcap * 1024)); exec /usr/bin/time -f '%e %M' -o "$scratch/res" timeout -k 5 "$cap" "$@" ) \
        >"$scratch/out" 2>"$scratch/err"
    rc=$?
    why=""
    case $rc in
        0|1) ;;
        124|137) why="killed at $cap s" ;;
        *) if grep -qiE "bad_alloc|out of memory|cannot allocate" "$scratch/err"; then why="out of memory at MEMCAP $memcap MiB"
           else why="exit $rc: $(grep -m1 . "$scratch/err" | cut -c1-80)"; fi ;;
    esac
    local kb
    read -r secs kb < <(tail -1 "$scratch/res")
    mb=$(( ${kb:-0} / 1024 ))
}
# dd_line FILE ARGS...: one rulegap_bench_dd run over FILE; sets the fields of its result line
# (ms = compile + resolve, parse excluded; nodes = resolved diagram), or rc=124 when cut.
dd_line() {
    local file=$1; shift
    timed "$dd" --runs "$runs" "$@" "$file"
    parse_ms=""; ms=""; nodes=""; rss=""
    [[ $rc -eq 0 ]] || return
    read -r parse_ms ms nodes rss < <(awk -v f="$(basename "$file")" \
        '$1 == f { print $4, $5 + $6, $8, $12 }' "$scratch/out" | tail -1)
}

rows=()
# row FIGURE VALUE UNIT TARGET [PEER]: VALUE empty or ">..." means not measured or cut.
row() {
    local figure=$1 value=$2 unit=$3 target=$4 peer=${5:-}
    local status ratio shown
    if [[ "$target" == "-" ]]; then status="info"; ratio="-"; shown="${value:--}${value:+ $unit}"
        [[ "$value" == ">"* ]] && shown="> ${value#>} $unit"
        rows+=("$(printf '%s\t%s\t-\t%s\t%s\t%s' "$figure" "$shown" "$status" "$ratio" "$peer")")
        echo "    $figure: $shown" >&2
        return
    fi
    if [[ -z "$value" && "$peer" == *"out of memory"* ]]; then status="not met"; ratio="-"; shown="-"
    elif [[ -z "$value" ]]; then status="not measured"; ratio="-"; shown="-"
    elif [[ "$value" == ">"* ]]; then status="not met"; ratio="> $(awk -v v="${value#>}" -v t="$target" 'BEGIN { printf "%.1f", v / t }')x"; shown="> ${value#>} $unit"
    else
        shown="$value $unit"
        ratio="$(awk -v v="$value" -v t="$target" 'BEGIN { printf "%.2fx", v / t }')"
        status=$(awk -v v="$value" -v t="$target" 'BEGIN { print (v <= t) ? "met" : "not met" }')
    fi
    rows+=("$(printf '%s\t%s\t<= %s %s\t%s\t%s\t%s' "$figure" "$shown" "$target" "$unit" "$status" "$ratio" "$peer")")
    echo "    $figure: $shown ($status)" >&2
}
cut_or() { [[ $rc -eq 124 || $rc -eq 137 ]] && echo ">$cap" || { [[ $rc -eq 0 ]] && echo "$1"; }; }
fffuu_s() {   # recorded seconds of fffuu for FILE's FORWARD service matrices, or nothing
    [[ -f "$fffuu" ]] || return
    awk -F'\t' -v f="net-network/configs_chair_for_Network_Architectures_and_Services/$1" \
        '$1 == f && $2 ~ /^FORWARD/ && $3 == "ok" { split($10, a, " "); print a[1] }' "$fffuu" | head -1
}

echo "whole_space.sh: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
     "commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?'), $build_type build, RUNS=$runs, cap $cap s and $memcap MiB" >&2

# ---- The TUM snapshots: whole-space FORWARD, parse excluded (rulegap_bench_dd) and end to end.
total_dd=0
for file in "$tum"/ip*; do
    name=$(basename "$file")
    echo "  $name ..." >&2
    dd_line "$file" --hook FORWARD
    eval_ms=$(cut_or "$ms")
    [[ "$eval_ms" == ">"* ]] && eval_ms=">$((cap * 1000))"   # the cap, in ms
    peer=$(fffuu_s "$name")
    row "$name FORWARD evaluate (ms, parse excl.)" "$eval_ms" ms 250 "$why${why:+${peer:+; }}${peer:+fffuu $peer s (recorded)}"
    row "$name peak memory (MB, bench_dd process)" "$rss" MB 100 "${why:+$why; peak $mb MB when stopped}"
    [[ "$name" == iptables-save-2016-06-27_16-29-01 ]] && row "$name FORWARD result nodes" "$nodes" nodes 20000 "$why"
    timed "$cli" query "$file" --hook FORWARD --format json
    q=$(cut_or "$secs")
    [[ $rc -eq 0 || -z "$q" || "$q" == ">"* ]] || q=""   # failed: not measured
    row "$name rulegap query end to end (s)" "$q" s - "${why:+$why; }peak $mb MB"
done

# ---- All corpus files x INPUT, FORWARD, OUTPUT, parse included.
echo "  corpus: $(grep -c . "$corpus/RULESETS.txt") files x 3 hooks ..." >&2
timed "$dd" --corpus --hook all
if [[ $rc -eq 0 ]]; then
    total=$(awk '/^total:/ { gsub(/,/, ""); printf "%.2f\n", ($3 + $6) / 1000 }' "$scratch/out")
    row "corpus: all files x 3 hooks, parse incl. (s, total)" "$total" s 3 "wall $secs s, peak $mb MB"
else
    row "corpus: all files x 3 hooks, parse incl. (s, total)" "$(cut_or "")" s 3 "$why"
fi

# ---- Generated rulesets: filter100k and kube, whole-space FORWARD.
for gen in filter100k:2 kube:5; do
    name=${gen%%:*} target=${gen##*:}
    if [[ ! -s "$work/$name.rules" ]]; then
        echo "  generating $name ..." >&2
        python3 "$here/generate.py" "$work" --only "$name" >/dev/null || { echo "whole_space.sh: generate.py failed" >&2; exit 2; }
    fi
    echo "  $name ..." >&2
    dd_line "$work/$name.rules" --hook FORWARD
    extra="${why:+$why; peak $mb MB}"
    [[ $rc -eq 0 ]] && extra="parse $(awk -v p="$parse_ms" 'BEGIN { printf "%.2f", p / 1000 }') s, peak $rss MB"
    row "$name FORWARD evaluate (s, parse excl.)" "$(cut_or "$(awk -v m="$ms" 'BEGIN { printf "%.2f", m / 1000 }')")" s "$target" "$extra"
    timed "$cli" query "$work/$name.rules" --hook FORWARD --format json
    q=$(cut_or "$secs")
    row "$name rulegap query end to end (s)" "$q" s - "${why:+$why; }peak $mb MB"
done

# ---- check: a site whose network firewall is the 2016-06-27 snapshot, no via, broad analysis on.
cat > "$scratch/web.catalog" <<'EOF'
catalog ws "Whole-space benchmark: the internet reaches a web server behind the TUM firewall"
document "(benchmark)"

table 1 "Internet to the web server" from "Clients" to "Web"
row 1  TCP any -> 443  "HTTPS"
row 2  TCP any -> 22  "SSH"
EOF
cat > "$scratch/tum.site" <<EOF
site "tum-no-via"
catalog "web.catalog"
zone internet = 0.0.0.0/1
zone tum = 131.159.0.0/16
role "Clients" = 93.184.216.0/24
role "Web" = 131.159.14.26
firewall tum "$tum/iptables-save-2016-06-27_16-29-01" between internet and tum
EOF
echo "  check ..." >&2
timed "$cli" check "$scratch/tum.site" --format json
c=$(cut_or "$secs")
summary=""
if [[ $rc -eq 0 || $rc -eq 1 ]]; then   # exit 1: findings, a normal outcome
    c=$secs
    summary=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print("%d/%d requirements allowed, %d unknown, %d findings" % (s["allowed"], s["requirements"], s["unknown"], s["errors"] + s["warnings"] + s["infos"]))' "$scratch/out" 2>/dev/null)
fi
row "check: TUM 2016-06-27 network firewall, no via (s)" "$c" s 1 "${why:-exit $rc}, peak $mb MB${summary:+; $summary}"

# ---- The table.
{
    printf 'figure\tmeasured\ttarget\tstatus\tratio\tpeer / notes\n'
    printf '%s\n' "${rows[@]}"
} | column -t -s $'\t'
echo
echo "ratio = measured / target (<= 1 is met). fffuu figures are recorded in $(basename "$fffuu")"
echo "(its FORWARD service matrices with ipassmt_tumi8, another machine, the whole run), not run here:"
echo "fffuu is not installed. No BuDDy reference evaluator is in the tree, so none is timed."
exit 0
