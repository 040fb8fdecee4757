# Progress on long work: on a terminal, a check that runs over a second shows one updating line
# on standard error ("rulegap: checking requirement 1 of 1: ...", redrawn with \r and wiped at
# the end); never when standard error is not a terminal (CI logs, files), never with --quiet.
# The terminal is a pseudo-terminal from util-linux's script(1).
source "$(dirname "$0")/lib.sh"
command -v script >/dev/null || { echo "SKIP: script(1) (util-linux) is not installed"; exit 77; }

# A site whose check takes over a second: 10,000 undecided mac accepts before the required one.
python3 - "$TMP" <<'PY'
import sys
d = sys.argv[1]
with open(f"{d}/mac.rules", "w") as f:
    f.write("*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n")
    for i in range(10000):
        f.write(f"-A INPUT -m mac --mac-source 02:00:00:00:{i >> 8:02x}:{i & 255:02x} -j ACCEPT\n")
    f.write("-A INPUT -s 10.1.0.0/24 -p tcp --dport 443 -j ACCEPT\nCOMMIT\n")
with open(f"{d}/mac.site", "w") as f:
    f.write('site "mac"\ncatalog "web.catalog"\nrole "Clients" = 10.1.0.0/24\nrole "Web" = 10.0.0.5\n'
            'firewall "mac.rules" on "Web"\n')
PY
cp "$REPO/tests/fixtures/site/assume/web.catalog" "$TMP/"

# on_terminal OUTPUT ARGS...: the check with its standard error on a pseudo-terminal; what the
# terminal showed goes to OUTPUT (the report goes to a file).
on_terminal() {
  local out=$1; shift
  script -qec "$(printf '%q ' "$RULEGAP" check "$TMP/mac.site" --format json --output "$TMP/report.json" "$@")" /dev/null >"$out" 2>&1
}
start=$(date +%s.%N)
on_terminal "$TMP/tty.txt"
secs=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo "?")
if grep -q $'\rrulegap: checking requirement 1 of 1: web\.' "$TMP/tty.txt" || grep -q $'\rrulegap: check broad' "$TMP/tty.txt"; then
  pass "on a terminal, a check of over a second shows what it is doing (${secs} s)"
else
  fail "no progress line on the terminal (${secs} s)"; cat -v "$TMP/tty.txt" | head -5
fi
grep -q $'\r\033\[K' "$TMP/tty.txt" && pass "the line is wiped at the end" || fail "the progress line is not wiped"
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$TMP/report.json" && pass "the report is written as usual" \
  || fail "no report beside the progress line"

on_terminal "$TMP/quiet.txt" --quiet
grep -q "rulegap: check" "$TMP/quiet.txt" && fail "--quiet still shows progress" || pass "--quiet shows no progress line"

"$RULEGAP" check "$TMP/mac.site" --format json --output "$TMP/report.json" 2>"$TMP/piped.err"
if grep -q "rulegap: check" "$TMP/piped.err" || grep -q $'\r' "$TMP/piped.err"; then
  fail "progress went to a standard error that is not a terminal"; cat -v "$TMP/piped.err" | head -3
else
  pass "no progress line when standard error is not a terminal (a CI log)"
fi
finish
