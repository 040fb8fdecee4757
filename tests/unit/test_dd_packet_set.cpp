// lib/dd Space against the box PacketSet: the same random sets built both ways must have the
// same members, size, values per field and witness; and two threads with two Spaces at once.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "lib/dd/space.hpp"
#include "rulegap/packet_set.hpp"

using namespace rulegap;

namespace {

constexpr uint128 v4_base = 0x0a000000;               // 10.0.0.0
const uint128 v6_base = uint128{0x20010db8} << 96;    // 2001:db8::
const std::uint8_t protocols[] = {6, 17, 1, 58, 47, 132};
const char* const names[] = {"eth0", "eth1", "eth+", "wlan0", "lo", "+"};

struct Pair {
    PacketSet box;
    dd::Set dd;
};

// One field in a random range, both ways.
Pair random_leaf(dd::Space& s, std::mt19937& g) {
    auto pick = [&](unsigned n) { return static_cast<unsigned>(g() % n); };
    Field f = Field::protocol;
    std::vector<Interval> v;
    switch (pick(10)) {
        case 0: f = Field::protocol; v = {{protocols[pick(6)], protocols[pick(6)]}}; if (v[0].lo > v[0].hi) std::swap(v[0].lo, v[0].hi); break;
        case 1: f = Field::family; v = {{pick(2) ? 4u : 6u, pick(2) ? 4u : 6u}}; if (v[0].lo > v[0].hi) std::swap(v[0].lo, v[0].hi); break;
        case 2:
        case 3: {
            f = pick(2) ? Field::src_addr : Field::dst_addr;
            uint128 base = pick(3) == 0 ? v6_base : v4_base;
            uint128 lo = base + pick(512);
            v = {{lo, lo + pick(300)}};
            if (pick(4) == 0) v.push_back({lo + 400, lo + 400 + pick(100)});
            break;
        }
        case 4:
        case 5: {
            f = pick(2) ? Field::src_port : Field::dst_port;
            uint128 lo = pick(100);
            v = {{lo, lo + pick(40)}};
            break;
        }
        case 6: f = pick(2) ? Field::icmp_type : Field::icmp_code; v = {{pick(10), 5 + pick(10)}}; break;
        case 7: f = Field::tcp_flags; v = {{pick(32), 16 + pick(32)}}; break;
        case 8: f = Field::state; v = {{pick(5), pick(5)}}; if (v[0].lo > v[0].hi) std::swap(v[0].lo, v[0].hi); break;
        default: f = pick(2) ? Field::in_iface : Field::out_iface; v = {interface_interval(names[pick(6)])}; break;
    }
    return {PacketSet::where(f, v), dd::Set::where(s, f, v)};
}

Pair random_pair(dd::Space& s, std::mt19937& g, int depth = 0) {
    if (depth > 3 || g() % 4 == 0) return random_leaf(s, g);
    Pair a = random_pair(s, g, depth + 1);
    switch (g() % 7) {
        case 0: {
            Pair b = random_pair(s, g, depth + 1);
            return {a.box | b.box, a.dd | b.dd};
        }
        case 1: {
            Pair b = random_pair(s, g, depth + 1);
            return {a.box & b.box, a.dd & b.dd};
        }
        case 2:
        case 3: {
            Pair b = random_pair(s, g, depth + 1);
            return {a.box - b.box, a.dd - b.dd};
        }
        case 4: return {a.box.complement(), a.dd.complement()};
        case 5: {
            auto f = static_cast<Field>(g() % field_count);
            return {a.box.widened(f), a.dd.widened(f)};
        }
        default: {
            Pair leaf = random_leaf(s, g);   // a field set to the values another leaf allows
            auto f = static_cast<Field>(g() % field_count);
            std::vector<Interval> v = leaf.box.values(f);
            return {a.box.with_field(f, v), a.dd.with_field(f, v)};
        }
    }
}

Packet random_packet(std::mt19937& g) {
    auto pick = [&](unsigned n) { return static_cast<unsigned>(g() % n); };
    Packet p;
    p.family = pick(3) == 0 ? 6 : 4;
    p.protocol = protocols[pick(6)];
    uint128 base = p.family == 4 ? v4_base : v6_base;
    p.src = base + pick(1024);
    p.dst = base + pick(1024);
    p.src_port = p.has_ports() ? static_cast<std::uint16_t>(pick(150)) : 0;
    p.dst_port = p.has_ports() ? static_cast<std::uint16_t>(pick(150)) : 0;
    p.icmp_type = p.is_icmp() ? static_cast<std::uint8_t>(pick(20)) : 0;
    p.icmp_code = p.is_icmp() ? static_cast<std::uint8_t>(pick(20)) : 0;
    p.tcp_flags = p.protocol == 6 ? static_cast<std::uint8_t>(pick(64)) : 0;
    p.state = static_cast<ConnState>(pick(5));
    const char* ifs[] = {"eth0", "eth1", "eth", "wlan0", "lo"};
    if (unsigned i = pick(6); i < 5) p.in_interface = ifs[i];
    if (unsigned o = pick(6); o < 5) p.out_interface = ifs[o];
    return p;
}

// What a run over random sets yields, to compare a thread's results with a sequential run.
std::string digest(dd::Space& s, std::uint32_t seed, int rounds) {
    std::mt19937 g(seed);
    std::string out;
    for (int i = 0; i < rounds; ++i) {
        Pair p = random_pair(s, g);
        out += p.dd.size().to_string() + ";";
        if (auto w = p.dd.witness()) out += format_packet(*w);
        out += "|";
    }
    return out;
}

}  // namespace

TEST_CASE("dd: the universe and simple sets match the box PacketSet") {
    dd::Space s;
    CHECK(dd::Set::all(s).size() == PacketSet::all().size());
    CHECK(dd::Set(s, s.family(4)).size() == PacketSet::ipv4().size());
    CHECK(s.witness(s.universe()) == PacketSet::all().witness());
    // Complement is relative to the universe: ports of non-port protocols stay 0.
    dd::Set gre = dd::Set::where(s, Field::protocol, 47);
    CHECK(gre.values(Field::dst_port) == std::vector<Interval>{{0, 0}});
    CHECK((gre.complement() | gre) == dd::Set::all(s));
    CHECK(dd::Set::where(s, Field::dst_port, 80).values(Field::protocol) == PacketSet::where(Field::dst_port, 80).values(Field::protocol));
    // IPv4 addresses stay below 2^32.
    CHECK(dd::Set(s, s.family(4)).values(Field::src_addr) == std::vector<Interval>{{0, 0xffffffffu}});
    // One packet.
    Packet p;
    p.src = v4_base + 1;
    p.dst = v4_base + 2;
    p.dst_port = 22;
    p.in_interface = "eth0";
    dd::Set one(s, s.of(p));
    CHECK(one.size() == BigCount(1));
    CHECK(one.contains(p));
    CHECK(one.witness() == PacketSet::of(p).witness());
    CHECK(one.witness() == std::optional<Packet>(p));
}

TEST_CASE("dd: random sets agree with the box PacketSet (members, size, values, witness)") {
    dd::Space s;
    std::mt19937 g(20261122);
    int nonempty = 0;
    for (int round = 0; round < 400; ++round) {
        Pair p = random_pair(s, g);
        INFO("round " << round << ": " << to_string(p.box));
        REQUIRE(p.box.empty() == p.dd.empty());
        nonempty += p.box.empty() ? 0 : 1;
        CHECK(p.box.size() == p.dd.size());
        for (int f = 0; f < field_count; ++f) CHECK(p.box.values(static_cast<Field>(f)) == p.dd.values(static_cast<Field>(f)));
        std::optional<Packet> w = p.dd.witness();
        CHECK(w == p.box.witness());
        if (w) CHECK(p.dd.contains(*w));
        for (int i = 0; i < 30; ++i) {
            Packet q = random_packet(g);
            CHECK(p.box.contains(q) == p.dd.contains(q));
        }
        // Equal sets are the same node: the box set's boxes rebuilt one by one.
        dd::Set rebuilt = dd::Set::none(s);
        for (const PacketSet::Box& b : p.box.boxes()) {
            dd::Set box = dd::Set::all(s);
            for (int f = 0; f < field_count; ++f) box = box & dd::Set::where(s, static_cast<Field>(f), b.dim[f]);
            rebuilt = rebuilt | box;
        }
        CHECK(rebuilt.root() == p.dd.root());
        Pair q = random_pair(s, g);
        CHECK((p.dd | q.dd).size() + (p.dd & q.dd).size() == p.dd.size() + q.dd.size());
        CHECK(p.dd.subset_of(q.dd) == p.box.subset_of(q.box));
        CHECK((p.dd == q.dd) == (p.box == q.box));
    }
    CHECK(nonempty > 200);
}

TEST_CASE("dd: two threads, two Spaces, at once: the results of a sequential run") {
    dd::Space a, b;
    std::string seq1 = digest(a, 11, 60), seq2 = digest(b, 12, 60);
    std::string par1, par2;
    {
        dd::Space c, d;
        std::thread t1([&] { par1 = digest(c, 11, 60); });
        std::thread t2([&] { par2 = digest(d, 12, 60); });
        t1.join();
        t2.join();
    }
    CHECK(par1 == seq1);
    CHECK(par2 == seq2);
    CHECK(seq1 != seq2);
}
