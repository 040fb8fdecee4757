"""Seeded random iptables rulesets and probes for the kernel differential test.

    python3 gen_rules.py SEED [FAMILY [PROBES]]   prints the ruleset, then the probes as comments

Only constructs whose outcome is decidable from the packet alone are drawn (no limit, recent,
mark, ...), so rulegap must never answer `unknown` on these. Besides the filter table, a ruleset
may have a raw table (NOTRACK, CT --notrack, state matches, which see INVALID or UNTRACKED there)
and a nat table whose PREROUTING DNATs within one server subnet (so the packet leaves by the same
interface; FORWARD sees the new destination). Filter rules test states including INVALID and
UNTRACKED, TCP flag masks, interfaces and wildcards, multiport in all forms (several per rule),
ICMP type names and type/code. Every probe is the first packet of its connection the router
sees: UDP, ICMP echo/timestamp requests, and TCP with SYN or other flags, its [state] the one
conntrack gives it (probe.tcp_state: a SYN-ACK, as answers a NOTRACKed SYN, is INVALID).
"""

import ipaddress
import random
import sys

import probe as probe_mod
import topology

WELL_KNOWN = [22, 25, 53, 67, 80, 123, 135, 137, 139, 389, 443, 445, 636, 1025, 3268, 3389,
              4001, 5000, 8080]
REJECT_ICMP4 = ["icmp-port-unreachable", "icmp-host-unreachable", "icmp-net-unreachable",
                "icmp-admin-prohibited", "icmp-net-prohibited", "icmp-host-prohibited"]
REJECT_ICMP6 = ["icmp6-port-unreachable", "icmp6-adm-prohibited", "icmp6-no-route",
                "icmp6-addr-unreachable"]
TCP_FLAG_NAMES = ["FIN", "SYN", "RST", "PSH", "ACK", "URG"]
STATE_MATCHES = [
    "-m conntrack --ctstate NEW", "-m conntrack --ctstate NEW,ESTABLISHED",
    "-m conntrack --ctstate ESTABLISHED,RELATED", "-m conntrack ! --ctstate INVALID",
    "-m state --state NEW", "-m state --state ESTABLISHED", "-m conntrack ! --ctstate NEW",
    "-m conntrack --ctstate INVALID", "-m conntrack --ctstate UNTRACKED",
    "-m state --state INVALID,UNTRACKED", "-m conntrack ! --ctstate UNTRACKED",
    "-m conntrack --ctstate NEW,UNTRACKED"]
# Probe TCP flags (no RST: REJECT never answers one) and how often.
PROBE_FLAGS = [("syn", 60), ("syn,ack", 12), ("ack", 8), ("psh,ack", 4), ("fin,ack", 5),
               ("fin,syn", 3), ("none", 2), ("fin,psh,urg", 2), ("syn,urg", 2), ("syn,ece,cwr", 2)]


class Gen:
    def __init__(self, seed, family):
        self.r = random.Random(seed)
        self.family = family
        self.ports = set()      # ports the rules mention (probes aim at them and next to them)
        self.sports = set()
        self.addresses = []     # addresses the rules mention
        self.dnat_aims = []     # (protocol or None, original destination, port or None)

    # -- pieces of rules ------------------------------------------------------------------------

    def neg(self, p=0.25):
        return "! " if self.r.random() < p else ""

    def host(self, side):
        nets = topology.client_addresses(self.family) if side == "client" \
            else topology.server_addresses(self.family)
        return self.r.choice(self.r.choice(list(nets.values())))

    def address_spec(self, side):
        """An address or network, mostly on `side`, sometimes on the other side."""
        r = self.r
        if r.random() < 0.15:
            side = "server" if side == "client" else "client"
        base = ipaddress.ip_address(self.host(side))
        self.addresses.append(base)
        bits = 32 if self.family == 4 else 128
        kind = r.random()
        if kind < 0.3:
            return str(base) if r.random() < 0.5 else f"{base}/{bits}"
        if kind < 0.7:
            plen = r.randint(bits - 8, bits - 1)
            if r.random() < 0.2:
                return f"{base}/{plen}"          # host bits set: the kernel masks them
            return str(ipaddress.ip_network(f"{base}/{plen}", strict=False))
        if kind < 0.85 and self.family == 4:
            plen = r.randint(24, 31)
            net = ipaddress.ip_network(f"{base}/{plen}", strict=False)
            return f"{net.network_address}/{net.netmask}"   # dotted mask
        plen = r.choice([8, 16, 23] if self.family == 4 else [16, 32, 48, 63])
        return str(ipaddress.ip_network(f"{base}/{plen}", strict=False))

    def iprange(self, side):
        a = ipaddress.ip_address(self.host(side))
        b = ipaddress.ip_address(self.host(side))
        if int(a) > int(b):
            a, b = b, a
        self.addresses += [a, b]
        return f"{a}-{b}"

    def port(self, source=False):
        r = self.r
        if source:
            p = r.choice([53, 123, 137, 1024, 4001, 4999, 33000, 49152, 60000]) \
                if r.random() < 0.6 else r.randint(1, 65535)
            self.sports.add(p)
        else:
            p = r.choice(WELL_KNOWN) if r.random() < 0.7 else r.randint(1, 65535)
            self.ports.add(p)
        return p

    def port_spec(self, source=False, allow_open=True):
        r = self.r
        a = self.port(source)
        kind = r.random()
        if kind < 0.6:
            return str(a)
        b = min(65535, a + r.choice([1, 2, 10, 100, 1000]))
        if b == a:
            return str(a)      # multiport refuses a range whose ends are equal (65535:65535)
        (self.sports if source else self.ports).add(b)
        if allow_open and kind < 0.7:
            return f":{b}" if r.random() < 0.5 else f"{a}:"
        return f"{a}:{b}"

    def multiport_list(self, source=False):
        items, slots = [], 0
        for _ in range(self.r.randint(1, 5)):
            spec = self.port_spec(source, allow_open=False)
            slots += 2 if ":" in spec else 1
            if slots > 15:
                break
            items.append(spec)
        return ",".join(items)

    def interface(self, direction):
        r = self.r
        own = ["rc0", "rc1", "rc0", "rc1", "rc+", "r+"] if direction == "i" \
            else ["rs0", "rs1", "rs0", "rs1", "rs+", "r+"]
        other = ["rs0", "eth0", "rc1"] if direction == "i" else ["rc0", "eth+", "rs1"]
        return r.choice(own) if r.random() < 0.8 else r.choice(other)

    def matches(self, count, for_tcp_reset=False):
        """`count` kinds of condition (0 to 3), in iptables-save's order."""
        r = self.r
        icmp = "icmp" if self.family == 4 else "ipv6-icmp"
        # A lone condition is a narrow one, so that few rules catch every packet.
        pool = ["src", "dst", "proto", "proto", "iprange"] if count == 1 else \
            ["src", "dst", "in", "out", "proto", "proto", "proto", "iprange", "state"]
        kinds = set(r.sample(pool, count))
        proto = None
        if "proto" in kinds or for_tcp_reset:
            proto = "tcp" if for_tcp_reset else r.choice(["tcp", "tcp", "udp", "udp", icmp])
        parts = []
        if "src" in kinds:
            parts.append(f"{self.neg()}-s {self.address_spec('client')}")
        if "dst" in kinds:
            parts.append(f"{self.neg()}-d {self.address_spec('server')}")
        if "in" in kinds:
            parts.append(f"{self.neg(0.2)}-i {self.interface('i')}")
        if "out" in kinds:
            parts.append(f"{self.neg(0.2)}-o {self.interface('o')}")
        if proto is None and "proto" in kinds:
            parts.append(f"! -p {r.choice(['tcp', 'udp'])}")
        elif proto:
            parts.append(f"-p {proto}")
        if proto in ("tcp", "udp"):
            explicit = r.random() < 0.5
            k = r.random()
            if k < 0.45:
                spec = f"{self.neg()}--dport {self.port_spec()}"
                parts.append(f"-m {proto} {spec}" if explicit else spec)
            elif k < 0.6:
                spec = f"{self.neg()}--sport {self.port_spec(source=True)}"
                parts.append(f"-m {proto} {spec}" if explicit else spec)
            elif k < 0.9:
                for _ in range(r.choice([1, 1, 1, 2, 2, 3])):   # several multiport matches: ANDed
                    which = r.choice(["--dports", "--dports", "--sports", "--ports", "--ports"])
                    parts.append(f"-m multiport {self.neg(0.2)}{which} "
                                 f"{self.multiport_list(source=(which == '--sports'))}")
            if proto == "tcp" and r.random() < 0.3:
                parts.append(self.tcp_flags())
        elif proto == icmp:
            if self.family == 4:
                t = r.choice(["echo-request", "8", "8/0", "8/1", "timestamp-request", "13",
                              "13/0", "echo-reply", "any", "destination-unreachable",
                              "port-unreachable"])
                if r.random() < 0.7:
                    parts.append(f"-m icmp {self.neg(0.2)}--icmp-type {t}")
            elif r.random() < 0.7:
                t = r.choice(["echo-request", "128", "128/0", "128/1", "echo-reply",
                              "destination-unreachable"])
                parts.append(f"-m icmp6 {self.neg(0.2)}--icmpv6-type {t}")
        if "iprange" in kinds:
            which = r.choice(["--src-range", "--dst-range"])
            side = "client" if which == "--src-range" else "server"
            parts.append(f"-m iprange {self.neg()}{which} {self.iprange(side)}")
        if "state" in kinds:
            parts.append(r.choice(STATE_MATCHES))
        return parts

    def tcp_flags(self):
        r = self.r
        k = r.random()
        if k < 0.2:
            return f"-m tcp {self.neg(0.3)}--syn"
        mask = [f for f in TCP_FLAG_NAMES if r.random() < 0.5] or ["SYN"]
        comp = [f for f in mask if r.random() < 0.5]
        mask_text = "ALL" if len(mask) == 6 and r.random() < 0.5 else ",".join(mask)
        return f"-m tcp {self.neg(0.2)}--tcp-flags {mask_text} {','.join(comp) or 'NONE'}"

    # -- raw and nat ----------------------------------------------------------------------------

    def raw_rule(self, chain, user):
        """A raw PREROUTING (or user chain) rule: state matches see INVALID or UNTRACKED here."""
        r = self.r
        parts = []
        if r.random() < 0.5:
            parts += self.matches(1)
        if r.random() < 0.25:
            parts.append(f"{self.neg(0.2)}-i {self.interface('i')}")
        if r.random() < 0.6 or not parts:
            parts.append(r.choice(STATE_MATCHES))
        choices = ["NOTRACK", "CT", "CT", "DROP", "ACCEPT", "none"]
        if user and chain == "PREROUTING":
            choices.append("jump")
        if chain != "PREROUTING":
            choices.append("RETURN")
        t = r.choice(choices)
        target = {"NOTRACK": "-j NOTRACK", "CT": "-j CT --notrack", "none": "",
                  "jump": f"-j {user}"}.get(t, f"-j {t}")
        return " ".join([f"-A {chain}"] + parts + ([target] if target else []))

    def raw_table(self):
        r = self.r
        user = "rawchain" if r.random() < 0.3 else None
        lines = ["*raw", ":PREROUTING ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]"]
        if user:
            lines.append(f":{user} - [0:0]")
        for _ in range(r.randint(1, 4)):
            lines.append(self.raw_rule("PREROUTING", user))
        if user:
            for _ in range(r.randint(1, 3)):
                lines.append(self.raw_rule(user, user))
        lines.append("COMMIT")
        return lines

    def dnat_rule(self):
        """DNAT within one server subnet: the packet still leaves by the same interface."""
        r = self.r
        servers = topology.server_addresses(self.family)
        rif = r.choice(list(servers))
        hosts = servers[rif]
        orig, new = r.sample(hosts, 2)
        self.addresses += [ipaddress.ip_address(orig), ipaddress.ip_address(new)]
        plen = 32 if self.family == 4 else 128
        net = plen - 8 if self.family == 4 else plen - 64
        dst = orig if r.random() < 0.6 else str(ipaddress.ip_network(f"{orig}/{net}", strict=False))
        parts = [f"-A PREROUTING -d {dst}"]
        if r.random() < 0.3:
            parts.append(f"-i {self.interface('i')}")
        port, proto, aim_port = None, None, None
        if r.random() < 0.7:
            proto = r.choice(["tcp", "udp"])
            parts.append(f"-p {proto}")
            if r.random() < 0.7:
                spec = self.port_spec()
                parts.append(f"-m {proto} --dport {spec}")
                lo, _, hi = spec.partition(":")
                aim_port = int(lo or hi)
            if r.random() < 0.6:
                port = self.port()
        self.dnat_aims.append((proto, orig, aim_port))
        if r.random() < 0.2:
            parts.append(r.choice(["-m conntrack --ctstate NEW", "-m state --state NEW"]))
        to = new if self.family == 4 else f"[{new}]"
        if port is None and self.family == 6:
            to = new
        parts.append(f"-j DNAT --to-destination {to}{f':{port}' if port else ''}")
        return " ".join(parts)

    def nat_table(self):
        lines = ["*nat", ":PREROUTING ACCEPT [0:0]", ":INPUT ACCEPT [0:0]", ":OUTPUT ACCEPT [0:0]",
                 ":POSTROUTING ACCEPT [0:0]"]
        for _ in range(self.r.randint(1, 3)):
            lines.append(self.dnat_rule())
        lines.append("COMMIT")
        return lines

    def target(self, chain_index, chains, in_builtin):
        """(target text, needs -p tcp)."""
        r = self.r
        later = chains[chain_index + 1:]
        choices = ["ACCEPT", "ACCEPT", "DROP", "DROP", "REJECT", "REJECT", "LOG", "none"]
        choices += ["RETURN"] if not in_builtin or r.random() < 0.3 else []
        if later:
            choices += ["jump", "jump", "jump", "goto"]
        t = r.choice(choices)
        if t == "REJECT":
            k = r.random()
            if k < 0.3:
                return "-j REJECT", False
            if k < 0.6:
                return "-j REJECT --reject-with tcp-reset", True
            pool = REJECT_ICMP4 if self.family == 4 else REJECT_ICMP6
            return f"-j REJECT --reject-with {r.choice(pool)}", False
        if t == "LOG":
            return f'-j LOG --log-prefix "kdiff-{chain_index}: "', False
        if t == "none":
            return "", False
        if t == "jump":
            return f"-j {r.choice(later)}", False
        if t == "goto":
            return f"-g {r.choice(later)}", False
        return f"-j {t}", False

    # -- a ruleset and its probes ---------------------------------------------------------------

    def ruleset(self):
        r = self.r
        # As the dumps begin: a ruleset that names no address is still known to be IPv6.
        lines = [f"# Generated by {'ip6tables' if self.family == 6 else 'iptables'}-save v1.8.9"]
        if r.random() < 0.45:
            lines += self.raw_table()
        if r.random() < 0.35:
            lines += self.nat_table()
        chains = ["FORWARD"] + [f"u{i}" for i in range(1, r.randint(0, 3) + 1)]
        lines += ["*filter", ":INPUT ACCEPT [0:0]",
                 f":FORWARD {r.choice(['ACCEPT', 'DROP'])} [0:0]", ":OUTPUT ACCEPT [0:0]"]
        lines += [f":{c} - [0:0]" for c in chains[1:]]
        for i, chain in enumerate(chains):
            for _ in range(r.randint(2, 8) if i == 0 else r.randint(1, 6)):
                target, tcp_only = self.target(i, chains, i == 0)
                jumps = target.startswith(("-j u", "-g u"))
                count = r.choice([0, 1, 1, 2]) if jumps else r.choice([1, 1, 2, 2, 2, 3])
                parts = self.matches(count, for_tcp_reset=tcp_only)
                rule = " ".join([f"-A {chain}"] + parts + ([target] if target else []))
                lines.append(rule)
        lines.append("COMMIT")
        return "\n".join(lines) + "\n"

    def pick(self, side):
        """An address on `side` (router interface -> addresses), often one the rules name."""
        near = [str(a) for a in self.addresses if topology.interface_for(str(a)) in side]
        if near and self.r.random() < 0.5:
            return self.r.choice(near)
        return self.r.choice(self.r.choice(list(side.values())))

    def probes(self, count):
        r = self.r
        # Unique (protocol, source, source port): a DNAT may give two probes one reply tuple,
        # and conntrack would then drop the second as a clash.
        out, keys = [], set()
        clients = topology.client_addresses(self.family)
        servers = topology.server_addresses(self.family)
        ports = sorted(self.ports) or [80]
        sports = sorted(self.sports) or [4001]
        tries = 0
        while len(out) < count and tries < count * 20:
            tries += 1
            src = self.pick(clients)
            dst = self.pick(servers)
            aim = r.choice(self.dnat_aims) if self.dnat_aims and r.random() < 0.3 else None
            if aim:
                dst = aim[1]
            in_if, out_if = topology.interface_for(src), topology.interface_for(dst)
            tags = f"[in {in_if}] [out {out_if}]"
            k = r.random() if not aim or not aim[0] else 0
            if k < 0.8:
                proto = aim[0] if aim and aim[0] else "tcp" if r.random() < 0.55 else "udp"
                dport = r.choice(ports) + r.choice([0, 0, 0, -1, 1])
                dport = min(65535, max(1, dport)) if r.random() < 0.85 else r.randint(1, 65535)
                if aim and aim[2] is not None and r.random() < 0.8:
                    dport = aim[2]
                sport = r.choice(sports) + r.choice([0, 0, -1, 1]) if r.random() < 0.4 \
                    else r.randint(1024, 65535)
                sport = min(65535, max(1, sport))
                a, b = (src, dst) if self.family == 4 else (f"[{src}]", f"[{dst}]")
                text = f"{proto} {a}:{sport} -> {b}:{dport} {tags}"
                if proto == "tcp":
                    flags = r.choices([f for f, _ in PROBE_FLAGS], [w for _, w in PROBE_FLAGS])[0]
                    if flags != "syn":
                        bits = sum(probe_mod.TCP_FLAGS.get(f, 0) for f in flags.split(","))
                        state = probe_mod.tcp_state(bits)
                        text += f" [flags {flags}]" + (f" [state {state}]" if state != "new" else "")
                key = (proto, src, sport)
            else:
                code = 0 if r.random() < 0.85 else 1
                if self.family == 4:
                    t = 8 if r.random() < 0.75 else 13
                    text = f"icmp {src} -> {dst} type {t} code {code} {tags}"
                else:
                    text = f"icmpv6 [{src}] -> [{dst}] type 128 code {code} {tags}"
                key = None   # told apart by their identifier
            if key in keys:
                continue
            if key:
                keys.add(key)
            out.append(text)
        return out


def generate(seed, family=4, probes=30):
    g = Gen(seed * 10 + family, family)
    rules = g.ruleset()
    return rules, g.probes(probes)


if __name__ == "__main__":
    seed = int(sys.argv[1])
    family = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    rules, probes = generate(seed, family, count)
    sys.stdout.write(rules)
    for p in probes:
        print(f"# {p}")
