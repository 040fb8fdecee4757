#!/usr/bin/env bash
# examples/audit: the library example finds the demo's errors and agrees with `rulegap check`.
source "$(dirname "$0")/lib.sh"
AUDIT=$(dirname "$RULEGAP")/rulegap_example_audit
[ -x "$AUDIT" ] || { echo "FAIL: $AUDIT not built"; exit 1; }
cd "$REPO"
expect_exit 1 "audit of the demo site" -- "$AUDIT" examples/mps-datacenter/site.conf rules/mps.catalog
expect_grep "$TMP/out" "^partial/mps.t2.r9/perimeter  at examples/mps-datacenter/perimeter.rules:4  e.g. tcp " "partial finding with rule and witness"
n_lib=$(grep -c '^[a-z-]*/' "$TMP/out")
"$RULEGAP" check examples/mps-datacenter/site.conf --format json > "$TMP/j.json"
n_cli=$(python3 -c 'import json,sys; print(sum(1 for f in json.load(open(sys.argv[1]))["findings"] if f["severity"]=="error"))' "$TMP/j.json")
[ "$n_lib" -eq "$n_cli" ] && pass "same error count as the CLI ($n_cli)" || fail "library example: $n_lib errors, CLI: $n_cli"
expect_exit 0 "audit of the minimal site" -- "$AUDIT" examples/minimal/site.conf rules/mps.catalog
expect_exit 2 "usage" -- "$AUDIT"
finish
