#!/usr/bin/env bash
# One million rules: read and explained within bounded time and memory. Slow under sanitizers
# (scripts/sanitize.sh leaves it out).
source "$(dirname "$0")/../cli/lib.sh"
python3 - "$TMP/million.rules" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("*filter\n:INPUT DROP [0:0]\n")
    for i in range(1000000):
        f.write(f"-A INPUT -s 10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}/32 -p tcp --dport {i % 65536} -j ACCEPT\n")
    f.write("COMMIT\n")
PY
TIME=$(command -v /usr/bin/time || true)
start=$(date +%s)
if [ -n "$TIME" ]; then "$TIME" -f '%M' -o "$TMP/rss" "$RULEGAP" lint "$TMP/million.rules" >"$TMP/out" 2>"$TMP/err"; rc=$?
else "$RULEGAP" lint "$TMP/million.rules" >"$TMP/out" 2>"$TMP/err"; rc=$?; fi
took=$(( $(date +%s) - start ))
[ $rc -eq 0 ] && pass "one million rules: read (${took} s)" || fail "one million rules: exit $rc"
expect_grep "$TMP/out" "1000000 rules" "one million rules: all counted"
[ "$took" -lt 300 ] && pass "one million rules: under 300 s" || fail "one million rules: $took s"
if [ -n "$TIME" ]; then kb=$(tail -1 "$TMP/rss")
  [ "$kb" -lt 3145728 ] && pass "one million rules: $kb KiB peak (< 3 GiB)" || fail "one million rules: $kb KiB peak"; fi
expect_exit 0 "one million rules: explain" -- "$RULEGAP" explain "$TMP/million.rules" --hook INPUT --packet "tcp 10.15.66.63:1 -> 10.0.0.2:16959"
expect_grep "$TMP/out" "ACCEPT by .*million.rules:1000002" "one million rules: the last rule decides"
finish
