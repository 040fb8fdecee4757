"""The test network: client -- router -- server, each in its own network namespace.

    client                router                 server
    c0 ==veth== rc0 (10.1.0.1/24, fd00:1::1/64)   rs0 ==veth== s0   (10.2.0.1/24, fd00:2::1/64)
    c1 ==veth== rc1 (10.1.1.1/24, fd00:1:1::1/64) rs1 ==veth== s1   (10.2.1.1/24, fd00:2:1::1/64)

Hosts .2 to .9 (::2 to ::9) of each subnet exist only as permanent neighbour entries in the
router, pointing at the peer veth: the client and server namespaces hold no addresses at all, so
their kernels never answer a probe. Probes are sent as Ethernet frames on c0/c1 (so the router
sees them arrive on rc0/rc1) and are seen arriving on s0/s1; the router's rejects come back to
c0/c1. The router forwards with ICMP rate limits off, so every REJECT answers.
"""

import subprocess

CLIENT_SIDE = {
    # router interface: (peer interface, router MAC, peer MAC, IPv4 /24 prefix, IPv6 /64 prefix)
    "rc0": ("c0", "02:00:00:00:10:01", "02:00:00:00:10:02", "10.1.0.", "fd00:1::"),
    "rc1": ("c1", "02:00:00:00:11:01", "02:00:00:00:11:02", "10.1.1.", "fd00:1:1::"),
}
SERVER_SIDE = {
    "rs0": ("s0", "02:00:00:00:20:01", "02:00:00:00:20:02", "10.2.0.", "fd00:2::"),
    "rs1": ("s1", "02:00:00:00:21:01", "02:00:00:00:21:02", "10.2.1.", "fd00:2:1::"),
}
HOSTS = range(2, 10)   # host parts of the addresses probes use


def client_addresses(family):
    """router interface -> list of client addresses behind it."""
    return _addresses(CLIENT_SIDE, family)


def server_addresses(family):
    return _addresses(SERVER_SIDE, family)


def _addresses(side, family):
    out = {}
    for rif, (_, _, _, v4, v6) in side.items():
        out[rif] = [f"{v4}{h}" if family == 4 else f"{v6}{h}" for h in HOSTS]
    return out


def interface_for(address):
    """The router interface behind which `address` (text) lives, or None."""
    for side in (CLIENT_SIDE, SERVER_SIDE):
        for rif, (_, _, _, v4, v6) in side.items():
            for h in HOSTS:
                if address in (f"{v4}{h}", f"{v6}{h}"):
                    return rif
    return None


def _run(*argv):
    r = subprocess.run(argv, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def _sysctl(ns, key, value, required=True):
    """Sets a net.* sysctl inside namespace `ns` (no procps needed: /proc/sys is per netns)."""
    from probe import InNamespace
    path = "/proc/sys/" + key.replace(".", "/")
    try:
        with InNamespace(ns):
            with open(path, "w") as f:
                f.write(f"{value}\n")
    except OSError as e:
        if required:
            raise RuntimeError(f"sysctl {key}={value} in {ns}: {e}") from e


def build(client_ns, router_ns, server_ns):
    """Creates the links and addresses in three existing, empty namespaces."""
    for ns in (client_ns, server_ns):
        _sysctl(ns, "net.ipv6.conf.all.disable_ipv6", 1, required=False)
        _sysctl(ns, "net.ipv6.conf.default.disable_ipv6", 1, required=False)
        _run("ip", "-n", ns, "link", "set", "lo", "up")
    r = router_ns
    _run("ip", "-n", r, "link", "set", "lo", "up")
    _sysctl(r, "net.ipv4.ip_forward", 1)
    _sysctl(r, "net.ipv4.conf.all.rp_filter", 0)
    _sysctl(r, "net.ipv4.conf.default.rp_filter", 0)
    _sysctl(r, "net.ipv4.icmp_ratelimit", 0)
    _sysctl(r, "net.ipv4.icmp_msgs_per_sec", 1000000, required=False)
    _sysctl(r, "net.ipv4.icmp_msgs_burst", 1000000, required=False)
    _sysctl(r, "net.ipv6.conf.all.forwarding", 1, required=False)
    _sysctl(r, "net.ipv6.conf.default.accept_dad", 0, required=False)
    _sysctl(r, "net.ipv6.icmp.ratelimit", 0, required=False)
    # A lone ACK starts a connection (probe.tcp_state relies on it; it is the default).
    _sysctl(r, "net.netfilter.nf_conntrack_tcp_loose", 1, required=False)
    for side, ns in ((CLIENT_SIDE, client_ns), (SERVER_SIDE, server_ns)):
        for rif, (peer, rmac, pmac, v4, v6) in side.items():
            _run("ip", "-n", r, "link", "add", rif, "address", rmac, "type", "veth",
                 "peer", "name", peer, "address", pmac, "netns", ns)
            _run("ip", "-n", ns, "link", "set", peer, "up")
            _run("ip", "-n", r, "link", "set", rif, "up")
            _run("ip", "-n", r, "addr", "add", f"{v4}1/24", "dev", rif)
            for h in HOSTS:
                _run("ip", "-n", r, "neigh", "replace", f"{v4}{h}", "lladdr", pmac,
                     "dev", rif, "nud", "permanent")
    ipv6 = True
    try:
        for side in (CLIENT_SIDE, SERVER_SIDE):
            for rif, (peer, rmac, pmac, v4, v6) in side.items():
                _run("ip", "-n", r, "-6", "addr", "add", f"{v6}1/64", "dev", rif, "nodad")
                for h in HOSTS:
                    _run("ip", "-n", r, "-6", "neigh", "replace", f"{v6}{h}", "lladdr", pmac,
                         "dev", rif, "nud", "permanent")
    except RuntimeError:
        ipv6 = False
    return ipv6
