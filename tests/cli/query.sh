#!/usr/bin/env bash
# rulegap query: what a ruleset does with a set of packets (issue 14, section 4).
source "$(dirname "$0")/lib.sh"
PERIMETER=$REPO/examples/mps-datacenter/perimeter.rules
SSH=$REPO/tests/fixtures/query/ssh.rules

# Text on the example: the clients' RPC to the DC is accepted by the clients-to-dc rule (line 16).
expect_exit 0 "query text on perimeter.rules" -- "$RULEGAP" query "$PERIMETER" \
  --where "tcp 10.1.0.0/24 -> 10.2.1.5:135,445 [in eth0] [out eth1] [state new]"
expect_grep "$TMP/out" '^ACCEPT +.*perimeter\.rules:16 \(filter clients-to-dc\)' "accept part names perimeter.rules:16"
expect_grep "$TMP/out" '^  ranges +tcp 10\.1\.0\.0/24 -> 10\.2\.1\.5:135 \[state new\] \[in eth0\] \[out eth1\]$' "its range, in the set syntax"
expect_grep "$TMP/out" '^DROP +by the policy of filter FORWARD \(.*perimeter\.rules:4\)' "the policy's part comes last"
expect_grep "$TMP/out" '^  witness +tcp 10\.1\.0\.0:0 -> 10\.2\.1\.5:135' "a witness per part"
order=$(grep -Eo '^(ACCEPT|DROP|REJECT|UNKNOWN) +[^ ]+' "$TMP/out" | sed -E 's/ +.*perimeter\.rules:/ /; s/ +by$/ policy/' | tr '\n' ' ')
[ "$order" = "ACCEPT 16 ACCEPT 17 DROP policy " ] && pass "parts in rule order, the policy last" || fail "part order: '$order'"

# JSON on a fixture: parts in rule order, counts add up, each witness gets its part's verdict
# and rule from explain.
expect_exit 0 "query json on ssh.rules" -- "$RULEGAP" query "$SSH" --where "tcp any -> 131.159.14.0/23:22 [state new]" --format json
cp "$TMP/out" "$TMP/ssh.json"
got=$(python3 - "$TMP/ssh.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert {"file", "hook", "where", "verdict", "count", "parts"} <= set(doc), doc.keys()
fields = {"family", "protocol", "src_addr", "dst_addr", "src_port", "dst_port", "icmp_type", "icmp_code",
          "tcp_flags", "state", "in_iface", "out_iface"}
total = 0
for p in doc["parts"]:
    assert {"verdict", "rule", "policy", "count", "witness", "ranges", "truncated"} <= set(p), p.keys()
    assert isinstance(p["count"], str)
    total += int(p["count"])
    for r in p["ranges"]:
        assert set(r) <= fields, r.keys()
        for pairs in r.values():
            assert all(len(pair) == 2 for pair in pairs)
    assert p["truncated"] is False
    print(p["verdict"], p["rule"]["line"] if p["rule"] else "policy")
assert total == int(doc["count"]), (total, doc["count"])
acc = doc["parts"][0]["ranges"][0]
assert acc["dst_addr"] == [["131.159.14.26", "131.159.14.26"]], acc
assert acc["src_addr"] == [["10.0.0.0", "10.0.0.255"]], acc
assert acc["in_iface"] == [["eth1.110", "eth1.110"]], acc
assert "out_iface" not in acc and "src_port" not in acc, acc
PY
)
expected="accept 7
unknown 8
reject 9"
if [ "$got" = "$expected" ]; then pass "JSON parts in rule order, counts add up"; else
  fail "JSON parts differ"; diff <(echo "$expected") <(echo "$got") | sed 's/^/  /'; fi

python3 -c 'import json,sys
for p in json.load(open(sys.argv[1]))["parts"]: print(p["verdict"], p["rule"]["line"] if p["rule"] else 0, p["witness"], sep="\t")' \
  "$TMP/ssh.json" > "$TMP/witnesses"
[ "$(wc -l < "$TMP/witnesses")" -eq 3 ] && pass "three witnesses to explain" || fail "expected three witnesses"
ok=1
while IFS=$'\t' read -r verdict line witness; do
  "$RULEGAP" explain "$SSH" --packet "$witness" --format json > "$TMP/ex" 2>/dev/null
  seen=$(python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); print(o["verdict"], o["rule"]["line"] if o["rule"] else 0)' "$TMP/ex")
  [ "$seen" = "$verdict $line" ] || { ok=0; fail "witness '$witness': explain says '$seen', query '$verdict $line'"; }
done < "$TMP/witnesses"
[ $ok = 1 ] && pass "explain gives each witness its part's verdict and rule"

# The unknown part names its reason; --verdict keeps one verdict; --limit cuts the ranges.
expect_exit 0 "query --verdict unknown" -- "$RULEGAP" query "$SSH" --where "tcp any -> 131.159.14.0/23:22" --verdict unknown
expect_grep "$TMP/out" '^UNKNOWN +.*ssh\.rules:8 ' "the unknown part names its rule"
expect_grep "$TMP/out" '^  reason +.*recent' "and its reason"
if grep -Eq '^(ACCEPT|REJECT|DROP)' "$TMP/out"; then fail "--verdict unknown printed other verdicts"; else pass "--verdict unknown prints only unknown"; fi
expect_exit 0 "query --limit 1" -- "$RULEGAP" query "$SSH" --where "any 0.0.0.0/0 -> 131.159.14.0/22" --limit 1
expect_grep "$TMP/out" '^ +\.\.\. and [0-9]+ more$' "'... and K more' past the limit"
expect_exit 0 "query json --limit 1" -- "$RULEGAP" query "$SSH" --where "any 0.0.0.0/0 -> 131.159.14.0/22" --limit 1 --format json
expect_grep "$TMP/out" '"truncated": true' "JSON says truncated"

# Standard input; every packet of both families without --where.
expect_exit 0 "query - (stdin)" -- bash -c "\"$RULEGAP\" query - --verdict reject < \"$SSH\""
expect_grep "$TMP/out" '^REJECT +<stdin>:9 ' "stdin is named <stdin>"
expect_grep "$TMP/out" '^query +every packet \(IPv4 and IPv6\)$' "no --where: every packet"

# Bad input: the column of the offending word, exit 2.
expect_exit 2 "bad prefix length" -- "$RULEGAP" query "$SSH" --where "tcp any -> 10.0.0.0/33:22"
expect_grep "$TMP/err" '^--where:1:21: error: prefix length' "error at the prefix length's column"
expect_exit 2 "no arrow" -- "$RULEGAP" query "$SSH" --where "tcp 10.0.0.1 10.0.0.2"
expect_grep "$TMP/err" "^--where:1:14: error: expected '->'" "error at the missing arrow"
expect_exit 2 "empty --where" -- "$RULEGAP" query "$SSH" --where ""
expect_exit 2 "bad --verdict" -- "$RULEGAP" query "$SSH" --verdict maybe
expect_exit 2 "FORWARD on Windows" -- "$RULEGAP" query "$REPO/examples/mps-datacenter/sql.wfw" --hook FORWARD
expect_exit 2 "missing file" -- "$RULEGAP" query "$TMP/nope.rules"
printf '*filter\n:FORWARD DROP [0:0]\n-A FORWARD -p tcp --dport 99999 -j ACCEPT\nCOMMIT\n' > "$TMP/bad.rules"
expect_exit 2 "ruleset with an error" -- "$RULEGAP" query "$TMP/bad.rules" --where "tcp"
expect_grep "$TMP/err" 'bad\.rules:3:[0-9]+: error' "its error as file:line:column"
# A diagram past --max-nodes: a one-line error naming the file and hook, exit 2.
expect_exit 2 "query --max-nodes 100" -- "$RULEGAP" query "$SSH" --max-nodes 100
expect_grep "$TMP/err" "^rulegap query: error: .*ssh\.rules: hook FORWARD: the decision diagram grew past 100 nodes and edges; narrow" \
  "the limit is an error naming file, hook and limit"
expect_exit 0 "query under the default limit" -- "$RULEGAP" query "$SSH"

expect_exit 0 "query --help" -- "$RULEGAP" query --help
expect_grep "$TMP/out" '^Exit status: 0' "help ends with the exit statuses"
finish
