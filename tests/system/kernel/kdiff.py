"""Kernel differential test driver: the Linux kernel's verdicts against `rulegap explain`.

Called by tests/system/kernel_diff.sh, which creates (and removes) the three namespaces:

    kdiff.py --ns CLIENT ROUTER SERVER --restore iptables-restore --restore6 ip6tables-restore
             --fixtures DIR --seeds 1-20 --seeds6 1-4 --probes 30 --workdir DIR
             [--rulegap BIN | --kernel-only]

For each ruleset (the hand-written DIR/*.rules with DIR/*.packets, then the seeded random ones):
load it into the router with iptables-restore (after `--test`), flush conntrack, send every probe
from the client, record what the kernel did (accept: it reached the server; reject: an RST or an
ICMP unreachable came back; drop: nothing), then ask rulegap about the same packets and compare.
Fixtures named NAME-v6.rules are IPv6 (ip6tables-restore).
A .packets line may end in `=> VERDICT`: what the fixture's author expects from the kernel, a check
of the fixture and of this harness. rulegap's `unknown` always counts as a mismatch: neither the
fixtures nor the generator use a match that cannot be decided from the packet.
Exit 0: all agree; 1: a mismatch or a failure; 77: the test network cannot be built here.
"""

import argparse
import glob
import json
import os
import subprocess
import sys
import time

import gen_rules
import probe as probe_mod
import topology

VERDICTS = ("accept", "drop", "reject")

# Built-in chains of each table, to empty a table that an earlier ruleset filled and the next
# one does not mention (iptables-restore only replaces the tables its input names).
TABLE_CHAINS = {
    "filter": ("INPUT", "FORWARD", "OUTPUT"),
    "raw": ("PREROUTING", "OUTPUT"),
    "mangle": ("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"),
    "nat": ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"),
    "security": ("INPUT", "FORWARD", "OUTPUT"),
}


def tables_of(rules):
    return {line.strip()[1:].split()[0] for line in rules.splitlines()
            if line.strip().startswith("*") and len(line.strip()) > 1}


def parse_ranges(text):
    out = []
    for part in filter(None, (text or "").split(",")):
        a, _, b = part.partition("-")
        out += list(range(int(a), int(b or a) + 1))
    return out


class Case:
    def __init__(self, name, family, rules, lines, origin):
        self.name, self.family, self.rules, self.origin = name, family, rules, origin
        self.packets = []    # (packet text, expected kernel verdict or None)
        for line in lines:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            text, _, expect = line.partition("=>")
            expect = expect.strip() or None
            if expect is not None and expect not in VERDICTS:
                raise ValueError(f"{origin}: bad expectation {expect!r}")
            self.packets.append((text.strip(), expect))


def load_fixtures(directory):
    cases = []
    for path in sorted(glob.glob(os.path.join(directory, "*.rules"))):
        base = path[:-len(".rules")]
        with open(path) as f:
            rules = f.read()
        with open(base + ".packets") as f:
            lines = f.read().splitlines()
        family = 6 if os.path.basename(base).endswith("-v6") else 4
        cases.append(Case(os.path.basename(base), family, rules, lines, path))
    return cases


def numbered(text):
    return "\n".join(f"  {i:3}  {line}" for i, line in enumerate(text.splitlines(), 1))


class Runner:
    def __init__(self, args):
        self.args = args
        self.router = args.ns[1]
        self.failures = 0
        self.probes_sent = 0
        self.compared = 0
        self.agreed = 0
        self.loaded_tables = {}   # family -> tables the last ruleset loaded
        # What the run covered: the kernel's verdicts, probes not in state new, arrivals that a
        # DNAT rewrote, and the tables whose rule or policy decided (as rulegap says).
        self.kernel_counts = {v: 0 for v in VERDICTS}
        self.not_new = 0
        self.rewritten = 0
        self.dnatted = 0      # rulegap's trace has a DNAT
        self.notracked = 0    # rulegap's trace has a NOTRACK
        self.decided_in = {}

    def sh(self, argv, stdin=None):
        return subprocess.run(argv, input=stdin, capture_output=True, text=True)

    def restore(self, case, test_only, text=None):
        tool = self.args.restore if case.family == 4 else self.args.restore6
        argv = ["ip", "netns", "exec", self.router, tool] + (["--test"] if test_only else [])
        return self.sh(argv, stdin=case.rules if text is None else text)

    def reset_tables(self, case):
        """Empties the tables earlier rulesets of this family filled and this one leaves out."""
        used = tables_of(case.rules)
        stale = self.loaded_tables.setdefault(case.family, set()) - used
        if stale:
            text = "".join(f"*{t}\n" + "".join(f":{c} ACCEPT [0:0]\n" for c in TABLE_CHAINS[t])
                           + "COMMIT\n" for t in sorted(stale) if t in TABLE_CHAINS)
            r = self.restore(case, test_only=False, text=text)
            if r.returncode != 0:
                raise RuntimeError(f"cannot empty tables {sorted(stale)}: {r.stderr.strip()}")
        self.loaded_tables[case.family] = used

    def flush_conntrack(self):
        for fam in ("ipv4", "ipv6"):
            self.sh(["ip", "netns", "exec", self.router, "conntrack", "-F", "-f", fam])

    def fail(self, case, message):
        self.failures += 1
        print(f"FAIL {case.name}: {message}")

    def kernel_verdicts(self, case, probes, wait=None):
        self.flush_conntrack()
        if wait is not None:
            saved, self.prober.wait = self.prober.wait, wait
        try:
            return self.prober.run(probes)
        finally:
            if wait is not None:
                self.prober.wait = saved

    def rulegap(self, case, probes):
        """rulegap's answers (parsed JSON objects), or None after reporting a failure."""
        rules_path = os.path.join(self.args.workdir, f"{case.name}.rules")
        packets_path = os.path.join(self.args.workdir, f"{case.name}.packets.txt")
        with open(rules_path, "w") as f:
            f.write(case.rules)
        with open(packets_path, "w") as f:
            f.write("".join(p.text + "\n" for p in probes))
        argv = [self.args.rulegap, "explain", rules_path, "--hook", "FORWARD",
                "--packets", packets_path, "--format", "json"]
        try:
            r = self.sh(argv)
        except OSError as e:
            self.fail(case, f"cannot run {self.args.rulegap}: {e}")
            return None
        if r.returncode != 0:
            # Every ruleset here is valid: diagnostics from rulegap are a failure. The verdicts it
            # printed anyway are still compared below, for the record.
            self.fail(case, f"`{' '.join(argv)}` exited {r.returncode}\n{r.stderr}"
                            f"ruleset ({case.origin}):\n{numbered(case.rules)}")
        answers = []
        for line in r.stdout.splitlines():
            if line.strip():
                try:
                    answers.append(json.loads(line))
                except json.JSONDecodeError as e:
                    self.fail(case, f"rulegap printed a line that is not JSON ({e}): {line!r}")
                    return None
        if len(answers) != len(probes):
            if r.returncode == 0:
                self.fail(case, f"rulegap gave {len(answers)} answers for {len(probes)} packets")
            return None
        for p, a in zip(probes, answers):
            if a.get("packet", "").strip() != p.text:
                self.fail(case, f"rulegap's answers are out of order: {a.get('packet')!r} for "
                                f"{p.text!r}")
                return None
        return answers

    def report_mismatches(self, case, mismatches, limit=8):
        self.failures += len(mismatches)
        out = [f"FAIL {case.name}: kernel and rulegap disagree on {len(mismatches)} of "
               f"{len(case.packets)} packets",
               f"  ruleset ({case.origin}):", numbered(case.rules)]
        for p, kernel, answer, recheck in mismatches[:limit]:
            out += [f"  packet:  {p.text}",
                    f"    kernel:  {kernel[0]} ({kernel[1]}); sent again alone: {recheck[0]} "
                    f"({recheck[1]})",
                    f"    rulegap: {answer.get('verdict')}"
                    f"{' (policy)' if answer.get('policy') else ''}"
                    f"{' -- unknown is wrong here: the ruleset has no undecidable match' if answer.get('verdict') == 'unknown' else ''}",
                    f"    rule:    {json.dumps(answer.get('rule'))}"]
            if answer.get("reason"):
                out.append(f"    reason:  {answer.get('reason')}")
            out.append("    trace:")
            for step in answer.get("trace") or []:
                if isinstance(step, dict) and "action" in step:
                    out.append(f"      line {step.get('line', '?')} {step.get('table', '')}/"
                               f"{step.get('chain', '')}: {step.get('text', '')}  ->  "
                               f"{step['action']}")
                else:
                    out.append(f"      {json.dumps(step)}")
        if len(mismatches) > limit:
            out.append(f"  ... and {len(mismatches) - limit} more")
        print("\n".join(out))

    def run_case(self, case):
        try:
            probes = [probe_mod.Probe(text) for text, _ in case.packets]
        except probe_mod.ProbeError as e:
            self.fail(case, str(e))
            return
        for p in probes:
            want_in = topology.interface_for(str(p.src))
            want_out = topology.interface_for(str(p.dst))
            if p.family != case.family or p.in_if != want_in or p.out_if != want_out:
                self.fail(case, f"probe {p.text!r} does not fit the test network (family "
                                f"{case.family}, source behind {want_in}, destination behind "
                                f"{want_out})")
                return
        r = self.restore(case, test_only=True)
        if r.returncode != 0:
            self.fail(case, f"iptables-restore --test rejects {case.origin}: {r.stderr.strip()}")
            return
        self.reset_tables(case)
        r = self.restore(case, test_only=False)
        if r.returncode != 0:
            self.fail(case, f"iptables-restore cannot load {case.origin}: {r.stderr.strip()}")
            return
        kernel = self.kernel_verdicts(case, probes)
        self.probes_sent += len(probes)
        before = self.failures
        for p, (verdict, detail), (_, expect) in zip(probes, kernel, case.packets):
            if verdict == "error":
                self.fail(case, f"probe {p.text!r}: the kernel both passed and rejected it: {detail}")
            elif expect and verdict != expect:
                self.fail(case, f"fixture expects {expect} but the kernel did {verdict} "
                                f"({detail}) for {p.text!r}\n{numbered(case.rules)}")
        if self.args.kernel_only:
            counts = {v: sum(1 for k in kernel if k[0] == v) for v in VERDICTS}
            print(f"kernel {case.name}: {len(probes)} probes, {counts}")
            if self.args.verbose:
                for p, k in zip(probes, kernel):
                    print(f"    {k[0]:7} {p.text}   ({k[1]})")
            return
        answers = self.rulegap(case, probes)
        if answers is None:
            return
        mismatches = []
        for p, k, a in zip(probes, kernel, answers):
            self.compared += 1
            if k[0] in self.kernel_counts:
                self.kernel_counts[k[0]] += 1
            self.not_new += p.state != "new"
            self.rewritten += " as " in k[1]
            trace = [t for t in a.get("trace") or [] if isinstance(t, dict)]
            if a.get("rule"):
                table = a["rule"].get("table", "?")
            else:
                table = (trace[-1].get("table", "?") if trace else "nothing") + \
                    (" policy" if a.get("policy") else "")
            self.decided_in[table] = self.decided_in.get(table, 0) + 1
            actions = {str(t.get("action", "")).split()[0] for t in trace if t.get("action")}
            self.dnatted += "dnat" in actions
            self.notracked += "notrack" in actions
            if a.get("verdict") == k[0]:
                self.agreed += 1
                continue
            # Before blaming rulegap, send the packet again, alone and with a longer wait.
            recheck = self.kernel_verdicts(case, [probe_mod.Probe(p.text)], wait=1.0)[0]
            mismatches.append((p, k, a, recheck))
        if mismatches:
            self.report_mismatches(case, mismatches)
        status = "ok  " if self.failures == before else "FAIL"
        print(f"{status} {case.name}: {len(probes)} probes")

    def main(self):
        a = self.args
        try:
            ipv6 = topology.build(*a.ns)
        except RuntimeError as e:
            print(f"SKIP: cannot build the test network here: {e}")
            return 77
        client, _, server = a.ns
        links = {rif: probe_mod.Link(client, peer, pmac, rmac)
                 for rif, (peer, rmac, pmac, _, _) in topology.CLIENT_SIDE.items()}
        servers = [probe_mod.Link(server, peer) for peer, *_ in topology.SERVER_SIDE.values()]
        self.prober = probe_mod.Prober(links, servers)
        self.prober.open()
        cases = load_fixtures(a.fixtures) if a.fixtures else []
        if a.only:
            cases = [c for c in cases if c.name in a.only]
        seeds6 = parse_ranges(a.seeds6)
        if seeds6 and not (ipv6 and a.restore6):
            print("note: IPv6 unavailable here; random IPv6 rulesets skipped")
            seeds6 = []
        if not (ipv6 and a.restore6):
            cases = [c for c in cases if c.family == 4]
        for fam, seeds in ((4, parse_ranges(a.seeds)), (6, seeds6)):
            for seed in seeds:
                rules, lines = gen_rules.generate(seed, fam, a.probes)
                name = f"random-v{fam}-seed-{seed}"
                cases.append(Case(name, fam, rules, lines,
                                  f"gen_rules.py {seed} {fam} {a.probes}"))
        start = time.monotonic()
        for case in cases:
            self.run_case(case)
        self.prober.close()
        took = time.monotonic() - start
        print(f"kernel_diff: {len(cases)} rulesets, {self.probes_sent} probes, "
              f"{self.compared} compared with rulegap, {self.agreed} agree, "
              f"{self.failures} failures, {took:.1f} s")
        if self.compared:
            tables = ", ".join(f"{t} {n}" for t, n in sorted(self.decided_in.items()))
            print(f"kernel_diff: kernel verdicts {self.kernel_counts}; {self.not_new} probes not "
                  f"in state new; {self.notracked} notracked, {self.dnatted} DNATed "
                  f"({self.rewritten} arrived rewritten); decided in: {tables}")
        return 1 if self.failures else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ns", nargs=3, required=True, metavar=("CLIENT", "ROUTER", "SERVER"))
    ap.add_argument("--restore", required=True)
    ap.add_argument("--restore6")
    ap.add_argument("--fixtures")
    ap.add_argument("--only", nargs="*", help="only these fixtures (by name)")
    ap.add_argument("--seeds", default="")
    ap.add_argument("--seeds6", default="")
    ap.add_argument("--probes", type=int, default=30)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--rulegap")
    ap.add_argument("--kernel-only", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    if not args.kernel_only and not args.rulegap:
        ap.error("--rulegap or --kernel-only")
    sys.exit(Runner(args).main())



if __name__ == "__main__":
    main()
