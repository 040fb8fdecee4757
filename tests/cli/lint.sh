#!/usr/bin/env bash
# rulegap lint: summary, unmodelled constructs, exit codes.
source "$(dirname "$0")/lib.sh"
EX=$REPO/examples/explain

expect_exit 0 "lint example" -- "$RULEGAP" lint "$EX/perimeter.rules"
expect_grep "$TMP/out" "3 tables, 13 chains, 27 rules" "counts tables, chains and rules"
expect_grep "$TMP/out" "limit" "lists the limit matches as unmodelled"
expect_grep "$TMP/out" "recent" "lists the recent match as unmodelled"
expect_exit 0 "lint json" -- "$RULEGAP" lint "$EX/perimeter.rules" --format json
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["rules"]==27 and o["errors"]==0 and o["unmodelled_by_module"]["limit"]==2 and o["unmodelled_by_module"]["recent"]==1, o' "$TMP/out" \
  && pass "json counts" || fail "json counts"
printf '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.300 -j DROP\n' > "$TMP/bad.rules"
expect_exit 2 "lint bad file" -- "$RULEGAP" lint "$TMP/bad.rules"
expect_grep "$TMP/err" "bad.rules:3:[0-9]+: error: " "error has file:line:column"
# An unreadable rule counts once, as "unparsed" (not also as a target with no name); an unknown
# target of a readable rule counts as that target.
printf '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --frobnicate 3 -j ACCEPT\n-A INPUT -j FOOBAR\nCOMMIT\n' > "$TMP/unread.rules"
expect_exit 2 "lint unreadable rule" -- "$RULEGAP" lint "$TMP/unread.rules" --format json
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); m=o["unmodelled_by_module"]; assert m=={"target FOOBAR":1,"unparsed":1} and o["unmodelled"]==2, o' "$TMP/out" \
  && pass "unreadable rule counted once" || fail "unreadable rule counted once"
finish
