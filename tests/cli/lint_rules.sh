#!/usr/bin/env bash
# rulegap lint: the rules that never apply — kinds, covering rules, witnesses confirmed by
# explain, --all, --fail-on, JSON, Windows profiles.
source "$(dirname "$0")/lib.sh"
EX=$REPO/examples/lint

expect_exit 0 "lint finds rules that never apply (exit 0: --fail-on never by default)" -- "$RULEGAP" lint "$EX/office.rules"
expect_grep "$TMP/out" "^unmatchable \(1\):" "unmatchable group"
expect_grep "$TMP/out" "office.rules:20: error: -A FORWARD -p tcp --dport 25" "the unmatchable rule, file:line and text"
expect_grep "$TMP/out" "office.rules:19: error: shadowed: -A FORWARD -p tcp --dport 443 -d 198.51.100.20/32 -j DROP" "a shadowed rule"
expect_grep "$TMP/out" "covered by .*office.rules:18: -A FORWARD -p tcp -m multiport --dports 80,443 -j ACCEPT" "names the covering rule"
expect_grep "$TMP/out" "office.rules:23: error: shadowed: .*-j LOG" "a LOG rule nothing reaches is judged too"
expect_grep "$TMP/out" "office.rules:11: warning: .*--dport 22 -j ACCEPT" "possibly unreachable behind a recent match"
expect_grep "$TMP/out" "depends on .*office.rules:10: " "names the undecided rule it depends on"
expect_grep "$TMP/out" "no rule jumps or goes to chain old_vpn: its rule never applies" "unreferenced chain"
expect_grep "$TMP/out" "^17 rules: 4 unreachable \(4 shadowed, 0 redundant, 0 in chains nothing enters\), 1 possibly unreachable, 1 unmatchable, 1 unreferenced chain$" "one-line summary"
if grep -q "partly-shadowed" "$TMP/out"; then fail "partly-shadowed only with --all"; else pass "partly-shadowed only with --all"; fi

# The witness of a possibly-unreachable rule reaches it: explain shows the rule on its trace.
witness=$(sed -n 's/^      witness at INPUT: //p' "$TMP/out" | head -1)
[ -n "$witness" ] && pass "a witness is printed" || fail "a witness is printed"
expect_exit 0 "explain the witness, the recent match assumed not to match" -- "$RULEGAP" explain "$EX/office.rules" --hook INPUT --packet "$witness" --assume recent=nomatch
expect_grep "$TMP/out" "office.rules:11" "explain's trace of the witness reaches the rule"

expect_exit 0 "lint --all" -- "$RULEGAP" lint "$EX/office.rules" --all
expect_grep "$TMP/out" "^partly-shadowed \(3\):" "--all adds partly-shadowed rules"
expect_grep "$TMP/out" "office.rules:16: note: -A FORWARD -s 203.0.113.0/24 -j DROP" "partly shadowed rule"
expect_grep "$TMP/out" "take 40.0% of its packets" "the share taken"
# Its witness is taken by an earlier rule: explain does not decide it at the rule.
witness=$(grep -A4 "office.rules:16: note" "$TMP/out" | sed -n 's/^      witness at FORWARD: //p' | head -1)
expect_exit 0 "explain the partly-shadowed witness" -- "$RULEGAP" explain "$EX/office.rules" --hook FORWARD --packet "$witness"
if grep -q "office.rules:16" "$TMP/out"; then fail "the witness is taken before rule 16"; else pass "the witness is taken before rule 16"; fi
expect_grep "$TMP/out" "accept" "and an earlier rule accepts it"

expect_exit 1 "--fail-on error fails on a shadowed rule" -- "$RULEGAP" lint "$EX/office.rules" --fail-on error
expect_exit 2 "--fail-on with a bad word" -- "$RULEGAP" lint "$EX/office.rules" --fail-on sometimes
expect_grep "$TMP/err" "unknown --fail-on 'sometimes'" "says why"
printf '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -p tcp --dport 80 -j ACCEPT\nCOMMIT\n' > "$TMP/clean.rules"
expect_exit 0 "--fail-on note passes a clean ruleset" -- "$RULEGAP" lint "$TMP/clean.rules" --fail-on note
expect_grep "$TMP/out" "^2 rules: 0 unreachable" "nothing found"

expect_exit 0 "lint --format json" -- "$RULEGAP" lint "$EX/office.rules" --format json
python3 - "$TMP/out" <<'PY' && pass "json rule findings" || fail "json rule findings"
import json, sys
o = json.load(open(sys.argv[1]))
f = o["rule_findings"]
kinds = sorted({x["kind"] for x in f})
assert kinds == ["possibly-unreachable", "unmatchable", "unreachable", "unreferenced"], kinds
s = [x for x in f if x["rule"]["line"] == 19][0]
assert s["kind"] == "unreachable" and s["reason"] == "shadowed" and s["severity"] == "error", s
assert 18 in [c["line"] for c in s["covering"]], s
p = [x for x in f if x["kind"] == "possibly-unreachable"][0]
assert p["depends_on"][0]["line"] == 10 and p["witness"]["hook"] == "INPUT", p
assert o["rule_summary"] == {"unreachable": 4, "shadowed": 4, "redundant": 0, "no_entry": 0, "possibly_unreachable": 1,
                             "unmatchable": 1, "unreferenced": 1, "partly_shadowed": 0, "redundant_later": 0}, o["rule_summary"]
PY

# --assume decides the recent match: assumed not to match, rule 11 is no longer a finding.
expect_exit 0 "lint --assume recent=nomatch" -- "$RULEGAP" lint "$EX/office.rules" --assume recent=nomatch
if grep -q "office.rules:11: warning" "$TMP/out"; then fail "assumed nomatch: rule 11 reached"; else pass "assumed nomatch: rule 11 reached"; fi

# Windows: judged per profile, every profile unless --profile; a finding names its profiles.
cat > "$TMP/rules.txt" <<'W'
v2.30|Action=Block|Active=TRUE|Dir=In|Protocol=6|LPort=3389|Profile=Public|Name=Block RDP on public networks|
v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=3389|Name=Allow RDP|
v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=3389|RA4=10.0.0.0/8|Name=Allow RDP from the LAN|
v2.30|Action=Allow|Active=FALSE|Dir=In|Protocol=17|LPort=161|Name=SNMP (disabled)|
W
expect_exit 0 "lint Windows rule strings" -- "$RULEGAP" lint "$TMP/rules.txt"
expect_grep "$TMP/out" "shadowed: .*Allow RDP" "an allow rule every packet of which a block rule takes is shadowed"
expect_grep "$TMP/out" "\[profile Public\]" "names the profile it holds in"
expect_grep "$TMP/out" "redundant: .*Allow RDP from the LAN" "an allow rule inside another allow rule is redundant"
expect_grep "$TMP/out" "\[profiles Domain, Private\]" "one finding for the profiles it holds in"
expect_grep "$TMP/out" "note: 1 disabled rule not judged" "disabled rules: said once"
expect_exit 0 "lint Windows --profile domain" -- "$RULEGAP" lint "$TMP/rules.txt" --profile domain
if grep -q "Public" "$TMP/out"; then fail "--profile: only that profile"; else pass "--profile: only that profile"; fi

# Past the node limit the findings are not computed: said so, never "no finding".
expect_exit 0 "lint past --max-nodes" -- "$RULEGAP" lint "$EX/office.rules" --max-nodes 2000
expect_grep "$TMP/out" "^17 rules: rule findings not computed: .*raise --max-nodes" "says the findings were not computed"
expect_exit 2 "lint past --max-nodes with --fail-on: an error" -- "$RULEGAP" lint "$EX/office.rules" --max-nodes 2000 --fail-on error
expect_grep "$TMP/err" "error: .*rule findings not computed" "on standard error"

# rulegap check runs the same analysis as its `rules` check: findings of kind shadowed, ...
cp "$REPO/examples/minimal/site.conf" "$TMP/site.conf"
sed 's/^COMMIT$/-A INPUT -s 10.1.0.7 -p tcp --dport 135 -j DROP\n-A FORWARD -j ACCEPT\nCOMMIT/' "$REPO/examples/minimal/pe.rules" > "$TMP/pe.rules"
expect_exit 1 "check reports shadowed rules (error: the run fails)" -- "$RULEGAP" check "$TMP/site.conf" --catalog "$REPO/rules/mps.catalog" --format json
python3 - "$TMP/out" <<'PY' && pass "check: a shadowed finding with its rule, covering rule and id" || fail "check: shadowed finding"
import json, sys
o = json.load(open(sys.argv[1]))
f = [x for x in o["findings"] if x["kind"] == "shadowed"]
assert len(f) == 1, o["findings"]
assert f[0]["id"] == "shadowed/pe/INPUT/10" and f[0]["severity"] == "error", f[0]
assert f[0]["rule_text"] == "-A INPUT -s 10.1.0.7 -p tcp --dport 135 -j DROP", f[0]
assert any("covered by" in d and "pe.rules:8" in d for d in f[0]["details"]), f[0]
PY
expect_exit 0 "check --disable rules: no rule findings" -- "$RULEGAP" check "$TMP/site.conf" --catalog "$REPO/rules/mps.catalog" --disable rules --format json
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert not [x for x in o["findings"] if x["kind"] in ("shadowed","redundant")], o' "$TMP/out" \
  && pass "disabled: none" || fail "disabled: none"
finish
