#!/usr/bin/env bash
# Every iptables file under examples/ loads with the kernel's own parser (iptables-restore --test,
# in a fresh network namespace), and reads in rulegap without an error.
set -u
BIN=$1; REPO=$2
command -v iptables-restore >/dev/null || { echo "SKIP: iptables-restore is not installed"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root for unshare -n"; exit 77; }
unshare -n true 2>/dev/null || { echo "SKIP: cannot create a network namespace here"; exit 77; }
fails=0; n=0
while IFS= read -r f; do
  n=$((n + 1))
  if ! out=$(unshare -n iptables-restore --test "$f" 2>&1); then echo "FAIL: iptables-restore --test $f: $out"; fails=$((fails + 1)); fi
  if ! "$BIN" lint "$f" >/dev/null 2>&1; then echo "FAIL: rulegap lint $f"; fails=$((fails + 1)); fi
done < <(find "$REPO/examples" -name '*.rules' | sort)
[ $n -gt 0 ] || { echo "FAIL: no example rulesets found"; exit 1; }
[ $fails -eq 0 ] || exit 1
echo "ok: $n example rulesets load in iptables-restore --test and in rulegap"
