#!/usr/bin/env bash
# Hostile inputs on the command line: each ends in a located message and exit 2 (or, where the
# input is valid but strange, the right verdict), never a crash, within bounded memory.
source "$(dirname "$0")/../cli/lib.sh"
EX=$REPO/examples/explain
# peak memory in KiB of the last command, when GNU time is there
TIME=$(command -v /usr/bin/time || true)
measure() { if [ -n "$TIME" ]; then "$TIME" -f '%M' -o "$TMP/rss" "$@"; else "$@"; fi; }
rss_below() {   # KIB DESCRIPTION
  [ -z "$TIME" ] && return 0
  local kb; kb=$(tail -1 "$TMP/rss"); [ "$kb" -lt "$1" ] && pass "$2 ($kb KiB)" || fail "$2: $kb KiB"
}

# Truncated: every cut of the example before its last COMMIT.
size=$(wc -c < "$EX/perimeter.rules")
last=$(grep -bo COMMIT "$EX/perimeter.rules" | tail -1 | cut -d: -f1)
bad=0
first=$(grep -bo '^\*' "$EX/perimeter.rules" | head -1 | cut -d: -f1)   # before the first table: comments
for cut in $(seq $((first + 2)) 157 "$last"); do
  head -c "$cut" "$EX/perimeter.rules" > "$TMP/cut.rules"
  tail -c 8 "$TMP/cut.rules" | grep -q 'COMMIT' && continue    # a whole table: a valid file
  "$RULEGAP" lint --input-format iptables "$TMP/cut.rules" >"$TMP/cut.out" 2>"$TMP/cut.err"; rc=$?
  if [ $rc -ne 2 ] || ! grep -Eq 'cut.rules:[0-9]+:[0-9]+: error: ' "$TMP/cut.out"; then   # lint's findings: stdout
    bad=$((bad + 1)); echo "  cut at $cut of $size: exit $rc"; head -3 "$TMP/cut.out" "$TMP/cut.err"; fi
done
[ $bad -eq 0 ] && pass "truncated files: exit 2 with file:line:column" || fail "$bad truncated files"

# Binary garbage, the same bytes every run (seeded), so that a failure can be replayed.
python3 -c 'import random,sys; r=random.Random(20261205); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(65536)))' > "$TMP/garbage.bin"
expect_exit 2 "garbage: refused" -- "$RULEGAP" lint "$TMP/garbage.bin"
expect_grep "$TMP/err" "garbage.bin: error: " "garbage: named in the message"
{ printf '*filter\n:INPUT DROP [0:0]\n'; cat "$TMP/garbage.bin"; } > "$TMP/garbage.rules"
expect_exit 2 "garbage after a header: errors" -- "$RULEGAP" lint --input-format iptables "$TMP/garbage.rules"
expect_grep "$TMP/out" "garbage.rules:[0-9]+:[0-9]+: error: " "garbage after a header: located"

# A line of 10 MB.
python3 - "$TMP/long.rules" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport " + "9" * (10 << 20) + " -j ACCEPT\nCOMMIT\n")
PY
measure "$RULEGAP" lint "$TMP/long.rules" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] && pass "10 MB line: exit 2" || fail "10 MB line: exit $rc"
expect_grep "$TMP/out" "long.rules:3:[0-9]+: error: " "10 MB line: located"   # lint's findings: stdout
rss_below 1048576 "10 MB line: memory bounded"
# Messages quote the token cut to a line (shorten_message), not its 10 MB.
[ "$(cat "$TMP/out" "$TMP/err" | wc -c)" -lt 100000 ] && pass "10 MB line: message is short" || fail "10 MB line: $(cat "$TMP/out" "$TMP/err" | wc -c) bytes of messages"

# Chains that jump in a loop: the verdict is unknown, naming the loop; nothing recurses.
printf '*filter\n:INPUT ACCEPT [0:0]\n:a - [0:0]\n:b - [0:0]\n-A INPUT -j a\n-A a -j b\n-A b -j a\nCOMMIT\n' > "$TMP/loop.rules"
# The kernel refuses such a file: an input error at the rule closing the loop (exit 2), and the
# verdict through it is still given, as unknown.
expect_exit 2 "jump loop: explained, and reported as an input error" -- "$RULEGAP" explain "$TMP/loop.rules" --hook INPUT --packet "tcp 10.0.0.1:1 -> 10.0.0.2:80"
expect_grep "$TMP/err" "loop.rules:7:[0-9]+: error: jump loop: chain b leads back to chain a" "jump loop: located error"
expect_grep "$TMP/out" "UNKNOWN" "jump loop: verdict unknown"
expect_grep "$TMP/out" "loop.rules:7" "jump loop: names the rule closing the loop"
expect_exit 2 "jump loop: lint reports it" -- "$RULEGAP" lint "$TMP/loop.rules"
expect_grep "$TMP/out" "loop.rules:7:[0-9]+: error: jump loop" "jump loop: lint error located"

# 10,000-deep chain nesting.
python3 - "$TMP/deep.rules" <<'PY'
import sys
n = 10000
with open(sys.argv[1], "w") as f:
    f.write("*filter\n:INPUT DROP [0:0]\n" + "".join(f":c{i} - [0:0]\n" for i in range(n)) + "-A INPUT -j c0\n")
    f.write("".join(f"-A c{i} -j c{i+1}\n" for i in range(n - 1)) + f"-A c{n-1} -p tcp --dport 80 -j ACCEPT\nCOMMIT\n")
PY
measure "$RULEGAP" explain "$TMP/deep.rules" --hook INPUT --packet "tcp 10.0.0.1:1 -> 10.0.0.2:80" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 0 ] && pass "10,000-deep nesting: no crash" || fail "10,000-deep nesting: exit $rc"
expect_grep "$TMP/out" "ACCEPT by .*deep.rules:20003" "10,000-deep nesting: decided by the innermost rule"
rss_below 524288 "10,000-deep nesting: memory bounded"

# Size limit (cli: --max-input-size; see README "Security").
if "$RULEGAP" lint --help 2>&1 | grep -q -- --max-input-size; then
  head -c 2097152 /dev/zero | tr '\0' '#' > "$TMP/two-mib.rules"
  expect_exit 2 "over --max-input-size: refused" -- "$RULEGAP" lint --max-input-size 1M "$TMP/two-mib.rules"
  expect_grep "$TMP/err" "two-mib.rules: error: .*limit" "over --max-input-size: says so"
  if truncate -s 1G "$TMP/huge.rules" 2>/dev/null; then    # sparse: no disk, no time
    measure "$RULEGAP" lint "$TMP/huge.rules" >"$TMP/out" 2>"$TMP/err"; rc=$?
    [ $rc -eq 2 ] && pass "1 GB input: refused (exit 2)" || fail "1 GB input: exit $rc"
    expect_grep "$TMP/err" "huge.rules: error: .*256 MiB" "1 GB input: names the default limit"
    rss_below 262144 "1 GB input: not read into memory"
  fi
else
  echo "note: rulegap has no --max-input-size yet; size-limit checks skipped"
fi
finish
