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
expect_grep "$TMP/out" "bad.rules:3:[0-9]+: error: " "error has file:line:column, on standard output (lint's findings)"
if [ -s "$TMP/err" ]; then fail "lint's findings go to standard output only: stderr has"; sed 's/^/  | /' "$TMP/err"; else pass "nothing on stderr when the file is read"; fi
# Errors about the command itself go to standard error, with nothing on standard output.
expect_exit 2 "lint of a file that does not exist" -- "$RULEGAP" lint "$TMP/absent.rules"
expect_grep "$TMP/err" "absent.rules: error: cannot read" "an unreadable file is an error on stderr"
[ -s "$TMP/out" ] && fail "nothing on stdout when the file cannot be read" || pass "nothing on stdout when the file cannot be read"
expect_exit 2 "lint with an unknown format" -- "$RULEGAP" lint "$TMP/bad.rules" --format yaml
expect_grep "$TMP/err" "unknown format 'yaml'" "a usage error goes to stderr"
[ -s "$TMP/out" ] && fail "nothing on stdout on a usage error" || pass "nothing on stdout on a usage error"
# An unreadable rule counts once, as "unparsed" (not also as a target with no name); an unknown
# target of a readable rule counts as that target.
printf '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --frobnicate 3 -j ACCEPT\n-A INPUT -j FOOBAR\nCOMMIT\n' > "$TMP/unread.rules"
expect_exit 2 "lint unreadable rule" -- "$RULEGAP" lint "$TMP/unread.rules" --format json
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); m=o["unmodelled_by_module"]; assert m=={"target FOOBAR":1,"unparsed":1} and o["unmodelled"]==2, o' "$TMP/out" \
  && pass "unreadable rule counted once" || fail "unreadable rule counted once"
# A file of 1 MiB and more is read (and its constructs counted) on several threads: the same
# counts as on one.
python3 - "$TMP/large.rules" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("*filter\n:INPUT ACCEPT [0:0]\n" + "".join(":c%d - [0:0]\n" % c for c in range(10)))
    for c in range(10):
        for k in range(2400):
            n = c * 2400 + k
            limit = " -m limit --limit 5/s" if n % 10 == 0 else ""
            target = "FOOBAR" if n % 1000 == 999 else "ACCEPT"
            f.write("-A c%d -s 10.%d.%d.0/24 -p tcp -m tcp --dport %d%s -j %s\n" % (c, c, k % 250, 1000 + k, limit, target))
    f.write("COMMIT\n")
PY
for threads in 0 1 2; do
  expect_exit 0 "lint large file, --threads $threads" -- "$RULEGAP" lint "$TMP/large.rules" --format json --threads "$threads"
  python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["rules"]==24000 and o["unmodelled"]==2424 and o["unmodelled_by_module"]=={"limit":2400,"target FOOBAR":24}, {k: o[k] for k in ("rules","unmodelled","unmodelled_by_module")}' "$TMP/out" \
    && pass "large file counts, --threads $threads" || fail "large file counts, --threads $threads"
done
finish
