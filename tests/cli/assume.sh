#!/usr/bin/env bash
# --assume MODULE=match|nomatch on explain, check and lint; `assume` in site files; the reports
# list the assumptions; the broad check names what an undecided rule may let through.
source "$(dirname "$0")/lib.sh"
FX=$REPO/tests/fixtures/site/assume
PKT="tcp 198.51.100.7:40000 -> 10.0.0.5:22"

# explain: unknown without an assumption, decided with one, and the rule it decided is listed.
expect_exit 0 "explain without assumptions" -- "$RULEGAP" explain "$FX/host.rules" --hook INPUT --packet "$PKT"
expect_grep "$TMP/out" "^verdict  UNKNOWN" "the recent-list drop makes the verdict unknown"
grep -q "^assumed" "$TMP/out" && fail "no assumption line without --assume" || pass "no assumption line without --assume"
expect_exit 0 "explain --assume recent=nomatch" -- "$RULEGAP" explain "$FX/host.rules" --hook INPUT --packet "$PKT" --assume recent=nomatch
expect_grep "$TMP/out" "^verdict  ACCEPT by .*host.rules:7" "recent=nomatch: accepted by the rule after it"
expect_grep "$TMP/out" "^assumed  recent=nomatch \(1 rule\)" "explain lists the assumption and the rules it touches"
expect_grep "$TMP/out" "-> recent=nomatch: does not match" "explain names the rule the assumption decided"
expect_exit 0 "explain --assume recent=match" -- "$RULEGAP" explain "$FX/host.rules" --hook INPUT --packet "$PKT" --assume recent=match --assume mac=match
expect_grep "$TMP/out" "^verdict  DROP by .*host.rules:6" "recent=match: dropped by the recent rule"
expect_grep "$TMP/out" "^assumed  recent=match \(1 rule\), mac=match \(0 rules\)" "every assumption is listed, with its count"
expect_exit 0 "explain json" -- "$RULEGAP" explain "$FX/host.rules" --hook INPUT --packet "$PKT" --assume recent=nomatch --format json
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["verdict"]=="accept" and o["assumptions"]==[{"module":"recent","value":"nomatch","rules":1}] and o["assumed"][0]["line"]==6 and o["assumed"][0]["action"]=="recent=nomatch: does not match", o' "$TMP/out" \
  && pass "explain json lists the assumptions and the rules they decided" || fail "explain json lists the assumptions and the rules they decided"
expect_exit 0 "explain json without assumptions" -- "$RULEGAP" explain "$FX/host.rules" --hook INPUT --packet "$PKT" --format json
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert "assumptions" not in o and o["verdict"]=="unknown", o' "$TMP/out" \
  && pass "explain json unchanged without --assume" || fail "explain json unchanged without --assume"

# Usage errors: exit 2, naming the valid modules.
expect_exit 2 "unknown module" -- "$RULEGAP" explain "$FX/host.rules" --packet "$PKT" --assume recnt=nomatch
expect_grep "$TMP/err" "--assume takes MODULE=match or MODULE=nomatch, not 'recnt=nomatch'; MODULE is one of: recent, limit, hashlimit, connlimit, statistic, quota, time, string, u32, mac, owner, set, mark, connmark, program, unknown" "the error lists the modules"
expect_exit 2 "bad value" -- "$RULEGAP" check "$FX/site.conf" --assume recent=sometimes
expect_exit 2 "lint: bad assumption" -- "$RULEGAP" lint "$FX/host.rules" --assume mac
for cmd in explain query check lint; do
  "$RULEGAP" "$cmd" --help >"$TMP/help" 2>&1
  expect_grep "$TMP/help" "--assume MODULE=match\|nomatch" "$cmd --help documents --assume"
done

# lint: per assumption, the rules it touches.
expect_exit 0 "lint --assume" -- "$RULEGAP" lint "$FX/host.rules" --assume recent=nomatch --assume limit=match
expect_grep "$TMP/out" "^ +1  recent=nomatch rule$" "lint: recent touches one rule"
expect_grep "$TMP/out" "^ +0  limit=match rules$" "lint: limit touches none"
expect_exit 0 "lint --assume json" -- "$RULEGAP" lint "$FX/host.rules" --assume recent=nomatch --format json
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["assumptions"]==[{"module":"recent","value":"nomatch","rules":1}], o' "$TMP/out" \
  && pass "lint json lists the assumptions" || fail "lint json lists the assumptions"

# query: the whole set is unknown at the recent rule without an assumption; each assumption decides it.
Q="tcp any -> 10.0.0.5:22"
expect_exit 0 "query without assumptions" -- "$RULEGAP" query "$FX/host.rules" --hook INPUT --where "$Q"
expect_grep "$TMP/out" "^UNKNOWN +.*host.rules:6 " "query: unknown at the recent rule"
expect_exit 0 "query --assume recent=nomatch" -- "$RULEGAP" query "$FX/host.rules" --hook INPUT --where "$Q" --assume recent=nomatch
expect_grep "$TMP/out" "^assumed  recent=nomatch \(1 rule\)" "query lists the assumption and the rules it touches"
expect_grep "$TMP/out" "^ACCEPT +.*host.rules:7 " "query: recent=nomatch lets the accept rule decide"
expect_exit 0 "query --assume recent=match" -- "$RULEGAP" query "$FX/host.rules" --hook INPUT --where "$Q" --assume recent=match --verdict drop
expect_grep "$TMP/out" "^DROP +.*host.rules:6 " "query: recent=match makes the recent rule drop"
expect_exit 0 "query --assume json" -- "$RULEGAP" query "$FX/host.rules" --hook INPUT --where "$Q" --assume recent=nomatch --format json
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["assumptions"]==[{"module":"recent","value":"nomatch","rules":1}] and [p["verdict"] for p in o["parts"]]==["accept"], o' "$TMP/out" \
  && pass "query json lists the assumptions" || fail "query json lists the assumptions"
expect_exit 2 "query: bad assumption" -- "$RULEGAP" query "$FX/host.rules" --assume recent

# check: a recent-list drop before a rule that opens every TCP port is possibly broad.
expect_exit 1 "check without assumptions" -- env NO_COLOR=1 "$RULEGAP" check "$FX/site.conf"
expect_grep "$TMP/out" "broad/host/INPUT/7" "the rule that opens every TCP port is reported"
expect_grep "$TMP/out" "rule .*host.rules:7 may admit any IPv4 source, any port: tcp traffic beyond the requirements crossing it, depending on the undecided rule at .*host.rules:6" "as possibly broad, naming the undecided rule"
grep -q "Assumed for undecided matches" "$TMP/out" && fail "no assumption section without assumptions" || pass "no assumption section without assumptions"
expect_exit 1 "check --assume recent=nomatch" -- env NO_COLOR=1 "$RULEGAP" check "$FX/site.conf" --assume recent=nomatch
expect_grep "$TMP/out" "rule .*host.rules:7 admits any IPv4 source, any port" "a definite broad finding"
expect_grep "$TMP/out" "^  recent=nomatch \(--assume\): 1 rule$" "the text report lists the assumption"
expect_grep "$TMP/out" "^  web.t1.r1$" "the required flow is allowed"
expect_exit 1 "check json" -- "$RULEGAP" check "$FX/site.conf" --assume recent=nomatch --format json
python3 -c '
import json,sys
o=json.load(open(sys.argv[1]))
assert o["assumptions"]==[{"module":"recent","value":"nomatch","where":None,"rules":1}], o["assumptions"]
f=[x for x in o["findings"] if x["id"]=="broad/host/INPUT/7"][0]
assert f["kind"]=="broad-any" and f["depends_on"]==[], f' "$TMP/out" && pass "json report: assumptions, a definite finding" || fail "json report: assumptions, a definite finding"
expect_exit 1 "check json without assumptions" -- "$RULEGAP" check "$FX/site.conf" --format json
python3 -c '
import json,sys
o=json.load(open(sys.argv[1]))
assert o["assumptions"]==[], o["assumptions"]
f=[x for x in o["findings"] if x["id"]=="broad/host/INPUT/7"][0]
assert [d["line"] for d in f["depends_on"]]==[6], f' "$TMP/out" && pass "json report: the possible finding depends on line 6" || fail "json report: the possible finding depends on line 6"
expect_exit 1 "check markdown" -- "$RULEGAP" check "$FX/site.conf" --assume recent=nomatch --format markdown
expect_grep "$TMP/out" "^Assumed for undecided matches: \`recent=nomatch \(--assume\): 1 rule\`\.$" "the markdown report lists the assumption"
# The site's own statement, listed with its place; the command line replaces it.
expect_exit 1 "check a site with assume" -- env NO_COLOR=1 "$RULEGAP" check "$FX/assumed.site"
expect_grep "$TMP/out" "^  recent=nomatch \(.*assumed.site:7\): 1 rule$" "the site's assumption is listed with its line"
expect_exit 1 "check a site with assume, overridden" -- env NO_COLOR=1 "$RULEGAP" check "$FX/assumed.site" --assume recent=match
expect_grep "$TMP/out" "^  recent=match \(--assume\): 1 rule$" "--assume replaces the site's assumption"
expect_grep "$TMP/out" "blocked/web.t1.r1/host" "recent=match blocks the required flow"
printf 'site "x"\ncatalog "%s/web.catalog"\nrole "Web" = 10.0.0.5\nassume recnt nomatch\n' "$FX" > "$TMP/bad.site"
expect_exit 2 "a site with a bad assume" -- "$RULEGAP" check "$TMP/bad.site"
expect_grep "$TMP/err" "bad.site:4:8: error: unknown module recnt to assume \(recent, limit," "the site error is at the module's column"

finish
