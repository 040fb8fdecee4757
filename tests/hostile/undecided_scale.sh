#!/usr/bin/env bash
# 10,000 undecided matches in one chain (issue 14, section 7): a chain of `-m recent --update`
# drops, each with its own list, and a chain of 10,000 distinct `-m mac --mac-source` accepts.
# lint, explain, query (whole space and --where) and check each end within 10 s and 1 GiB with
# the right answer (unknown without an assumption, decided by the assumption with one), or refuse
# with a clear error and exit 2; never a hang or a crash. Left out under the sanitizers
# (scripts/sanitize.sh): it tests scale, not memory safety.
source "$(dirname "$0")/../cli/lib.sh"
N=10000
SECS=10
KIB=1048576   # 1 GiB

# recent.rules: lines 5..N+4 the recent drops, N+5 opens tcp/22 to all, N+6 https from 10.1.0.0/24.
# mac.rules:    lines 5..N+4 the mac accepts, N+5 https from 10.1.0.0/24. Both: INPUT policy DROP.
python3 - "$TMP" "$N" <<'PY'
import sys
d, n = sys.argv[1], int(sys.argv[2])
head = "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
with open(f"{d}/recent.rules", "w") as f:
    f.write(head)
    for i in range(n):
        f.write(f"-A INPUT -m recent --name r{i} --update --seconds 60 -j DROP\n")
    f.write("-A INPUT -p tcp --dport 22 -j ACCEPT\n")
    f.write("-A INPUT -s 10.1.0.0/24 -p tcp --dport 443 -j ACCEPT\nCOMMIT\n")
with open(f"{d}/mac.rules", "w") as f:
    f.write(head)
    for i in range(n):
        f.write(f"-A INPUT -m mac --mac-source 02:00:00:00:{i >> 8:02x}:{i & 255:02x} -j ACCEPT\n")
    f.write("-A INPUT -s 10.1.0.0/24 -p tcp --dport 443 -j ACCEPT\nCOMMIT\n")
for m in ("recent", "mac"):
    with open(f"{d}/{m}.site", "w") as f:
        f.write(f'site "{m}"\ncatalog "web.catalog"\nrole "Clients" = 10.1.0.0/24\nrole "Web" = 10.0.0.5\n'
                f'firewall "{m}.rules" on "Web"\n')
PY
cp "$REPO/tests/fixtures/site/assume/web.catalog" "$TMP/"   # Clients -> Web, TCP any -> 443
RA=$((N + 5)); RB=$((N + 6)); MA=$((N + 5))

TIME=$(command -v /usr/bin/time || true)
# bounded WANT DESCRIPTION -- command...: within SECS and KIB, exit WANT. Returns 0 when the
# command answered (so the caller checks the answer), 1 otherwise; an exit 2 with a located
# "error:" message is a clear refusal, allowed, and returns 1.
bounded() {
  local want=$1 what=$2; shift 3
  local timer=()
  [ -n "$TIME" ] && timer=("$TIME" -f '%e %M' -o "$TMP/res")
  : > "$TMP/res"
  # 4 GiB of address space at most, so that a runaway cannot take the machine down with it.
  ( ulimit -v 4194304; exec "${timer[@]}" timeout -k 2 "$SECS" "$@" ) >"$TMP/out" 2>"$TMP/err"
  local rc=$? secs="?" kb=0
  [ -n "$TIME" ] && read -r secs kb < <(tail -1 "$TMP/res")
  local figs="${secs} s, ${kb} KiB"
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then fail "$what: still running after $SECS s, killed ($figs)"; return 1; fi
  if [ -n "$TIME" ] && [ "$kb" -ge "$KIB" ]; then fail "$what: peak $kb KiB >= 1 GiB"; return 1; fi
  if [ "$rc" -eq "$want" ]; then pass "$what (exit $rc; $figs)"; return 0; fi
  if [ "$rc" -eq 2 ] && grep -q "error: " "$TMP/err"; then
    pass "$what: refused clearly (exit 2; $figs): $(grep -m1 'error: ' "$TMP/err")"; return 1; fi
  fail "$what: exit $rc, wanted $want ($figs)"; sed 's/^/  stderr: /' "$TMP/err" | head -5
  return 1
}
# json PYTHON-EXPRESSION DESCRIPTION: o is the JSON of the last command's standard output.
json() {
  python3 -c "import json,sys; o=json.load(open(sys.argv[1])); assert $1" "$TMP/out" 2>"$TMP/py" && pass "$2" ||
    { fail "$2"; tail -2 "$TMP/py" | cut -c1-300 | sed 's/^/  /'; }
}
PKT="tcp 198.51.100.7:40000 -> 10.0.0.5:22"   # matched by no ACCEPT of mac.rules, by line N+5 of recent.rules
HTTPS="tcp 10.1.0.7:40000 -> 10.0.0.5:443"

# ---- recent: 10,000 undecided drops before the accepts ----
R=$TMP/recent.rules
bounded 0 "recent: lint" -- "$RULEGAP" lint "$R" &&
  expect_grep "$TMP/out" "^ +$N  recent$" "recent: lint counts $N undecided recent matches"
bounded 0 "recent: explain" -- "$RULEGAP" explain "$R" --hook INPUT --packet "$PKT" &&
  { expect_grep "$TMP/out" "^verdict  UNKNOWN by .*recent.rules:5 " "recent: explain is unknown at the first recent rule"
    expect_grep "$TMP/out" "^reason   recent: " "recent: explain names the recent match as the reason"; }
bounded 0 "recent: explain --assume recent=nomatch" -- "$RULEGAP" explain "$R" --hook INPUT --packet "$PKT" --assume recent=nomatch &&
  { expect_grep "$TMP/out" "^verdict  ACCEPT by .*recent.rules:$RA " "recent=nomatch: the tcp/22 accept decides"
    expect_grep "$TMP/out" "^assumed  recent=nomatch \($N rules\)" "recent=nomatch: touches $N rules"; }
bounded 0 "recent: explain --assume recent=match" -- "$RULEGAP" explain "$R" --hook INPUT --packet "$PKT" --assume recent=match &&
  expect_grep "$TMP/out" "^verdict  DROP by .*recent.rules:5 " "recent=match: the first recent rule drops"
# Whole space: the packets an accept would take are unknown at line 5; the rest the policy drops
# whatever the lists hold; IPv6 is unknown (no ip6tables file).
bounded 0 "recent: query (whole space)" -- "$RULEGAP" query "$R" --hook INPUT --format json &&
  json "[(p['verdict'], (p['rule'] or {}).get('line'), p['policy']) for p in o['parts']] == [('unknown', 5, False), ('drop', None, True), ('unknown', None, False)] and o['parts'][0]['witness'].split(':')[-1].split()[0] in ('22', '443')" \
    "recent: whole space is unknown at line 5 (only where an accept follows), drop by policy elsewhere"
bounded 0 "recent: query --assume recent=nomatch" -- "$RULEGAP" query "$R" --hook INPUT --format json --assume recent=nomatch &&
  json "[(p['verdict'], (p['rule'] or {}).get('line')) for p in o['parts']] == [('accept', $RA), ('accept', $RB), ('drop', None), ('unknown', None)] and o['assumptions'] == [{'module': 'recent', 'value': 'nomatch', 'rules': $N}]" \
    "recent=nomatch: the accepts and the policy decide the whole space"
bounded 0 "recent: query --where" -- "$RULEGAP" query "$R" --hook INPUT --where "tcp any -> 10.0.0.5:22" --format json &&
  json "[(p['verdict'], p['rule']['line']) for p in o['parts']] == [('unknown', 5)] and o['parts'][0]['count'] == o['count']" \
    "recent: every packet of --where is unknown at line 5"
bounded 0 "recent: query --where --assume recent=nomatch" -- "$RULEGAP" query "$R" --hook INPUT --where "tcp any -> 10.0.0.5:22" --format json --assume recent=nomatch &&
  json "[(p['verdict'], p['rule']['line']) for p in o['parts']] == [('accept', $RA)]" "recent=nomatch: --where is accepted by line $RA"
bounded 1 "recent: check" -- "$RULEGAP" check "$TMP/recent.site" --format json &&
  json "o['requirements'][0]['status'] == 'unknown' and any(f['kind'] == 'unknown' and f['rule']['line'] == 5 for f in o['findings']) and any(f['id'] == 'broad/recent/INPUT/$RA' and f['depends_on'] and all(5 <= d['line'] <= $((N + 4)) for d in f['depends_on']) for f in o['findings'])" \
    "recent: check: the https requirement is unknown at line 5, the tcp/22 accept possibly broad"
bounded 1 "recent: check --assume recent=nomatch" -- "$RULEGAP" check "$TMP/recent.site" --format json --assume recent=nomatch &&
  json "o['requirements'][0]['status'] == 'allowed' and any(f['id'] == 'broad/recent/INPUT/$RA' and f['kind'] == 'broad-any' and f['depends_on'] == [] for f in o['findings'])" \
    "recent=nomatch: check: https allowed, the tcp/22 accept definitely broad"

# ---- mac: 10,000 distinct undecided accepts before the https accept ----
M=$TMP/mac.rules
bounded 0 "mac: lint" -- "$RULEGAP" lint "$M" &&
  expect_grep "$TMP/out" "^ +$N  mac$" "mac: lint counts $N undecided mac matches"
bounded 0 "mac: explain" -- "$RULEGAP" explain "$M" --hook INPUT --packet "$PKT" &&
  { expect_grep "$TMP/out" "^verdict  UNKNOWN by .*mac.rules:5 " "mac: explain is unknown at the first mac rule"
    expect_grep "$TMP/out" "^reason   mac: " "mac: explain names the mac match as the reason"; }
bounded 0 "mac: explain https" -- "$RULEGAP" explain "$M" --hook INPUT --packet "$HTTPS" &&
  expect_grep "$TMP/out" "^verdict  ACCEPT " "mac: https from the clients is accepted whatever the mac rules do"
bounded 0 "mac: explain --assume mac=nomatch" -- "$RULEGAP" explain "$M" --hook INPUT --packet "$PKT" --assume mac=nomatch &&
  { expect_grep "$TMP/out" "^verdict  DROP by the policy" "mac=nomatch: the policy drops"
    expect_grep "$TMP/out" "^assumed  mac=nomatch \($N rules\)" "mac=nomatch: touches $N rules"; }
bounded 0 "mac: explain --assume mac=match" -- "$RULEGAP" explain "$M" --hook INPUT --packet "$PKT" --assume mac=match &&
  expect_grep "$TMP/out" "^verdict  ACCEPT by .*mac.rules:5 " "mac=match: the first mac rule accepts"
bounded 0 "mac: query (whole space)" -- "$RULEGAP" query "$M" --hook INPUT --format json &&
  json "[(p['verdict'], (p['rule'] or {}).get('line')) for p in o['parts']] == [('unknown', 5), ('accept', $MA), ('unknown', None)]" \
    "mac: whole space: unknown at line 5 except the https accept"
bounded 0 "mac: query --assume mac=nomatch" -- "$RULEGAP" query "$M" --hook INPUT --format json --assume mac=nomatch &&
  json "[(p['verdict'], (p['rule'] or {}).get('line'), p['policy']) for p in o['parts']] == [('accept', $MA, False), ('drop', None, True), ('unknown', None, False)]" \
    "mac=nomatch: the https accept and the policy decide"
bounded 0 "mac: query --where" -- "$RULEGAP" query "$M" --hook INPUT --where "tcp any -> 10.0.0.5:22" --format json &&
  json "[(p['verdict'], p['rule']['line']) for p in o['parts']] == [('unknown', 5)] and o['parts'][0]['count'] == o['count']" \
    "mac: every packet of --where is unknown at line 5"
bounded 0 "mac: query --where --assume mac=match" -- "$RULEGAP" query "$M" --hook INPUT --where "tcp any -> 10.0.0.5:22" --format json --assume mac=match &&
  json "[(p['verdict'], p['rule']['line']) for p in o['parts']] == [('accept', 5)]" "mac=match: --where is accepted by line 5"
# Each mac rule may admit everything the ones before it leave: more undecided accepting rules
# than the analysis takes one by one, so one finding says so (and names how many matches).
bounded 1 "mac: check" -- "$RULEGAP" check "$TMP/mac.site" --format json &&
  json "o['requirements'][0]['status'] == 'allowed' and [f['id'] for f in o['findings'] if f['id'].startswith('broad/mac/INPUT/')] == ['broad/mac/INPUT/undecided'] and '$N undecided matches' in [f for f in o['findings'] if f['id'] == 'broad/mac/INPUT/undecided'][0]['message']" \
    "mac: check: https allowed, the $N undecided mac accepts reported as one possibly broad finding"
bounded 0 "mac: check --assume mac=nomatch" -- "$RULEGAP" check "$TMP/mac.site" --format json --assume mac=nomatch &&
  json "o['verdict'] == 'PASS' and o['requirements'][0]['status'] == 'allowed'" "mac=nomatch: check passes"
bounded 1 "mac: check --assume mac=match" -- "$RULEGAP" check "$TMP/mac.site" --format json --assume mac=match &&
  json "[f['id'] for f in o['findings'] if f['kind'].startswith('broad')] == ['broad/mac/INPUT/5']" "mac=match: only the first mac rule is broad"

finish
