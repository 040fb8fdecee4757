"""Probes for the kernel differential test: build packets, send them, sniff what comes out.

Standard library only. Everything runs in one process: sockets are opened inside the test's
network namespaces (setns), and a socket stays in the namespace it was created in. Packets are
sent as whole Ethernet frames on the client's veths (AF_PACKET), so nothing is routed by the
client and no traffic can leave the test's own namespaces.

A probe is one line of rulegap's packet syntax, restricted to what can be sent as the first
packet the router's conntrack sees of a connection:
    tcp 10.1.0.2:4001 -> 10.2.0.2:135 [in rc0] [out rs0]
    tcp 10.1.0.2:4001 -> 10.2.0.2:135 [in rc0] [out rs0] [flags syn,ack] [state invalid]
    udp [fd00:1::2]:4001 -> [fd00:2::3]:53 [in rc0] [out rs0]
    icmp 10.1.0.2 -> 10.2.0.2 type 8 code 0 [in rc0] [out rs0]
    icmpv6 [fd00:1::2] -> [fd00:2::2] type 128 code 0 [in rc0] [out rs0]
A TCP probe may carry any flags; its [state] must then be the one conntrack gives such a packet
without a connection (tcp_state below): SYN new, a lone ACK new (picked up mid-stream,
nf_conntrack_tcp_loose=1), SYN-ACK, FIN, RST and invalid combinations invalid. That is also what a
SYN-ACK answering a SYN that raw NOTRACKed meets. UDP and ICMP probes are always new.

A probe that a DNAT rewrites arrives at the server with another destination: arrivals are
matched by a token each packet carries (TCP sequence number, UDP payload, ICMP sequence number)
as well as by their addresses and ports.
"""

import ctypes
import ipaddress
import os
import re
import select
import socket
import struct
import time

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
PACKET_OUTGOING = 4

PROTO_TCP, PROTO_UDP, PROTO_ICMP, PROTO_ICMPV6 = 6, 17, 1, 58

TCP_FLAGS = {"fin": 0x01, "syn": 0x02, "rst": 0x04, "psh": 0x08, "ack": 0x10, "urg": 0x20,
             "ece": 0x40, "cwr": 0x80}
STATES = ("new", "established", "related", "invalid", "untracked")
TCP_SEQ_BASE = 0x10000
UDP_PAYLOAD = b"rulegap-kdiff"


def tcp_state(flags):
    """The ctstate conntrack gives a TCP packet with these flags when no connection exists
    (nf_conntrack_proto_tcp.c: tcp_valid_flags, then tcp_conntracks[0][index][sNO], with
    nf_conntrack_tcp_loose=1 picking up a lone ACK as a new connection)."""
    f = flags & ~(0x40 | 0x80 | 0x08)    # ECE, CWR and PSH do not count
    valid = {0x02, 0x22, 0x12, 0x04, 0x14, 0x11, 0x31, 0x10, 0x30}
    if f not in valid:
        return "invalid"
    if f & 0x04:
        return "invalid"                 # RST
    if f & 0x02:
        return "invalid" if f & 0x10 else "new"   # SYN-ACK / SYN
    if f & 0x01:
        return "invalid"                 # FIN
    return "new"                         # ACK: picked up


def flags_text(flags):
    return ",".join(name for name, bit in TCP_FLAGS.items() if flags & bit) or "none"

# ICMP types conntrack treats as the start of a new connection, with an identifier field.
ICMP4_NEW_TYPES = (8, 13)      # echo-request, timestamp-request
ICMP6_NEW_TYPES = (128,)       # echo-request


class ProbeError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Network namespaces


def _setns(fd):
    if hasattr(os, "setns"):
        os.setns(fd, CLONE_NEWNET)
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


class InNamespace:
    """Context manager: the calling thread is in network namespace `name` inside the block."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.home = os.open("/proc/self/ns/net", os.O_RDONLY)
        target = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
        try:
            _setns(target)
        finally:
            os.close(target)
        return self

    def __exit__(self, *exc):
        try:
            _setns(self.home)
        finally:
            os.close(self.home)
        return False


# ---------------------------------------------------------------------------------------------
# Probe syntax

_PORTED = re.compile(
    r"^(tcp|udp)\s+(\S+):(\d+)\s+->\s+(\S+):(\d+)((?:\s+\[[^\]]*\])*)\s*$")
_ICMP = re.compile(
    r"^(icmp|icmpv6)\s+(\S+)\s+->\s+(\S+)\s+type\s+(\d+)(?:\s+code\s+(\d+))?((?:\s+\[[^\]]*\])*)\s*$")


def _addr(text):
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return ipaddress.ip_address(text)


class Probe:
    """One packet to send, parsed from rulegap's packet syntax."""

    def __init__(self, text):
        self.text = text.strip()
        m = _PORTED.match(self.text)
        if m:
            self.proto = PROTO_TCP if m.group(1) == "tcp" else PROTO_UDP
            self.src, self.dst = _addr(m.group(2)), _addr(m.group(4))
            self.sport, self.dport = int(m.group(3)), int(m.group(5))
            self.icmp_type = self.icmp_code = None
            extras = m.group(6)
        else:
            m = _ICMP.match(self.text)
            if not m:
                raise ProbeError(f"cannot parse probe: {self.text!r}")
            self.src, self.dst = _addr(m.group(2)), _addr(m.group(3))
            self.proto = PROTO_ICMP if m.group(1) == "icmp" else PROTO_ICMPV6
            self.sport = self.dport = None
            self.icmp_type, self.icmp_code = int(m.group(4)), int(m.group(5) or 0)
            extras = m.group(6)
            allowed = ICMP4_NEW_TYPES if self.proto == PROTO_ICMP else ICMP6_NEW_TYPES
            if self.icmp_type not in allowed:
                raise ProbeError(f"probe {self.text!r}: only ICMP types {allowed} start a "
                                 "new connection and can be told apart")
        self.family = self.src.version
        if self.dst.version != self.family:
            raise ProbeError(f"probe {self.text!r}: mixed address families")
        if (self.proto == PROTO_ICMP) != (self.family == 4) and self.proto in (PROTO_ICMP, PROTO_ICMPV6):
            raise ProbeError(f"probe {self.text!r}: icmp is IPv4, icmpv6 is IPv6")
        self.in_if = self.out_if = None
        self.flags, state = 0x02, None
        for tag in re.findall(r"\[([^\]]*)\]", extras or ""):
            words = tag.split()
            if len(words) == 2 and words[0] == "in":
                self.in_if = words[1]
            elif len(words) == 2 and words[0] == "out":
                self.out_if = words[1]
            elif len(words) == 2 and words[0] == "state" and words[1] in STATES:
                state = words[1]
            elif len(words) == 2 and words[0] == "flags" and self.proto == PROTO_TCP:
                self.flags = 0
                for name in words[1].split(","):
                    if name not in TCP_FLAGS and name != "none":
                        raise ProbeError(f"probe {self.text!r}: unknown tcp flag {name!r}")
                    self.flags |= TCP_FLAGS.get(name, 0)
            else:
                raise ProbeError(f"probe {self.text!r}: only [in IF], [out IF], [state S] and "
                                 "[flags F] (tcp) are understood")
        if self.in_if is None or self.out_if is None:
            raise ProbeError(f"probe {self.text!r}: needs [in IF] and [out IF]")
        self.state = tcp_state(self.flags) if self.proto == PROTO_TCP else "new"
        if (state or "new") != self.state:
            raise ProbeError(f"probe {self.text!r}: conntrack sees such a packet as "
                             f"[state {self.state}], not [state {state or 'new'}]")
        self.ident = None   # ICMP identifier, set by the prober

    def key(self):
        """What identifies this probe on the wire (client to server direction)."""
        if self.proto in (PROTO_TCP, PROTO_UDP):
            return (self.proto, self.src.packed, self.dst.packed, self.sport, self.dport)
        return (self.proto, self.src.packed, self.dst.packed, self.ident)


# ---------------------------------------------------------------------------------------------
# Packet building


def _csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def _pseudo(probe, proto, length):
    if probe.family == 4:
        return probe.src.packed + probe.dst.packed + struct.pack("!BBH", 0, proto, length)
    return probe.src.packed + probe.dst.packed + struct.pack("!IxxxB", length, proto)


def build_ip(probe, seq=1):
    """The IP packet (no link header) for a probe."""
    if probe.proto == PROTO_TCP:
        ack = 1 if probe.flags & 0x10 else 0
        hdr = struct.pack("!HHIIBBHHH", probe.sport, probe.dport, TCP_SEQ_BASE + seq, ack,
                          5 << 4, probe.flags, 64240, 0, 0)
        payload = b""
        l4 = hdr + payload
        c = _csum(_pseudo(probe, PROTO_TCP, len(l4)) + l4)
        l4 = l4[:16] + struct.pack("!H", c) + l4[18:]
    elif probe.proto == PROTO_UDP:
        payload = UDP_PAYLOAD + struct.pack("!I", seq)
        length = 8 + len(payload)
        l4 = struct.pack("!HHHH", probe.sport, probe.dport, length, 0) + payload
        c = _csum(_pseudo(probe, PROTO_UDP, length) + l4) or 0xFFFF
        l4 = l4[:6] + struct.pack("!H", c) + l4[8:]
    else:
        body = struct.pack("!HH", probe.ident, seq & 0xFFFF)
        if probe.proto == PROTO_ICMP and probe.icmp_type == 13:
            body += struct.pack("!III", 0, 0, 0)   # originate, receive, transmit timestamps
        else:
            body += b"rulegap-kdiff"
        l4 = struct.pack("!BBH", probe.icmp_type, probe.icmp_code, 0) + body
        if probe.proto == PROTO_ICMP:
            c = _csum(l4)
        else:
            c = _csum(_pseudo(probe, PROTO_ICMPV6, len(l4)) + l4)
        l4 = l4[:2] + struct.pack("!H", c) + l4[4:]
    if probe.family == 4:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), seq & 0xFFFF, 0x4000, 64,
                         probe.proto, 0, probe.src.packed, probe.dst.packed)
        ip = ip[:10] + struct.pack("!H", _csum(ip)) + ip[12:]
        return ip + l4
    ip = struct.pack("!IHBB16s16s", 6 << 28, len(l4), probe.proto, 64,
                     probe.src.packed, probe.dst.packed)
    return ip + l4


def build_frame(probe, src_mac, dst_mac, seq=1):
    ethertype = ETH_P_IP if probe.family == 4 else ETH_P_IPV6
    return dst_mac + src_mac + struct.pack("!H", ethertype) + build_ip(probe, seq)


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


# ---------------------------------------------------------------------------------------------
# Packet parsing


def parse_ip(data):
    """(family, proto, src, dst, l4 bytes) of an IP packet, or None."""
    if len(data) < 1:
        return None
    version = data[0] >> 4
    if version == 4 and len(data) >= 20:
        ihl = (data[0] & 0x0F) * 4
        return 4, data[9], data[12:16], data[16:20], data[ihl:]
    if version == 6 and len(data) >= 40:
        # The probes and the router's answers carry no extension headers.
        return 6, data[6], data[8:24], data[24:40], data[40:]
    return None


def _forward_key(family, proto, src, dst, l4):
    """Key of a packet travelling in the probe's direction (as a probe's key())."""
    if proto in (PROTO_TCP, PROTO_UDP) and len(l4) >= 4:
        sport, dport = struct.unpack("!HH", l4[:4])
        return (proto, src, dst, sport, dport)
    if proto in (PROTO_ICMP, PROTO_ICMPV6) and len(l4) >= 6:
        return (proto, src, dst, struct.unpack("!H", l4[4:6])[0])
    return None


def arrival_token(proto, l4):
    """The token (the sender's sequence number) a probe carries, or None."""
    if proto == PROTO_TCP and len(l4) >= 8:
        seq = struct.unpack("!I", l4[4:8])[0]
        return seq - TCP_SEQ_BASE if seq >= TCP_SEQ_BASE else None
    if proto == PROTO_UDP and len(l4) >= 8 + len(UDP_PAYLOAD) + 4 and \
            l4[8:8 + len(UDP_PAYLOAD)] == UDP_PAYLOAD:
        return struct.unpack("!I", l4[8 + len(UDP_PAYLOAD):12 + len(UDP_PAYLOAD)])[0]
    if proto in (PROTO_ICMP, PROTO_ICMPV6) and len(l4) >= 8:
        return ("icmp", struct.unpack("!H", l4[6:8])[0])
    return None


def tuple_text(family, proto, dst, l4):
    """The destination (and port) of an arrival, as text."""
    a = ipaddress.ip_address(dst)
    text = str(a) if family == 4 else f"[{a}]"
    if proto in (PROTO_TCP, PROTO_UDP) and len(l4) >= 4:
        text += f":{struct.unpack('!H', l4[2:4])[0]}"
    return text


def classify_return(data):
    """A packet coming back to the client: ('reject', key of the probe it answers, detail)."""
    parsed = parse_ip(data)
    if not parsed:
        return None
    family, proto, src, dst, l4 = parsed
    if proto == PROTO_TCP and len(l4) >= 14:
        sport, dport = struct.unpack("!HH", l4[:4])
        if l4[13] & 0x04:   # RST
            return (PROTO_TCP, dst, src, dport, sport), "tcp-reset"
        return None
    unreach = (proto == PROTO_ICMP and len(l4) >= 8 and l4[0] == 3) or \
              (proto == PROTO_ICMPV6 and len(l4) >= 8 and l4[0] == 1)
    if not unreach:
        return None
    quoted = parse_ip(l4[8:])
    if not quoted:
        return None
    key = _forward_key(*quoted)
    if key is None:
        return None
    kind = "icmp" if proto == PROTO_ICMP else "icmpv6"
    return key, f"{kind}-unreachable code {l4[1]}"


# ---------------------------------------------------------------------------------------------
# The prober


class Link:
    """One client-side or server-side veth: its namespace, name, and (client side) MACs."""

    def __init__(self, ns, ifname, mac=None, peer_mac=None):
        self.ns, self.ifname = ns, ifname
        self.mac = mac_bytes(mac) if mac else None
        self.peer_mac = mac_bytes(peer_mac) if peer_mac else None
        self.sock = None

    def open(self):
        with InNamespace(self.ns):
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        s.bind((self.ifname, 0))
        s.setblocking(False)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        self.sock = s

    def drain(self):
        while True:
            try:
                self.sock.recvfrom(65535)
            except BlockingIOError:
                return

    def close(self):
        if self.sock:
            self.sock.close()
            self.sock = None


class Prober:
    """Sends probes from the client links and records, per probe, what the kernel did.

    client_links: router-facing interface name (e.g. "rc0") -> Link on the client's peer veth.
    server_links: list of Links on the server's veths.
    """

    def __init__(self, client_links, server_links, wait=0.35):
        self.client_links = client_links
        self.server_links = server_links
        self.wait = wait
        self.seq = 0

    def open(self):
        for link in list(self.client_links.values()) + self.server_links:
            link.open()

    def close(self):
        for link in list(self.client_links.values()) + self.server_links:
            link.close()

    def run(self, probes, gap=0.0005):
        """Sends every probe once; returns a list of (verdict, detail), one per probe.

        verdict: 'accept' (reached a server veth), 'reject' (an RST or ICMP unreachable came
        back to the client), 'drop' (neither), or 'error' (both, or a duplicate key).
        """
        keys, tokens = {}, {}   # tokens: the sequence number each probe carries -> its index
        for i, p in enumerate(probes):
            if p.proto in (PROTO_ICMP, PROTO_ICMPV6):
                p.ident = 0x4000 + i
            if p.in_if not in self.client_links:
                raise ProbeError(f"probe {p.text!r}: no client link for [in {p.in_if}]")
            k = p.key()
            if k in keys:
                raise ProbeError(f"probes {probes[keys[k]].text!r} and {p.text!r} look the same "
                                 "on the wire")
            keys[k] = i
        seen = [dict() for _ in probes]   # per probe: 'accept'/'reject' -> detail
        links = list(self.client_links.values()) + self.server_links
        for link in links:
            link.drain()
        server_socks = {link.sock.fileno(): link for link in self.server_links}
        client_socks = {link.sock.fileno(): link for link in self.client_links.values()}

        def collect(deadline):
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                ready, _, _ = select.select([l.sock for l in links], [], [], left)
                for sock in ready:
                    fd = sock.fileno()
                    while True:
                        try:
                            frame, addr = sock.recvfrom(65535)
                        except BlockingIOError:
                            break
                        if addr[2] == PACKET_OUTGOING or len(frame) < 14:
                            continue
                        ethertype = struct.unpack("!H", frame[12:14])[0]
                        if ethertype not in (ETH_P_IP, ETH_P_IPV6):
                            continue
                        data = frame[14:]
                        if fd in server_socks:
                            parsed = parse_ip(data)
                            if not parsed:
                                continue
                            # By its token first: a DNAT may have rewritten its destination.
                            i = tokens.get(arrival_token(parsed[1], parsed[4]))
                            if i is not None and parsed[2] != probes[i].src.packed:
                                i = None
                            k = _forward_key(*parsed)
                            if i is None:
                                i = keys.get(k)
                            if i is not None:
                                where = f"arrived on {server_socks[fd].ifname}"
                                if k != probes[i].key():
                                    where += " as " + tuple_text(parsed[0], parsed[1], parsed[3],
                                                                 parsed[4])
                                seen[i]["accept"] = where
                        elif fd in client_socks:
                            r = classify_return(data)
                            if r and r[0] in keys:
                                seen[keys[r[0]]]["reject"] = r[1]

        for i, p in enumerate(probes):
            self.seq += 1
            tokens[self.seq if p.proto in (PROTO_TCP, PROTO_UDP) else ("icmp", self.seq & 0xFFFF)] = i
            link = self.client_links[p.in_if]
            link.sock.send(build_frame(p, link.mac, link.peer_mac, self.seq))
            if gap:
                collect(time.monotonic() + gap)
        collect(time.monotonic() + self.wait)

        results = []
        for s in seen:
            if len(s) > 1:
                results.append(("error", "; ".join(f"{k}: {v}" for k, v in s.items())))
            elif s:
                (verdict, detail), = s.items()
                results.append((verdict, detail))
            else:
                results.append(("drop", "nothing came out"))
        return results
