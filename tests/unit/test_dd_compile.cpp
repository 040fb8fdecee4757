// lib/eval/compile: a hook compiled into one decision diagram must give, packet by packet, the
// verdict of explain() (and its deciding rule where the verdict is decided): on random rulesets
// and on the iptables corpus.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "lib/eval/compile.hpp"
#include "rulegap/evaluate.hpp"
#include "rulegap/iptables.hpp"
#include "tests/unit/iptables_corpus.hpp"
#include "tests/unit/random_ruleset.hpp"

using namespace rulegap;
using namespace rulegap::test;

namespace {

struct Tally {
    int checked = 0, unknown = 0, unknown_same_rule = 0, skipped_limits = 0;
    std::vector<int> verdicts = std::vector<int>(4, 0);
};

// Compares one packet; returns false after a failed check.
template <class Explain>
bool compare(Hook hook, eval::CompiledHook& ch, dd::Ref resolved, const Packet& p, Tally& t, Explain&& why) {
    Decision d = why(p);
    if (d.reason.find("too many nested undecided") != std::string::npos ||
        d.reason.find("too many distinct outcomes") != std::string::npos) {
        ++t.skipped_limits;  // explain() gave up: it has no exact answer to compare with
        return true;
    }
    const eval::Final& f = ch.at(resolved, p);
    ++t.checked;
    ++t.verdicts[static_cast<std::size_t>(d.verdict)];
    INFO("hook " << to_string(hook) << ", packet " << describe(p) << ", explain: " << to_string(d.verdict)
                 << " "
                 << (d.decided_by ? d.decided_by->chain + "#" + std::to_string(d.decided_by->rule)
                                  : std::string("-"))
                 << " " << d.reason);
    std::optional<RuleRef> by;
    if (f.by.valid()) by = ch.rule_ref(f.by);
    INFO("compiled: " << to_string(f.verdict) << " "
                      << (by ? by->chain + "#" + std::to_string(by->rule) : std::string("-")) << " "
                      << f.reason);
    INFO("table " << (by ? by->table : std::string("-")) << " vs "
                  << (d.decided_by ? d.decided_by->table : std::string("-")));
    CHECK(f.verdict == d.verdict);
    if (f.verdict != d.verdict) return false;
    if (d.verdict == Verdict::unknown) {
        ++t.unknown;
        if (by.has_value() == d.decided_by.has_value() &&
            (!by || (by->line == d.decided_by->line && by->chain == d.decided_by->chain)))
            ++t.unknown_same_rule;
        return true;
    }
    CHECK(by.has_value() == d.decided_by.has_value());
    if (by && d.decided_by) {
        CHECK(by->table == d.decided_by->table);
        CHECK(by->chain == d.decided_by->chain);
        CHECK(by->rule == d.decided_by->rule);
    }
    return true;
}

// Values the rules of a ruleset test, per field: random packets drawn from them meet rules.
struct Values {
    std::vector<std::vector<uint128>> per_field = std::vector<std::vector<uint128>>(field_count);
    explicit Values(const Ruleset& rs) {
        for (const Table& t : rs.tables)
            for (const Chain& c : t.chains)
                for (const Rule& r : c.rules)
                    for (const Condition& k : r.conditions)
                        for (const FieldRange& fr : k.all_of)
                            for (const Interval& i : fr.values) {
                                auto& v = per_field[static_cast<std::size_t>(fr.field)];
                                v.push_back(i.lo);
                                v.push_back(i.hi);
                                if (i.hi > i.lo) v.push_back(i.lo + 1);
                            }
        for (auto& v : per_field) {
            std::sort(v.begin(), v.end());
            v.erase(std::unique(v.begin(), v.end()), v.end());
        }
    }
    uint128 pick(Rng& g, Field f, uint128 max) {
        const auto& v = per_field[static_cast<std::size_t>(f)];
        if (!v.empty() && g.chance(85)) return std::min(g.pick(v), max);
        return g.in({0, max});
    }
    Packet packet(Rng& g, int family) {
        Packet p;
        p.family = family;
        const std::uint8_t common[] = {6, 6, 17, 1, 58, 47};
        p.protocol =
            g.chance(50) ? common[g.below(6)] : static_cast<std::uint8_t>(pick(g, Field::protocol, 255));
        if (family == 6 && p.protocol == 1) p.protocol = 58;
        const uint128 amax = family == 4 ? uint128{0xffffffffu} : ~uint128{0};
        p.src = pick(g, Field::src_addr, amax);
        p.dst = pick(g, Field::dst_addr, amax);
        p.src_port = static_cast<std::uint16_t>(pick(g, Field::src_port, 65535));
        p.dst_port = static_cast<std::uint16_t>(pick(g, Field::dst_port, 65535));
        p.icmp_type = static_cast<std::uint8_t>(pick(g, Field::icmp_type, 255));
        p.icmp_code = static_cast<std::uint8_t>(pick(g, Field::icmp_code, 255));
        p.tcp_flags = static_cast<std::uint8_t>(pick(g, Field::tcp_flags, 255));
        p.state = static_cast<ConnState>(static_cast<int>(pick(g, Field::state, conn_state_count - 1)));
        for (Field f : {Field::in_iface, Field::out_iface}) {
            uint128 v = g.chance(15) ? 0 : pick(g, f, interface_value("zzzz"));
            (f == Field::in_iface ? p.in_interface : p.out_interface) = interface_name(v);
        }
        return p;
    }
};

// `rulesets` random rulesets from `make`, each compiled for a random hook, against explain() on
// `packets` random packets each.
void compare_random(Rng& g, int rulesets, int packets, Ruleset (*make)(Rng&), Tally& t) {
    for (int n = 0; n < rulesets; ++n) {
        Ruleset rs = make(g);
        Hook hook = static_cast<Hook>(g.below(3));
        dd::Space space;
        eval::CompiledHook ch(space, rs, hook);
        dd::Ref resolved = ch.resolve();
        INFO("ruleset #" << n);
        for (int i = 0; i < packets; ++i)
            if (!compare(hook, ch, resolved, random_packet(g), t,
                         [&](const Packet& q) { return explain(rs, hook, q); }))
                break;
    }
}

}  // namespace

TEST_CASE("compiled hooks agree with explain on random rulesets") {
    Rng g(20261122);
    Tally t;
    const int rulesets = 400;
    compare_random(g, rulesets, 80, random_ruleset, t);
    MESSAGE("checked " << t.checked << " packets on " << rulesets << " rulesets: accept " << t.verdicts[0]
                       << ", drop " << t.verdicts[1] << ", reject " << t.verdicts[2] << ", unknown "
                       << t.verdicts[3] << " (same rule named: " << t.unknown_same_rule << ")");
    for (int v = 0; v < 4; ++v) CHECK(t.verdicts[static_cast<std::size_t>(v)] > 100);
    CHECK(t.checked > 25000);
}

TEST_CASE("compiled hooks agree with explain on the raw table's view of connection state") {
    // Raw runs before conntrack: its state tests see INVALID, or UNTRACKED after a NOTRACK
    // (traversal.hpp, raw_view_state); later tables see the packet's state, UNTRACKED once
    // NOTRACKed.
    Builder b;
    b.rs.family = 4;
    b.chain("raw", "PREROUTING", Action::accept);
    b.add("raw", "PREROUTING", {cond(Field::state, 0, 0)}, to(Action::drop, "DROP"));  // never in raw
    b.add("raw", "PREROUTING", {cond(Field::dst_port, 53, 53)}, to(Action::notrack, "NOTRACK"));
    b.add("raw", "PREROUTING",
          {cond(Field::state, 4, 4), cond(Field::dst_port, 53, 53), cond(Field::protocol, 6, 6)},
          to(Action::reject, "REJECT"));  // after NOTRACK
    b.add("raw", "PREROUTING", {cond(Field::state, 3, 3), cond(Field::dst_port, 25, 25)},
          to(Action::drop, "DROP"));
    b.chain("filter", "FORWARD", Action::drop);
    b.add("filter", "FORWARD", {cond(Field::state, 4, 4)}, to(Action::accept, "ACCEPT"));
    b.add("filter", "FORWARD", {cond(Field::state, 0, 0)}, to(Action::accept, "ACCEPT"));
    b.rs.link();
    dd::Space space;
    eval::CompiledHook ch(space, b.rs, Hook::forward);
    dd::Ref r = ch.resolve();
    auto verdict = [&](std::uint8_t proto, std::uint16_t port, ConnState st) {
        Packet p;
        p.protocol = proto;
        p.dst = ip("10.0.0.1");
        p.dst_port = port;
        p.state = st;
        p.in_interface = "eth0";
        p.out_interface = "eth1";
        CHECK(explain(b.rs, Hook::forward, p).verdict == ch.at(r, p).verdict);
        return ch.at(r, p).verdict;
    };
    CHECK(verdict(6, 80, ConnState::new_) == Verdict::accept);          // raw's NEW rule never fires
    CHECK(verdict(6, 80, ConnState::established) == Verdict::drop);     // filter's policy
    CHECK(verdict(17, 53, ConnState::established) == Verdict::accept);  // NOTRACKed: untracked in filter
    CHECK(verdict(6, 53, ConnState::new_) == Verdict::reject);          // raw sees UNTRACKED after NOTRACK
    CHECK(verdict(6, 25, ConnState::established) == Verdict::drop);     // raw sees INVALID
    CHECK(ch.at(r,
                [] {
                    Packet p;
                    p.protocol = 6;
                    p.dst_port = 25;
                    p.in_interface = "eth0";
                    p.out_interface = "eth1";
                    return p;
                }())
              .by.step == 0);

    Rng g(20261205);
    Tally t;
    compare_random(g, 300, 60, random_raw_ruleset, t);
    MESSAGE("raw rulesets: checked " << t.checked << " packets: accept " << t.verdicts[0] << ", drop "
                                     << t.verdicts[1] << ", reject " << t.verdicts[2] << ", unknown "
                                     << t.verdicts[3]);
    for (int v = 0; v < 4; ++v) CHECK(t.verdicts[static_cast<std::size_t>(v)] > 100);
    CHECK(t.checked > 15000);
}

TEST_CASE("compiled hooks: shared variables for packet properties only refine explain") {
    // The same "mark" test at two rules is one variable: where explain() (which follows each
    // rule both ways on its own) decides, the compiled verdict is the same; where it does not,
    // the compiled one may be decided.
    Builder b;
    b.rs.family = 4;
    b.chain("filter", "FORWARD", Action::drop);
    b.add("filter", "FORWARD",
          {cond(Field::dst_port, 22, 22), undecided("mark", "--mark 0x1 is not modelled")},
          to(Action::accept, "ACCEPT"));
    b.add("filter", "FORWARD",
          {cond(Field::dst_port, 22, 22), undecided("mark", "--mark 0x1 is not modelled")},
          to(Action::drop, "DROP"));
    b.add("filter", "FORWARD", {cond(Field::dst_port, 22, 22)}, to(Action::accept, "ACCEPT"));
    b.rs.link();
    Packet p;
    p.dst = ip("10.0.0.1");
    p.dst_port = 22;
    p.in_interface = "eth0";
    p.out_interface = "eth1";
    CHECK(explain(b.rs, Hook::forward, p).verdict == Verdict::unknown);
    dd::Space s1, s2;
    eval::CompiledHook apart(s1, b.rs, Hook::forward);
    CHECK(apart.variables().size() == 2);
    CHECK(apart.at(apart.resolve(), p).verdict == Verdict::unknown);
    eval::CompiledHook shared(s2, b.rs, Hook::forward, {true});
    CHECK(shared.variables().size() == 1);
    dd::Ref r = shared.resolve();
    // mark holds: accepted by rule 1; it does not: accepted by rule 3.
    CHECK(shared.at(r, p).verdict == Verdict::accept);
    CHECK(shared.at(r, p).by.rule == 2);  // the walk where nothing undecided holds
    // An assumption fixes the variable.
    std::pair<std::uint32_t, bool> yes{shared.variables()[0].level, true};
    const eval::Final& f = shared.at(shared.resolve({&yes, 1}), p);
    CHECK(f.verdict == Verdict::accept);
    CHECK(f.by.rule == 0);

    Rng g(77);
    Tally t;
    int refined = 0;
    for (int n = 0; n < 150; ++n) {
        Ruleset rs = random_ruleset(g);
        Hook hook = static_cast<Hook>(g.below(3));
        dd::Space space;
        eval::CompiledHook ch(space, rs, hook, {true});
        dd::Ref resolved = ch.resolve();
        for (int i = 0; i < 60; ++i) {
            Packet q = random_packet(g);
            Decision d = explain(rs, hook, q);
            const eval::Final& f = ch.at(resolved, q);
            if (d.verdict != Verdict::unknown) {
                INFO("ruleset #" << n << ", packet " << describe(q));
                CHECK(f.verdict == d.verdict);
                ++t.checked;
            } else if (f.verdict != Verdict::unknown) {
                ++refined;
            }
        }
    }
    CHECK(t.checked > 5000);
    MESSAGE("shared variables: " << refined << " packets decided that explain() leaves unknown");
}

// Random packets per corpus file and hook: 2,000, or RULEGAP_CORPUS_PACKETS for a longer run
// (docs/packet-set.md gives the figures of a 100,000-packet run).
int corpus_packets_per_hook() {
    const char* v = std::getenv("RULEGAP_CORPUS_PACKETS");
    const int n = v ? std::atoi(v) : 0;
    return n > 0 ? n : 2000;
}

TEST_CASE("compiled hooks agree with explain on the iptables corpus") {
    std::vector<CorpusFile> files = iptables_corpus();
    const int per_hook = corpus_packets_per_hook();
    Rng g(97);
    Tally t;
    double compile_s = 0;
    int partition_checked = 0;
    for (const CorpusFile& file : files) {
        Ruleset rs = load_iptables(file.path.string());
        Values values(rs);
        for (Hook hook : {Hook::input, Hook::forward, Hook::output}) {
            dd::Space space;
            auto t0 = std::chrono::steady_clock::now();
            eval::CompiledHook ch(space, rs, hook);
            dd::Ref resolved = ch.resolve();
            compile_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            Explainer ex(rs, hook);
            INFO(file.name);
            int family = rs.family == 6 ? 6 : 4;
            for (int i = 0; i < per_hook; ++i)
                if (!compare(hook, ch, resolved, values.packet(g, family), t,
                             [&](const Packet& q) { return ex.explain(q); }))
                    break;
        }
        // evaluate() itself, FORWARD over every packet: a partition (sizes add up to the whole),
        // and the part holding a packet has explain()'s verdict.
        const PacketSet all = PacketSet::all();
        std::vector<Outcome> parts = evaluate(rs, Hook::forward, all);
        BigCount total;
        PacketSet joined;
        for (const Outcome& o : parts) {
            total = total + o.packets.size();
            joined |= o.packets;
        }
        CHECK(total == all.size());
        CHECK(joined == all);
        Explainer ex(rs, Hook::forward);
        for (int i = 0; i < 40; ++i) {
            Packet q = values.packet(g, rs.family == 6 ? 6 : 4);
            auto o = std::find_if(parts.begin(), parts.end(),
                                  [&](const Outcome& x) { return x.packets.contains(q); });
            REQUIRE(o != parts.end());
            Decision d = ex.explain(q);
            if (d.reason.find("too many") != std::string::npos) continue;
            CHECK(o->verdict == d.verdict);
            ++partition_checked;
        }
    }
    if (!files.empty()) {
        MESSAGE("corpus: " << files.size() << " files x 3 hooks compiled in " << compile_s << " s; checked "
                           << t.checked << " packets: accept " << t.verdicts[0] << ", drop " << t.verdicts[1]
                           << ", reject " << t.verdicts[2] << ", unknown " << t.verdicts[3]
                           << " (same rule named: " << t.unknown_same_rule
                           << "); explain() past its limits: " << t.skipped_limits
                           << "; evaluate() parts checked on " << partition_checked << " packets");
        CHECK(t.checked > per_hook * 250);  // of 97 x 3 x per_hook
        CHECK(partition_checked > 3000);
    }
}
