#!/usr/bin/env bash
# Kernel differential test: the Linux kernel is rulegap's ground truth for iptables.
#
#   bash tests/system/kernel_diff.sh <rulegap-binary> <repo-root>
#
# Builds client -- router -- server network namespaces (veth pairs, IPv4 and IPv6), loads each
# ruleset into the router with iptables-restore, sends real TCP segments (SYN, or other flags:
# a SYN-ACK is INVALID to conntrack), UDP datagrams and ICMP echo/timestamp requests from the
# client, records what the kernel did with each (arrived at the server, under its own or a
# DNAT-rewritten destination: accept; RST or ICMP unreachable back from the router: reject;
# nothing: drop), and compares with `rulegap explain --hook FORWARD`. Rulesets: the hand-written
# tests/system/kernel/fixtures/*.rules (with their .packets lists) and seeded random ones
# (tests/system/kernel/gen_rules.py: filter, and raw NOTRACK / CT --notrack / state matches,
# nat PREROUTING DNAT). Traffic never leaves the test's own namespaces. The default run takes
# about a minute; a larger one: KDIFF_SEEDS=1-800 KDIFF_SEEDS6=1-200 (about 8 minutes).
#
# Exit 0: kernel and rulegap agree on every probe; 1: they disagree (each case printed with the
# ruleset, the packet, both verdicts and rulegap's trace) or the harness failed; 77: skipped.
# Environment: KDIFF_SEEDS / KDIFF_SEEDS6 (default 1-60 / 1-20; empty: none), KDIFF_PROBES (default 30),
# KDIFF_KERNEL_ONLY=1 records the kernel's verdicts without running rulegap, KDIFF_EXTRA adds
# kdiff.py options (--verbose, --only FIXTURE...).
set -u

rulegap=${1:-}
root=${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
here="$root/tests/system/kernel"

skip() { echo "SKIP: $*"; exit 77; }

[[ $(id -u) -eq 0 ]] || skip "kernel_diff needs root (network namespaces)"
for tool in ip iptables-restore conntrack python3; do
  command -v "$tool" >/dev/null 2>&1 || skip "kernel_diff needs $tool"
done
if [[ ${KDIFF_KERNEL_ONLY:-0} != 1 && ! -x $rulegap ]]; then
  echo "FAIL: rulegap binary '$rulegap' not found"
  exit 1
fi

tag="rgkd$$"
ns_c="$tag-client" ns_r="$tag-router" ns_s="$tag-server"
workdir=$(mktemp -d "${TMPDIR:-/tmp}/kernel_diff.XXXXXX")
cleanup() {
  for ns in "$ns_c" "$ns_r" "$ns_s"; do
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

for ns in "$ns_c" "$ns_r" "$ns_s"; do
  ip netns add "$ns" 2>/dev/null || skip "ip netns add failed (no permission for network namespaces?)"
done

# Which iptables backend works in a namespace: the default one (usually nf_tables), else legacy.
probe_rules=$'*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -p tcp -m multiport --dports 1,2 -j REJECT --reject-with tcp-reset\nCOMMIT\n'
restore="" restore6=""
for candidate in iptables-restore iptables-nft-restore iptables-legacy-restore; do
  command -v "$candidate" >/dev/null 2>&1 || continue
  if ip netns exec "$ns_r" "$candidate" <<<"$probe_rules" >/dev/null 2>&1; then
    restore=$candidate
    break
  fi
done
[[ -n $restore ]] || skip "no iptables-restore backend works in a network namespace here"
candidate6=${restore/iptables/ip6tables}
if command -v "$candidate6" >/dev/null 2>&1 &&
   ip netns exec "$ns_r" "$candidate6" <<<"$probe_rules" >/dev/null 2>&1; then
  restore6=$candidate6
fi
echo "kernel_diff: using $("$restore" --version 2>&1 | head -n1)${restore6:+ and $restore6}"

args=(--ns "$ns_c" "$ns_r" "$ns_s" --restore "$restore" --fixtures "$here/fixtures"
      --seeds "${KDIFF_SEEDS-1-60}" --seeds6 "${KDIFF_SEEDS6-1-20}"
      --probes "${KDIFF_PROBES-30}" --workdir "$workdir")
[[ -n $restore6 ]] && args+=(--restore6 "$restore6")
if [[ ${KDIFF_KERNEL_ONLY:-0} == 1 ]]; then
  args+=(--kernel-only)
else
  args+=(--rulegap "$rulegap")
fi
# shellcheck disable=SC2086  # KDIFF_EXTRA: more kdiff.py options, e.g. --verbose, --only NAME
PYTHONDONTWRITEBYTECODE=1 python3 "$here/kdiff.py" "${args[@]}" ${KDIFF_EXTRA:-}
status=$?
[[ $status -eq 0 || $status -eq 77 ]] || status=1
exit $status
