#!/usr/bin/env bash
# rulegap benchmark (issue #2, section 7). Builds nothing.
#
#   benchmarks/run.sh [RULEGAP_BINARY] [OUTDIR]
#
# RULEGAP_BINARY defaults to build/rulegap under the repository. The rulesets are generated
# (deterministically) into OUTDIR, or into a temporary directory that is removed afterwards.
# Environment: RUNS (default 3), SEED (default the generator's), TIMEOUT per run in s (300).
# Exit status: 0 when every target is met, 1 when one is missed, 2 on a setup error.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
bin="${1:-$repo/build/rulegap}"
outdir="${2:-}"

command -v python3 >/dev/null || { echo "run.sh: python3 is required" >&2; exit 2; }
command -v unshare >/dev/null || { echo "run.sh: unshare (util-linux) is required" >&2; exit 2; }
command -v iptables-restore >/dev/null || command -v iptables-nft-restore >/dev/null ||
    { echo "run.sh: iptables is required" >&2; exit 2; }
[[ -x "$bin" ]] || echo "run.sh: $bin is not an executable; timing iptables-restore only" >&2
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac

if [[ -z "$outdir" ]]; then
    outdir="$(mktemp -d "${TMPDIR:-/tmp}/rulegap-bench.XXXXXX")"
    trap 'rm -rf -- "$outdir"' EXIT
fi
mkdir -p "$outdir"

seed_args=()
[[ -n "${SEED:-}" ]] && seed_args=(--seed "$SEED")
echo "generating rulesets into $outdir" >&2
python3 "$here/generate.py" "$outdir" "${seed_args[@]}"

python3 "$here/bench.py" --rulegap "$bin" --dir "$outdir" --runs "${RUNS:-3}" --timeout "${TIMEOUT:-300}"
