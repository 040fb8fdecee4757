#!/usr/bin/env bash
# Rule findings (rulegap lint: unreachable, possibly-unreachable, unmatchable, unreferenced) on
# every file of the iptables corpus and on the generated filter100k and kube rulesets, against
# the targets of issue 17 (TUM snapshots <= 1 s, filter100k <= 10 s, kube <= 30 s). Builds nothing.
#
#   benchmarks/lint_findings.sh [RULEGAP_BINARY] [WORKDIR]
#
# Per file: the finding counts (from --format json), the wall time and peak memory of the whole
# `rulegap lint` run, and, as the real peer in the same run, `iptables-legacy-restore --test` on
# the same file (what loading it into the kernel takes; no installed peer computes these
# findings). The generated rulesets go to WORKDIR (reused), or to a temporary directory.
# Environment: CORPUS (default ../shared/iptables-corpus), CAP (default 120) seconds per command.
# Exit status 0 whatever the figures, 2 on a setup error.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
cli="${1:-$repo/build/rulegap}"
work="${2:-}"
corpus=${CORPUS:-$repo/../shared/iptables-corpus}
cap=${CAP:-120}
[[ -x "$cli" ]] || { echo "lint_findings.sh: no rulegap binary at $cli" >&2; exit 2; }
[[ -f "$corpus/RULESETS.txt" ]] || { echo "lint_findings.sh: no corpus at $corpus (set CORPUS)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "lint_findings.sh: GNU time (/usr/bin/time) is required" >&2; exit 2; }
if [[ -z "$work" ]]; then work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work"
[[ -f "$work/filter100k.rules" && -f "$work/kube.rules" ]] || python3 "$here/generate.py" "$work" >/dev/null ||
    { echo "lint_findings.sh: generate.py failed" >&2; exit 2; }
peer=$(command -v iptables-legacy-restore || true)
unshare=(unshare -n); [[ $(id -u) -eq 0 ]] || unshare=(unshare -rn)

# measure NAME FILE TARGET_SECONDS
measure() {
    local name=$1 file=$2 target=$3
    /usr/bin/time -f '%e %M' -o "$work/time" timeout "$cap" "$cli" lint --quiet --format json "$file" \
        >"$work/out.json" 2>/dev/null
    local secs kb
    read -r secs kb < <(tail -1 "$work/time")
    local counts
    counts=$(python3 - "$work/out.json" <<'PY'
import json, sys
try:
    o = json.load(open(sys.argv[1]))
except Exception:
    print("\t".join("?" * 5)); sys.exit()
s = o.get("rule_summary", {})
if o.get("rule_findings") is None:
    print("\t".join([str(o["rules"]), "not computed (node limit)", "-", "-", "-"]))
else:
    print("\t".join(str(x) for x in [o["rules"], f'{s["unreachable"]} ({s["shadowed"]}/{s["redundant"]}/{s["no_entry"]})',
          s["possibly_unreachable"], s["unmatchable"], s["unreferenced"]]))
PY
)
    local peer_secs="-"
    if [[ -n "$peer" ]]; then
        /usr/bin/time -f '%e' -o "$work/ptime" timeout "$cap" "${unshare[@]}" "$peer" --test "$file" >/dev/null 2>&1 &&
            peer_secs=$(tail -1 "$work/ptime")
    fi
    local verdict="-"
    if [[ "$target" != "-" ]]; then
        verdict=$(awk -v s="$secs" -v t="$target" 'BEGIN { print (s <= t ? "met" : "not met") }')
    fi
    IFS=$'\t' read -r rules unreach possibly unmatch unref <<<"$counts"
    if [[ "$unreach" == not* ]]; then
        printf '| %s | %s | not computed (node limit) | | | | %s s, %d MiB | %s | %s |\n' "$name" "$rules" "$secs" \
            $((kb / 1024)) "$peer_secs" "${target} s: not met"
    else
        printf '| %s | %s | %s | %s | %s | %s | %s s, %d MiB | %s | %s |\n' "$name" "$rules" "$unreach" "$possibly" \
            "$unmatch" "$unref" "$secs" $((kb / 1024)) "$peer_secs" \
            "$([[ $target == - ]] && echo - || echo "$target s: $verdict")"
    fi
}

echo "| file | rules | unreachable (shadowed/redundant/no entry) | possibly unreachable | unmatchable | unreferenced chains | rulegap lint | iptables-legacy-restore --test | target |"
echo "|---|---|---|---|---|---|---|---|---|"
while read -r f; do
    [[ -n "$f" && -f "$corpus/$f" ]] || continue
    target="-"
    [[ "$f" == *chair_for_Network_Architectures* ]] && target=1
    measure "$f" "$corpus/$f" "$target"
done <"$corpus/RULESETS.txt"
measure filter100k "$work/filter100k.rules" 10
measure kube "$work/kube.rules" 30
