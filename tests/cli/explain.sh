#!/usr/bin/env bash
# rulegap explain: the contract of issue #2 §5 on the example ruleset.
source "$(dirname "$0")/lib.sh"
EX=$REPO/examples/explain

expect_exit 0 "explain --packets json" -- "$RULEGAP" explain "$EX/perimeter.rules" --hook FORWARD --packets "$EX/packets.txt" --format json
cp "$TMP/out" "$TMP/lines"
n=$(grep -c '^{' "$TMP/lines")
want=$(grep -cv -e '^#' -e '^[[:space:]]*$' "$EX/packets.txt")
[ "$n" -eq "$want" ] && pass "one JSON object per packet ($n)" || fail "got $n JSON lines for $want packets"

# Verdicts, in input order, with the deciding line (0 = chain policy) — worked out by hand from
# the ruleset's comments; see examples/explain/packets.txt.
expected="accept 38
drop 0
unknown 42
accept 48
reject 45
accept 36
reject 46
accept 30
unknown 29"
got=$(python3 - "$TMP/lines" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    o = json.loads(line)
    keys = {"packet", "verdict", "rule", "policy", "trace", "reason"}
    assert keys <= set(o), f"missing keys: {keys - set(o)}"
    for step in o["trace"]:
        assert {"table", "chain", "line", "text", "action"} <= set(step), step
    if o["rule"] is not None:
        assert {"file", "line", "table", "chain", "text"} <= set(o["rule"]), o["rule"]
        assert o["policy"] is False
    print(o["verdict"], o["rule"]["line"] if o["rule"] else 0)
PY
)
if [ "$got" = "$expected" ]; then pass "verdicts and deciding lines"; else
  fail "verdicts differ"; diff <(echo "$expected") <(echo "$got") | sed 's/^/  /'; fi

# The policy decision says so; unknown verdicts carry a reason naming the module and the rule.
expect_grep "$TMP/lines" '"packet":"tcp 10.1.0.20:4001 -> 10.2.1.5:1025.*"policy":true' "policy verdict flagged"
expect_grep "$TMP/lines" '"verdict":"unknown".*"reason":"[^"]*recent' "unknown names the recent module"

# Text output: a trace a person reads, with the deciding rule marked.
expect_exit 0 "explain text" -- "$RULEGAP" explain "$EX/perimeter.rules" --packet "tcp 10.1.0.20:4001 -> 10.2.1.5:135 [in eth0] [out eth1]"
expect_grep "$TMP/out" '^verdict +ACCEPT by .*perimeter.rules:38' "text verdict line"
expect_grep "$TMP/out" 'goto clients-to-dc' "text shows the goto"
expect_grep "$TMP/out" '<== decides' "text marks the deciding rule"

# Bad input: file:line:column, exit 2.
printf 'tcp 10.1.0.2:1 -> 10.2.0.2:2\n# fine\ntcp 10.1.0.2 -> 10.2.0.2:99999\n' > "$TMP/bad-packets.txt"
expect_exit 2 "bad packet line" -- "$RULEGAP" explain "$EX/perimeter.rules" --packets "$TMP/bad-packets.txt"
expect_grep "$TMP/err" "bad-packets.txt:3:[0-9]+: error: " "bad packet located as file:line:column"
expect_exit 2 "bad --packet" -- "$RULEGAP" explain "$EX/perimeter.rules" --packet "tcp 10.1.0.2:1 => 10.2.0.2:2"
expect_grep "$TMP/err" "^--packet:1:[0-9]+: error: " "bad --packet located"
expect_exit 2 "missing file" -- "$RULEGAP" explain "$TMP/nope.rules" --packet "tcp 10.1.0.2:1 -> 10.2.0.2:2"
expect_exit 2 "unknown hook" -- "$RULEGAP" explain "$EX/perimeter.rules" --hook SIDEWAYS --packet "tcp 10.1.0.2:1 -> 10.2.0.2:2"
expect_exit 2 "no packet" -- "$RULEGAP" explain "$EX/perimeter.rules"
expect_exit 2 "unknown option" -- "$RULEGAP" explain "$EX/perimeter.rules" --frobnicate
printf 'just some words\n' > "$TMP/prose.txt"
expect_exit 2 "undetectable format" -- "$RULEGAP" explain "$TMP/prose.txt" --packet "tcp 10.1.0.2:1 -> 10.2.0.2:2"
expect_exit 0 "--help" -- "$RULEGAP" explain --help
expect_grep "$TMP/out" "Packet syntax" "help explains the packet syntax"

# A ruleset with an unreadable line: still answers, that line's verdicts are unknown, exit 2.
printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A FORWARD -p tcp --dport 80:7x -j DROP\nCOMMIT\n' > "$TMP/broken.rules"
expect_exit 2 "unreadable rule" -- "$RULEGAP" explain "$TMP/broken.rules" --packet "tcp 10.1.0.2:1 -> 10.2.0.2:80" --format json
expect_grep "$TMP/err" "broken.rules:5:[0-9]+: error: " "unreadable rule located"
expect_grep "$TMP/out" '"verdict":"unknown"' "unreadable rule makes the verdict unknown"
finish
