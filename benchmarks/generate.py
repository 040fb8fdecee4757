#!/usr/bin/env python3
"""Deterministic generator of large iptables-save rulesets for the rulegap benchmark.

Writes, into OUTDIR:
  filter100k.rules    ~100,000 filter rules: FORWARD dispatches on destination subnet and
                      output interface to ~1,000 per-network chains of ~100 rules each, the
                      way a university firewall is laid out.
  filter100k.packets  1,000 packets in rulegap's packet syntax, aimed at many chains.
  kube.rules          a kube-proxy (iptables mode) nat table for 10,000 services x 10
                      endpoints (~320k rules) plus kube-proxy's small filter table.
  kube.packets        1,000 packets aimed at many services.
  meta.json           rule counts and sizes per file.

Same seed, same bytes: only random.Random(seed) and hashlib are used, never hash() or set order.

Usage: generate.py OUTDIR [--seed N] [--only filter100k|kube] [--scale F]
"""

import argparse
import base64
import hashlib
import json
import os
import random
import sys

# ---------------------------------------------------------------------------------------------
# Common helpers


def ip4(n):
    return "%d.%d.%d.%d" % ((n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255)


def ip4n(a, b, c, d):
    return (a << 24) | (b << 16) | (c << 8) | d


class Writer:
    """Collects lines of one iptables-save file and counts its rules."""

    def __init__(self):
        self.lines = []
        self.rules = 0

    def add(self, line):
        self.lines.append(line)

    def rule(self, line):
        self.lines.append(line)
        self.rules += 1

    def text(self):
        return "\n".join(self.lines) + "\n"


# ---------------------------------------------------------------------------------------------
# (a) filter100k: a university-style forward firewall

SERVICES_TCP = [22, 25, 53, 80, 110, 143, 389, 443, 445, 465, 587, 636, 993, 995, 1433, 1521,
                2049, 3306, 3389, 5432, 5900, 6379, 8080, 8443, 9000, 9090, 9200, 27017]
SERVICES_UDP = [53, 67, 69, 123, 137, 161, 500, 514, 1194, 1812, 4500, 5353]
MULTIPORT_SETS = [[80, 443], [80, 443, 8080], [25, 465, 587], [110, 143, 993, 995],
                  [139, 445], [5060, 5061], [3306, 5432, 1433], [20, 21], [6000, 6001, 6002, 6003]]
RANGES = [(1024, 65535), (6000, 6063), (8000, 8099), (10000, 20000), (49152, 65535),
          (5900, 5910), (30000, 32767), (60000, 61000)]
REJECTS = ["icmp-port-unreachable", "icmp-host-prohibited", "icmp-net-unreachable",
           "icmp-admin-prohibited"]
UPLINK = "eth0"
ZONES = 20  # vlan100 .. vlan119, 50 networks each


def net_of(i):
    """Chain i protects 10.(10 + i // 250).(i % 250).0/24."""
    return ip4n(10, 10 + i // 250, i % 250, 0)


def zone_of(i):
    return i // 50


def zone_if(z):
    return "vlan%d" % (100 + z)


def interface_of(addr):
    """The interface an address lives behind: its network's VLAN, or the uplink."""
    x, y = (addr >> 16) & 255, (addr >> 8) & 255
    if (addr >> 24) == 10 and 10 <= x <= 13 and y < 250 and (x - 10) * 250 + y < 1000:
        return zone_if(zone_of((x - 10) * 250 + y))
    return UPLINK


def chain_of(i):
    return "net-%04d" % i


def random_external(rng):
    # A public-looking address (not 10/8, 127/8, multicast).
    a = rng.choice([31, 45, 62, 77, 81, 91, 109, 130, 141, 145, 176, 185, 193, 194, 195, 212, 217])
    return ip4n(a, rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))


def random_prefix(rng):
    """A source prefix: external /16../29, or an internal network."""
    if rng.random() < 0.4:
        j = rng.randrange(1000)
        length = rng.choice([24, 24, 25, 26, 28])
        base = net_of(j) | (rng.randrange(256) & ~((1 << (32 - length)) - 1) & 0xFF)
        return base, length
    length = rng.choice([16, 20, 22, 24, 24, 27, 29, 32])
    addr = random_external(rng) & (0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF
    return addr, length


def fmt_prefix(addr, length):
    return "%s/%d" % (ip4(addr), length)


def gen_net_rule(rng, i, w, chain, hits):
    """One rule of chain i; records (kind, data) in hits for the packet generator."""
    net = net_of(i)
    host = net | rng.randint(1, 254)
    kind = rng.random()
    state = ""
    r = rng.random()
    if r < 0.25:
        state = " -m state --state NEW"
    elif r < 0.45:
        state = " -m conntrack --ctstate NEW"
    dst = "-d %s/32 " % ip4(host) if rng.random() < 0.7 else ""
    src = ""
    srcp = None
    neg = ""
    if rng.random() < 0.35:
        srcp = random_prefix(rng)
        neg = "! " if rng.random() < 0.08 else ""
        src = "%s-s %s " % (neg, fmt_prefix(*srcp))
    dsthost = host if dst else None
    hit = {"chain": i, "dst": dsthost, "src": srcp, "src_neg": bool(neg)}
    if kind < 0.38:
        port = rng.choice(SERVICES_TCP) if rng.random() < 0.7 else rng.randint(1, 65535)
        target = rng.choice(["ACCEPT"] * 8 + ["DROP", "REJECT --reject-with tcp-reset"])
        w.rule("-A %s %s%s-p tcp -m tcp --dport %d%s -j %s" % (chain, src, dst, port, state, target))
        hit.update(proto="tcp", dport=port)
    elif kind < 0.55:
        port = rng.choice(SERVICES_UDP) if rng.random() < 0.7 else rng.randint(1, 65535)
        target = rng.choice(["ACCEPT"] * 6 + ["DROP"])
        w.rule("-A %s %s%s-p udp -m udp --dport %d%s -j %s" % (chain, src, dst, port, state, target))
        hit.update(proto="udp", dport=port)
    elif kind < 0.65:
        proto = rng.choice(["tcp", "tcp", "udp"])
        lo, hi = rng.choice(RANGES)
        target = rng.choice(["ACCEPT", "ACCEPT", "DROP"])
        w.rule("-A %s %s%s-p %s -m %s --dport %d:%d%s -j %s"
               % (chain, src, dst, proto, proto, lo, hi, state, target))
        hit.update(proto=proto, dport=rng.randint(lo, hi))
    elif kind < 0.75:
        proto = rng.choice(["tcp", "tcp", "udp"])
        ports = rng.choice(MULTIPORT_SETS)
        target = rng.choice(["ACCEPT"] * 4 + ["REJECT --reject-with icmp-port-unreachable"])
        w.rule("-A %s %s%s-p %s -m multiport --dports %s%s -j %s"
               % (chain, src, dst, proto, ",".join(map(str, ports)), state, target))
        hit.update(proto=proto, dport=rng.choice(ports))
    elif kind < 0.80:
        # source-port match (old-style replies, DNS from a fixed port)
        proto = rng.choice(["tcp", "udp"])
        sport = rng.choice([53, 123, 20, 88, 389])
        w.rule("-A %s %s%s-p %s -m %s --sport %d -j ACCEPT" % (chain, src, dst, proto, proto, sport))
        hit.update(proto=proto, sport=sport, dport=rng.randint(1024, 65535))
    elif kind < 0.85:
        t = rng.choice([8, 0, 3, 11])
        target = rng.choice(["ACCEPT", "ACCEPT", "DROP"])
        extra = " -m limit --limit 10/sec --limit-burst 20" if rng.random() < 0.3 else ""
        w.rule("-A %s %s%s-p icmp -m icmp --icmp-type %d%s -j %s" % (chain, src, dst, t, extra, target))
        hit.update(proto="icmp", icmp_type=t)
    elif kind < 0.92:
        # plain source-based DROP / ACCEPT / RETURN
        if srcp is None:
            srcp = random_prefix(rng)
            src = "-s %s " % fmt_prefix(*srcp)
            hit["src"] = srcp
        target = rng.choice(["DROP", "DROP", "ACCEPT", "RETURN"])
        w.rule("-A %s %s%s-j %s" % (chain, src, dst, target))
        hit.update(proto=rng.choice(["tcp", "udp"]), dport=rng.randint(1, 65535))
    elif kind < 0.96:
        # protocol without ports, or ESP / GRE to a VPN host
        proto = rng.choice(["esp", "gre", "ah", "47"])
        w.rule("-A %s %s%s-p %s -j ACCEPT" % (chain, src, dst, proto))
        hit.update(proto={"47": "gre"}.get(proto, proto))
    else:
        # an interface-qualified rule (traffic from the uplink only)
        port = rng.choice(SERVICES_TCP)
        w.rule("-A %s %s%s-i %s -p tcp -m tcp --dport %d%s -j ACCEPT" % (chain, src, dst, UPLINK, port, state))
        hit.update(proto="tcp", dport=port, in_if=UPLINK)
    hits.append(hit)


def gen_filter100k(seed, scale):
    rng = random.Random(seed)
    nchains = max(1, int(round(1000 * scale)))
    w = Writer()
    hits = []
    shared = ["blocklist", "mgmt-access", "log-drop", "log-reject", "common-services", "egress-common"]
    egress = ["egress-z%02d" % z for z in range(ZONES)]
    w.add("# Generated by rulegap benchmarks/generate.py (seed %d): university-style forward firewall" % seed)
    w.add("*filter")
    w.add(":INPUT DROP [0:0]")
    w.add(":FORWARD DROP [0:0]")
    w.add(":OUTPUT ACCEPT [0:0]")
    for c in shared + egress + [chain_of(i) for i in range(nchains)]:
        w.add(":%s - [0:0]" % c)

    # INPUT / OUTPUT: the router itself.
    w.rule("-A INPUT -i lo -j ACCEPT")
    w.rule("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")
    w.rule("-A INPUT -m conntrack --ctstate INVALID -j DROP")
    w.rule("-A INPUT -p icmp -m icmp --icmp-type 8 -m limit --limit 5/sec -j ACCEPT")
    w.rule("-A INPUT -j mgmt-access")
    w.rule("-A INPUT -p udp -m udp --dport 161 -s 10.9.0.0/24 -j ACCEPT")
    w.rule("-A INPUT -m limit --limit 3/min -j LOG --log-prefix \"INPUT drop: \" --log-level 4")
    w.rule("-A OUTPUT -o lo -j ACCEPT")
    w.rule("-A OUTPUT -p udp -m udp --dport 53 -j ACCEPT")

    # Shared chains.
    for k in range(40):
        w.rule("-A blocklist -s %s -j DROP" % fmt_prefix(*random_prefix(rng)))
    w.rule("-A blocklist -j RETURN")
    for k in range(12):
        w.rule("-A mgmt-access -s 10.9.%d.0/24 -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT" % k)
    w.rule("-A mgmt-access -p tcp -m tcp --dport 22 -m limit --limit 1/min -j LOG --log-prefix \"ssh denied: \"")
    w.rule("-A log-drop -m limit --limit 10/min --limit-burst 5 -j LOG --log-prefix \"FW drop: \" --log-level 4")
    w.rule("-A log-drop -j DROP")
    w.rule("-A log-reject -m limit --limit 10/min -j LOG --log-prefix \"FW reject: \"")
    w.rule("-A log-reject -p tcp -j REJECT --reject-with tcp-reset")
    w.rule("-A log-reject -j REJECT --reject-with icmp-admin-prohibited")
    w.rule("-A common-services -p udp -m udp --dport 53 -j ACCEPT")
    w.rule("-A common-services -p tcp -m tcp --dport 53 -j ACCEPT")
    w.rule("-A common-services -p udp -m udp --dport 123 -j ACCEPT")
    w.rule("-A common-services -p icmp -m icmp --icmp-type 8 -j ACCEPT")
    w.rule("-A common-services -p icmp -m icmp --icmp-type 3 -j ACCEPT")
    w.rule("-A common-services -p icmp -m icmp --icmp-type 11 -j ACCEPT")
    w.rule("-A egress-common -p tcp -m multiport --dports 25,465 ! -d 10.9.1.25/32 -j REJECT --reject-with tcp-reset")
    w.rule("-A egress-common -p udp -m udp --dport 137:139 -j DROP")
    w.rule("-A egress-common -p tcp -m tcp --dport 445 -o %s -j DROP" % UPLINK)
    w.rule("-A egress-common -j RETURN")
    for z in range(ZONES):
        c = egress[z]
        w.rule("-A %s -j egress-common" % c)
        for k in range(18):
            port = rng.choice(SERVICES_TCP)
            w.rule("-A %s -s %s -p tcp -m tcp --dport %d -m conntrack --ctstate NEW -j ACCEPT"
                   % (c, fmt_prefix(net_of(z * 50 + rng.randrange(50)), 24), port))
        w.rule("-A %s -o %s -m conntrack --ctstate NEW -j ACCEPT" % (c, UPLINK))

    # FORWARD: state, blocklist, egress by input interface, then dispatch per destination net.
    w.rule("-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")
    w.rule("-A FORWARD -m conntrack --ctstate INVALID -j DROP")
    w.rule("-A FORWARD -i %s -j blocklist" % UPLINK)
    w.rule("-A FORWARD -j common-services")
    for z in range(ZONES):
        w.rule("-A FORWARD -i %s -o %s -j %s" % (zone_if(z), UPLINK, egress[z]))
    dispatch_if = []
    for i in range(nchains):
        by_if = rng.random() < 0.9
        dispatch_if.append(by_if)
        if by_if:
            w.rule("-A FORWARD -d %s/24 -o %s -j %s" % (ip4(net_of(i)), zone_if(zone_of(i)), chain_of(i)))
        else:
            w.rule("-A FORWARD -d %s/24 -j %s" % (ip4(net_of(i)), chain_of(i)))
    w.rule("-A FORWARD -j log-drop")

    # The per-network chains.
    for i in range(nchains):
        c = chain_of(i)
        n = rng.randint(86, 107)
        if rng.random() < 0.3:
            w.rule("-A %s -j blocklist" % c)
        for k in range(n):
            gen_net_rule(rng, i, w, c, hits)
            if rng.random() < 0.02:
                w.rule("-A %s -m limit --limit %d/min -j LOG --log-prefix \"%s: \"" % (c, rng.choice([1, 5, 10]), c))
        end = rng.random()
        if end < 0.35:
            w.rule("-A %s -j log-drop" % c)
        elif end < 0.6:
            w.rule("-A %s -j REJECT --reject-with %s" % (c, rng.choice(REJECTS)))
        elif end < 0.8:
            w.rule("-A %s -j log-reject" % c)
        elif end < 0.9:
            w.rule("-A %s -j DROP" % c)
        else:
            w.rule("-A %s -j RETURN" % c)
    w.add("COMMIT")
    w.add("# Completed")

    packets = gen_filter_packets(rng, hits, nchains, dispatch_if)
    return w, packets


def pick_src(rng, srcp, neg):
    """A source address inside (or, for a negated match, outside) the prefix, or random."""
    if srcp is None or neg:
        if rng.random() < 0.6:
            return random_external(rng), UPLINK
        j = rng.randrange(1000)
        return net_of(j) | rng.randint(1, 254), zone_if(zone_of(j))
    addr, length = srcp
    span = (1 << (32 - length)) - 1
    a = addr | (rng.randint(1, span - 1) if span > 2 else span & rng.randint(0, span))
    return a, interface_of(a)


def gen_filter_packets(rng, hits, nchains, dispatch_if):
    out = []
    for n in range(1000):
        r = rng.random()
        if r < 0.85:
            # Aim at one rule of one chain (most packets go to a different chain).
            h = hits[rng.randrange(len(hits))]
            i = h["chain"]
            dst = h["dst"] if h["dst"] is not None else net_of(i) | rng.randint(1, 254)
            src, in_if = pick_src(rng, h["src"], h["src_neg"])
            if "in_if" in h:
                in_if = h["in_if"]
            out_if = zone_if(zone_of(i))
            proto = h["proto"]
        else:
            # A miss: random destination network, random service.
            i = rng.randrange(nchains)
            dst = net_of(i) | rng.randint(1, 254)
            src, in_if = pick_src(rng, None, False)
            out_if = zone_if(zone_of(i))
            proto = rng.choice(["tcp", "udp", "icmp"])
            h = {"dport": rng.choice(SERVICES_TCP + [rng.randint(1, 65535)]), "icmp_type": 8}
        state = ""
        if rng.random() < 0.1:
            state = " [state established]"
        if proto in ("tcp", "udp"):
            sport = h.get("sport", rng.randint(1024, 65535))
            line = "%s %s:%d -> %s:%d" % (proto, ip4(src), sport, ip4(dst), h.get("dport", 80))
        elif proto == "icmp":
            line = "icmp %s -> %s type %d" % (ip4(src), ip4(dst), h.get("icmp_type", 8))
        else:
            line = "%s %s -> %s" % (proto, ip4(src), ip4(dst))
        out.append("%s%s [in %s] [out %s]" % (line, state, in_if, out_if))
    return out


# ---------------------------------------------------------------------------------------------
# (b) kube: kube-proxy's iptables mode


def kube_hash(prefix, text):
    """kube-proxy names chains prefix + the first 16 chars of base32(sha256(text))."""
    digest = hashlib.sha256(text.encode()).digest()
    return prefix + base64.b32encode(digest).decode()[:16]


NAMESPACES = ["default", "kube-system", "monitoring", "ingress-nginx", "payments", "search",
              "auth", "billing", "catalog", "checkout", "frontend", "analytics", "ml-serving",
              "logging", "cert-manager", "istio-system", "data", "mail", "cdn", "batch"]
SVC_WORDS = ["api", "web", "db", "cache", "queue", "worker", "auth", "gateway", "metrics",
             "search", "store", "admin", "proxy", "feed", "index", "image", "video", "user"]
PORTS = [("http", "tcp", 80, 8080), ("https", "tcp", 443, 8443), ("grpc", "tcp", 9090, 9090),
         ("metrics", "tcp", 9100, 9100), ("dns", "udp", 53, 53), ("redis", "tcp", 6379, 6379),
         ("pg", "tcp", 5432, 5432), ("web", "tcp", 8080, 8080), ("syslog", "udp", 514, 5140)]
CLUSTER_CIDR = "10.128.0.0/14"  # room for 100,000 pods


def pod_ip(rng):
    return ip4n(10, 128 + rng.randrange(4), rng.randrange(256), rng.randint(2, 254))


def gen_kube(seed, scale):
    rng = random.Random(seed + 1)
    nsvc = max(1, int(round(10000 * scale)))
    nep = 10
    services = []
    used_ip = set()
    for s in range(nsvc):
        ns = NAMESPACES[rng.randrange(len(NAMESPACES))]
        name = "%s-%s-%d" % (rng.choice(SVC_WORDS), rng.choice(SVC_WORDS), s)
        pname, proto, port, tport = PORTS[rng.randrange(len(PORTS))]
        while True:
            cip = ip4n(10, 96 + rng.randrange(16), rng.randrange(256), rng.randint(1, 254))
            if cip not in used_ip:
                used_ip.add(cip)
                break
        spn = "%s/%s:%s" % (ns, name, pname)
        eps = []
        while len(eps) < nep:
            ep = pod_ip(rng)
            if ep not in used_ip:
                used_ip.add(ep)
                eps.append(ep)
        nodeport = 30000 + s if (s % 20 == 0 and 30000 + s <= 32767) else None
        services.append(dict(spn=spn, proto=proto, port=port, tport=tport, cip=cip, eps=eps,
                             nodeport=nodeport,
                             svc=kube_hash("KUBE-SVC-", spn + proto)))
    # Services without endpoints: only a REJECT in filter KUBE-SERVICES.
    noeps = []
    for s in range(max(1, nsvc // 200)):
        while True:
            cip = ip4n(10, 96 + rng.randrange(16), rng.randrange(256), rng.randint(1, 254))
            if cip not in used_ip:
                used_ip.add(cip)
                break
        pname, proto, port, tport = PORTS[rng.randrange(len(PORTS))]
        noeps.append(("%s/%s-idle-%d:%s" % (rng.choice(NAMESPACES), rng.choice(SVC_WORDS), s, pname), proto, port, cip))

    w = Writer()
    w.add("# Generated by rulegap benchmarks/generate.py (seed %d): kube-proxy iptables mode, %d services x %d endpoints"
          % (seed, nsvc, nep))
    # ---- filter
    w.add("*filter")
    w.add(":INPUT ACCEPT [0:0]")
    w.add(":FORWARD ACCEPT [0:0]")
    w.add(":OUTPUT ACCEPT [0:0]")
    for c in ["KUBE-EXTERNAL-SERVICES", "KUBE-FIREWALL", "KUBE-FORWARD", "KUBE-KUBELET-CANARY",
              "KUBE-NODEPORTS", "KUBE-PROXY-CANARY", "KUBE-PROXY-FIREWALL", "KUBE-SERVICES"]:
        w.add(":%s - [0:0]" % c)
    w.rule("-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL")
    w.rule("-A INPUT -m comment --comment \"kubernetes health check service ports\" -j KUBE-NODEPORTS")
    w.rule("-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES")
    w.rule("-A INPUT -j KUBE-FIREWALL")
    w.rule("-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL")
    w.rule("-A FORWARD -m comment --comment \"kubernetes forwarding rules\" -j KUBE-FORWARD")
    w.rule("-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES")
    w.rule("-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES")
    w.rule("-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL")
    w.rule("-A OUTPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES")
    w.rule("-A OUTPUT -j KUBE-FIREWALL")
    w.rule("-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment \"block incoming localnet connections\" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP")
    w.rule("-A KUBE-FIREWALL -m comment --comment \"kubernetes firewall for dropping marked packets\" -m mark --mark 0x8000/0x8000 -j DROP")
    w.rule("-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP")
    w.rule("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding rules\" -m mark --mark 0x4000/0x4000 -j ACCEPT")
    w.rule("-A KUBE-FORWARD -m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT")
    for spn, proto, port, cip in noeps:
        w.rule("-A KUBE-SERVICES -d %s/32 -p %s -m comment --comment \"%s has no endpoints\" -m %s --dport %d -j REJECT --reject-with icmp-port-unreachable"
               % (ip4(cip), proto, spn, proto, port))
    w.add("COMMIT")

    # ---- nat
    w.add("*nat")
    w.add(":PREROUTING ACCEPT [0:0]")
    w.add(":INPUT ACCEPT [0:0]")
    w.add(":OUTPUT ACCEPT [0:0]")
    w.add(":POSTROUTING ACCEPT [0:0]")
    for c in ["KUBE-KUBELET-CANARY", "KUBE-MARK-DROP", "KUBE-MARK-MASQ", "KUBE-NODEPORTS",
              "KUBE-POSTROUTING", "KUBE-PROXY-CANARY", "KUBE-SERVICES"]:
        w.add(":%s - [0:0]" % c)
    sep_names = []
    for sv in services:
        w.add(":%s - [0:0]" % sv["svc"])
        names = []
        for ep in sv["eps"]:
            names.append(kube_hash("KUBE-SEP-", sv["spn"] + sv["proto"] + "%s:%d" % (ip4(ep), sv["tport"])))
        sep_names.append(names)
        for nm in names:
            w.add(":%s - [0:0]" % nm)
    w.rule("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES")
    w.rule("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES")
    w.rule("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING")
    w.rule("-A KUBE-MARK-DROP -j MARK --set-xmark 0x8000/0x8000")
    w.rule("-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000")
    w.rule("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN")
    w.rule("-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0")
    w.rule("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully")
    for sv in services:
        if sv["nodeport"]:
            w.rule("-A KUBE-NODEPORTS -p %s -m comment --comment \"%s\" -m %s --dport %d -j KUBE-MARK-MASQ"
                   % (sv["proto"], sv["spn"], sv["proto"], sv["nodeport"]))
            w.rule("-A KUBE-NODEPORTS -p %s -m comment --comment \"%s\" -m %s --dport %d -j %s"
                   % (sv["proto"], sv["spn"], sv["proto"], sv["nodeport"], sv["svc"]))
    for sv in services:
        w.rule("-A KUBE-SERVICES -d %s/32 -p %s -m comment --comment \"%s cluster IP\" -m %s --dport %d -j %s"
               % (ip4(sv["cip"]), sv["proto"], sv["spn"], sv["proto"], sv["port"], sv["svc"]))
    w.rule("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS")
    for sv, names in zip(services, sep_names):
        c = sv["svc"]
        w.rule("-A %s ! -s %s -d %s/32 -p %s -m comment --comment \"%s cluster IP\" -m %s --dport %d -j KUBE-MARK-MASQ"
               % (c, CLUSTER_CIDR, ip4(sv["cip"]), sv["proto"], sv["spn"], sv["proto"], sv["port"]))
        n = len(names)
        for k, (ep, nm) in enumerate(zip(sv["eps"], names)):
            dest = "%s:%d" % (ip4(ep), sv["tport"])
            if k < n - 1:
                w.rule("-A %s -m comment --comment \"%s -> %s\" -m statistic --mode random --probability %0.10f -j %s"
                       % (c, sv["spn"], dest, 1.0 / (n - k), nm))
            else:
                w.rule("-A %s -m comment --comment \"%s -> %s\" -j %s" % (c, sv["spn"], dest, nm))
        for ep, nm in zip(sv["eps"], names):
            dest = "%s:%d" % (ip4(ep), sv["tport"])
            w.rule("-A %s -s %s/32 -m comment --comment \"%s\" -j KUBE-MARK-MASQ" % (nm, ip4(ep), sv["spn"]))
            w.rule("-A %s -p %s -m comment --comment \"%s\" -m %s -j DNAT --to-destination %s"
                   % (nm, sv["proto"], sv["spn"], sv["proto"], dest))
    w.add("COMMIT")
    w.add("# Completed")

    packets = []
    for n in range(1000):
        r = rng.random()
        src = random_external(rng) if rng.random() < 0.5 else pod_ip(rng)
        in_if = "eth0" if (src >> 24) != 10 else "cni0"
        out_if = "cni0" if in_if == "eth0" else "eth0"
        sport = rng.randint(1024, 65535)
        if r < 0.85:
            sv = services[rng.randrange(len(services))]
            line = "%s %s:%d -> %s:%d" % (sv["proto"], ip4(src), sport, ip4(sv["cip"]), sv["port"])
        elif r < 0.90:
            spn, proto, port, cip = noeps[rng.randrange(len(noeps))]
            line = "%s %s:%d -> %s:%d" % (proto, ip4(src), sport, ip4(cip), port)
        elif r < 0.95:
            # A cluster IP on the wrong port: no service matches.
            sv = services[rng.randrange(len(services))]
            line = "tcp %s:%d -> %s:%d" % (ip4(src), sport, ip4(sv["cip"]), rng.choice([22, 3306, 8081]))
        else:
            # Pod-to-pod traffic, no service involved.
            line = "tcp %s:%d -> %s:%d" % (ip4(src), sport, ip4(pod_ip(rng)), 8080)
        packets.append("%s [in %s] [out %s]" % (line, in_if, out_if))
    return w, packets


# ---------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=20240602)
    ap.add_argument("--only", choices=["filter100k", "kube"])
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiply chain/service counts (for quick trials)")
    args = ap.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    meta = {}
    gens = [("filter100k", gen_filter100k), ("kube", gen_kube)]
    for name, gen in gens:
        if args.only and args.only != name:
            continue
        w, packets = gen(args.seed, args.scale)
        rules_path = os.path.join(args.outdir, name + ".rules")
        text = w.text()
        with open(rules_path, "w", newline="\n") as f:
            f.write(text)
        with open(os.path.join(args.outdir, name + ".packets"), "w", newline="\n") as f:
            f.write("\n".join(packets) + "\n")
        meta[name] = {"rules": w.rules, "bytes": len(text.encode()), "packets": len(packets),
                      "file": rules_path}
        print("%s: %d rules, %d bytes, %d packets" % (name, w.rules, len(text.encode()), len(packets)),
              file=sys.stderr)
    with open(os.path.join(args.outdir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
