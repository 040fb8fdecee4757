// PacketSet: algebra laws, membership, witnesses, exact sizes, rewrites; BigCount; interfaces.
#include <doctest/doctest.h>

#include <functional>
#include <random>
#include <thread>

#include "lib/packetset/set_space.hpp"
#include "rulegap/packet_set.hpp"

using namespace rulegap;

namespace {

using Pred = std::function<bool(const Packet&)>;

// A set together with an independent membership test for it.
struct Model {
    PacketSet set;
    Pred pred;
};

constexpr uint128 v4_base = 0x0a000000;             // 10.0.0.0
const uint128 v6_base = uint128{0x20010db8} << 96;  // 2001:db8::
const std::uint8_t protocols[] = {6, 17, 1, 58, 47, 132};

// Packets over a small pool of values, so that random sets and packets often meet.
Packet random_packet(std::mt19937& rng) {
    auto pick = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
    Packet p;
    p.family = pick(3) == 0 ? 6 : 4;
    p.protocol = protocols[pick(6)];
    uint128 base = p.family == 4 ? v4_base : v6_base;
    p.src = base + pick(512);
    p.dst = base + pick(512);
    p.src_port = p.has_ports() ? static_cast<std::uint16_t>(pick(100)) : 0;
    p.dst_port = p.has_ports() ? static_cast<std::uint16_t>(pick(100)) : 0;
    p.icmp_type = p.is_icmp() ? static_cast<std::uint8_t>(pick(10)) : 0;
    p.icmp_code = p.is_icmp() ? static_cast<std::uint8_t>(pick(3)) : 0;
    p.tcp_flags = p.protocol == 6 ? static_cast<std::uint8_t>(pick(32)) : 0;
    p.state = static_cast<ConnState>(pick(5));
    const char* names[] = {"eth0", "eth1", "wlan0", "lo"};
    unsigned i = pick(5);
    if (i < 4) p.in_interface = names[i];
    unsigned o = pick(5);
    if (o < 4) p.out_interface = names[o];
    return p;
}

uint128 value(const Packet& p, Field f) { return field_value(p, f).value_or(0); }

// A leaf: one field in a range, as where() defines it (field values normalised like the universe).
Model random_leaf(std::mt19937& rng) {
    auto pick = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
    switch (pick(7)) {
        case 0: {
            std::uint8_t proto = protocols[pick(6)];
            return {PacketSet::where(Field::protocol, proto),
                    [=](const Packet& p) { return p.protocol == proto; }};
        }
        case 1: {
            int family = pick(2) == 0 ? 4 : 6;
            int len = (family == 4 ? 23 : 119) + static_cast<int>(pick(9));
            uint128 base = (family == 4 ? v4_base : v6_base) + pick(512);
            uint128 host = (uint128{1} << ((family == 4 ? 32 : 128) - len)) - 1;
            uint128 lo = base & ~host;
            bool src = pick(2) == 0;
            PacketSet s = src ? PacketSet::source_prefix(family, base, len)
                              : PacketSet::destination_prefix(family, base, len);
            return {s, [=](const Packet& p) {
                        uint128 a = src ? p.src : p.dst;
                        return p.family == family && a >= lo && a <= (lo | host);
                    }};
        }
        case 2:
        case 3: {
            Field f = pick(2) == 0 ? Field::src_port : Field::dst_port;
            uint128 lo = pick(100), hi = lo + pick(30);
            return {PacketSet::where(f, lo, hi), [=](const Packet& p) {
                        uint128 v = value(p, f);
                        return v >= lo && v <= hi;
                    }};
        }
        case 4: {
            uint128 lo = pick(5), hi = lo + pick(2);
            return {PacketSet::where(Field::state, lo, hi), [=](const Packet& p) {
                        return value(p, Field::state) >= lo && value(p, Field::state) <= hi;
                    }};
        }
        case 5: {
            Interval i = interface_interval(pick(2) == 0 ? "eth+" : "lo");
            Field f = pick(2) == 0 ? Field::in_iface : Field::out_iface;
            return {PacketSet::where(f, {i}), [=](const Packet& p) { return i.contains(value(p, f)); }};
        }
        default: {
            uint128 lo = pick(10), hi = lo + pick(4);
            Field f = pick(2) == 0 ? Field::icmp_type : Field::tcp_flags;
            return {PacketSet::where(f, lo, hi), [=](const Packet& p) {
                        uint128 v = value(p, f);
                        return v >= lo && v <= hi;
                    }};
        }
    }
}

Model random_model(std::mt19937& rng, int depth) {
    if (depth == 0 || rng() % 4 == 0) return random_leaf(rng);
    Model a = random_model(rng, depth - 1);
    Model b = random_model(rng, depth - 1);
    switch (rng() % 4) {
        case 0:
            return {a.set | b.set, [=](const Packet& p) { return a.pred(p) || b.pred(p); }};
        case 1:
            return {a.set & b.set, [=](const Packet& p) { return a.pred(p) && b.pred(p); }};
        case 2:
            return {a.set - b.set, [=](const Packet& p) { return a.pred(p) && !b.pred(p); }};
        default:
            return {a.set.complement(), [=](const Packet& p) { return !a.pred(p); }};
    }
}

BigCount pow2(int n) {
    BigCount r(1);
    for (int i = 0; i < n; ++i) r = r * BigCount(2);
    return r;
}

}  // namespace

TEST_CASE("membership agrees with how the set was built") {
    std::mt19937 rng(1234);
    for (int iter = 0; iter < 300; ++iter) {
        Model m = random_model(rng, 3);
        for (int k = 0; k < 40; ++k) {
            Packet p = random_packet(rng);
            INFO("set: " << to_string(m.set));
            REQUIRE(m.set.contains(p) == m.pred(p));
        }
    }
}

TEST_CASE("witness is a member, and only empty sets have none") {
    std::mt19937 rng(99);
    int non_empty = 0;
    for (int iter = 0; iter < 300; ++iter) {
        Model m = random_model(rng, 3);
        std::optional<Packet> w = m.set.witness();
        REQUIRE(w.has_value() == !m.set.empty());
        REQUIRE(m.set.empty() == m.set.size().is_zero());
        if (!w) continue;
        ++non_empty;
        REQUIRE(m.set.contains(*w));
        REQUIRE(m.pred(*w));
        REQUIRE(PacketSet::of(*w).subset_of(m.set));
    }
    CHECK(non_empty > 100);
}

TEST_CASE("algebra laws") {
    std::mt19937 rng(7);
    const PacketSet all = PacketSet::all();
    for (int iter = 0; iter < 100; ++iter) {
        PacketSet a = random_model(rng, 2).set, b = random_model(rng, 2).set, c = random_model(rng, 2).set;
        CHECK((a | b) == (b | a));
        CHECK((a & b) == (b & a));
        CHECK(((a | b) | c) == (a | (b | c)));
        CHECK(((a & b) & c) == (a & (b & c)));
        CHECK((a & (b | c)) == ((a & b) | (a & c)));
        CHECK((a | (b & c)) == ((a | b) & (a | c)));
        CHECK((a | b).complement() == (a.complement() & b.complement()));
        CHECK((a & b).complement() == (a.complement() | b.complement()));
        CHECK((a - b) == (a & b.complement()));
        CHECK(((a - b) & b).empty());
        CHECK(a.subset_of(a | b));
        CHECK((a & b).subset_of(a));
        CHECK(a.complement().complement() == a);
        CHECK((a | a.complement()) == all);
        CHECK(a.intersects(b) == !(a & b).empty());
        CHECK((a.subset_of(b)) == (a - b).empty());
        // Sizes add up: |A| + |B| = |A | B| + |A & B|.
        CHECK(a.size() + b.size() == (a | b).size() + (a & b).size());
    }
}

TEST_CASE("universe: ports, icmp fields and flags only where they apply") {
    PacketSet http = PacketSet::where(Field::dst_port, 80);
    CHECK(http.subset_of(
        PacketSet::where(Field::protocol, {{6, 6}, {17, 17}, {33, 33}, {132, 132}, {136, 136}})));
    PacketSet echo4 =
        PacketSet::ipv4() & PacketSet::where(Field::protocol, 1) & PacketSet::where(Field::icmp_type, 8);
    PacketSet echo6 =
        PacketSet::ipv6() & PacketSet::where(Field::protocol, 58) & PacketSet::where(Field::icmp_type, 8);
    CHECK(PacketSet::where(Field::icmp_type, 8) == (echo4 | echo6));
    // icmp type 0 also holds for every non-icmp packet.
    CHECK(PacketSet::where(Field::protocol, 47).subset_of(PacketSet::where(Field::icmp_type, 0)));
    CHECK_FALSE(
        PacketSet::where(Field::protocol, 47).intersects(PacketSet::where(Field::dst_port, 1, 65535)));
    CHECK(PacketSet::where(Field::family, 5).empty());
    CHECK(PacketSet::where(Field::tcp_flags, 2).subset_of(PacketSet::where(Field::protocol, 6)));
    CHECK((PacketSet::ipv4() | PacketSet::ipv6()) == PacketSet::all());
    CHECK(PacketSet::none().empty());
    CHECK(PacketSet::all().complement().empty());
    // IPv4 addresses stop at 2^32 - 1.
    CHECK((PacketSet::ipv4() & PacketSet::where(Field::src_addr, uint128{1} << 32, ~uint128{0})).empty());
}

TEST_CASE("exact sizes") {
    const BigCount iface = pow2(120);  // values of one interface field
    const BigCount states(5);
    // One /24 source, tcp, destination port 80.
    PacketSet s = PacketSet::source_prefix(4, 0x0a000000, 24) & PacketSet::where(Field::protocol, 6) &
                  PacketSet::where(Field::dst_port, 80);
    BigCount expect = BigCount(256) * pow2(32) * BigCount(65536) * BigCount(256) * states * iface * iface;
    CHECK(s.size() == expect);
    CHECK(s.count_values(Field::src_addr) == BigCount(256));
    CHECK(s.count_values(Field::dst_port) == BigCount(1));
    CHECK(s.count_values(Field::src_port) == BigCount(65536));
    // The whole universe, field by field.
    BigCount v4 = pow2(64), v6 = pow2(256), rest = states * iface * iface;
    BigCount ports = BigCount(65536) * BigCount(65536);
    BigCount per_family4 =
        v4 * (ports * BigCount(256) + ports * BigCount(4) + BigCount(65536) + BigCount(250));
    BigCount per_family6 =
        v6 * (ports * BigCount(256) + ports * BigCount(4) + BigCount(65536) + BigCount(250));
    CHECK(PacketSet::all().size() == (per_family4 + per_family6) * rest);
    CHECK(PacketSet::all().count_values(Field::protocol) == BigCount(256));
    CHECK(PacketSet::all().count_values(Field::family) == BigCount(2));
    CHECK(PacketSet::ipv6().count_values(Field::dst_addr) == pow2(128));
    // One packet.
    Packet p;
    p.src = 0x0a000001;
    p.dst = 0x0a000002;
    p.dst_port = 443;
    p.in_interface = "eth0";
    CHECK(PacketSet::of(p).size() == BigCount(1));
    CHECK(PacketSet::of(p).contains(p));
    CHECK(PacketSet::where(Field::dst_port, 1, 1023).values(Field::dst_port) ==
          std::vector<Interval>{{1, 1023}});
    CHECK(PacketSet::where(Field::dst_port, {{10, 20}, {21, 30}, {40, 50}}).values(Field::dst_port) ==
          std::vector<Interval>{{10, 30}, {40, 50}});
}

TEST_CASE("BigCount") {
    BigCount a = pow2(64);
    CHECK(a.to_string() == "18446744073709551616");
    CHECK((a * a).to_string() == "340282366920938463463374607431768211456");
    CHECK(BigCount::from_uint128(~uint128{0}) + BigCount(1) == a * a);
    CHECK(BigCount(0).is_zero());
    CHECK(BigCount().to_string() == "0");
    CHECK(BigCount(12345).to_uint64() == 12345u);
    CHECK_FALSE(a.to_uint64().has_value());
    CHECK((a + BigCount(~std::uint64_t{0})).to_string() == "36893488147419103231");
    CHECK(BigCount(3) < BigCount(4));
    CHECK(a > BigCount(~std::uint64_t{0}));
    CHECK(BigCount(1000000000).to_string() == "1000000000");
    CHECK((BigCount(999999999) * BigCount(1000000001)).to_string() == "999999999999999999");
    CHECK(a.to_double() == doctest::Approx(18446744073709551616.0));
}

TEST_CASE("interface names and prefix ranges") {
    CHECK(interface_name(interface_value("eth0")) == "eth0");
    CHECK(interface_value("") == 0);
    CHECK(interface_value("a") == uint128{'a'} << 112);
    Interval eth = interface_interval("eth+");
    CHECK(eth.contains(interface_value("eth")));
    CHECK(eth.contains(interface_value("eth0")));
    CHECK(eth.contains(interface_value("eth10.100")));
    CHECK_FALSE(eth.contains(interface_value("et")));
    CHECK(eth.contains(interface_value("etha")));
    CHECK_FALSE(eth.contains(interface_value("wlan0")));
    CHECK_FALSE(eth.contains(interface_value("eti")));
    CHECK(interface_interval("eth0") == Interval{interface_value("eth0"), interface_value("eth0")});
    Interval any = interface_interval("+");
    CHECK(any.lo == 0);
    CHECK(any.hi == field_max(Field::in_iface));
    PacketSet s = PacketSet::where(Field::in_iface, {eth});
    CHECK(s.count_values(Field::in_iface) == pow2(96));  // 12 free bytes
    std::optional<Packet> w = s.witness();
    REQUIRE(w);
    CHECK(w->in_interface == "eth0");  // the familiar name, when the range holds it
    PacketSet wlan = PacketSet::where(Field::in_iface, {interface_interval("wlan+")});
    CHECK(wlan.witness()->in_interface == "wlan");
    // The witness depends on the members only, not on how the set is cut into boxes: "any
    // interface but lo" built two ways gives the same packet.
    PacketSet but_lo = PacketSet::all() - PacketSet::where(Field::in_iface, interface_value("lo"));
    PacketSet pieces =
        (PacketSet::all() -
         PacketSet::where(Field::in_iface, interface_value("lo"), field_max(Field::in_iface))) |
        PacketSet::where(Field::in_iface, interface_value("lo") + 1, field_max(Field::in_iface));
    REQUIRE(but_lo == pieces);
    CHECK(but_lo.witness() == pieces.witness());
    CHECK(but_lo.witness()->in_interface == "eth0");
    // A range that starts just past a name still yields a readable one.
    PacketSet past = PacketSet::where(Field::out_iface, interface_value("eth0") + 1, interface_value("eth9"));
    w = past.witness();
    REQUIRE(w);
    REQUIRE(w->out_interface);
    CHECK(past.contains(*w));
    CHECK(*w->out_interface == "eth00");
    // Only "no interface": the packet gives none.
    w = PacketSet::where(Field::in_iface, 0).witness();
    REQUIRE(w);
    CHECK_FALSE(w->in_interface.has_value());
    // Anything: a readable name is preferred.
    CHECK(PacketSet::all().witness()->in_interface == "eth0");
}

TEST_CASE("with_field and widened") {
    PacketSet tcp = PacketSet::where(Field::protocol, 6);
    PacketSet gre = PacketSet::where(Field::protocol, 47);
    PacketSet web = tcp & PacketSet::where(Field::dst_port, 80);
    CHECK(web.with_field(Field::dst_port, 8080) == (tcp & PacketSet::where(Field::dst_port, 8080)));
    CHECK(web.widened(Field::dst_port) == tcp);
    CHECK(gre.with_field(Field::dst_port, 80) == gre);  // no ports: unchanged
    CHECK((web | gre).with_field(Field::dst_port, 443) ==
          ((tcp & PacketSet::where(Field::dst_port, 443)) | gre));
    // DNAT-like: one destination rewritten to another.
    PacketSet to_vip = web & PacketSet::destination_prefix(4, 0xc0000201, 32);
    PacketSet nat = to_vip.with_field(Field::dst_addr, 0x0a000005);
    CHECK(nat == (web & PacketSet::destination_prefix(4, 0x0a000005, 32)));
    CHECK(nat.size() == to_vip.size());
    // Two boxes with the same image: the image is counted once.
    PacketSet two = web & (PacketSet::destination_prefix(4, 0x01000000, 8) |
                           PacketSet::destination_prefix(4, 0x03000000, 8));
    CHECK(two.with_field(Field::dst_addr, 7).size() ==
          (web & PacketSet::destination_prefix(4, 7, 32)).size());
    // Setting an IPv6 address on IPv4 packets keeps nothing.
    CHECK((web & PacketSet::ipv4()).with_field(Field::dst_addr, uint128{1} << 100).empty());
    // Widening the family keeps addresses that exist in both.
    PacketSet v4host = PacketSet::destination_prefix(4, 5, 32);
    PacketSet both = v4host.widened(Field::family);
    CHECK(both.count_values(Field::family) == BigCount(2));
    CHECK(both.values(Field::dst_addr) == std::vector<Interval>{{5, 5}});
    // Changing tcp into gre drops the ports.
    CHECK(web.with_field(Field::protocol, 47) == gre);
    CHECK(PacketSet::none().with_field(Field::dst_port, 1).empty());
}

TEST_CASE("field_value normalises like the universe") {
    Packet p;
    p.protocol = 47;
    p.dst_port = 80;
    p.icmp_type = 8;
    CHECK(field_value(p, Field::dst_port) == uint128{0});
    CHECK(field_value(p, Field::icmp_type) == uint128{0});
    CHECK(field_value(p, Field::tcp_flags) == uint128{0});
    CHECK_FALSE(field_value(p, Field::in_iface).has_value());
    p.in_interface = "eth1";
    CHECK(field_value(p, Field::in_iface) == interface_value("eth1"));
    p.protocol = 1;
    CHECK(field_value(p, Field::icmp_type) == uint128{8});
    p.family = 6;
    CHECK(field_value(p, Field::icmp_type) == uint128{0});
    CHECK(to_string(Field::dst_port) == "dst_port");
    CHECK(field_max(Field::state) == 4);
}

TEST_CASE("long chains of differences stay exact and compact") {
    // Firewall-like rules: a protocol, a source prefix, a destination port range, maybe a state.
    std::mt19937 rng(42);
    auto pick = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
    PacketSet rest = PacketSet::all();
    PacketSet taken;
    std::vector<Pred> rules;
    for (int i = 0; i < 300; ++i) {
        std::uint8_t proto = pick(2) ? 6 : 17;
        int len = 23 + static_cast<int>(pick(10));
        uint128 base = v4_base + pick(512);
        uint128 host = (uint128{1} << (32 - len)) - 1;
        uint128 lo = base & ~host;
        uint128 port = pick(100), top = port + pick(5);
        bool stateful = pick(3) == 0;
        PacketSet r = PacketSet::where(Field::protocol, proto) & PacketSet::source_prefix(4, base, len) &
                      PacketSet::where(Field::dst_port, port, top);
        if (stateful) r &= PacketSet::where(Field::state, 0);
        rest -= r;
        taken |= r;
        rules.push_back([=](const Packet& p) {
            return p.family == 4 && p.protocol == proto && p.src >= lo && p.src <= (lo | host) &&
                   p.dst_port >= port && p.dst_port <= top && (!stateful || p.state == ConnState::new_);
        });
    }
    CHECK((rest | taken) == PacketSet::all());
    CHECK_FALSE(rest.intersects(taken));
    CHECK(rest.size() + taken.size() == PacketSet::all().size());
    for (int k = 0; k < 1000; ++k) {
        Packet p = random_packet(rng);
        bool hit = false;
        for (const Pred& r : rules) hit = hit || r(p);
        REQUIRE(taken.contains(p) == hit);
        REQUIRE(rest.contains(p) == !hit);
    }
    // Adjacent port ranges merge into one box.
    PacketSet ports;
    for (uint128 port = 1000; port < 1100; ++port)
        ports |= PacketSet::where(Field::protocol, 6) & PacketSet::where(Field::dst_port, port);
    PacketSet range = PacketSet::where(Field::protocol, 6) & PacketSet::where(Field::dst_port, 1000, 1099);
    CHECK(ports == range);
    CHECK(detail::node_count(ports) == detail::node_count(range));  // canonical: the same diagram
    CHECK((ports | range) == range);
}

namespace {

// A fragmented set, as a chain of firewall rules leaves it: `from` minus `rules` random rules
// (protocol, source prefix, destination port range, sometimes a state), with its membership test.
Model fragmented(std::mt19937& rng, int rules) {
    auto pick = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
    Model m = random_model(rng, 1);
    for (int i = 0; i < rules; ++i) {
        std::uint8_t proto = pick(2) ? 6 : 17;
        int len = 23 + static_cast<int>(pick(10));
        uint128 base = v4_base + pick(512);
        uint128 host = (uint128{1} << (32 - len)) - 1;
        uint128 lo = base & ~host;
        uint128 port = pick(100), top = port + pick(5);
        PacketSet r = PacketSet::where(Field::protocol, proto) & PacketSet::source_prefix(4, base, len) &
                      PacketSet::where(Field::dst_port, port, top);
        Pred rule = [=](const Packet& p) {
            return p.family == 4 && p.protocol == proto && p.src >= lo && p.src <= (lo | host) &&
                   p.dst_port >= port && p.dst_port <= top;
        };
        Pred before = m.pred;
        m = {m.set - r, [=](const Packet& p) { return before(p) && !rule(p); }};
    }
    return m;
}

}  // namespace

TEST_CASE("large sets: algebra agrees with membership; union of many") {
    // Fragmented sets (a chain of rules taken out): check every operation against the membership
    // tests, and the union of the parts of a partition.
    std::mt19937 rng(2024);
    int large = 0;
    for (int iter = 0; iter < 12; ++iter) {
        Model a = fragmented(rng, 60 + static_cast<int>(rng() % 80));
        Model b = fragmented(rng, 60 + static_cast<int>(rng() % 80));
        if (detail::node_count(a.set) >= 64 && detail::node_count(b.set) >= 64) ++large;
        PacketSet both = a.set & b.set, either = a.set | b.set, only_a = a.set - b.set;
        std::vector<Packet> probes;
        for (int k = 0; k < 300; ++k) probes.push_back(random_packet(rng));
        for (const PacketSet* s : {&a.set, &b.set})  // members: witnesses of pieces of the set
            for (int k = 0; k < 40; ++k)
                if (std::optional<Packet> w = (*s & random_model(rng, 1).set).witness()) probes.push_back(*w);
        for (const Packet& p : probes) {
            bool x = a.pred(p), y = b.pred(p);
            REQUIRE(a.set.contains(p) == x);
            REQUIRE(b.set.contains(p) == y);
            REQUIRE(both.contains(p) == (x && y));
            REQUIRE(either.contains(p) == (x || y));
            REQUIRE(only_a.contains(p) == (x && !y));
        }
        CHECK(a.set.intersects(b.set) == !both.empty());
        CHECK(both.subset_of(a.set));
        CHECK(a.set.subset_of(either));
        CHECK(only_a.subset_of(a.set));
        CHECK_FALSE(only_a.intersects(b.set));
        CHECK(a.set.size() + b.set.size() == either.size() + both.size());
        // A partition of a | b, put back together.
        PacketSet only_b = b.set - a.set;
        PacketSet joined = PacketSet::union_of({only_a, both, only_b});
        CHECK(joined == either);
        CHECK(joined.size() == only_a.size() + both.size() + only_b.size());
        CHECK(PacketSet::union_of({only_a, both}) == a.set);
        CHECK(PacketSet::union_of({}).empty());
        CHECK(PacketSet::union_of({PacketSet(), only_b}) == only_b);
        PacketSet taken = a.set & b.set, rest = a.set - b.set;
        CHECK(taken.size() + rest.size() == a.set.size());
        for (const Packet& p : probes) {
            REQUIRE(taken.contains(p) == (a.pred(p) && b.pred(p)));
            REQUIRE(rest.contains(p) == (a.pred(p) && !b.pred(p)));
        }
    }
    CHECK(large >= 6);  // the sets were large
}

TEST_CASE("two threads, each with its own sets") {
    auto work = [](unsigned seed) {
        std::mt19937 rng(seed);
        PacketSet s = PacketSet::all();
        for (int i = 0; i < 60; ++i) s -= random_model(rng, 2).set;
        return s;
    };
    PacketSet expect_a = work(11), expect_b = work(12);
    PacketSet a, b;
    std::thread ta([&] { a = work(11); });
    std::thread tb([&] { b = work(12); });
    ta.join();
    tb.join();
    CHECK(a == expect_a);
    CHECK(b == expect_b);
    CHECK(detail::node_count(a) == detail::node_count(expect_a));
}

TEST_CASE("two threads working on copies of one set (one shared space)") {
    // Copies share their space: every operation locks it, so two threads may use them at once.
    std::mt19937 rng(5);
    PacketSet base;
    for (int i = 0; i < 20; ++i) base |= random_model(rng, 1).set;
    auto work = [&base](unsigned seed) {
        std::mt19937 g(seed);
        PacketSet s = base;
        for (int i = 0; i < 30; ++i) {
            PacketSet m = random_model(g, 1).set;
            s = (i % 2 == 0) ? (s | m) : (s - (m & base));
        }
        return std::make_pair(s, s.size());
    };
    auto expect_a = work(21), expect_b = work(22);
    std::pair<PacketSet, BigCount> a, b;
    std::thread ta([&] { a = work(21); });
    std::thread tb([&] { b = work(22); });
    ta.join();
    tb.join();
    CHECK(a.first == expect_a.first);
    CHECK(b.first == expect_b.first);
    CHECK(a.second == expect_a.second);
    CHECK(b.second == expect_b.second);
    CHECK_FALSE(expect_a.first == expect_b.first);
}
