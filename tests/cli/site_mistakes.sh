#!/usr/bin/env bash
# Never PASS by omission (issue 13): site-file mistakes make the flows they could affect
# `unknown` (text and JSON), names nothing knows get "did you mean" warnings with file:line:column,
# an unknown requirement or nothing checked is INCOMPLETE with exit 1, and the broad check's
# sensitive ports are configurable. Fixtures are written here.
source "$(dirname "$0")/lib.sh"
cd "$REPO"
CAT=rules/mps.catalog
cat >"$TMP/pe.rules" <<'R'
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
R
cp "$TMP/pe.rules" "$TMP/host.rules"
base='site "s"
role "MPF Client" = 10.1.0.0/24
role "Provisioning Engine" = 10.0.0.5'

# 1. firewall on "Webb": an error at its line, and the flows it could guard are unknown.
printf '%s\nfirewall pe "pe.rules" on "Provisioning Engin"\n' "$base" >"$TMP/webb.site"
expect_exit 2 "firewall on an unknown role" -- "$RULEGAP" check "$TMP/webb.site" --catalog $CAT --no-broad
expect_grep "$TMP/err" 'webb.site:4:27: error: unknown role "Provisioning Engin"' "the error is located"
expect_grep "$TMP/out" '^INCOMPLETE ' "verdict INCOMPLETE"
expect_grep "$TMP/out" 'unknown/mps\.t1\.r1/site$' "the flows through that host are unknown"
expect_grep "$TMP/out" "cannot be decided: the site's firewall statement at .*webb.site:4:27 could not be read" "with the statement's location"
if grep -q "Required flows allowed" "$TMP/out"; then fail "a flow is allowed despite the unread firewall"; else pass "no flow allowed"; fi
expect_exit 2 "json" -- "$RULEGAP" check "$TMP/webb.site" --catalog $CAT --no-broad --format json
python3 - "$TMP/out" <<'PY' && pass "json: requirements unknown, never allowed; verdict and reason" || fail "json statuses"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["schema_version"] == 2
assert j["verdict"] == "INCOMPLETE" and j["verdict_reason"], j["verdict"]
st = {r["id"]: r["status"] for r in j["requirements"]}
assert "allowed" not in st.values(), st
assert st["mps.t1.r1"] == "unknown"
assert any("webb.site:4:27" in u for u in j["requirements"][0]["unresolved"])
PY

# profile privat
printf '%s\nfirewall pe "pe.rules" on "Provisioning Engine" profile privat\n' "$base" >"$TMP/privat.site"
expect_exit 2 "profile privat" -- "$RULEGAP" check "$TMP/privat.site" --catalog $CAT --no-broad
expect_grep "$TMP/err" 'privat.site:4:57: error: unknown profile privat' "profile error located"
expect_grep "$TMP/out" 'unknown/mps\.t1\.r1/site$' "profile privat: flows unknown"

# 2. names nothing knows: warnings on stderr with file:line:column and did you mean
printf 'site "s"\nzone a = 10.1.0.0/16\nzone b = 10.0.0.0/16\nrole "MPF Client" = 10.1.0.0/24\nrole "Provisioning Engine" = 10.0.0.5\nrole "Web Sever" = 10.0.0.6\nfirewall fw "fw.rules" between a via eth0 and b via eth11\nbind "Random 4xx" = 49152-65535\n' >"$TMP/names.site"
cat >"$TMP/fw.rules" <<'R'
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i eth0 -o eth1 -j ACCEPT
-A FORWARD -i eth1 -o eth0 -j ACCEPT
COMMIT
R
expect_exit 1 "names nothing knows" -- "$RULEGAP" check "$TMP/names.site" --catalog $CAT --no-broad
expect_grep "$TMP/err" 'names.site:6:1: warning: role "Web Sever" is named by no catalog, did you mean "Web Server"\?' "role did you mean"
expect_grep "$TMP/err" 'names.site:7:1: warning: firewall fw: via eth11 \(zone b\) is an interface no rule of it mentions; the rules name eth0, eth1, did you mean "eth1"\?' "via did you mean"
expect_grep "$TMP/err" 'names.site:8:1: warning: bind "Random 4xx": unknown name, no catalog declares this port class, did you mean "Random 4xxx"\?' "port class did you mean"
expect_grep "$TMP/out" 'unknown/mps\.t1\.r1/site$' "the class left at its default makes its flows unknown"

printf '%s\nbind "LocalSubnett" = 10.2.0.0/16\n' "$base" >"$TMP/kw.site"
expect_exit 2 "bind LocalSubnett" -- "$RULEGAP" check "$TMP/kw.site" --catalog $CAT --no-broad
expect_grep "$TMP/err" 'kw.site:4:6: error: unknown address keyword "LocalSubnett", did you mean "LocalSubnet"\?' "keyword did you mean"
if grep -q "expected a port" "$TMP/err"; then fail "port syntax error for a keyword"; else pass "no port syntax error"; fi

# 3. No vacuous PASS: every role unbound
printf 'site "s"\nrole "MPF Clients" = 10.1.0.0/24\n' >"$TMP/none.site"
expect_exit 1 "nothing checked" -- "$RULEGAP" check "$TMP/none.site" --catalog $CAT
expect_grep "$TMP/out" '^INCOMPLETE because no requirement could be checked' "says why"
expect_exit 1 "nothing checked, --fail-on never" -- "$RULEGAP" check "$TMP/none.site" --catalog $CAT --fail-on never

# an unknown requirement: INCOMPLETE, exit 1; --severity unknown=warning: exit 0, still no PASS
printf '%s\nfirewall pe "host.rules" on "Provisioning Engine"\n' "$base" >"$TMP/unk.site"
cat >"$TMP/host.rules" <<'R'
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m limit --limit 5/s -j ACCEPT
COMMIT
R
expect_exit 1 "unknown requirement" -- "$RULEGAP" check "$TMP/unk.site" --catalog $CAT --no-broad
expect_grep "$TMP/out" '^INCOMPLETE ' "unknown: INCOMPLETE"
expect_grep "$TMP/out" '^  error    unknown/' "unknown is an error by default"
expect_exit 0 "--severity unknown=warning" -- "$RULEGAP" check "$TMP/unk.site" --catalog $CAT --no-broad --severity unknown=warning --severity input=info
expect_grep "$TMP/out" '^INCOMPLETE ' "unknown=warning: still INCOMPLETE, not PASS"

# 4. sensitive ports: default has 22; --sensitive-ports and `sensitive` change it
cat >"$TMP/ssh.rules" <<'R'
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -s 10.1.0.0/24 -p tcp --dport 135 -j ACCEPT
-A INPUT -s 10.0.0.0/8 -p tcp --dport 22 -j ACCEPT
COMMIT
R
printf '%s\nfirewall pe "ssh.rules" on "Provisioning Engine"\n' "$base" >"$TMP/ssh.site"
"$RULEGAP" check "$TMP/ssh.site" --catalog $CAT >"$TMP/out" 2>"$TMP/err"
expect_grep "$TMP/out" 'warning  broad/pe/INPUT/6' "port 22 is sensitive by default"
"$RULEGAP" check "$TMP/ssh.site" --catalog $CAT --sensitive-ports 445,8443 >"$TMP/out" 2>"$TMP/err"
expect_grep "$TMP/out" 'info     broad/pe/INPUT/6' "--sensitive-ports replaces the list"
printf 'sensitive 8443\n' >>"$TMP/ssh.site"
"$RULEGAP" check "$TMP/ssh.site" --catalog $CAT >"$TMP/out" 2>"$TMP/err"
expect_grep "$TMP/out" 'info     broad/pe/INPUT/6' "a site's sensitive statement replaces the list"
expect_exit 2 "bad --sensitive-ports" -- "$RULEGAP" check "$TMP/ssh.site" --catalog $CAT --sensitive-ports 22,http
# A firewall's diagram past --max-nodes: the check stops there, says so as an input error, and
# the run is INCOMPLETE (exit 2), never PASS.
expect_exit 2 "check --max-nodes 50" -- "$RULEGAP" check "$REPO/examples/minimal/site.conf" --catalog "$REPO/rules/mps.catalog" --max-nodes 50
expect_grep "$TMP/out" "error: check reachability failed: the decision diagram grew past 50 nodes and edges" "the limit is reported as an input error"
expect_grep "$TMP/out" "^INCOMPLETE " "and the verdict is INCOMPLETE"

finish
