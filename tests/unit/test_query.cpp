// query(): what a ruleset does with a set of packets, checked against explain() packet by packet.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "rulegap/iptables.hpp"
#include "rulegap/query.hpp"

using namespace rulegap;

namespace {

Ruleset load(const std::string& relative) {
    std::ifstream in(std::string(RULEGAP_SOURCE_DIR) + "/" + relative);
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    Ruleset rs = read_iptables(text.str(), relative);
    REQUIRE_FALSE(rs.diagnostics.has_errors());
    return rs;
}

PacketSet where(const char* text) {
    PacketSetParseResult r = parse_packet_set(text);
    REQUIRE(r);
    return *r.set;
}

PacketSet members(const HeaderRange& r) {
    PacketSet s = PacketSet::all();
    for (const HeaderRange::Values& v : r.fields) s &= PacketSet::where(v.field, v.intervals);
    return s;
}

// The properties every answer has: counts add up to the set's size, parts are disjoint, each
// witness lies in its part and explain() gives it the part's verdict and rule, and the ranges
// are the part when they are not cut.
void check_answer(const Ruleset& rs, Hook hook, const PacketSet& set, const QueryResult& r) {
    BigCount sum;
    PacketSet seen;
    for (const QueryPart& p : r.parts) {
        sum = sum + p.count;
        CHECK(p.count == p.packets.size());
        CHECK(p.packets.subset_of(set));
        CHECK_FALSE(seen.intersects(p.packets));
        seen |= p.packets;
        REQUIRE(p.witness.has_value());
        CHECK(p.packets.contains(*p.witness));
        Packet w = *p.witness;  // no interface in the set is the empty name for explain()
        if (!w.in_interface) w.in_interface = "";
        if (!w.out_interface) w.out_interface = "";
        Decision d = explain(rs, hook, w);
        INFO("witness " << format_packet(w));
        CHECK(d.verdict == p.verdict);
        REQUIRE(d.decided_by.has_value() == p.decided_by.has_value());
        if (d.decided_by) {
            CHECK(d.decided_by->chain == p.decided_by->chain);
            CHECK(d.decided_by->rule == p.decided_by->rule);
            CHECK(d.decided_by->line == p.decided_by->line);
        }
        if (!p.ranges.truncated()) {
            PacketSet covered;
            for (const HeaderRange& h : p.ranges.ranges) {
                CHECK_FALSE(covered.intersects(members(h)));
                covered |= members(h);
            }
            CHECK(covered == p.packets);
        }
    }
    CHECK(sum == r.total);
    CHECK(r.total == set.size());
    CHECK(seen == set);
}

}  // namespace

TEST_CASE("query: who reaches port 22, per deciding rule in rule order") {
    Ruleset rs = load("tests/fixtures/query/ssh.rules");
    PacketSet set = where("tcp any -> 131.159.14.0/23:22 [state new]");
    QueryResult r = query(rs, Hook::forward, set);
    check_answer(rs, Hook::forward, set, r);
    REQUIRE(r.parts.size() == 3);
    CHECK(r.parts[0].verdict == Verdict::accept);
    CHECK(r.parts[0].decided_by->line == 7);
    CHECK(r.parts[1].verdict == Verdict::unknown);
    CHECK(r.parts[1].decided_by->line == 8);
    CHECK(r.parts[1].reason.find("recent") != std::string::npos);
    CHECK(r.parts[2].verdict == Verdict::reject);
    CHECK(r.parts[2].decided_by->line == 9);
    // The accepted part is one range, as the rule says it.
    REQUIRE(r.parts[0].ranges.ranges.size() == 1);
    CHECK(format_range(r.parts[0].ranges.ranges[0]) ==
          "tcp 10.0.0.0/24 -> 131.159.14.26:22 [state new] [in eth1.110]");
    // 2^8 sources x 2^16 source ports x 2^8 flags x every output interface name (2^120).
    BigCount out_names = BigCount::from_uint128(uint128{1} << 120);
    CHECK(r.parts[0].count == BigCount(256) * BigCount(65536) * BigCount(256) * out_names);
}

TEST_CASE("query: an assumption decides the recent rule's packets, as explain() does under it") {
    Ruleset rs = load("tests/fixtures/query/ssh.rules");
    PacketSet set = where("tcp any -> 131.159.15.7:22 [state new]");
    for (bool match : {false, true}) {
        CAPTURE(match);
        QueryOptions options;
        options.assume.set(Assumption{Unmodelled::recent, match});
        QueryResult r = query(rs, Hook::forward, set, options);
        REQUIRE(r.parts.size() == 1);  // the recent rule (match) or the reject after it (nomatch) takes all
        CHECK(r.parts[0].verdict == (match ? Verdict::accept : Verdict::reject));
        CHECK(r.parts[0].decided_by->line == (match ? 8 : 9));
        CHECK(r.parts[0].count == set.size());
        Packet w = *r.parts[0].witness;
        w.in_interface = w.in_interface.value_or("");
        w.out_interface = w.out_interface.value_or("");
        Decision d = explain(rs, Hook::forward, w, options.assume);
        CHECK(d.verdict == r.parts[0].verdict);
        CHECK(d.decided_by->line == r.parts[0].decided_by->line);
    }
    // Without one, the same set is unknown at that rule.
    QueryResult open = query(rs, Hook::forward, set);
    REQUIRE(open.parts.size() == 1);
    CHECK(open.parts[0].verdict == Verdict::unknown);
}

TEST_CASE("query: --verdict keeps the parts with that verdict; the total stays the set's") {
    Ruleset rs = load("tests/fixtures/query/ssh.rules");
    PacketSet set = where("tcp any -> 131.159.14.0/23:22");
    QueryOptions only_reject;
    only_reject.verdict = Verdict::reject;
    QueryResult r = query(rs, Hook::forward, set, only_reject);
    REQUIRE(r.parts.size() == 1);
    CHECK(r.parts[0].verdict == Verdict::reject);
    CHECK(r.total == set.size());
    QueryOptions only_drop;
    only_drop.verdict = Verdict::drop;
    CHECK(query(rs, Hook::forward, set, only_drop).parts.empty());  // every new packet is decided
}

TEST_CASE("query: the policy's part comes after the rules; ranges are cut at the limit") {
    Ruleset rs = load("tests/fixtures/query/ssh.rules");
    PacketSet set = where("any 0.0.0.0/0 -> 131.159.14.0/22");
    QueryOptions two;
    two.range_limit = 2;
    QueryResult r = query(rs, Hook::forward, set, two);
    check_answer(rs, Hook::forward, set, r);
    REQUIRE_FALSE(r.parts.empty());
    CHECK(r.parts.back().decided_by->is_policy());
    CHECK(r.parts.back().verdict == Verdict::drop);
    bool cut = false;
    for (const QueryPart& p : r.parts) {
        CHECK(p.ranges.ranges.size() <= 2);
        cut = cut || p.ranges.truncated();
    }
    CHECK(cut);  // the policy's part needs more than two ranges
}

TEST_CASE("query: every packet of both families on the example perimeter, each hook") {
    Ruleset rs = load("examples/mps-datacenter/perimeter.rules");
    for (Hook hook : {Hook::input, Hook::forward, Hook::output}) {
        INFO("hook " << to_string(hook));
        QueryResult r = query(rs, hook, PacketSet::all());
        check_answer(rs, hook, PacketSet::all(), r);
        // IPv6 packets through an iptables-save (IPv4) file: unknown, saying why, with no rule.
        REQUIRE_FALSE(r.parts.empty());
        CHECK_FALSE(r.parts.back().decided_by.has_value());
        CHECK(r.parts.back().verdict == Verdict::unknown);
        CHECK_FALSE(r.parts.back().reason.empty());
        // Rules in file order, then policies (FORWARD's policy after the rules of clients-to-dc).
        bool policy_seen = false;
        std::uint32_t line = 0;
        for (const QueryPart& p : r.parts) {
            if (!p.decided_by) continue;
            if (p.decided_by->is_policy())
                policy_seen = true;
            else
                CHECK_FALSE(policy_seen);
            if (!p.decided_by->is_policy()) CHECK(p.decided_by->line > line);
            if (!p.decided_by->is_policy()) line = p.decided_by->line;
        }
    }
    PacketSet ssh = where("tcp any -> 10.2.0.0/16:22,135,445 [state new,established]");
    check_answer(rs, Hook::forward, ssh, query(rs, Hook::forward, ssh));
}
