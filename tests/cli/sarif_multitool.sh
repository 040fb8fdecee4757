#!/usr/bin/env bash
# The demo's SARIF through Microsoft's SARIF multitool `validate` (npm @microsoft/sarif-multitool;
# scripts/install-deps.sh --sarif-multitool): no error from its SARIF rules or from its GitHub
# rules (what GitHub code scanning needs), and no warning except the one the format asks for: a
# .wfw hive rule has no line, so its location has no region (SARIF2017).
# Optional: skips when the multitool is not installed. RULEGAP_SARIF_MULTITOOL names another one.
source "$(dirname "$0")/lib.sh"
cd "$REPO"
TOOL=${RULEGAP_SARIF_MULTITOOL:-$(command -v sarif-multitool || true)}
if [ -z "$TOOL" ] || ! "$TOOL" --version >/dev/null 2>&1; then
  echo "skip: sarif-multitool not found (scripts/install-deps.sh --sarif-multitool installs it from npm)"
  exit 77
fi
expect_exit 1 "sarif report" -- "$RULEGAP" check examples/mps-datacenter/site.conf --format sarif
cp "$TMP/out" "$TMP/demo.sarif"
# Its validate exits 0 whatever it finds: read its own SARIF log. A log that breaks a GitHub rule
# (a result without locations) shows that the rules ran.
python3 - "$TMP/demo.sarif" "$TMP/broken.sarif" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
del d["runs"][0]["results"][0]["locations"]
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
for kind in Sarif Gh; do
  for log in demo broken; do
    "$TOOL" validate "$TMP/$log.sarif" --rule-kind $kind --output "$TMP/$log.$kind.out.sarif" >"$TMP/$log.$kind.txt" 2>&1 ||
      fail "multitool validate ($kind) on $log failed: $(tail -3 "$TMP/$log.$kind.txt")"
  done
done
python3 - "$TMP" <<'PY' && pass "multitool: no errors and only the hive's missing region warned, in SARIF and GitHub rules" || fail "multitool findings"
import json, sys
def results(name):
    log = json.load(open(f"{sys.argv[1]}/{name}.out.sarif"))
    return [(r["ruleId"], r.get("level", "warning"), json.dumps(r["message"])) for r in log["runs"][0].get("results", [])]
for kind in ("Sarif", "Gh"):
    bad = [r for r in results(f"demo.{kind}") if r[1] == "error" or (r[1] == "warning" and r[0] != "SARIF2017")]
    assert not bad, (kind, bad)
    warned = [r for r in results(f"demo.{kind}") if r[1] == "warning"]
    assert len(warned) <= 1, warned   # the one .wfw rule of the demo
assert any(r[1] == "error" for r in results("broken.Gh")), "the GitHub rules did not run"
PY
finish
