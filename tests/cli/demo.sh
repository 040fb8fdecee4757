#!/usr/bin/env bash
# The demo audit (README's main command): its report is a golden file, its exit status is 1
# (deliberate mistakes), and its JSON and Markdown forms carry the same findings.
source "$(dirname "$0")/lib.sh"
cd "$REPO"
GOLDEN=tests/golden/mps-datacenter.txt
NO_COLOR=1 "$RULEGAP" check examples/mps-datacenter/site.conf >"$TMP/report.txt" 2>"$TMP/err"
status=$?
[ $status -eq 1 ] && pass "demo exits 1 (findings at error)" || fail "demo exit $status, wanted 1: $(head -3 "$TMP/err")"
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then cp "$TMP/report.txt" "$GOLDEN"; echo "updated $GOLDEN"; fi
if diff -u "$GOLDEN" "$TMP/report.txt" >"$TMP/diff"; then pass "report matches $GOLDEN"; else
  fail "report differs from $GOLDEN (UPDATE_GOLDEN=1 to accept)"; head -40 "$TMP/diff"; fi

# Every finding kind the issue asks the demo to show.
for id in "blocked/mps.t3.r4/dc" "partial/mps.t2.r9/perimeter" "rpc-session/mps.t1.r3" \
          "blocked/mps.t5.r2/webfw" "broad/datafw/FORWARD/8" "unknown/mps.t5.r1/www"; do
  expect_grep "$TMP/report.txt" "^  (error|warning|info) +$id\$" "demo shows $id"
done
expect_grep "$TMP/report.txt" "tcp sport 49152-60999 open, tcp sport 61000-65535 closed" "partial lists open and closed sub-ranges"
expect_grep "$TMP/report.txt" "RPC endpoint mapper TCP 135 is open but the session port 1025 is closed" "135 open, 1025 closed"
# Windows words and places: the profile default at its .reg line; the disabled NTP rule that
# would open the blocked flow; a .wfw rule named by its rule id.
expect_grep "$TMP/report.txt" "^           rule     examples/mps-datacenter/dc.reg:5  domain profile default: block inbound$" "the default is located at DefaultInboundAction"
expect_grep "$TMP/report.txt" "- a disabled rule at examples/mps-datacenter/dc.reg:14, 'Active Directory Domain Controller - W32Time \(NTP-UDP-In\)', would allow it" "the blocked NTP flow names the disabled rule"
expect_grep "$TMP/report.txt" "rule examples/mps-datacenter/sql.wfw\[\{5A1D0002-7C2E-4B1F-9A3D-000000000008\}\] admits" "a hive rule is named by its id"

expect_exit 1 "json report" -- "$RULEGAP" check examples/mps-datacenter/site.conf --format json
python3 - "$TMP/out" "$TMP/report.txt" <<'PY' && pass "json: schema, ids and summary agree with text" || fail "json report"
import json, re, sys
j = json.load(open(sys.argv[1]))
assert j["schema"] == "rulegap-report" and j["schema_version"] == 2, j.get("schema")
text_ids = re.findall(r"^  (?:error|warning|info) +(\S+)$", open(sys.argv[2]).read(), re.M)
assert sorted(f["id"] for f in j["findings"]) == sorted(text_ids), "finding ids differ"
assert len(set(text_ids)) == len(text_ids), "finding ids not unique"
s = j["summary"]
assert s["requirements"] == len(j["requirements"]) == 34
assert s["allowed"] + s["partial"] + s["unknown"] + s["blocked"] + s["skipped"] == 34
for r in j["requirements"]:
    for p in r["paths"]:
        for h in p["hops"]:
            for part in h["parts"]:
                if part["verdict"] != "accept":
                    assert part["witness"], (r["id"], h["firewall"])
PY
expect_exit 1 "markdown report" -- "$RULEGAP" check examples/mps-datacenter/site.conf --format markdown
expect_grep "$TMP/out" "^\| mps\.t1 \| Port List for MPS Client to Provisioning Engine Communication \| 8 \|" "markdown summary table per catalog table"
expect_exit 0 "fail-on never" -- "$RULEGAP" check examples/mps-datacenter/site.conf --fail-on never
expect_exit 2 "bad fail-on" -- "$RULEGAP" check examples/mps-datacenter/site.conf --fail-on sometimes
expect_exit 0 "list checks" -- "$RULEGAP" check --list-checks
expect_grep "$TMP/out" "reachability" "lists the checks"

# The three-line site of examples/minimal, with the catalog on the command line: all of
# table 1 that the host firewall decides passes.
expect_exit 0 "minimal site" -- "$RULEGAP" check examples/minimal/site.conf --catalog rules/mps.catalog --no-broad
expect_grep "$TMP/out" "^PASS " "minimal site passes"

# Bad site: file:line:column, exit 2.
printf 'role "A" = 10.0.0.300\nfirewall "x.rules" on "A"\n' > "$TMP/bad.site"
expect_exit 2 "bad site" -- "$RULEGAP" check "$TMP/bad.site" --catalog rules/mps.catalog
expect_grep "$TMP/err" "bad.site:1:[0-9]+: error: " "site error located"
printf 'catalog x "X"\ntable 1 "T" from "A" to "B"\nrow 1 TCP any -> 99999 "r"\n' > "$TMP/bad.catalog"
expect_exit 2 "bad catalog" -- "$RULEGAP" check examples/minimal/site.conf --catalog "$TMP/bad.catalog"
expect_grep "$TMP/err" "bad.catalog:3:[0-9]+: error: " "catalog error located"
finish
