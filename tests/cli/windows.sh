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
expect_grep "$TMP/out" "Windows Firewall .*profile domain" "lint names the form"
# A rule scoped to a program opens the flow for that program only: unknown, saying so.
expect_exit 0 "program-scoped rule" -- "$RULEGAP" explain "$EX/web-rules.txt" --packet "tcp 10.2.0.10:50000 -> 10.3.0.10:135"
expect_grep "$TMP/out" '^verdict +UNKNOWN \(allowed only for program .*svchost.exe service RpcSs\)' "verdict says allowed only for the program"
expect_exit 2 "bad profile" -- "$RULEGAP" explain "$EX/dc.reg" --profile office --packet "tcp 10.1.0.9:1 -> 10.2.1.5:135"
expect_exit 2 "bad direction" -- "$RULEGAP" explain "$EX/dc.reg" --direction sideways --packet "tcp 10.1.0.9:1 -> 10.2.1.5:135"
expect_exit 2 "FORWARD on Windows" -- "$RULEGAP" explain "$EX/dc.reg" --hook FORWARD --packet "tcp 10.1.0.9:1 -> 10.2.1.5:135"
expect_exit 2 "bad rpc range" -- "$RULEGAP" explain "$EX/pe-gpo.xml" --rpc 5000-1000 --packet "tcp 10.1.0.9:1 -> 10.2.1.5:135"
finish
