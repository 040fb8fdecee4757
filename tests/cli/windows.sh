#!/usr/bin/env bash
# rulegap explain / lint on Windows Firewall exports (the demo's GPO report and .reg).
source "$(dirname "$0")/lib.sh"
EX=$REPO/examples/mps-datacenter

# GPO report XML: the RPC range comes from --rpc; the trace lists the lower-precedence match.
expect_exit 0 "explain GPO XML" -- "$RULEGAP" explain "$EX/pe-gpo.xml" --direction in --rpc 1025-5000 --packet "tcp 10.1.0.7:50000 -> 10.2.0.10:1119"
expect_grep "$TMP/out" "^verdict +ACCEPT by .*pe-gpo.xml:40" "LPort=RPC with --rpc 1025-5000 admits 1119"
expect_grep "$TMP/out" "also matches \(allow\): the allow rule at line 40 decides first" "every matching rule listed, with why the winner won"
expect_exit 0 "explain GPO XML, default RPC range" -- "$RULEGAP" explain "$EX/pe-gpo.xml" --packet "tcp 10.1.0.7:50000 -> 10.2.0.10:3000" --format json
expect_grep "$TMP/out" '"verdict":"drop".*"policy":true' "3000 is outside the default RPC range 49152-65535: profile default blocks"
expect_exit 0 "explain GPO XML, other source" -- "$RULEGAP" explain "$EX/pe-gpo.xml" --packet "tcp 10.9.0.7:50000 -> 10.2.0.10:135" --format json
expect_grep "$TMP/out" '"verdict":"drop"' "RA4 scope respected"

# .reg (UTF-16LE): a disabled rule does not open NTP; LocalSubnet unbound makes SMB from the
# server subnet unknown, never allowed; the client subnet is listed explicitly and is allowed.
expect_exit 0 "explain .reg" -- "$RULEGAP" explain "$EX/dc.reg" --packets /dev/stdin --format json <<'P'
udp 10.2.0.10:50000 -> 10.2.1.5:123
tcp 10.2.0.10:50000 -> 10.2.1.5:445
tcp 10.1.0.9:50000 -> 10.2.1.5:445
tcp 10.1.0.9:50000 -> 10.2.1.5:135 [state established]
P
got=$(python3 -c 'import json,sys; print(" ".join(json.loads(l)["verdict"] for l in open(sys.argv[1])))' "$TMP/out")
[ "$got" = "drop unknown accept accept" ] && pass ".reg verdicts ($got)" || fail ".reg verdicts: $got"
expect_grep "$TMP/out" 'LocalSubnet' "unknown names the unbound keyword"
expect_grep "$TMP/out" '"rule":\{[^}]*"id":"\{3B1E0C57-6A42-4B8E-9C1D-2F4A6E7D8B03\}"' "JSON rule carries the Windows rule id"
expect_exit 0 "explain outbound" -- "$RULEGAP" explain "$EX/dc.reg" --direction out --packet "tcp 10.2.1.5:50000 -> 10.9.9.9:443" --format json
expect_grep "$TMP/out" '"verdict":"accept".*"policy":true' "outbound default allow"

expect_exit 0 "lint .reg" -- "$RULEGAP" lint "$EX/dc.reg"
expect_grep "$TMP/out" "dc.reg: Windows Firewall \(reg\), 7 rules read: 1 disabled" "lint names the form, counts rules and disabled ones"
expect_grep "$TMP/out" "^  inbound +6 +0 +0$" "lint counts enabled rules per direction and profile (domain, private, public)"
expect_grep "$TMP/out" "^  outbound +0 +0 +0$" "no outbound rules"
expect_grep "$TMP/out" "domain profile default: block inbound \(.*dc.reg:5\)" "lint says the defaults in Windows words, at their line"
grep -q "table.*chains" "$TMP/out" && fail "lint on a Windows file speaks of tables and chains" || pass "no tables and chains for a Windows file"
expect_exit 0 "explain .reg, default" -- "$RULEGAP" explain "$EX/dc.reg" --packet "udp 10.2.0.10:50000 -> 10.2.1.5:123"
expect_grep "$TMP/out" "^verdict +DROP by the domain profile default: block inbound \(.*dc.reg:5\)$" "the profile default is named in Windows words at its line"
# A .wfw hive has no lines: its rules are named by their rule id, its settings by their value.
expect_exit 0 "explain .wfw" -- "$RULEGAP" explain "$EX/sql.wfw" --packet "tcp 10.2.0.10:50000 -> 10.4.0.10:1433"
expect_grep "$TMP/out" "^verdict +ACCEPT by .*sql.wfw\[\{5A1D0001-7C2E-4B1F-9A3D-00000000143F\}\] " "a hive's rule is named by its id"
grep -q "sql.wfw:0" "$TMP/out" && fail "a hive rule at line 0" || pass "no line 0"
expect_exit 0 "explain .wfw, default" -- "$RULEGAP" explain "$EX/sql.wfw" --packet "tcp 10.2.0.10:50000 -> 10.4.0.10:22" --format json
expect_grep "$TMP/out" '"verdict":"drop".*"name":"DomainProfile\\\\DefaultInboundAction"' "the default is named by its value in the hive"
# Rule strings without profile settings: the assumed default is said.
expect_exit 0 "explain rule strings, default" -- "$RULEGAP" explain "$EX/web-rules.txt" --packet "tcp 10.2.0.10:50000 -> 10.3.0.10:22"
expect_grep "$TMP/out" "^verdict +DROP by the domain profile default: block inbound \(assumed: the export has no domain profile settings; the \[MS-FASP\] default\)" "the assumed default is said"
# A run of rules with the same outcome says it once.
printf 'v2.30|Action=Allow|Active=TRUE|Dir=Out|App=C:\\a%s.exe|Name=app %s|\n' 1 1 2 2 3 3 4 4 > "$TMP/apps.txt"
expect_exit 0 "explain, many program rules" -- "$RULEGAP" explain "$TMP/apps.txt" --direction out --packet "tcp 10.0.0.1:50000 -> 8.8.8.8:443"
n=$(grep -c -- "-> undecided: program" "$TMP/out")
[ "$n" = 1 ] && pass "four undecided rules, the outcome said once" || fail "the outcome said $n times"
expect_grep "$TMP/out" "undecided: program   \(each of the 4 rules above\)" "and for how many rules"
# A rule scoped to a program opens the flow for that program only: unknown, saying so.
expect_exit 0 "program-scoped rule" -- "$RULEGAP" explain "$EX/web-rules.txt" --packet "tcp 10.2.0.10:50000 -> 10.3.0.10:135"
expect_grep "$TMP/out" '^verdict +UNKNOWN \(allowed only for program .*svchost.exe service RpcSs\)' "verdict says allowed only for the program"
expect_exit 2 "bad profile" -- "$RULEGAP" explain "$EX/dc.reg" --profile office --packet "tcp 10.1.0.9:1 -> 10.2.1.5:135"
expect_exit 2 "bad direction" -- "$RULEGAP" explain "$EX/dc.reg" --direction sideways --packet "tcp 10.1.0.9:1 -> 10.2.1.5:135"
expect_exit 2 "FORWARD on Windows" -- "$RULEGAP" explain "$EX/dc.reg" --hook FORWARD --packet "tcp 10.1.0.9:1 -> 10.2.1.5:135"
expect_exit 2 "bad rpc range" -- "$RULEGAP" explain "$EX/pe-gpo.xml" --rpc 5000-1000 --packet "tcp 10.1.0.9:1 -> 10.2.1.5:135"
# Two stores of one host: a Group Policy export (Domain: AllowLocalPolicyMerge=0, Public: 1) and
# the local store, combined with --also. The local allow rule for 8080 decides alone, not when
# Group Policy leaves local rules out; a GP block beats a local allow.
M=$REPO/tests/fixtures/windows/merge
WEB="tcp 10.1.0.9:50000 -> 10.2.1.5:8080"
expect_exit 0 "local store alone" -- "$RULEGAP" explain "$M/dc-local.reg" --packet "$WEB" --format json
expect_grep "$TMP/out" '"verdict":"accept".*"id":"\{9D2E0B20-0000-4000-8000-000000000001\}"' "the local allow rule decides"
expect_exit 0 "GPO + local, domain" -- "$RULEGAP" explain "$M/dc-gpo.reg" --also "$M/dc-local.reg" --packet "$WEB" --format json -v
expect_grep "$TMP/out" '"verdict":"drop","rule":null,"policy":true' "AllowLocalPolicyMerge=0: the local rule is not enforced"
expect_grep "$TMP/err" 'dc-gpo.reg:[0-9]+:1: note: AllowLocalPolicyMerge is false for the domain profile \(Group Policy\): 2 local-store rules for this profile not enforced' "a note counts the local rules left out"
expect_grep "$TMP/err" 'AllowLocalPolicyMerge=true in the local store is ignored' "the local AllowLocalPolicyMerge is ignored, with a note"
expect_exit 0 "GPO + local, public" -- "$RULEGAP" explain "$M/dc-gpo.reg" --also "$M/dc-local.reg" --profile public --packets /dev/stdin --format json <<'P'
tcp 10.1.0.9:50000 -> 10.2.1.5:8080
tcp 10.1.0.9:50000 -> 10.2.1.5:8081
P
got=$(python3 -c 'import json,sys; print(" ".join(json.loads(l)["verdict"] for l in open(sys.argv[1])))' "$TMP/out")
[ "$got" = "accept drop" ] && pass "public merges: local allow applies, GP block beats local allow ($got)" || fail "public verdicts: $got"
expect_exit 0 "GP block over local allow, text" -- "$RULEGAP" explain "$M/dc-gpo.reg" --also "$M/dc-local.reg" --profile public --packet "tcp 10.1.0.9:50000 -> 10.2.1.5:8081"
expect_grep "$TMP/out" '^hook .*dc-gpo.reg \+ .*dc-local.reg, Windows' "the combined policy names both files"
expect_grep "$TMP/out" '^verdict +DROP by .*merge/dc-gpo.reg:23 ' "the deciding GP rule is named by its own file and line"
expect_grep "$TMP/out" 'merge/dc-local.reg:21 +Local admin console' "the local allow is traced with its own file and line"
expect_grep "$TMP/out" 'the block rule at .*merge/dc-gpo.reg:23 decides first' "why the GP block wins names its file"
expect_grep "$TMP/out" 'also matches \(allow\): the block rule' "and why the GP block wins"
expect_exit 0 "GPO report + local rule strings" -- "$RULEGAP" explain "$M/dc-gpo.xml" --also "$M/local-rules.txt" --packet "$WEB" --format json
expect_grep "$TMP/out" '"verdict":"drop"' "GPO XML AllowLocalPolicyMerge=false leaves the rule strings out"
expect_exit 0 "lint combined" -- "$RULEGAP" lint "$M/dc-gpo.reg" --also "$M/dc-local.reg"
expect_grep "$TMP/out" 'dc-gpo.reg \+ .*dc-local.reg: Windows Firewall' "lint reads both as one policy"
expect_grep "$TMP/out" '^profile domain: 2 rules in force \(2 inbound, 0 outbound\); domain profile default: block inbound \(.*dc-gpo.reg:11\)' "lint: the GP rules in force (local ones left out), the GP default at its line"
expect_grep "$TMP/out" 'note: 2 exports of one host combined into one policy' "lint says what was combined"
expect_exit 2 "--also on iptables" -- "$RULEGAP" explain "$EX/perimeter.rules" --also "$M/dc-local.reg" --packet "$WEB"
expect_grep "$TMP/err" 'combines Windows Firewall exports' "iptables takes exactly one FILE"
expect_exit 2 "--also not a Windows export" -- "$RULEGAP" explain "$M/dc-gpo.reg" --also "$EX/perimeter.rules" --packet "$WEB"
expect_exit 2 "--also unreadable" -- "$RULEGAP" lint "$M/dc-gpo.reg" --also "$M/nope.wfw"
# rulegap check on a site whose Windows host names both stores.
expect_exit 1 "check: site with a GPO and a local store" -- "$RULEGAP" check "$M/site.conf" --catalog "$M/merge.catalog" --no-broad --format json
got=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(" ".join(sorted(f["id"] + "@" + f["rule"]["file"].split("/")[-1] + ":" + str(f["rule"]["line"]) for f in r["findings"] if f["id"].startswith("blocked"))))' "$TMP/out")
[ "$got" = "blocked/merge.t1.r2/dc@dc-gpo.reg:23 blocked/merge.t1.r3/dc@dc-gpo.reg:11" ] &&
    pass "check: the GP block names its file and line; the local-only flow is blocked by the GP default, at its DefaultInboundAction line" ||
    fail "check findings: $got"
# Every protocol is said as such; a disabled allow rule is not offered where a block rule decides
# (enabled, it would still lose to the block rule).
S=$REPO/tests/fixtures/windows/spec
expect_exit 1 "check: all protocols, disabled rule behind a block" -- "$RULEGAP" check "$S/site.conf" --catalog "$S/spec.catalog"
expect_grep "$TMP/out" "admits any port: traffic of all protocols beyond the requirements" "a rule without Protocol admits traffic of all protocols"
expect_grep "$TMP/out" "destination ports \(0-65535\), all protocols$" "and the detail says all protocols"
grep -q "disabled rule" "$TMP/out" && fail "a disabled allow rule offered where a block rule decides" || pass "no disabled rule offered against a block rule"
finish
