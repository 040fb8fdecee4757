// evaluate(): partitions of packet sets, and agreement with explain() packet by packet.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "rulegap/evaluate.hpp"
#include "tests/unit/random_ruleset.hpp"

using namespace rulegap;
using namespace rulegap::test;

namespace {

Packet tcp(const char* d, std::uint16_t port, ConnState st = ConnState::new_) {
    Packet p;
    p.src = ip("192.0.2.1");
    p.dst = ip(d);
    p.src_port = 40000;
    p.dst_port = port;
    p.state = st;
    p.in_interface = "eth0";
    p.out_interface = "eth1";
    return p;
}

// The part holding p; fails the test unless exactly one does.
const Outcome* part_of(const std::vector<Outcome>& parts, const Packet& p) {
    const Outcome* found = nullptr;
    int n = 0;
    for (const Outcome& o : parts)
        if (o.packets.contains(p)) {
            found = &o;
            ++n;
        }
    CHECK_MESSAGE(n == 1, "packet in " << n << " parts: " << describe(p));
    return n == 1 ? found : nullptr;
}

void check_partition(const std::vector<Outcome>& parts, const PacketSet& input) {
    PacketSet all;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        CHECK_FALSE(parts[i].packets.empty());
        for (std::size_t j = i + 1; j < parts.size(); ++j)
            CHECK_FALSE(parts[i].packets.intersects(parts[j].packets));
        all |= parts[i].packets;
    }
    CHECK(all == input);
    // Each part's boxes are disjoint too (parts are put together without subtraction): sizes add up.
    BigCount total;
    for (const Outcome& o : parts) total = total + o.packets.size();
    CHECK(total == input.size());
}

}  // namespace

TEST_CASE("evaluate: a small filter, partitioned by verdict") {
    Builder b;
    b.rs.family = 4;
    b.chain("filter", "FORWARD", Action::drop);
    auto acc = b.add("filter", "FORWARD", {cond(Field::protocol, 6, 6), cond(Field::dst_port, 22, 22)},
                     to(Action::accept, "ACCEPT"));
    auto rej = b.add("filter", "FORWARD", {cond(Field::dst_port, 23, 23)}, to(Action::reject, "REJECT"));
    b.rs.link();
    PacketSet input = PacketSet::all();
    auto parts = evaluate(b.rs, Hook::forward, input);
    check_partition(parts, input);
    REQUIRE(parts.size() == 4);  // accept, reject, policy drop, IPv6 unknown
    for (const Outcome& o : parts) {
        if (o.verdict == Verdict::accept) {
            REQUIRE(o.decided_by);
            CHECK(o.decided_by->line == acc);
            CHECK(o.packets == (PacketSet::ipv4() & PacketSet::where(Field::protocol, 6) &
                                PacketSet::where(Field::dst_port, 22)));
        } else if (o.verdict == Verdict::reject) {
            CHECK(o.decided_by->line == rej);
        } else if (o.verdict == Verdict::drop) {
            REQUIRE(o.decided_by);
            CHECK(o.decided_by->is_policy());
        } else {
            CHECK(o.packets == PacketSet::ipv6());
            CHECK(o.reason == "ruleset is for IPv4; packet is IPv6");
            CHECK_FALSE(o.decided_by);
        }
    }
}

TEST_CASE("evaluate: an undecided rule makes exactly the packets it could flip unknown") {
    Builder b;
    b.chain("filter", "INPUT", Action::drop);
    auto lim = b.add("filter", "INPUT", {cond(Field::dst_port, 80, 80), undecided("limit", "rate limit")},
                     to(Action::accept, "ACCEPT"));
    b.add("filter", "INPUT", {cond(Field::dst_port, 80, 81)}, to(Action::drop, "DROP"));
    b.add("filter", "INPUT", {cond(Field::dst_port, 82, 82), undecided("limit", "rate limit")},
          to(Action::drop, "DROP"));
    b.rs.link();
    PacketSet input = PacketSet::ipv4() & PacketSet::where(Field::protocol, 6);
    auto parts = evaluate(b.rs, Hook::input, input);
    check_partition(parts, input);
    int unknown = 0;
    for (const Outcome& o : parts) {
        if (o.verdict != Verdict::unknown) {
            CHECK(o.verdict == Verdict::drop);
            continue;
        }
        ++unknown;
        CHECK(o.packets == (input & PacketSet::where(Field::dst_port, 80)));
        REQUIRE(o.decided_by);
        CHECK(o.decided_by->line == lim);
        CHECK(o.reason == "limit: rate limit (rule at eval.rules:" + std::to_string(lim) + ")");
    }
    CHECK(unknown == 1);
}

TEST_CASE("evaluate: DNAT is followed and pulled back to the original packets") {
    Builder b;
    b.chain("nat", "PREROUTING", Action::accept);
    Target d = to(Action::dnat, "DNAT");
    d.to_address = Interval{ip("10.0.0.5"), ip("10.0.0.5")};
    d.to_port = Interval{8080, 8080};
    b.add("nat", "PREROUTING",
          {cond(Field::dst_addr, ip("1.2.3.4"), ip("1.2.3.4")), cond(Field::protocol, 6, 6)}, d);
    b.chain("filter", "FORWARD", Action::drop);
    auto acc =
        b.add("filter", "FORWARD",
              {cond(Field::dst_addr, ip("10.0.0.5"), ip("10.0.0.5")), cond(Field::dst_port, 8080, 8080)},
              to(Action::accept, "ACCEPT"));
    b.rs.link();
    PacketSet input = PacketSet::ipv4();
    auto parts = evaluate(b.rs, Hook::forward, input);
    check_partition(parts, input);
    PacketSet accepted;
    for (const Outcome& o : parts)
        if (o.verdict == Verdict::accept) {
            accepted |= o.packets;
            CHECK(o.decided_by->line == acc);
        }
    PacketSet to_vip = input & PacketSet::where(Field::dst_addr, ip("1.2.3.4")) &
                       PacketSet::where(Field::protocol, 6) &
                       PacketSet::where(Field::state, static_cast<uint128>(ConnState::new_));
    PacketSet direct =
        input & PacketSet::where(Field::dst_addr, ip("10.0.0.5")) & PacketSet::where(Field::dst_port, 8080);
    // New tcp packets to the VIP (any port: DNAT sets it), and packets already addressed to the
    // server's port.
    CHECK(accepted == (to_vip | direct));
    CHECK(explain(b.rs, Hook::forward, tcp("1.2.3.4", 9)).verdict == Verdict::accept);
}

TEST_CASE("evaluate: a DNAT range whose choices disagree") {
    Builder b;
    b.chain("nat", "PREROUTING", Action::accept);
    Target d = to(Action::dnat, "DNAT");
    d.to_port = Interval{8080, 8081};
    auto dn = b.add("nat", "PREROUTING", {cond(Field::protocol, 6, 6), cond(Field::dst_port, 80, 80)}, d);
    b.chain("filter", "FORWARD", Action::drop);
    b.add("filter", "FORWARD", {cond(Field::dst_port, 8080, 8080)}, to(Action::accept, "ACCEPT"));
    b.rs.link();
    PacketSet input = PacketSet::ipv4() & PacketSet::where(Field::protocol, 6) &
                      PacketSet::where(Field::state, static_cast<uint128>(ConnState::new_));
    auto parts = evaluate(b.rs, Hook::forward, input);
    check_partition(parts, input);
    bool seen = false;
    for (const Outcome& o : parts)
        if (o.verdict == Verdict::unknown) {
            seen = true;
            CHECK(o.packets == (input & PacketSet::where(Field::dst_port, 80)));
            CHECK(o.decided_by->line == dn);
        }
    CHECK(seen);
    CHECK(explain(b.rs, Hook::forward, tcp("10.0.0.1", 80)).verdict == Verdict::unknown);
}

TEST_CASE("evaluate: loops and deep nesting") {
    Builder b;
    b.chain("filter", "FORWARD", Action::accept);
    constexpr int n = 10000;
    for (int i = 0; i < n; ++i) b.chain("filter", "C" + std::to_string(i), std::nullopt);
    b.add("filter", "FORWARD", {}, to(Action::jump, "C0"));
    for (int i = 0; i + 1 < n; ++i)
        b.add("filter", "C" + std::to_string(i), {},
              to(i % 2 ? Action::go_to : Action::jump, "C" + std::to_string(i + 1)));
    auto back =
        b.add("filter", "C" + std::to_string(n - 1), {cond(Field::dst_port, 22, 22)}, to(Action::jump, "C5"));
    auto drop = b.add("filter", "C" + std::to_string(n - 1), {cond(Field::dst_port, 23, 23)},
                      to(Action::drop, "DROP"));
    b.rs.link();
    PacketSet input = PacketSet::ipv4() & PacketSet::where(Field::protocol, 6);
    auto parts = evaluate(b.rs, Hook::forward, input);
    check_partition(parts, input);
    REQUIRE(parts.size() == 3);
    for (const Outcome& o : parts) {
        if (o.verdict == Verdict::unknown) {
            CHECK(o.decided_by->line == back);
            CHECK(o.reason.find("loop") != std::string::npos);
            CHECK(o.packets == (input & PacketSet::where(Field::dst_port, 22)));
        } else if (o.verdict == Verdict::drop) {
            CHECK(o.decided_by->line == drop);
        } else {
            CHECK(o.verdict == Verdict::accept);
        }
    }
    CHECK(explain(b.rs, Hook::forward, tcp("10.0.0.1", 22)).verdict == Verdict::unknown);
    CHECK(explain(b.rs, Hook::forward, tcp("10.0.0.1", 23)).verdict == Verdict::drop);
}

// ---- property test: random rulesets, evaluate() against explain() ---------------------------

namespace {

// A member of the set, at random: a value of each field from one of its disjoint ranges (a
// field the range leaves out takes any value; the caller checks membership, as a value that
// does not apply to the packet's kind is read as 0).
Packet member_of(Rng& g, const PacketSet& set) {
    HeaderRanges ranges = set.disjoint_ranges(64);
    const HeaderRange& r = ranges.ranges[g.below(ranges.ranges.size())];
    uint128 v[field_count];
    for (int f = 0; f < field_count; ++f) {
        const std::vector<Interval>* values = r.find(static_cast<Field>(f));
        Interval i =
            values ? (*values)[g.below(values->size())] : Interval{0, field_max(static_cast<Field>(f))};
        v[f] = g.chance(30) ? i.lo : g.in(i);
    }
    Packet p;
    p.family = static_cast<int>(v[static_cast<int>(Field::family)]);
    p.protocol = static_cast<std::uint8_t>(v[static_cast<int>(Field::protocol)]);
    const uint128 amax = p.family == 4 ? uint128{0xffffffffu} : ~uint128{0};
    p.src = std::min(v[static_cast<int>(Field::src_addr)], amax);
    p.dst = std::min(v[static_cast<int>(Field::dst_addr)], amax);
    p.src_port = static_cast<std::uint16_t>(v[static_cast<int>(Field::src_port)]);
    p.dst_port = static_cast<std::uint16_t>(v[static_cast<int>(Field::dst_port)]);
    p.icmp_type = static_cast<std::uint8_t>(v[static_cast<int>(Field::icmp_type)]);
    p.icmp_code = static_cast<std::uint8_t>(v[static_cast<int>(Field::icmp_code)]);
    p.tcp_flags = static_cast<std::uint8_t>(v[static_cast<int>(Field::tcp_flags)]);
    p.state = static_cast<ConnState>(static_cast<int>(v[static_cast<int>(Field::state)]));
    p.in_interface = interface_name(v[static_cast<int>(Field::in_iface)]);
    p.out_interface = interface_name(v[static_cast<int>(Field::out_iface)]);
    return p;
}

// evaluate() against explain() for one packet: the same verdict; for a decided verdict the same
// deciding rule. For unknown, explain() names the first undecided rule on the packet's path whose
// outcome matters, evaluate() one whose outcome matters in its diagram's order of variables: the
// same rule and reason almost always (counted), else another rule (undecided, or a jump loop
// that only one assignment reaches).
struct Agreement {
    int unknown = 0, other_rule = 0;
    void check(const Decision& d, const Outcome& o) {
        REQUIRE(d.verdict == o.verdict);
        if (d.verdict == Verdict::unknown && !(d.reason == o.reason)) {
            ++unknown;
            ++other_rule;
            INFO("explain: " << d.reason << "; evaluate: " << o.reason);
            CHECK(d.reason.find("(rule at ") != std::string::npos);
            CHECK(o.reason.find("(rule at ") != std::string::npos);
            REQUIRE(o.decided_by);
            return;
        }
        unknown += d.verdict == Verdict::unknown;
        CHECK(d.decided_by.has_value() == o.decided_by.has_value());
        if (d.decided_by && o.decided_by) {
            CHECK(d.decided_by->table == o.decided_by->table);
            CHECK(d.decided_by->chain == o.decided_by->chain);
            CHECK(d.decided_by->rule == o.decided_by->rule);
        }
        CHECK(d.reason == o.reason);
    }
    void summary() const {
        MESSAGE("unknown packets: " << unknown << ", another undecided rule named: " << other_rule);
        CHECK(other_rule * 50 <= unknown);  // at most 2 %
    }
};

}  // namespace

TEST_CASE("evaluate agrees with explain on random rulesets") {
    Rng g(20240611);
    constexpr int rulesets = 400;
    int packets_checked = 0, vague = 0;
    std::vector<int> verdicts(4, 0);
    // Why explain() said unknown: every kind must come up.
    const std::vector<std::string> kinds = {"limit: ", "mark: ",   "loop",          "DNAT to a range",
                                            "TPROXY",  "REDIRECT", "ruleset is for"};
    std::vector<int> seen(kinds.size(), 0);
    Agreement agree;
    for (int n = 0; n < rulesets; ++n) {
        Ruleset rs = random_ruleset(g);
        bool exact_deciders = !has_dnat_range(rs);
        Hook hook = static_cast<Hook>(g.below(3));
        PacketSet input = PacketSet::all();
        if (g.chance(30))
            input = PacketSet::ipv4() & PacketSet::where(Field::protocol, g.chance(50) ? 6 : 17);
        if (g.chance(20)) input &= PacketSet::where(Field::state, static_cast<uint128>(ConnState::new_));
        std::vector<Outcome> parts = evaluate(rs, hook, input);
        check_partition(parts, input);

        std::vector<Packet> probes;
        for (int i = 0; i < 60; ++i) probes.push_back(random_packet(g));
        for (const Outcome& o : parts) {
            if (std::optional<Packet> w = o.packets.witness()) probes.push_back(*w);
            for (int i = 0; i < 5; ++i) probes.push_back(member_of(g, o.packets));
        }
        for (const Packet& p : probes) {
            if (!input.contains(p)) continue;
            const Outcome* o = part_of(parts, p);
            if (!o) continue;
            Decision d = explain(rs, hook, p);
            ++packets_checked;
            ++verdicts[static_cast<int>(d.verdict)];
            for (std::size_t k = 0; k < kinds.size(); ++k)
                seen[k] += d.reason.find(kinds[k]) != std::string::npos;
            INFO("ruleset #" << n << ", hook " << to_string(hook) << ", packet " << describe(p));
            REQUIRE(d.verdict == o->verdict);
            if (exact_deciders) agree.check(d, *o);
            // Without an interface, explain() may only answer what every interface would get.
            Packet q = p;
            (g.chance(50) ? q.in_interface : q.out_interface).reset();
            Decision dq = explain(rs, hook, q);
            if (dq.verdict != Verdict::unknown)
                CHECK(dq.verdict == o->verdict);
            else
                ++vague;
        }
    }
    MESSAGE("checked " << packets_checked << " packets: accept " << verdicts[0] << ", drop " << verdicts[1]
                       << ", reject " << verdicts[2] << ", unknown " << verdicts[3]);
    // The generator must exercise every verdict, or the test proves little.
    for (int v = 0; v < 4; ++v) CHECK(verdicts[static_cast<std::size_t>(v)] > 100);
    for (std::size_t k = 0; k < kinds.size(); ++k) {
        INFO("unknown because of " << kinds[k] << ": " << seen[k]);
        CHECK(seen[k] > 20);
    }
    CHECK(packets_checked > 20000);
    agree.summary();
    CHECK(vague > 100);  // packets without an interface did meet rules that test one
}

TEST_CASE("evaluate agrees with explain on the raw table's view of connection state") {
    Rng g(20261204);
    int packets_checked = 0, by_raw = 0, notracked = 0;
    Agreement agree;
    std::vector<int> verdicts(4, 0);
    for (int n = 0; n < 300; ++n) {
        Ruleset rs = random_raw_ruleset(g);
        Hook hook = static_cast<Hook>(g.below(3));
        PacketSet input = PacketSet::ipv4();
        std::vector<Outcome> parts = evaluate(rs, hook, input);
        check_partition(parts, input);
        std::vector<Packet> probes;
        for (int i = 0; i < 40; ++i) probes.push_back(random_packet(g));
        for (const Outcome& o : parts)
            for (int i = 0; i < 4; ++i) probes.push_back(member_of(g, o.packets));
        for (const Packet& p : probes) {
            if (!input.contains(p)) continue;
            const Outcome* o = part_of(parts, p);
            if (!o) continue;
            Decision d = explain(rs, hook, p);
            ++packets_checked;
            ++verdicts[static_cast<int>(d.verdict)];
            if (d.decided_by && d.decided_by->table == "raw") ++by_raw;
            for (const TraceStep& s : d.trace) notracked += s.action == "notrack";
            INFO("ruleset #" << n << ", hook " << to_string(hook) << ", packet " << describe(p));
            agree.check(d, *o);
        }
    }
    agree.summary();
    MESSAGE("checked " << packets_checked << " packets: accept " << verdicts[0] << ", drop " << verdicts[1]
                       << ", reject " << verdicts[2] << ", unknown " << verdicts[3] << "; decided in raw "
                       << by_raw << ", notracked " << notracked);
    for (int v = 0; v < 4; ++v) CHECK(verdicts[static_cast<std::size_t>(v)] > 100);
    CHECK(by_raw > 500);
    CHECK(notracked > 500);
}

// ---- property test: random rulesets under random assumptions ----------------------------------

namespace {

// The random rulesets' undecided conditions ("limit", "mark") as assumable kinds, their tests
// sometimes negated (`! --mark X`).
void make_assumable(Ruleset& rs, Rng& g) {
    for (Table& t : rs.tables)
        for (Chain& c : t.chains)
            for (Rule& r : c.rules)
                for (Condition& k : r.conditions)
                    if (k.undecided) {
                        k.unmodelled = k.module == "limit" ? Unmodelled::limit : Unmodelled::mark;
                        k.negated = g.chance(30);
                    }
}

// Each of limit and mark: assumed to match, not to match, or left undecided.
Assumptions random_assumptions(Rng& g) {
    Assumptions a;
    for (Unmodelled u : {Unmodelled::limit, Unmodelled::mark}) {
        std::uint64_t k = g.below(3);
        if (k < 2) a.set({u, k == 0, {}});
    }
    return a;
}

bool same_rule(const RuleRef& a, const RuleRef& b) {
    return a.table == b.table && a.chain == b.chain && a.rule == b.rule;
}

}  // namespace

TEST_CASE("evaluate agrees with explain under random assumptions, and names every possible accept") {
    Agreement agree;
    Rng g(20261204);
    constexpr int rulesets = 1000;
    int packets_checked = 0, changed = 0, assumed_steps = 0, accepts_checked = 0, accepts_only_possible = 0;
    std::vector<int> verdicts(4, 0);
    for (int n = 0; n < rulesets; ++n) {
        Ruleset rs = random_ruleset(g);
        make_assumable(rs, g);
        const Assumptions a = random_assumptions(g);
        const bool exact_deciders = !has_dnat_range(rs);
        const Hook hook = static_cast<Hook>(g.below(3));
        PacketSet input = PacketSet::all();
        if (g.chance(30))
            input = PacketSet::ipv4() & PacketSet::where(Field::protocol, g.chance(50) ? 6 : 17);
        std::vector<Possible> possible;
        std::vector<Outcome> parts = evaluate(rs, hook, input, a, &possible);
        check_partition(parts, input);
        for (const Possible& p : possible) CHECK(p.verdict != Verdict::unknown);

        std::vector<Packet> probes;
        for (int i = 0; i < 40; ++i) probes.push_back(random_packet(g));
        for (const Outcome& o : parts)
            for (int i = 0; i < 4; ++i) probes.push_back(member_of(g, o.packets));
        Explainer ex(rs, hook, a);
        for (const Packet& p : probes) {
            if (!input.contains(p)) continue;
            const Outcome* o = part_of(parts, p);
            if (!o) continue;
            Decision d = explain(rs, hook, p, a);
            ++packets_checked;
            ++verdicts[static_cast<int>(d.verdict)];
            assumed_steps += d.assumed.empty() ? 0 : 1;
            INFO("ruleset #" << n << ", hook " << to_string(hook) << ", packet " << describe(p) << ", limit "
                             << (a.of(Unmodelled::limit) ? to_string(*a.of(Unmodelled::limit)) : "-")
                             << ", mark "
                             << (a.of(Unmodelled::mark) ? to_string(*a.of(Unmodelled::mark)) : "-"));
            REQUIRE(d.verdict == o->verdict);
            CHECK(ex.explain(p).verdict == d.verdict);
            // An assumed kind is never the reason for unknown.
            if (a.of(Unmodelled::limit)) CHECK(d.reason.find("limit: ") == std::string::npos);
            if (a.of(Unmodelled::mark)) CHECK(d.reason.find("mark: ") == std::string::npos);
            if (explain(rs, hook, p).verdict != d.verdict) ++changed;
            if (!exact_deciders) continue;
            agree.check(d, *o);
            // Every assignment of the kinds left open (one per kind: a special case of one per
            // occurrence): what accepts the packet there is the part's decider or a Possible.
            for (int bits = 0; bits < 4; ++bits) {
                Assumptions b = a;
                if (!a.of(Unmodelled::limit)) b.set({Unmodelled::limit, (bits & 1) != 0, {}});
                if (!a.of(Unmodelled::mark)) b.set({Unmodelled::mark, (bits & 2) != 0, {}});
                Decision db = explain(rs, hook, p, b);
                if (db.verdict != Verdict::accept || !db.decided_by) continue;
                ++accepts_checked;
                bool named = o->verdict == Verdict::accept && o->decided_by &&
                             same_rule(*o->decided_by, *db.decided_by);
                if (!named) {
                    for (const Possible& q : possible)
                        if (q.verdict == Verdict::accept && q.decided_by &&
                            same_rule(*q.decided_by, *db.decided_by) && q.packets.contains(p)) {
                            named = true;
                            CHECK_FALSE(q.depends_on.empty());
                            break;
                        }
                    ++accepts_only_possible;
                }
                INFO("accepted by " << db.decided_by->table << " " << db.decided_by->chain << " #"
                                    << db.decided_by->rule << " with limit=" << ((bits & 1) != 0)
                                    << " mark=" << ((bits & 2) != 0)
                                    << "; the part: " << to_string(o->verdict) << " " << o->reason);
                CHECK(named);
            }
        }
    }
    MESSAGE("checked " << packets_checked << " packets: accept " << verdicts[0] << ", drop " << verdicts[1]
                       << ", reject " << verdicts[2] << ", unknown " << verdicts[3] << "; " << changed
                       << " changed by the assumptions, " << assumed_steps
                       << " with rules an assumption decided; " << accepts_checked
                       << " accepts under an assignment, " << accepts_only_possible
                       << " named only as possible");
    for (int v = 0; v < 4; ++v) CHECK(verdicts[static_cast<std::size_t>(v)] > 50);
    CHECK(packets_checked > 30000);
    CHECK(changed > 1000);
    CHECK(assumed_steps > 3000);
    CHECK(accepts_only_possible > 400);  // accepts that only a Possible names (the fork's other side)
    agree.summary();
}

TEST_CASE("evaluate: two threads, two rulesets at once, as a sequential run") {
    // Each evaluation has its own space; sets handed between threads lock theirs.
    Rng g(4242);
    Ruleset a = random_ruleset(g), b = random_ruleset(g);
    auto digest = [](const Ruleset& rs) {
        std::string out;
        for (const Outcome& o : evaluate(rs, Hook::forward, PacketSet::all()))
            out += std::string(to_string(o.verdict)) + " " +
                   (o.decided_by ? std::to_string(o.decided_by->line) : "-") + " " +
                   o.packets.size().to_string() + " " + format_packet(*o.packets.witness()) + "\n";
        return out;
    };
    const std::string seq_a = digest(a), seq_b = digest(b);
    std::string par_a, par_b;
    std::thread ta([&] { par_a = digest(a); });
    std::thread tb([&] { par_b = digest(b); });
    ta.join();
    tb.join();
    CHECK(par_a == seq_a);
    CHECK(par_b == seq_b);
    CHECK(seq_a != seq_b);
}

TEST_CASE("evaluate: a diagram past its node limit stops with DiagramTooLarge, the next Evaluator works") {
    Rng g(99);
    Ruleset rs = random_ruleset(g);
    Evaluator small(rs, Hook::forward, {}, 50);
    CHECK_THROWS_AS(small.evaluate(PacketSet::all()), DiagramTooLarge);
    try {
        Evaluator(rs, Hook::forward, {}, 50).evaluate(PacketSet::all());
    } catch (const DiagramTooLarge& e) {
        CHECK(e.limit() == 50);
        CHECK(std::string(e.what()) == "the decision diagram grew past 50 nodes and edges");
    }
    std::vector<Outcome> parts = Evaluator(rs, Hook::forward).evaluate(PacketSet::all());
    CHECK_FALSE(parts.empty());
}
