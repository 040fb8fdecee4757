#!/usr/bin/env bash
# First use: usage, help, a misspelled command, --version after a command, every command's exit
# statuses in its --help, "-" as standard input, and a --packets file with a malformed line.
source "$(dirname "$0")/lib.sh"
EX=$REPO/examples/explain
M=$REPO/examples/mps-datacenter
COMMANDS='explain.*lint.*check|check.*explain.*lint'

# rulegap alone: the usage with the commands, on stderr (a mistake), exit 2.
expect_exit 2 "rulegap alone" -- "$RULEGAP"
tr '\n' ' ' < "$TMP/err" > "$TMP/err1"
expect_grep "$TMP/err" "^Usage: rulegap " "rulegap alone prints the usage"
expect_grep "$TMP/err1" "Commands: +$COMMANDS" "rulegap alone lists the commands"

# rulegap help: the same usage, on stdout, exit 0; rulegap help CMD: that command's help.
expect_exit 0 "rulegap help" -- "$RULEGAP" help
tr '\n' ' ' < "$TMP/out" > "$TMP/out1"
expect_grep "$TMP/out" "^Usage: rulegap " "rulegap help prints the usage"
expect_grep "$TMP/out1" "Commands: +$COMMANDS" "rulegap help lists the commands"
for cmd in explain lint check; do
  expect_exit 0 "rulegap help $cmd" -- "$RULEGAP" help "$cmd"
  expect_grep "$TMP/out" "^Usage: rulegap $cmd " "rulegap help $cmd shows $cmd's usage"
  "$RULEGAP" "$cmd" --help > "$TMP/own" 2>&1
  cmp -s "$TMP/out" "$TMP/own" && pass "rulegap help $cmd is rulegap $cmd --help" \
    || fail "rulegap help $cmd differs from rulegap $cmd --help"
done
expect_exit 2 "rulegap help with a misspelled command" -- "$RULEGAP" help lnit
expect_grep "$TMP/err" "did you mean 'lint'\?" "rulegap help lnit: did you mean lint"

# A misspelled command: an error naming it, "did you mean", the usage; exit 2.
expect_exit 2 "rulegap chek" -- "$RULEGAP" chek
expect_grep "$TMP/err" "^rulegap: error: unknown command 'chek'; did you mean 'check'\?" "chek: did you mean check"
expect_grep "$TMP/err" "^Usage: rulegap " "chek: the usage follows"
expect_exit 2 "rulegap expain" -- "$RULEGAP" expain
expect_grep "$TMP/err" "did you mean 'explain'\?" "expain: did you mean explain"
expect_exit 2 "rulegap lnit" -- "$RULEGAP" lnit
expect_grep "$TMP/err" "did you mean 'lint'\?" "lnit (two letters swapped): did you mean lint"
expect_exit 2 "rulegap frobnicate" -- "$RULEGAP" frobnicate
expect_grep "$TMP/err" "^rulegap: error: unknown command 'frobnicate'$" "nothing near: no suggestion"

# --version, before or after a command.
expect_exit 0 "rulegap --version" -- "$RULEGAP" --version
cp "$TMP/out" "$TMP/version"
expect_grep "$TMP/version" '^rulegap [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"
for cmd in check explain lint; do
  expect_exit 0 "rulegap $cmd --version" -- "$RULEGAP" "$cmd" --version
  cmp -s "$TMP/out" "$TMP/version" && pass "rulegap $cmd --version prints the version" \
    || fail "rulegap $cmd --version printed '$(cat "$TMP/out")'"
done

# Every command's --help ends with its exit statuses: from "Exit status:" to the end, the
# statuses the command has, and nothing else (no other paragraph such as "Findings:" or "Run ...").
for cmd in check explain lint; do
  expect_exit 0 "rulegap $cmd --help" -- "$RULEGAP" "$cmd" --help
  sed -e '/^$/d' "$TMP/out" | sed -n '/^Exit status:/,$p' > "$TMP/tail"
  statuses='0 2'; [ "$cmd" != explain ] && statuses='0 1 2'
  ok=1
  grep -q '^Exit status: 0 ' "$TMP/tail" || ok=0
  for s in $statuses; do grep -Eq "(^|[:;] )$s " "$TMP/tail" || ok=0; done
  [ "$cmd" = explain ] && grep -Eq '[:;] 1 ' "$TMP/tail" && ok=0    # explain never exits 1
  [ "$(grep -Ec '^[A-Z][A-Za-z ]*:|^Run ' "$TMP/tail")" -eq 1 ] || ok=0
  if [ $ok -eq 1 ]; then pass "rulegap $cmd --help ends with its exit statuses"
  else fail "rulegap $cmd --help does not end with its exit statuses"; tail -6 "$TMP/out" | sed 's/^/  | /'; fi
done
expect_exit 0 "rulegap --help" -- "$RULEGAP" --help
expect_grep "$TMP/out" '^Exit status: 0 ' "rulegap --help gives the exit statuses"

# "-" reads standard input: lint and explain, named <stdin>, the format detected.
expect_exit 0 "lint - (iptables on stdin)" -- "$RULEGAP" lint - < "$EX/perimeter.rules"
expect_grep "$TMP/out" '^<stdin>: IPv4, 3 tables, 13 chains, 27 rules' "lint - reads stdin as iptables-save"
expect_grep "$TMP/out" '^<stdin>:32:[0-9]+: warning: ' "lint -: diagnostics name <stdin>"
"$RULEGAP" lint "$EX/perimeter.rules" > "$TMP/file.out" 2>&1
sed 's|^[^:]*perimeter.rules|<stdin>|' "$TMP/file.out" | diff -q - "$TMP/out" >/dev/null \
  && pass "lint - says what lint FILE says" || fail "lint - differs from lint FILE"
expect_exit 0 "lint - (a .wfw hive on stdin, through a pipe)" -- bash -c 'cat "$1" | "$2" lint - --format json' _ "$M/sql.wfw" "$RULEGAP"
python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); assert o["file"]=="<stdin>" and o["family"]==0 and o["rules"]==5, o' "$TMP/out" \
  && pass "a Windows hive on stdin is detected and read" || fail "a Windows hive on stdin"
printf '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.300 -j DROP\nCOMMIT\n' > "$TMP/bad.rules"
expect_exit 2 "lint - with an error" -- "$RULEGAP" lint - < "$TMP/bad.rules"
expect_grep "$TMP/out" '^<stdin>:3:[0-9]+: error: ' "an error on stdin is located as <stdin>:line:column"
expect_exit 2 "lint - over --max-input-size" -- "$RULEGAP" lint - --max-input-size 1K < "$EX/perimeter.rules"
expect_grep "$TMP/err" '^<stdin>: error: cannot read: input is over the 1 KiB limit' "stdin is bounded by --max-input-size"
expect_exit 2 "lint - over --max-input-size, through a pipe" -- bash -c 'cat "$1" "$1" | "$2" lint - --max-input-size 2K' _ "$EX/perimeter.rules" "$RULEGAP"
expect_grep "$TMP/err" '^<stdin>: error: cannot read: input is over the 2 KiB limit' "a pipe is bounded by --max-input-size"
PKT="tcp 10.1.0.2:4001 -> 10.2.0.2:22 [in eth0] [out eth1]"
"$RULEGAP" explain "$EX/perimeter.rules" --packet "$PKT" > "$TMP/file.out" 2>/dev/null
expect_exit 0 "explain - (iptables on stdin)" -- "$RULEGAP" explain - --packet "$PKT" < "$EX/perimeter.rules"
expect_grep "$TMP/out" '^hook +FORWARD \(<stdin>, IPv4\)' "explain - names <stdin>"
sed 's|[^ (]*perimeter.rules|<stdin>|g' "$TMP/file.out" | diff -q -b - "$TMP/out" >/dev/null \
  && pass "explain - answers as explain FILE" || fail "explain - differs from explain FILE"
expect_exit 0 "explain --packets - (packets on stdin)" -- "$RULEGAP" explain "$EX/perimeter.rules" --packets - --format json < "$EX/packets.txt"
"$RULEGAP" explain "$EX/perimeter.rules" --packets "$EX/packets.txt" --format json > "$TMP/file.out"
cmp -s "$TMP/out" "$TMP/file.out" && pass "--packets - answers as --packets FILE" || fail "--packets - differs from --packets FILE"
expect_exit 2 "standard input twice" -- "$RULEGAP" explain - --packets - < "$EX/packets.txt"
expect_grep "$TMP/err" "standard input \(-\) can be read only once" "stdin can be read only once"

# One malformed line in --packets: reported at its line and column, the others answered, exit 2.
cat > "$TMP/packets.txt" <<'EOF'
# three packets, the second unreadable
tcp 10.1.0.2:4001 -> 10.2.0.2:22 [in eth0] [out eth1]

  tcp 10.1.0.2:4001 -> 10.2.0.300:22 [in eth0] [out eth1]
udp 10.1.0.2:4001 -> 10.2.0.2:53 [in eth0] [out eth1]
EOF
expect_exit 2 "--packets with a malformed line" -- "$RULEGAP" explain "$EX/perimeter.rules" --packets "$TMP/packets.txt" --format json
expect_grep "$TMP/err" "packets.txt:4:[0-9]+: error: " "the malformed line is located (file:line:column)"
python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["packet"] for r in rows] == ["tcp 10.1.0.2:4001 -> 10.2.0.2:22 [in eth0] [out eth1]",
                                       "udp 10.1.0.2:4001 -> 10.2.0.2:53 [in eth0] [out eth1]"], rows
assert all(r["verdict"] in ("accept", "drop", "reject", "unknown") for r in rows), rows
' "$TMP/out" && pass "the other packets are still answered, in order" || fail "the other packets are not answered"
expect_grep "$TMP/err" "1 packet line could not be read" "a closing line counts the unread packet lines"
column=$(grep -Eo 'packets.txt:4:[0-9]+' "$TMP/err" | cut -d: -f3)
[ "${column:-0}" -gt 3 ] && pass "the column counts the line's leading spaces ($column)" || fail "column $column"
expect_exit 2 "--packets with a malformed line, text" -- "$RULEGAP" explain "$EX/perimeter.rules" --packets "$TMP/packets.txt"
[ "$(grep -c '^verdict ' "$TMP/out")" -eq 2 ] && pass "text: two verdicts" || fail "text: $(grep -c '^verdict ' "$TMP/out") verdicts"
finish
