"""Seeded random iptables rulesets and probes for the kernel differential test.

    python3 gen_rules.py SEED [FAMILY [PROBES]]   prints the ruleset, then the probes as comments

Only constructs whose outcome is decidable from the packet alone are drawn (no limit, recent,
mark, ...), so rulegap must never answer `unknown` on these. Every probe is the first packet of
a new connection (state NEW, TCP SYN), matching what the prober sends.
"""

import ipaddress
import random
import sys

import topology

WELL_KNOWN = [22, 25, 53, 67, 80, 123, 135, 137, 139, 389, 443, 445, 636, 1025, 3268, 3389,
              4001, 5000, 8080]
REJECT_ICMP4 = ["icmp-port-unreachable", "icmp-host-unreachable", "icmp-net-unreachable",
                "icmp-admin-prohibited", "icmp-net-prohibited", "icmp-host-prohibited"]
REJECT_ICMP6 = ["icmp6-port-unreachable", "icmp6-adm-prohibited", "icmp6-no-route",
                "icmp6-addr-unreachable"]


class Gen:
    def __init__(self, seed, family):
        self.r = random.Random(seed)
        self.family = family
        self.ports = set()      # ports the rules mention (probes aim at them and next to them)
        self.sports = set()
        self.addresses = []     # addresses the rules mention

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
                which = r.choice(["--dports", "--dports", "--sports", "--ports"])
                parts.append(f"-m multiport {self.neg(0.2)}{which} "
                             f"{self.multiport_list(source=(which == '--sports'))}")
        elif proto == icmp:
            if self.family == 4:
                t = r.choice(["echo-request", "8", "8/0", "timestamp-request", "echo-reply", "any"])
                if r.random() < 0.7:
                    parts.append(f"-m icmp {self.neg(0.2)}--icmp-type {t}")
            elif r.random() < 0.7:
                t = r.choice(["echo-request", "128", "128/0", "echo-reply"])
                parts.append(f"-m icmp6 {self.neg(0.2)}--icmpv6-type {t}")
        if "iprange" in kinds:
            which = r.choice(["--src-range", "--dst-range"])
            side = "client" if which == "--src-range" else "server"
            parts.append(f"-m iprange {self.neg()}{which} {self.iprange(side)}")
        if "state" in kinds:
            parts.append(r.choice([
                "-m conntrack --ctstate NEW", "-m conntrack --ctstate NEW,ESTABLISHED",
                "-m conntrack --ctstate ESTABLISHED,RELATED", "-m conntrack ! --ctstate INVALID",
                "-m state --state NEW", "-m state --state ESTABLISHED",
                "-m conntrack ! --ctstate NEW"]))
        return parts

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
        chains = ["FORWARD"] + [f"u{i}" for i in range(1, r.randint(0, 3) + 1)]
        lines = ["*filter", ":INPUT ACCEPT [0:0]",
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
            in_if, out_if = topology.interface_for(src), topology.interface_for(dst)
            tags = f"[in {in_if}] [out {out_if}]"
            k = r.random()
            if k < 0.8:
                proto = "tcp" if r.random() < 0.55 else "udp"
                dport = r.choice(ports) + r.choice([0, 0, 0, -1, 1])
                dport = min(65535, max(1, dport)) if r.random() < 0.85 else r.randint(1, 65535)
                sport = r.choice(sports) + r.choice([0, 0, -1, 1]) if r.random() < 0.4 \
                    else r.randint(1024, 65535)
                sport = min(65535, max(1, sport))
                a, b = (src, dst) if self.family == 4 else (f"[{src}]", f"[{dst}]")
                text = f"{proto} {a}:{sport} -> {b}:{dport} {tags}"
                key = (proto, src, dst, sport, dport)
            else:
                if self.family == 4:
                    t = 8 if r.random() < 0.75 else 13
                    text = f"icmp {src} -> {dst} type {t} code 0 {tags}"
                else:
                    text = f"icmpv6 [{src}] -> [{dst}] type 128 code 0 {tags}"
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
